"""The process that runs a learner's code: ``python -m stario.playground.child --ctl FD --socket PATH``.

It imports Stario and uvicorn first (so a spare waiting here is warm), binds its Unix socket (a
file only this user can reach: a browser, or anyone else, cannot), says ``waiting``, then reads
one JSON line from stdin, the job:

- ``{"mode": "serve", "code": ..., "filename": "app.py", "path": "/lessons/NN-slug/app.py"}``:
  run the code as a module (its ``__file__`` is ``path``, so files next to the lesson's or toy's
  ``app.py``, such as a stylesheet, are found), find ``app`` and serve it with uvicorn on the
  socket until killed;
- ``{"mode": "check", "code": ..., "lesson": "/path/to/lessons/NN-slug"}``: run the lesson's
  checks against the code (`stario.lessons.run_checks`), report, exit.

Everything it tells the playground goes, as JSON lines with a ``kind``, to the control fd (never
to stdout or stderr, which belong to the learner's ``print`` and logging):

- ``waiting``: warm and ready for a job;
- ``ready``: serving;
- ``syntax`` / ``crash`` / ``memory`` / ``no-app`` / ``timeout``: it failed (``error``, ``line``,
  ``traceback``) and exits;
- ``span``: one ended span (``Span.to_dict()``);
- ``error``: the app raised while serving a request (``error``, ``line``, ``traceback``, ``request``);
- ``stuck`` / ``unstuck``: a handler has held the event loop for a while (``line``, ``seconds``), or let go;
- ``checks``: the check results (``results``, ``errors``).

The watchdog thread reports where the learner's code is when it blocks: an import that does not
finish, a handler that never awaits, a check that hangs. When stdin closes (the playground went
away) the child kills whatever the learner's code started and exits.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import sys
import threading
import time
from types import FrameType, TracebackType


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
_args.add_argument("--socket", required=True, help="the Unix socket path to serve on")
_args.add_argument("--memory-mb", type=int, default=512)
_args.add_argument("--cpu-seconds", type=int, default=600)
_args.add_argument("--import-seconds", type=float, default=5.0, help="how long the code may take to import")
_args.add_argument("--stuck-seconds", type=float, default=10.0, help="how long a handler may hold the loop")
_args.add_argument("--check-seconds", type=float, default=10.0, help="how long all the checks may take")

# The warm part: what every run needs, imported before any code arrives.
import asyncio  # noqa: E402
import linecache  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import traceback  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

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
import stario.lessons  # noqa: E402
import stario.testing  # noqa: E402, F401
import stario.tracers  # noqa: E402, F401
from stario.app import Stario  # noqa: E402
from stario.playground.processes import become_subreaper, kill_tree  # noqa: E402
from stario.telemetry import NoopTracer, Span  # noqa: E402
from stario.tracers import MultiTracer  # noqa: E402


class Control:
    """JSON lines to the playground, one ``os.write`` each (atomic for lines up to PIPE_BUF)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.lock = threading.Lock()

    def send(self, kind: str, **fields: object) -> None:
        """Tell the playground one thing (a JSON line with this ``kind``)."""
        data = (json.dumps({"kind": kind, **fields}, default=repr) + "\n").encode()
        with self.lock:
            view = memoryview(data)
            while view:
                try:
                    n = os.write(self.fd, view)
                except BrokenPipeError:  # the playground is gone
                    _leave(0)
                view = view[n:]


def _leave(code: int) -> None:
    """Exit now, taking every process the learner's code started along."""
    kill_tree(os.getpid(), include_root=False)
    os._exit(code)


class PipeTracer:
    """Sends every ended span to the playground."""

    def __init__(self, control: Control) -> None:
        self.control = control

    def on_start(self, span: Span) -> None:
        """Starts are not sent: a span goes when it has ended."""

    def on_end(self, span: Span) -> None:
        """Send the ended span."""
        try:
            self.control.send("span", span=span.to_dict())
        except Exception:  # a span that cannot be sent must not break the request
            pass


# -- where the learner's code is ------------------------------------------------------------------


def learner_line(tb: TracebackType | None, filename: str) -> int | None:
    """The line of the deepest frame in the learner's file."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def learner_traceback(exc: BaseException, filename: str) -> str:
    """The traceback from the learner's first frame on (the playground's own frames left out)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb if tb is not None else exc.__traceback__))


def frame_line(frame: FrameType | None, filename: str) -> int | None:
    """The line the innermost learner frame of a running stack is on."""
    while frame is not None:
        if frame.f_code.co_filename == filename:
            return frame.f_lineno
        frame = frame.f_back
    return None


def frame_stack(frame: FrameType | None, filename: str) -> str:
    """A running stack as text, from the learner's outermost frame inwards."""
    summary = traceback.extract_stack(frame)
    first = next((i for i, entry in enumerate(summary) if entry.filename == filename), 0)
    return "".join(traceback.format_list(summary[first:]))


class Watchdog(threading.Thread):
    """Watches the main thread: a deadline for what it does now, and the event loop's heartbeat.

    `expect(seconds, what)` arms a deadline (an import, the checks): past it the child reports a
    ``timeout`` at the learner's line and exits. `watch_loop(loop)` starts a heartbeat on the
    serving loop: a loop silent for a second and a half is ``stuck`` (reported once, with the line),
    and past ``stuck_seconds`` the child reports a ``timeout`` and exits.
    """

    def __init__(self, control: Control, filename: str, stuck_seconds: float) -> None:
        super().__init__(name="watchdog", daemon=True)
        self.control = control
        self.filename = filename
        self.stuck_seconds = stuck_seconds
        self.main_id = threading.main_thread().ident
        self.deadline: float | None = None
        self.what = ""
        self.beat: float | None = None
        self.stuck = False

    def expect(self, seconds: float, what: str) -> None:
        """Arm a deadline: past ``seconds`` from now, report ``what`` timed out, and exit."""
        self.what = what
        self.deadline = time.monotonic() + seconds

    def done(self) -> None:
        """Disarm the deadline: the awaited thing finished."""
        self.deadline = None

    def watch_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the serving loop's heartbeat (a callback every 0.2 s notes the time)."""

        def tick() -> None:
            self.beat = time.monotonic()
            loop.call_later(0.2, tick)

        tick()

    def main_frame(self) -> FrameType | None:
        """Where the main thread is now."""
        return sys._current_frames().get(self.main_id)  # type: ignore[arg-type]

    def run(self) -> None:
        """Check the deadline and the heartbeat ten times a second, for the child's whole life."""
        while True:
            time.sleep(0.1)
            now = time.monotonic()
            if self.deadline is not None and now > self.deadline:
                frame = self.main_frame()
                line = frame_line(frame, self.filename)
                where = f" (at line {line})" if line else ""
                self.control.send("timeout", error=f"{self.what}{where}", line=line, traceback=frame_stack(frame, self.filename))
                _leave(1)
            if self.beat is None:
                continue
            silent = now - self.beat
            if silent > 1.5 and not self.stuck:
                self.stuck = True
                frame = self.main_frame()
                self.control.send("stuck", seconds=round(silent, 1), line=frame_line(frame, self.filename),
                                  traceback=frame_stack(frame, self.filename))
            elif silent <= 1.5 and self.stuck:
                self.stuck = False
                self.control.send("unstuck")
            if silent > self.stuck_seconds:
                frame = self.main_frame()
                line = frame_line(frame, self.filename)
                where = f" at line {line}" if line else ""
                self.control.send(
                    "timeout",
                    error=f"a handler held the app for {self.stuck_seconds:g} s without awaiting{where}: the app was stopped",
                    line=line,
                    traceback=frame_stack(frame, self.filename),
                )
                _leave(1)


class ErrorReports(logging.Handler):
    """Stario logs an exception a handler raised; this sends it to the playground, with the line."""

    def __init__(self, control: Control, filename: str) -> None:
        super().__init__(logging.ERROR)
        self.control = control
        self.filename = filename
        self.first: BaseException | None = None  # for a bootstrap that fails
        self.seen: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return
        if self.first is None:
            self.first = exc
        report = {
            "error": f"{type(exc).__name__}: {exc}",
            "line": learner_line(exc.__traceback__, self.filename),
            "traceback": learner_traceback(exc, self.filename),
            "request": record.getMessage().removesuffix(" failed"),
        }
        self.seen.append(report)
        try:
            self.control.send("error", **report)
        except Exception:  # pragma: no cover - never break the app over a report
            pass


def _watch_parent(fd: int) -> None:
    """Exit when the playground closes our stdin (it died, or it is done with us)."""
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
    _leave(0)


def _read_job(stdin_fd: int) -> dict[str, object]:
    # One line of JSON. Reading stdin by hand keeps what follows unread by buffers.
    raw = bytearray()
    while not raw.endswith(b"\n"):
        chunk = os.read(stdin_fd, 65536)
        if not chunk:
            os._exit(0)  # the playground closed us before giving a job: a spare no longer needed
        raw += chunk
    return json.loads(raw)


def _compile(control: Control, code: str, filename: str) -> types.CodeType:
    try:
        return compile(code, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        control.send(
            "syntax",
            error=f"{type(exc).__name__}: {exc.msg}",
            line=exc.lineno,
            offset=exc.offset,
            traceback="".join(traceback.format_exception_only(type(exc), exc)),
        )
        _leave(1)
    except (ValueError, MemoryError) as exc:  # null bytes, or absurdly large code
        control.send("syntax", error=f"{type(exc).__name__}: {exc}", line=None)
        _leave(1)
    raise AssertionError("unreachable")


def _import(control: Control, compiled: types.CodeType, filename: str, reserve: list[bytearray], path: str) -> types.ModuleType:
    name = os.path.splitext(os.path.basename(filename))[0] or "app"
    module = types.ModuleType(name)
    module.__file__ = path  # where the code came from: Path(__file__).parent finds its files
    sys.modules[name] = module
    try:
        exec(compiled, module.__dict__)
    except MemoryError as exc:
        line = learner_line(exc.__traceback__, filename)
        exc.__traceback__ = None
        del exc
        reserve.clear()
        module.__dict__.clear()
        gc.collect()
        control.send("memory", error="MemoryError: the code used more memory than allowed", line=line)
        _leave(1)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the app never started
        crashed(control, exc, filename)
    return module


def crashed(control: Control, exc: BaseException, filename: str) -> None:
    """Report that the app could not start because of ``exc`` (with the learner's line), and exit."""
    control.send(
        "crash",
        error=f"{type(exc).__name__}: {exc}",
        line=learner_line(exc.__traceback__, filename),
        traceback=learner_traceback(exc, filename),
    )
    _leave(1)


def serve(control: Control, job: dict[str, object], sock: socket.socket, watchdog: Watchdog, import_seconds: float) -> None:
    """Import the learner's code and serve its ``app`` on ``sock`` until killed."""
    code = str(job["code"])
    filename = watchdog.filename
    reserve = [bytearray(4 * 1024 * 1024)]  # freed on MemoryError so reporting it has room
    compiled = _compile(control, code, filename)
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    watchdog.expect(import_seconds, f"the code did not finish importing within {import_seconds:g} s (an endless loop, or a long sleep?)")
    module = _import(control, compiled, filename, reserve, str(job.get("path") or filename))
    watchdog.done()

    app = module.__dict__.get("app")
    if app is None or not callable(app):
        found = "nothing" if app is None else type(app).__name__
        control.send("no-app", error=f"the code defines no 'app' to serve (found {found}); end with app = Stario(...)", line=None)
        _leave(1)

    if isinstance(app, Stario):
        own = app.tracer
        pipe = PipeTracer(control)
        app.tracer = pipe if type(own) is NoopTracer else MultiTracer([own, pipe])

    errors = ErrorReports(control, filename)
    logging.getLogger("stario").addHandler(errors)

    class Server(uvicorn.server.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            watchdog.expect(import_seconds, f"the app's start-up did not finish within {import_seconds:g} s")
            try:
                await super().startup(sockets=sockets)
            except SystemExit:  # uvicorn's way to say the lifespan start-up failed
                self.should_exit = True
            watchdog.done()
            if self.should_exit or not self.started:
                if errors.first is not None:
                    crashed(control, errors.first, filename)
                control.send("crash", error="the app failed to start", line=None)
                _leave(1)
            watchdog.watch_loop(asyncio.get_running_loop())
            control.send("ready")

    config = uvicorn.config.Config(
        app,
        lifespan="auto" if not isinstance(app, Stario) else "on",
        ws="none",  # Stario speaks HTTP and SSE; importing a websockets library would cost every run ~45 ms
        log_level="warning",
        access_log=False,
        log_config=None,
    )
    server = Server(config)
    try:
        server.run(sockets=[sock])
    except BaseException as exc:  # pragma: no cover - uvicorn itself failed
        control.send("crash", error=f"{type(exc).__name__}: {exc}", line=None)
        _leave(1)
    _leave(0)


def check(control: Control, job: dict[str, object], watchdog: Watchdog, check_seconds: float) -> None:
    """Run the lesson's checks against the learner's code, report the results, exit."""
    code = str(job["code"])
    filename = watchdog.filename
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    try:
        compile(code, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError):
        _compile(control, code, filename)  # reports it and exits
    lesson = stario.lessons.load_lesson(Path(str(job["lesson"])))
    errors = ErrorReports(control, filename)
    logging.getLogger("stario").addHandler(errors)
    watchdog.expect(check_seconds, f"the checks did not finish within {check_seconds:g} s (an endless loop, or a long sleep?)")
    try:
        results = stario.lessons.run_checks(lesson, "app", code)
    except MemoryError:
        gc.collect()
        control.send("memory", error="MemoryError: the code used more memory than allowed", line=None)
        _leave(1)
    watchdog.done()
    if any(getattr(r, "exception", None) == "MemoryError" for r in results):
        gc.collect()
        control.send("memory", error="MemoryError: the code used more memory than allowed", line=None)
        _leave(1)
    control.send("checks", results=[_result(r) for r in results], errors=errors.seen)
    _leave(0)


def _result(result: object) -> dict[str, object]:
    fields = ("name", "passed", "message", "exception", "traceback")
    return {name: getattr(result, name, None) for name in fields}


def main(argv: list[str] | None = None) -> None:
    """Warm up, bind the socket, wait for a job, then serve or check."""
    args = _args.parse_args(argv)
    control = Control(args.ctl)
    become_subreaper()  # whatever the learner's code starts stays below us, to be killed with us

    with contextlib.suppress(FileNotFoundError):
        os.unlink(args.socket)  # a stale socket file from a child that died
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(args.socket)
    control.send("waiting", pid=os.getpid())

    stdin_fd = sys.stdin.fileno()
    job = _read_job(stdin_fd)
    # From here stdin stays open only to tell us when the playground goes away; the learner gets /dev/null.
    watch_fd = os.dup(stdin_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, stdin_fd)
    os.close(null)
    threading.Thread(target=_watch_parent, args=(watch_fd,), daemon=True, name="watch-parent").start()

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    filename = str(job.get("filename") or "app.py")
    watchdog = Watchdog(control, filename, args.stuck_seconds)
    watchdog.start()
    if job.get("mode") == "check":
        sock.close()
        check(control, job, watchdog, args.check_seconds)
    else:
        serve(control, job, sock, watchdog, args.import_seconds)


if __name__ == "__main__":
    _known = _args.parse_known_args()[0]
    _limits(_known.memory_mb, _known.cpu_seconds)
    main()
