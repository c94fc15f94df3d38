"""Runs the learner's code in a child process, one at a time, with a warm spare waiting.

Each run kills the previous child and hands the code to the spare (a child that has already imported
Stario and uvicorn and bound a loopback port), then waits until it serves or fails. The child is killed
on the next run, on `Runner.stop` (and at interpreter exit), and when it passes its limits: the
start-up wall time (enforced here), memory (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``), both set in
the child. Failures come back as a `RunResult` with a kind and the line in the learner's file.

Spans from the running child arrive live on `Runner.spans`; what it prints is kept in `Runner.output`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import stario

__all__ = ["Runner", "RunResult", "SpanFeed"]

_OUTPUT_LIMIT = 64 * 1024  # bytes of learner output kept per child (the newest)
_LIVE: set[int] = set()  # process groups of every child alive, for the atexit kill


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


@atexit.register
def _kill_all() -> None:
    for pid in list(_LIVE):
        _kill_group(pid)
    _LIVE.clear()


@dataclass
class RunResult:
    """How a run went.

    ``kind`` is one of ``"ok"``, ``"syntax"``, ``"crash"``, ``"timeout"``, ``"memory"``, ``"no-app"``.
    ``line`` is the line in the learner's file (when known); ``traceback`` is the learner's part of it.
    """

    ok: bool
    kind: str
    port: int | None = None
    error: str | None = None
    line: int | None = None
    offset: int | None = None
    traceback: str | None = None
    output: str = ""
    startup_ms: float = 0.0
    warm: bool = False  # a spare was already waiting when the run began


class SpanFeed:
    """Span dicts (``Span.to_dict()``) from the current child, as they end; stop with `close`."""

    def __init__(self, runner: Runner, size: int) -> None:
        self._runner = runner
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(size)
        self._closed = False
        runner._feeds.add(self)

    def _put(self, item: dict[str, Any] | None) -> None:
        if self._closed:
            return
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:  # a slow reader loses the oldest, not the newest
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
            self._queue.put_nowait(item)

    def __aiter__(self) -> SpanFeed:
        return self

    async def __anext__(self) -> dict[str, Any]:
        if self._closed and self._queue.empty():
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is None:
            self._closed = True
            self._runner._feeds.discard(self)
            raise StopAsyncIteration
        return item

    def close(self) -> None:
        """Stop the feed; iteration ends once what is queued is read."""
        if not self._closed:
            self._runner._feeds.discard(self)
            self._put(None)
            self._closed = True

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> SpanFeed:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


@dataclass(eq=False)
class _Child:
    proc: asyncio.subprocess.Process
    waiting: asyncio.Future[dict[str, Any]]
    result: asyncio.Future[dict[str, Any]]
    output: bytearray = field(default_factory=bytearray)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    port: int | None = None
    ready: bool = False
    killed: bool = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None and not self.killed

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")


class Runner:
    """One learner app at a time, in a child process on a private loopback port.

    ``on_exit(returncode, output)`` is called when a child that was serving dies on its own
    (a crash after start-up, or the CPU limit); `status` and `returncode` say the same.
    """

    def __init__(
        self,
        *,
        startup_timeout: float = 5.0,
        memory_mb: int = 512,
        cpu_seconds: int = 30,
        spare: bool = True,
        cwd: str | None = None,
        on_exit: Callable[[int, str], Any] | None = None,
    ) -> None:
        self.startup_timeout = startup_timeout
        self.memory_mb = memory_mb
        self.cpu_seconds = cpu_seconds
        self.use_spare = spare
        self.cwd = cwd
        self.on_exit = on_exit
        self._current: _Child | None = None
        self._spare: _Child | None = None
        self._spare_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._feeds: set[SpanFeed] = set()
        self._children: set[_Child] = set()  # every child not yet killed, whatever its role
        self._stopped = False

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

    async def run(self, code: str, filename: str = "app.py") -> RunResult:
        """Kill the current child, run ``code`` in the spare (or a new child), and wait until it serves or fails."""
        async with self._lock:
            self._stopped = False
            started = time.perf_counter()
            await self._kill(self._current)
            self._current = None
            spare = self._spare
            warm = spare is not None and spare.alive and spare.waiting.done()
            if self._spare_task is not None and not self._spare_task.done():
                await asyncio.shield(self._spare_task)  # a spare on its way is still the quickest
            child, self._spare = self._spare, None
            if child is None or not child.alive:
                await self._kill(child)
                child = await self._spawn()
            self._current = child
            try:
                result = await self._deliver(child, code, filename, started)
            finally:
                if self.use_spare and not self._stopped:
                    self._spare_task = asyncio.create_task(self._ensure_spare())
            result.warm = warm
            if not result.ok:
                self._current = None
            return result

    async def stop(self) -> None:
        """Kill every child (current and spare) and end the span feeds."""
        self._stopped = True
        if self._spare_task is not None:
            self._spare_task.cancel()
            with contextlib.suppress(BaseException):
                await self._spare_task
            self._spare_task = None
        self._current = self._spare = None
        for child in list(self._children):
            await self._kill(child)
        for feed in list(self._feeds):
            feed.close()

    @property
    def port(self) -> int | None:
        """The loopback port the current child serves on, or None."""
        child = self._current
        return child.port if child is not None and child.ready and child.alive else None

    @property
    def pid(self) -> int | None:
        """The current child's process id, or None."""
        return self._current.pid if self._current is not None else None

    @property
    def returncode(self) -> int | None:
        """How the current child ended (negative: the signal), or None while it runs or when there is none."""
        return self._current.proc.returncode if self._current is not None else None

    @property
    def status(self) -> str:
        """``"idle"`` (nothing run), ``"serving"``, ``"exited"`` (it died after start-up: see `returncode`)."""
        child = self._current
        if child is None:
            return "idle"
        return "serving" if child.proc.returncode is None else "exited"

    def output(self) -> str:
        """What the current child printed (stdout and stderr, the newest 64 KiB)."""
        return self._current.text() if self._current is not None else ""

    def spans(self, size: int = 10_000) -> SpanFeed:
        """A feed of span dicts from the current child (and the next ones), live; subscribed at once."""
        return SpanFeed(self, size)

    # -- children -------------------------------------------------------------------------------

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

    async def _spawn(self) -> _Child:
        loop = asyncio.get_running_loop()
        read_fd, write_fd = os.pipe()
        env = dict(os.environ)
        env.pop("STARIO_TRACER", None)  # the learner's spans come here, not into the playground's traces
        env["PYTHONUNBUFFERED"] = "1"  # prints show up as they happen
        env["MALLOC_ARENA_MAX"] = "2"  # per-thread arenas reserve address space that RLIMIT_AS counts
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(stario.__file__)))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "stario.playground.child",
                "--ctl",
                str(write_fd),
                "--memory-mb",
                str(self.memory_mb),
                "--cpu-seconds",
                str(self.cpu_seconds),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                pass_fds=(write_fd,),
                start_new_session=True,
                cwd=self.cwd,
                env=env,
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        _LIVE.add(proc.pid)
        child = _Child(proc=proc, waiting=loop.create_future(), result=loop.create_future())
        self._children.add(child)
        reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb", buffering=0)
        )
        child.tasks.append(asyncio.create_task(self._read_control(child, reader, transport)))
        child.tasks.append(asyncio.create_task(self._read_output(child)))
        child.tasks.append(asyncio.create_task(self._watch(child)))
        return child

    async def _read_control(self, child: _Child, reader: asyncio.StreamReader, transport: asyncio.BaseTransport) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                kind = message.get("kind")
                if kind == "span":
                    if child is self._current:
                        span = message.get("span")
                        for feed in list(self._feeds):
                            feed._put(span)
                elif kind == "waiting":
                    if not child.waiting.done():
                        child.waiting.set_result(message)
                elif not child.result.done():
                    child.result.set_result(message)
        finally:
            transport.close()
            for future in (child.waiting, child.result):
                if not future.done():
                    future.set_exception(RuntimeError("the child ended"))
                    future.exception()  # retrieved: nobody may be waiting for it

    async def _read_output(self, child: _Child) -> None:
        stream = child.proc.stdout
        assert stream is not None
        while True:
            chunk = await stream.read(65536)
            if not chunk:
                return
            child.output += chunk
            if len(child.output) > _OUTPUT_LIMIT:
                del child.output[: len(child.output) - _OUTPUT_LIMIT]

    async def _watch(self, child: _Child) -> None:
        code = await child.proc.wait()
        _LIVE.discard(child.pid)
        _kill_group(child.pid)  # anything the learner's code started goes too
        if child.ready and not child.killed and child is self._current and self.on_exit is not None:
            await asyncio.sleep(0)  # let the output readers finish
            try:
                self.on_exit(code, child.text())
            except Exception:  # pragma: no cover - the callback's problem
                pass

    async def _kill(self, child: _Child | None) -> None:
        if child is None:
            return
        self._children.discard(child)
        child.killed = True
        if child.proc.returncode is None:
            _kill_group(child.pid)
        if child.proc.stdin is not None:
            child.proc.stdin.close()
        with contextlib.suppress(BaseException):
            await child.proc.wait()
        _LIVE.discard(child.pid)
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(asyncio.gather(*child.tasks, return_exceptions=True), 1.0)

    async def _deliver(self, child: _Child, code: str, filename: str, started: float) -> RunResult:
        message = (json.dumps({"code": code, "filename": filename}) + "\n").encode()

        async def exchange() -> dict[str, Any]:
            assert child.proc.stdin is not None
            child.proc.stdin.write(message)
            await child.proc.stdin.drain()
            return await child.result

        def elapsed() -> float:
            return (time.perf_counter() - started) * 1000

        try:
            answer = await asyncio.wait_for(exchange(), self.startup_timeout)
        except asyncio.TimeoutError:
            await self._kill(child)
            return RunResult(
                ok=False,
                kind="timeout",
                error=f"the app did not start within {self.startup_timeout:g} s (an endless loop at import?)",
                output=child.text(),
                startup_ms=elapsed(),
            )
        except (RuntimeError, ConnectionError, BrokenPipeError):
            # The child died without a word: killed by a limit, or by something in native code.
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(child.proc.wait(), 1.0)
            await self._kill(child)
            return self._died(child, elapsed())

        kind = answer.get("kind")
        if kind == "ready":
            child.port = answer.get("port")
            child.ready = True
            return RunResult(ok=True, kind="ok", port=child.port, output=child.text(), startup_ms=elapsed())
        await self._kill(child)  # it exits by itself after reporting; make sure
        return RunResult(
            ok=False,
            kind=kind if kind in ("syntax", "crash", "memory", "no-app") else "crash",
            error=answer.get("error"),
            line=answer.get("line"),
            offset=answer.get("offset"),
            traceback=answer.get("traceback"),
            output=child.text(),
            startup_ms=elapsed(),
        )

    def _died(self, child: _Child, elapsed_ms: float) -> RunResult:
        code = child.proc.returncode
        output = child.text()
        if code is not None and code < 0:
            sig = -code
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            if sig == getattr(signal, "SIGXCPU", None):
                return RunResult(False, "timeout", error="the app used more CPU time than allowed", output=output, startup_ms=elapsed_ms)
            if sig == signal.SIGKILL and "MemoryError" not in output:
                # Not killed by us (we report a timeout then): the kernel's OOM killer, or the CPU hard limit.
                return RunResult(False, "memory", error="the app was killed (out of memory?)", output=output, startup_ms=elapsed_ms)
            return RunResult(False, "crash", error=f"the app died ({name})", output=output, startup_ms=elapsed_ms)
        if "MemoryError" in output:
            return RunResult(False, "memory", error="MemoryError: the code used more memory than allowed", output=output, startup_ms=elapsed_ms)
        tail = output.strip().splitlines()[-1] if output.strip() else f"exit code {code}"
        return RunResult(False, "crash", error=f"the app exited before serving: {tail}", output=output, startup_ms=elapsed_ms)
