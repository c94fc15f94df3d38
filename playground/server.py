"""Starting the playground: two loopback servers in one process, and the URL to open.

- the playground itself (the course, the editor, the inspector) on ``port`` (8800 unless taken);
- the preview of the learner's app on ``preview_port`` (the next one unless taken), forwarding to
  the child process that runs their code, so the app's own absolute URLs work unchanged.

Both are behind `stario.playground.security.Guard` with the same token, which is kept in the data
folder: the printed URL, and an open tab, keep working after a restart (``--new-token`` changes it).
Ctrl+C stops both within a couple of seconds, open streams and all, and kills every child.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import socket
import sys
import webbrowser
from collections.abc import Iterator

import uvicorn

from stario.tracers import tracer_from_env

from .activity import Activity
from .app import Playground, build_app
from .proxy import PreviewProxy, quiet_broken_off
from .runner import Runner
from .security import Guard, cookie_name, load_token
from .store import Store, data_dir

__all__ = ["serve", "free_port", "pick_port", "DEFAULT_PORT"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORT = 8800


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to us: two servers share one Ctrl+C."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # type: ignore[override]
        """Leave SIGINT and SIGTERM to `serve`, which stops both servers."""
        yield


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def pick_port(host: str, wanted: int, *, avoid: int | None = None) -> int:
    """``wanted`` if it is free on ``host`` (and not ``avoid``), else a free one."""
    if wanted and wanted != avoid:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family) as sock:
            # As the server will: a port whose old connections linger in TIME_WAIT is still free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, wanted))
                return wanted
            except OSError as exc:
                if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                    raise
    return free_port(host)


async def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    preview_port: int = 0,
    open_browser: bool = True,
    allow_remote: bool = False,
    new_token: bool = False,
) -> None:
    """Run the playground until interrupted."""
    if host not in LOOPBACK and not allow_remote:
        raise SystemExit(
            f"stario playground: refusing to listen on {host}: it runs code. Pass --allow-remote to do it anyway."
        )
    if host not in LOOPBACK:
        print(
            "\n*** WARNING: the playground runs any code it is given, and you asked it to listen on "
            f"{host}.\n*** Anyone who can reach it and has the token can run programs as you.\n",
            file=sys.stderr,
        )
    asked_port = port
    port = pick_port(host, port or DEFAULT_PORT)
    if asked_port and port != asked_port:
        raise SystemExit(f"stario playground: port {asked_port} is taken; pick another with --port, or leave it out")
    preview_port = pick_port(host, preview_port or port + 1, avoid=port)
    folder = data_dir()
    token = load_token(folder, fresh=new_token)
    store = Store()
    activity = Activity()
    # The learner's code runs in a scratch folder of the playground's own, so a SQLite file or a
    # trace an app writes lands there, not in whatever folder the playground was started from.
    scratch = folder / "runs"
    scratch.mkdir(parents=True, exist_ok=True)
    runner = Runner(report=activity.record, cwd=str(scratch))
    proxy = PreviewProxy(runner, report=activity.record)
    # "Add a visitor": the preview once more, on a port of its own, whose cookies the proxy keeps.
    visitor_port = pick_port(host, preview_port + 1, avoid=port)
    visitor = PreviewProxy(runner, report=activity.record, faults=proxy.faults, visitor=2)
    playground = Playground(store, runner, activity, preview_port, token, faults=proxy.faults, visitor_port=visitor_port)
    app = build_app(playground)
    # The playground's own spans: none by default (the terminal keeps the URL in view), or what
    # STARIO_TRACER asks for.
    app.tracer = tracer_from_env(os.environ.get("STARIO_TRACER", "noop"))
    cookie = cookie_name(port)
    main = Guard(app, token, cookie=cookie, allow_any_host=allow_remote)
    preview = Guard(proxy, token, cookie=cookie, allow_any_host=allow_remote, framed_by=port)
    second = Guard(visitor, token, cookie=cookie, allow_any_host=allow_remote, framed_by=port)
    config = dict(host=host, log_level="warning", timeout_graceful_shutdown=1)
    servers = [
        _Server(uvicorn.Config(main, port=port, lifespan="on", **config)),
        _Server(uvicorn.Config(preview, port=preview_port, lifespan="off", **config)),
        _Server(uvicorn.Config(second, port=visitor_port, lifespan="off", **config)),
    ]
    logging.getLogger("uvicorn.error").addFilter(quiet_broken_off)  # a cut stream is on purpose: no traceback

    def stop_all() -> None:
        for server in servers:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_all)
    shown = "127.0.0.1" if host in ("127.0.0.1", "0.0.0.0") else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/?token={token}"
    await runner.start()
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    try:
        while not all(server.started for server in servers):
            if any(task.done() for task in tasks):  # a server could not start (port taken?)
                break
            await asyncio.sleep(0.02)
        else:
            # The URL goes out once both servers listen, on a line of its own.
            print("Stario playground: open this URL (it carries your token):", flush=True)
            print(url, flush=True)
            if open_browser:
                loop.call_soon(webbrowser.open, url)
        await asyncio.gather(*tasks)
    finally:
        stop_all()
        await runner.stop()
        store.close()
