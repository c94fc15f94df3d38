"""The process that runs a learner's code: ``python -m stario.playground.child --ctl FD ...``.

It imports Stario and uvicorn first (so a spare waiting here is warm), binds a loopback socket, says
``{"kind": "waiting"}``, then reads one JSON line from stdin: ``{"code": ..., "filename": ...}``.
It compiles the code, runs it as a module, finds ``app`` and serves it with uvicorn on the socket.

Everything it tells the playground goes, as JSON lines with a ``kind``, to the control fd (never to
stdout or stderr, which belong to the learner's ``print`` and logging):

- ``waiting``: warm and ready for code (``port`` is already bound)
- ``ready``: serving on ``port``
- ``syntax`` / ``crash`` / ``memory`` / ``no-app``: it failed (``error``, ``line``, ``traceback``), then exits
- ``span``: one ended span, ``span`` being ``Span.to_dict()``

When its stdin closes (the playground went away) it exits at once.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import threading
from types import TracebackType


def _limits(memory_mb: int, cpu_seconds: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):  # pragma: no cover - the platform refuses
            pass
    if cpu_seconds > 0:
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        except (ValueError, OSError):  # pragma: no cover
            pass


_args = argparse.ArgumentParser(prog="python -m stario.playground.child")
_args.add_argument("--ctl", type=int, required=True, help="the fd to write control messages to")
_args.add_argument("--memory-mb", type=int, default=512)
_args.add_argument("--cpu-seconds", type=int, default=30)

# The warm part: what every run needs, imported before any code arrives.
import asyncio  # noqa: E402
import linecache  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import traceback  # noqa: E402
import types  # noqa: E402

import uvicorn  # noqa: E402
import uvicorn.config  # noqa: E402
import uvicorn.lifespan.on  # noqa: E402
import uvicorn.server  # noqa: E402

try:  # the fast paths uvicorn picks with loop="auto", http="auto"
    import uvicorn.loops.auto  # noqa: F401, E402
    import uvicorn.protocols.http.auto  # noqa: F401, E402
    import uvloop  # noqa: F401, E402
except ImportError:  # pragma: no cover
    pass

import stario  # noqa: E402, F401
import stario.datastar  # noqa: E402, F401
import stario.html  # noqa: E402, F401
import stario.tracers  # noqa: E402, F401
from stario.app import Stario  # noqa: E402
from stario.telemetry import NoopTracer, Span  # noqa: E402
from stario.tracers import MultiTracer  # noqa: E402


class Control:
    """JSON lines to the playground, one ``os.write`` each (atomic for lines up to PIPE_BUF)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.lock = threading.Lock()

    def send(self, kind: str, **fields: object) -> None:
        data = (json.dumps({"kind": kind, **fields}, default=repr) + "\n").encode()
        with self.lock:
            view = memoryview(data)
            while view:
                try:
                    n = os.write(self.fd, view)
                except BrokenPipeError:  # the playground is gone
                    os._exit(0)
                view = view[n:]


class PipeTracer:
    """Sends every ended span to the playground."""

    def __init__(self, control: Control) -> None:
        self.control = control

    def on_start(self, span: Span) -> None:
        pass

    def on_end(self, span: Span) -> None:
        try:
            self.control.send("span", span=span.to_dict())
        except Exception:  # a span that cannot be sent must not break the request
            pass


def _learner_line(tb: TracebackType | None, filename: str) -> int | None:
    """The line of the deepest frame in the learner's file (without allocating much)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _learner_traceback(exc: BaseException, filename: str) -> str:
    """The traceback from the learner's first frame on (this file's frames left out)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb if tb is not None else exc.__traceback__))


def _watch_parent(fd: int) -> None:
    """Exit when the playground closes our stdin (it died, or it is done with us)."""
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
    os._exit(0)


class _StartupErrors(logging.Handler):
    """Keeps the exception of a failed bootstrap, which the app logs, to report its line."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.exc: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None and self.exc is None:
            self.exc = record.exc_info[1]


def main(argv: list[str] | None = None) -> None:
    args = _args.parse_args(argv)
    control = Control(args.ctl)
    reserve = bytearray(4 * 1024 * 1024)  # freed on MemoryError so reporting it has room

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    control.send("waiting", port=port, pid=os.getpid())

    # One line of JSON: the code. Reading stdin by hand keeps what follows unread by buffers.
    stdin_fd = sys.stdin.fileno()
    raw = bytearray()
    while not raw.endswith(b"\n"):
        chunk = os.read(stdin_fd, 65536)
        if not chunk:
            os._exit(0)  # the playground closed us before giving code: a spare no longer needed
        raw += chunk
    message = json.loads(raw)
    code: str = message["code"]
    filename: str = message.get("filename") or "app.py"

    # From here stdin stays open only to tell us when the playground goes away; the learner gets /dev/null.
    watch_fd = os.dup(stdin_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, stdin_fd)
    os.close(null)
    threading.Thread(target=_watch_parent, args=(watch_fd,), daemon=True, name="watch-parent").start()

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")

    try:
        compiled = compile(code, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        control.send(
            "syntax",
            error=f"{type(exc).__name__}: {exc.msg}",
            line=exc.lineno,
            offset=exc.offset,
            traceback="".join(traceback.format_exception_only(type(exc), exc)),
        )
        os._exit(1)
    except (ValueError, MemoryError) as exc:  # null bytes, or absurdly large code
        control.send("syntax", error=f"{type(exc).__name__}: {exc}", line=None)
        os._exit(1)

    # The source, for tracebacks that show the line.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    name = os.path.splitext(os.path.basename(filename))[0] or "app"
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    try:
        exec(compiled, module.__dict__)
    except MemoryError as exc:
        line = _learner_line(exc.__traceback__, filename)
        exc.__traceback__ = None
        del exc
        del reserve
        module.__dict__.clear()
        gc.collect()
        control.send("memory", error="MemoryError: the code used more memory than allowed", line=line)
        os._exit(1)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the app never started
        control.send(
            "crash",
            error=f"{type(exc).__name__}: {exc}",
            line=_learner_line(exc.__traceback__, filename),
            traceback=_learner_traceback(exc, filename),
        )
        os._exit(1)

    app = module.__dict__.get("app")
    if app is None or not callable(app):
        found = "nothing" if app is None else type(app).__name__
        control.send("no-app", error=f"the code defines no 'app' to serve (found {found}); end with app = Stario(...)", line=None)
        os._exit(1)

    if isinstance(app, Stario):
        own = app.tracer
        pipe = PipeTracer(control)
        app.tracer = pipe if type(own) is NoopTracer else MultiTracer([own, pipe])

    startup_errors = _StartupErrors()
    logging.getLogger("stario").addHandler(startup_errors)

    class Server(uvicorn.server.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            try:
                await super().startup(sockets=sockets)
            except SystemExit:  # uvicorn's way to say the lifespan start-up failed
                self.should_exit = True
            logging.getLogger("stario").removeHandler(startup_errors)
            if self.should_exit or not self.started:
                exc = startup_errors.exc
                if exc is None:
                    control.send("crash", error="the app failed to start", line=None)
                else:
                    control.send(
                        "crash",
                        error=f"{type(exc).__name__}: {exc}",
                        line=_learner_line(exc.__traceback__, filename),
                        traceback=_learner_traceback(exc, filename),
                    )
                os._exit(1)
            control.send("ready", port=port)

    config = uvicorn.config.Config(
        app,
        lifespan="auto" if not isinstance(app, Stario) else "on",
        log_level="warning",
        access_log=False,
        log_config=None,
    )
    server = Server(config)
    try:
        server.run(sockets=[sock])
    except BaseException as exc:  # pragma: no cover - uvicorn itself failed
        control.send("crash", error=f"{type(exc).__name__}: {exc}", line=None)
        os._exit(1)
    os._exit(0)


if __name__ == "__main__":
    _known = _args.parse_known_args()[0]
    _limits(_known.memory_mb, _known.cpu_seconds)
    main()
