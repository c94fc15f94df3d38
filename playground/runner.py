"""Runs the learner's code in child processes: one app serving at a time, checks beside it.

Each run kills the previous child and hands the code to the spare (a child that has already
imported Stario and uvicorn and bound its Unix socket), then waits until it serves or fails.
A check takes the spare too, runs the lesson's checks in it and ends it. Children live under
limits: the import and check wall times and a handler that blocks the loop (enforced by the
child's watchdog, with a backstop here for the start and the checks), memory (``RLIMIT_AS``) and
CPU time over the child's life (``RLIMIT_CPU``, ten minutes: a toy may stream for an hour).

Nothing here ever waits on a learner process's pipes: the child's output and control pipes are
ours, read as data arrives and closed when we are done, whoever else holds them open. Killing
a child kills every process its code started (`stario.playground.processes`).

What happens is told to ``report(record)`` as plain dicts, each with the ``run`` it belongs to:

- ``{"kind": "status", "run", "owner", "state", "text", ...}``: ``starting``, ``running``,
  ``failed`` (it did not start: ``error``, ``line``, ``traceback``), ``crashed`` (it died
  while serving), ``timeout``, ``stuck`` (a handler holds the loop: ``line``), ``stopped``;
- ``{"kind": "output", "run", "text"}``: what the app printed (stdout and stderr);
- ``{"kind": "span", "run", "span"}``: a span the app ended (``Span.to_dict()``);
- ``{"kind": "error", "run", "error", "line", "traceback", "request"}``: a handler raised.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import stario

from .processes import MARK, kill_marked, kill_tree

__all__ = ["Runner", "RunResult", "CheckOutcome"]

_OUTPUT_LIMIT = 64 * 1024  # bytes of learner output kept per child (the newest)
_LIVE: set[int] = set()  # every child alive, for the atexit kill
_PREFIX = f"{os.getpid()}."  # the MARK value of every child of this process starts so


@atexit.register
def _kill_all() -> None:
    for pid in list(_LIVE):
        kill_tree(pid)
    _LIVE.clear()
    kill_marked(_PREFIX, prefix=True)


@dataclass
class RunResult:
    """How a run's start went.

    ``kind`` is one of ``"ok"``, ``"syntax"``, ``"crash"``, ``"timeout"``, ``"memory"``, ``"no-app"``.
    ``line`` is the line in the learner's file (when known); ``traceback`` is the learner's part of it.
    """

    ok: bool
    kind: str
    run: int = 0
    error: str | None = None
    line: int | None = None
    offset: int | None = None
    traceback: str | None = None
    output: str = ""
    startup_ms: float = 0.0
    warm: bool = False  # a spare was already waiting when the run began


@dataclass
class CheckOutcome:
    """How a check went: ``kind`` ``"ok"`` (the checks ran: see ``results``) or why they could not."""

    kind: str
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # what the app raised meanwhile
    error: str | None = None
    line: int | None = None
    traceback: str | None = None
    output: str = ""
    ms: float = 0.0

    @property
    def passed(self) -> bool:
        """Every check ran and passed."""
        return self.kind == "ok" and bool(self.results) and all(r.get("passed") for r in self.results)


@dataclass(eq=False)
class _Child:
    proc: asyncio.subprocess.Process
    socket: str
    mark: str
    waiting: asyncio.Future[dict[str, Any]]
    answer: asyncio.Future[dict[str, Any]]
    stdin: asyncio.WriteTransport
    output: bytearray = field(default_factory=bytearray)
    transports: list[asyncio.BaseTransport] = field(default_factory=list)
    run: int = 0
    owner: str = ""
    ready: bool = False
    killed: bool = False
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None and not self.killed

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")


class _Pipe(asyncio.Protocol):
    """Hands whatever arrives on a pipe to a callback, and says when it closes."""

    def __init__(self, on_data: Callable[[bytes], None], on_close: Callable[[], None]) -> None:
        self.on_data = on_data
        self.on_close = on_close

    def data_received(self, data: bytes) -> None:
        self.on_data(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.on_close()


class Runner:
    """One learner app serving at a time (and checks beside it), each in a child process."""

    def __init__(
        self,
        *,
        startup_timeout: float = 5.0,
        memory_mb: int = 512,
        cpu_seconds: int = 600,
        stuck_seconds: float = 10.0,
        check_seconds: float = 10.0,
        spare: bool = True,
        cwd: str | None = None,
        report: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        self.startup_timeout = startup_timeout
        self.memory_mb = memory_mb
        self.cpu_seconds = cpu_seconds
        self.stuck_seconds = stuck_seconds
        self.check_seconds = check_seconds
        self.use_spare = spare
        self.cwd = cwd
        self.report = report
        self._current: _Child | None = None
        self._spare: _Child | None = None
        self._spare_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._children: set[_Child] = set()  # every child not yet killed, whatever its role
        self._watchers: set[asyncio.Task[None]] = set()  # the tasks waiting for each child's exit
        self._serial = itertools.count(1)
        self._runs = itertools.count(1)
        self._folder: str | None = None
        self._stopped = False
        #: The run the serving child belongs to (0 before the first run), and whose it is.
        self.run_id = 0
        self.owner = ""
        #: What the current run is doing: idle, starting, running, failed, crashed, timeout, stuck, stopped.
        self.state = "idle"

    # -- public -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the warm spare (and wait until it is waiting for code)."""
        self._stopped = False
        if not self.use_spare:
            return
        if self._spare_task is not None and not self._spare_task.done():
            await asyncio.shield(self._spare_task)
        else:
            await self._ensure_spare()

    async def run(self, code: str, *, owner: str = "", filename: str = "app.py", path: str | None = None) -> RunResult:
        """Kill the current child, run ``code`` in the spare (or a new child), and wait until it serves or fails.

        ``path`` is the file the code stands for (a lesson's or toy's ``app.py``): the code's
        ``__file__``, so it finds the files beside it. Tracebacks still say ``filename``.
        """
        async with self._lock:
            self._stopped = False
            started = time.perf_counter()
            run = next(self._runs)
            previous, self._current = self._current, None
            if previous is not None:
                await self._kill(previous)
            self.run_id, self.owner = run, owner
            self._set_state("starting", "starting…")
            child, warm = await self._take_spare()
            child.run, child.owner = run, owner
            self._current = child
            # The child's watchdog stops an import (then a start-up) that takes startup_timeout, and
            # says where it was; waiting longer here is only the backstop for a child that hangs.
            backstop = 2 * self.startup_timeout + 2
            try:
                answer = await self._deliver(child, {"mode": "serve", "code": code, "filename": filename, "path": path or filename}, backstop)
            except asyncio.CancelledError:
                # The page that asked went away (a reload, say): the half-started app goes too.
                self._current = None
                await asyncio.shield(self._kill(child))
                self._set_state("stopped", "stopped: the page that pressed Run went away before the app started")
                raise
            finally:
                self._replace_spare()
            result = self._run_result(child, answer, started)
            result.run, result.warm = run, warm
            if result.ok:
                child.ready = True
                self._set_state("running", f"running ({result.startup_ms:.0f} ms to start)")
            else:
                await self._kill(child)
                self._current = None
                self._set_state(
                    "timeout" if result.kind == "timeout" else "failed",
                    _failure_text(result.kind, result.error, result.line),
                    error=result.error, line=result.line, traceback=result.traceback, failure=result.kind,
                )
            return result

    async def check(self, code: str, lesson: Path) -> CheckOutcome:
        """Run ``lesson``'s checks against ``code`` in a child of its own; the serving app is left alone."""
        started = time.perf_counter()
        async with self._lock:
            child, _ = await self._take_spare()
        child.owner = "check"
        self._replace_spare()
        try:
            answer = await self._deliver(
                child, {"mode": "check", "code": code, "lesson": str(lesson), "filename": "app.py"}, self.check_seconds + 5
            )
            # The answer comes before the exit: let the last of the output arrive.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(child.ended.wait(), 0.5)
        finally:
            await self._kill(child)
        ms = (time.perf_counter() - started) * 1000
        kind = answer.get("kind")
        if kind == "checks":
            return CheckOutcome("ok", answer.get("results") or [], answer.get("errors") or [], output=child.text(), ms=ms)
        return CheckOutcome(
            kind if kind in ("syntax", "timeout", "memory") else "crash",
            errors=[],
            error=answer.get("error"),
            line=answer.get("line"),
            traceback=answer.get("traceback"),
            output=child.text(),
            ms=ms,
        )

    async def halt(self) -> None:
        """Stop the serving child, if any (nothing runs until the next `run`)."""
        async with self._lock:
            child, self._current = self._current, None
            if child is not None:
                await self._kill(child)
                self._set_state("stopped", "stopped")

    async def stop(self) -> None:
        """Kill every child (current, spare, checks) and what they started."""
        self._stopped = True
        if self._spare_task is not None:
            self._spare_task.cancel()
            with contextlib.suppress(BaseException):
                await self._spare_task
            self._spare_task = None
        self._current = self._spare = None
        for child in list(self._children):
            await self._kill(child)
        kill_marked(_PREFIX, prefix=True)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    @property
    def upstream(self) -> str | None:
        """The Unix socket the current child serves on, or None when nothing serves."""
        child = self._current
        return child.socket if child is not None and child.ready and child.alive else None

    @property
    def pid(self) -> int | None:
        """The current child's process id, or None."""
        return self._current.pid if self._current is not None else None

    @property
    def spare_pid(self) -> int | None:
        """The warm spare's process id, or None."""
        return self._spare.pid if self._spare is not None else None

    @property
    def returncode(self) -> int | None:
        """How the current child ended (negative: the signal), or None while it runs or when there is none."""
        return self._current.proc.returncode if self._current is not None else None

    def output(self) -> str:
        """What the current child printed (stdout and stderr, the newest 64 KiB)."""
        return self._current.text() if self._current is not None else ""

    # -- telling -------------------------------------------------------------------------------

    def _tell(self, record: dict[str, Any]) -> None:
        if self.report is not None:
            try:
                self.report(record)
            except Exception:  # pragma: no cover - the listener's problem, never the runner's
                pass

    def _set_state(self, state: str, text: str, **details: Any) -> None:
        self.state = state
        self._tell({"kind": "status", "run": self.run_id, "owner": self.owner, "state": state, "text": text, **details})

    # -- children -------------------------------------------------------------------------------

    async def _take_spare(self) -> tuple[_Child, bool]:
        spare = self._spare
        warm = spare is not None and spare.alive and spare.waiting.done()
        if self._spare_task is not None and not self._spare_task.done():
            await asyncio.shield(self._spare_task)  # a spare on its way is still the quickest
        child, self._spare = self._spare, None
        if child is None or not child.alive:
            if child is not None:
                await self._kill(child)
            child = await self._spawn()
        return child, warm

    def _replace_spare(self) -> None:
        """Start warming the next spare (once the job at hand has its child going: they share the CPU)."""
        if self.use_spare and not self._stopped and (self._spare_task is None or self._spare_task.done()):
            self._spare_task = asyncio.create_task(self._ensure_spare())

    async def _ensure_spare(self) -> None:
        if self._spare is not None and self._spare.alive:
            return
        child = await self._spawn()
        if self._stopped:
            await self._kill(child)
            return
        try:
            await asyncio.wait_for(asyncio.shield(child.waiting), self.startup_timeout * 4)
        except (asyncio.TimeoutError, RuntimeError):
            await self._kill(child)
            return
        if self._stopped or self._spare is not None:
            await self._kill(child)
            return
        self._spare = child

    def _socket_path(self, serial: int) -> str:
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="stario-playground-")  # mode 0700: ours alone
        return os.path.join(self._folder, f"child-{serial}.sock")

    async def _spawn(self) -> _Child:
        serial = next(self._serial)
        mark = f"{_PREFIX}{serial}"
        path = self._socket_path(serial)
        env = dict(os.environ)
        env.pop("STARIO_TRACER", None)  # the learner's spans come here, not into the playground's traces
        env["PYTHONUNBUFFERED"] = "1"  # prints show up as they happen
        env["MALLOC_ARENA_MAX"] = "2"  # per-thread arenas reserve address space that RLIMIT_AS counts
        env[MARK] = mark  # inherited by all it starts, so strays can be found
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(stario.__file__)))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        # Our own pipes, not asyncio's: a subprocess transport waits for its pipes to close before
        # it reports the exit, and a process the learner started may hold them open for ever.
        control_read, control_write = os.pipe()
        output_read, output_write = os.pipe()
        stdin_read, stdin_write = os.pipe()
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "stario.playground.child",
                "--ctl", str(control_write), "--socket", path,
                "--memory-mb", str(self.memory_mb), "--cpu-seconds", str(self.cpu_seconds),
                "--import-seconds", str(self.startup_timeout), "--stuck-seconds", str(self.stuck_seconds),
                "--check-seconds", str(self.check_seconds),
                stdin=stdin_read, stdout=output_write, stderr=output_write,
                pass_fds=(control_write,), start_new_session=True, cwd=self.cwd, env=env,
            )
        except BaseException:
            for fd in (control_read, output_read, stdin_write):
                os.close(fd)
            raise
        finally:
            for fd in (control_write, output_write, stdin_read):
                os.close(fd)
        _LIVE.add(proc.pid)
        files = (os.fdopen(control_read, "rb", buffering=0), os.fdopen(output_read, "rb", buffering=0),
                 os.fdopen(stdin_write, "wb", buffering=0))
        try:
            return await self._attach(proc, path, mark, *files)
        except BaseException:  # cancelled halfway: nothing may be left open or alive
            kill_tree(proc.pid)
            for file in files:
                file.close()
            raise

    async def _attach(self, proc: asyncio.subprocess.Process, path: str, mark: str,
                      control_file: Any, output_file: Any, stdin_file: Any) -> _Child:
        """Connect a freshly started child's pipes, and watch it."""
        loop = asyncio.get_running_loop()
        stdin, _ = await loop.connect_write_pipe(asyncio.Protocol, stdin_file)
        child = _Child(proc, path, mark, loop.create_future(), loop.create_future(), stdin)  # type: ignore[arg-type]
        self._children.add(child)
        buffer = bytearray()

        def on_control(data: bytes) -> None:
            buffer.extend(data)
            while (end := buffer.find(b"\n")) >= 0:
                line = bytes(buffer[:end])
                del buffer[: end + 1]
                with contextlib.suppress(ValueError):
                    self._on_message(child, json.loads(line))

        def on_control_closed() -> None:
            for future in (child.waiting, child.answer):
                if not future.done():
                    future.set_exception(RuntimeError("the child ended"))
                    future.exception()  # retrieved: nobody may be waiting for it

        def on_output(data: bytes) -> None:
            child.output += data
            if len(child.output) > _OUTPUT_LIMIT:
                del child.output[: len(child.output) - _OUTPUT_LIMIT]
            if child.run and child is self._current:
                self._tell({"kind": "output", "run": child.run, "text": data.decode("utf-8", "replace")})

        control, _ = await loop.connect_read_pipe(lambda: _Pipe(on_control, on_control_closed), control_file)
        output, _ = await loop.connect_read_pipe(lambda: _Pipe(on_output, lambda: None), output_file)
        child.transports += [control, output, stdin]
        watcher = asyncio.create_task(self._watch(child), name=f"playground.child.{proc.pid}")
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)
        return child

    def _on_message(self, child: _Child, message: dict[str, Any]) -> None:
        kind = message.get("kind")
        current = child is self._current and child.run == self.run_id
        if kind == "waiting":
            if not child.waiting.done():
                child.waiting.set_result(message)
        elif kind == "span":
            if current:
                self._tell({"kind": "span", "run": child.run, "span": message.get("span")})
        elif kind == "error":
            if current:
                self._tell({**message, "run": child.run})
        elif kind == "stuck":
            if current and child.ready:
                line = message.get("line")
                where = f" at line {line}" if line else ""
                self._set_state("stuck", f"not answering: a handler has held the app for {message.get('seconds')} s{where}",
                                line=line, traceback=message.get("traceback"))
        elif kind == "unstuck":
            if current and child.ready:
                self._set_state("running", "running")
        elif kind == "timeout" and child.ready:
            if current:
                self._set_state("timeout", f"timed out: {message.get('error')}", error=message.get("error"),
                                line=message.get("line"), traceback=message.get("traceback"))
            child.killed = True  # it exits on its own; the exit is already explained
        elif not child.answer.done():
            child.answer.set_result(message)

    async def _watch(self, child: _Child) -> None:
        code = await child.proc.wait()
        _LIVE.discard(child.pid)
        kill_tree(child.pid, include_root=False)  # anything it started goes too (its pid is free for reuse now)
        kill_marked(child.mark)
        child.ended.set()
        if child.ready and not child.killed and child is self._current:
            await asyncio.sleep(0.05)  # let the last output arrive
            self._set_state("crashed", _exit_text(code), error=_exit_text(code), output=child.text()[-2000:])

    async def _kill(self, child: _Child) -> None:
        self._children.discard(child)
        child.killed = True
        if child.proc.returncode is None:
            kill_tree(child.pid)
        kill_marked(child.mark)
        for transport in child.transports:
            transport.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(child.proc.wait(), 2.0)
        _LIVE.discard(child.pid)
        with contextlib.suppress(OSError):
            os.unlink(child.socket)

    async def _deliver(self, child: _Child, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send ``job`` and wait for the child's answer (a dict with a ``kind``)."""
        try:
            await asyncio.wait_for(asyncio.shield(child.waiting), timeout)
            child.stdin.write((json.dumps(job) + "\n").encode())
            return await asyncio.wait_for(asyncio.shield(child.answer), timeout)
        except asyncio.TimeoutError:
            return {"kind": "timeout", "error": f"no answer within {timeout:g} s"}
        except RuntimeError:
            # The child died without a word: killed by a limit, or by something in native code.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(child.proc.wait(), 1.0)
            return _death(child.proc.returncode, child.text())

    def _run_result(self, child: _Child, answer: dict[str, Any], started: float) -> RunResult:
        elapsed = (time.perf_counter() - started) * 1000
        kind = answer.get("kind")
        if kind == "ready":
            return RunResult(ok=True, kind="ok", output=child.text(), startup_ms=elapsed)
        return RunResult(
            ok=False,
            kind=kind if kind in ("syntax", "crash", "memory", "no-app", "timeout") else "crash",
            error=answer.get("error"),
            line=answer.get("line"),
            offset=answer.get("offset"),
            traceback=answer.get("traceback"),
            output=child.text(),
            startup_ms=elapsed,
        )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        sig = -code
        if sig == getattr(signal, "SIGXCPU", None):
            return "the app used more CPU time than allowed and was stopped"
        if sig == signal.SIGKILL:
            return "the app was killed (out of memory?)"
        return f"the app died ({_signal_name(sig)})"
    return f"the app exited with code {code} (os._exit or sys.exit in your code?)"


def _death(code: int | None, output: str) -> dict[str, Any]:
    """What to say about a child that died before answering."""
    if "MemoryError" in output:
        return {"kind": "memory", "error": "MemoryError: the code used more memory than allowed"}
    if code is not None and code < 0:
        sig = -code
        if sig == getattr(signal, "SIGXCPU", None):
            return {"kind": "timeout", "error": "the app used more CPU time than allowed"}
        if sig == signal.SIGKILL:
            return {"kind": "memory", "error": "the app was killed (out of memory?)"}
        return {"kind": "crash", "error": f"the app died ({_signal_name(sig)})"}
    tail = output.strip().splitlines()[-1] if output.strip() else f"exit code {code}"
    return {"kind": "crash", "error": f"the process running your code exited before it was done: {tail}"}


def _failure_text(kind: str, error: str | None, line: int | None) -> str:
    label = {"syntax": "syntax error", "no-app": "no app", "memory": "out of memory", "timeout": "timed out"}.get(kind, "crashed")
    where = f" on line {line}" if line else ""
    return f"{label}{where}: {error or ''}".rstrip(": ")
