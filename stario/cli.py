"""The ``stario`` command line (also ``python -m stario``).

``stario serve module:app`` runs an app under uvicorn, on 127.0.0.1:8000 by default; with
``--reload`` it restarts when a Python file changes (for development). Run in a terminal, it
shows the requests there, live, in place of uvicorn's access log (``STARIO_TRACER=tty``, unless
``STARIO_TRACER`` says otherwise); uvicorn's other lines print above the requests still open.

``stario toys list`` and ``stario toys add NAME [DEST]`` copy small apps into a project.

``stario playground`` opens the course with a live editor (loopback only, token in the URL). Its
own spans stay off, so its terminal keeps the URL in view (``STARIO_TRACER`` turns them on).

``stario spans [FILE]`` reads a SQLite trace file (``STARIO_TRACER=sqlite:FILE``): recent traces,
filtered by status, path or duration, or one trace as a tree (``--trace ID``).
"""

from __future__ import annotations

import argparse
import copy
import importlib
import os
import sys
from collections.abc import MutableMapping, Sequence
from typing import IO, Any

__all__ = ["main", "load_app", "build_parser", "choose_terminal_view"]


def load_app(target: str):
    """Import ``module:attribute`` and return the attribute, with clear errors for a bad target."""
    module_name, colon, attribute = target.partition(":")
    if not colon or not module_name or not attribute:
        raise SystemExit(f"stario: expected MODULE:APP, such as main:app, got {target!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise SystemExit(f"stario: cannot find module {module_name!r} (run from the folder that holds it)") from None
        raise
    try:
        app = module
        for part in attribute.split("."):
            app = getattr(app, part)
    except AttributeError:
        raise SystemExit(f"stario: module {module_name!r} has no attribute {attribute!r}") from None
    return app


def choose_terminal_view(environ: MutableMapping[str, str] | None = None, stderr: IO[str] | None = None) -> bool:
    """Pick the live terminal view for ``stario serve`` run in a terminal; True if spans will show there.

    When ``stderr`` (default `sys.stderr`) is a terminal and ``STARIO_TRACER`` is unset in
    ``environ`` (default `os.environ`), this sets ``STARIO_TRACER=tty`` there. The app reads it
    when it is built, in this process or in the one ``--reload`` starts, which inherits the
    environment. A ``STARIO_TRACER`` the user set is left as it is. Apps built anywhere else (a
    REPL, a test, plain uvicorn) never get the terminal view unless they ask for it.
    """
    environ = os.environ if environ is None else environ
    stderr = sys.stderr if stderr is None else stderr
    if "STARIO_TRACER" not in environ and stderr is not None and stderr.isatty():
        environ["STARIO_TRACER"] = "tty"
    return "tty" in (item.strip().partition(":")[0].lower() for item in environ.get("STARIO_TRACER", "").split(","))


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        raise SystemExit("stario serve: --workers is at least 1")
    if args.workers > 1 and args.reload:
        raise SystemExit("stario serve: --reload serves one process; leave out --workers (or --reload)")
    # The terminal view draws one process's requests: with several workers, spans go where
    # STARIO_TRACER says (sqlite:FILE collects every worker's in one file).
    view = choose_terminal_view() if args.workers == 1 else False  # before the app is imported
    load_app(args.app)  # fail here, with a clear message, rather than inside uvicorn
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"stario: serving on {args.host}: reachable from other machines", file=sys.stderr)
    log_options: dict[str, Any] = {}
    if view:
        # The view shows every request, so uvicorn's access log would only say each one again;
        # uvicorn's other lines go through the view, above the open requests, not through them.
        log_options = {"access_log": False, "log_config": _log_config_for_the_view()}
    uvicorn.run(
        args.app,
        host=args.host,
        port=args.port,
        reload=args.reload,
        workers=args.workers if args.workers > 1 else None,
        log_level=args.log_level,
        # Open SSE streams would otherwise hold a shutdown (Ctrl+C) forever.
        timeout_graceful_shutdown=args.graceful_timeout,
        app_dir=os.getcwd(),
        **log_options,
    )
    return 0


def _log_config_for_the_view() -> dict[str, Any]:
    """uvicorn's own logging set-up, its handlers printing through the terminal view."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    for handler in config["handlers"].values():
        handler["class"] = "stario.tracers.terminal.TerminalLogHandler"
        handler.pop("stream", None)
    for formatter in config["formatters"].values():
        formatter["use_colors"] = True  # the view's console keeps them only where the terminal shows them
    return config


def _spans_web(args: argparse.Namespace) -> int:
    import uvicorn

    from stario.tracefile_web import trace_file_app

    try:
        app = trace_file_app(args.file)
    except FileNotFoundError as exc:
        print(f"stario spans: {exc}", file=sys.stderr)
        return 1
    print(f"stario spans: {args.file} at http://127.0.0.1:{args.port}/ (Ctrl+C to stop)", file=sys.stderr, flush=True)
    # Loopback only: a trace holds paths, parameters and tracebacks.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="on")
    return 0


def _spans(args: argparse.Namespace) -> int:
    from stario.tracefile import TraceFile, list_view, show, trace_view

    if args.web:
        return _spans_web(args)
    try:
        trace_file = TraceFile(args.file)
        if args.trace:
            view = trace_view(trace_file.trace(args.trace))
        else:
            view = list_view(trace_file.roots(limit=args.limit, status=args.status, path=args.path, min_ms=args.min_ms))
    except (FileNotFoundError, LookupError, ValueError) as exc:
        print(f"stario spans: {exc}", file=sys.stderr)
        return 1
    show(view)
    return 0


def _playground(args: argparse.Namespace) -> int:
    import asyncio

    from stario.playground.server import serve

    try:
        asyncio.run(
            serve(
                host=args.host,
                port=args.port,
                preview_port=args.preview_port,
                open_browser=not args.no_browser,
                allow_remote=args.allow_remote,
                new_token=args.new_token,
            )
        )
    except KeyboardInterrupt:
        pass
    return 0


def _toys_list(args: argparse.Namespace) -> int:
    from stario.toy_catalog import list_toys

    toys = list_toys()
    width = max((len(toy.name) for toy in toys), default=0)
    for toy in toys:
        print(f"{toy.name:<{width}}  {toy.description}")
    return 0


def _toys_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stario.toy_catalog import ToyError, add_toy

    try:
        target = add_toy(args.name, Path(args.dest) if args.dest else None, force=args.force)
    except ToyError as exc:
        print(f"stario toys add: {exc}", file=sys.stderr)
        return 1
    module = target.resolve().name
    print(f"copied the {args.name} toy to {target}")
    print(f"serve it from {target.resolve().parent} with: stario serve {module}.app:app")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``stario``."""
    parser = argparse.ArgumentParser(prog="stario", description="Stario: a hypermedia-first Python web framework.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve an app with uvicorn", description="Serve MODULE:APP with uvicorn.")
    serve.add_argument("app", metavar="MODULE:APP", help="where the app is, such as main:app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--reload", action="store_true", help="restart when Python files change (development)")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument(
        "--workers", type=int, default=1,
        help="processes to serve with (one per core); set STARIO_RELAY so a Relay reaches all of them",
    )  # fmt: skip
    serve.add_argument("--graceful-timeout", type=float, default=2.0, help="seconds to let open requests finish on shutdown")
    serve.set_defaults(run=_serve)
    spans = commands.add_parser(
        "spans", help="show the traces in a SQLite trace file", description="List recent traces, or show one as a tree."
    )
    spans.add_argument("file", nargs="?", default="traces.db", help="the trace file (default traces.db)")
    spans.add_argument("--trace", metavar="ID", help="show this trace as a tree: its short id from the list (the last 8 digits), or its whole id")
    spans.add_argument("--status", help="only these: a code (500), a class (5xx), error or ok")
    spans.add_argument("--path", help="only requests whose path starts with this")
    spans.add_argument("--min-ms", type=float, help="only traces that took at least this long")
    spans.add_argument("--limit", type=int, default=20, help="how many traces to list (default 20)")
    spans.add_argument("--web", action="store_true", help="serve a page over the file on 127.0.0.1: failures and slowest first, waterfalls")
    spans.add_argument("--port", type=int, default=8002, help="the port for --web (default 8002)")
    spans.set_defaults(run=_spans)
    playground = commands.add_parser(
        "playground", help="open the playground: the course, your code, a live preview", description="Run the playground."
    )
    playground.add_argument("--port", type=int, default=0, help="port for the playground (default 8800, or a free one when taken)")
    playground.add_argument("--preview-port", type=int, default=0, help="port for the preview (default: the next one, or a free one)")
    playground.add_argument("--new-token", action="store_true", help="make a new token (the old URL and cookies stop working)")
    playground.add_argument("--no-browser", action="store_true", help="print the URL, do not open a browser")
    playground.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    playground.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host (it runs code!)")
    playground.set_defaults(run=_playground)
    toys = commands.add_parser("toys", help="list the toys, or copy one into your project", description="Small apps to copy.")
    toy_commands = toys.add_subparsers(dest="toys_command", metavar="ACTION")
    toy_list = toy_commands.add_parser("list", help="the toys, with a line each")
    toy_list.set_defaults(run=_toys_list)
    toy_add = toy_commands.add_parser("add", help="copy a toy: stario toys add NAME [DEST]")
    toy_add.add_argument("name", help="the toy's name (see stario toys list)")
    toy_add.add_argument("dest", nargs="?", help="where to copy it (default ./NAME)")
    toy_add.add_argument("--force", action="store_true", help="overwrite an existing folder")
    toy_add.set_defaults(run=_toys_add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
