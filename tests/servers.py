"""Starting a real server for a test or a benchmark: one launcher, `launch`.

`launch` runs a command on a free 127.0.0.1 port (or the one given), its output going to a
temporary file, waits until the server answers (HTTP on a path, or a line of its output that
matches a pattern, as the playground prints its URL), and always stops it afterwards
(``stop_signal``, then kill). While it runs, the `Server` is in `RUNNING`, so a failing test's
report shows its output (``tests/conftest.py``); a failure inside the ``with`` block gets the
output as a note.

`serve` is `launch` for ``stario serve TARGET``. `free_port` and `wait_until_up` are there for
tests that start a process of their own.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.05


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A process started by `launch`: its base URL, its output so far, and what said it was ready."""

    name: str
    url: str  # http://127.0.0.1:PORT
    port: int
    process: subprocess.Popen
    log_path: Path
    ready: re.Match | None = None  # the output line matching ``ready_line``, when waited on one

    def output(self) -> str:
        """Everything the process printed (stdout and stderr)."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def tail(self, lines: int = 60) -> str:
        """The end of its output."""
        return "\n".join(self.output().splitlines()[-lines:]) or "(nothing)"

    def get(self, path: str, timeout: float = 5) -> str:
        """GET ``path`` from the test process itself (not a browser); the body as text."""
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return response.read().decode()

    def post(self, path: str, data: bytes = b"", timeout: float = 5) -> str:
        """POST to ``path`` from the test process itself (no Origin header, like curl)."""
        request = urllib.request.Request(self.url + path, data=data, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read().decode()


RUNNING: list[Server] = []
"""Servers alive right now, so a failing test's report can show their output."""


@contextlib.contextmanager
def launch(
    command: Sequence[str],
    *,
    name: str | None = None,
    port: int | None = None,
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
    ready_path: str = "/",
    ready_line: str | None = None,
    timeout: float = 15.0,
    stop_signal: int = signal.SIGTERM,
    stop_timeout: float = 10.0,
) -> Iterator[Server]:
    """Run ``command`` (each ``{port}`` in it replaced by the port); yield the `Server` once it is ready.

    Ready means: a line of its output matches the regular expression ``ready_line`` (kept as
    ``server.ready``) when one is given, else ``GET ready_path`` gets an HTTP answer, any status.
    ``env`` adds environment variables. However the block ends, the process gets ``stop_signal``
    (SIGINT is Ctrl+C), then is killed if it has not exited after ``stop_timeout`` seconds.
    """
    port = port or free_port()
    argv = [part.replace("{port}", str(port)) for part in command]
    name = name or " ".join([Path(argv[0]).name, *argv[1:4]])
    with tempfile.NamedTemporaryFile(prefix="stario-server-", suffix=".log", delete=False) as log_file:
        process = subprocess.Popen(
            argv, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )  # fmt: skip
    server = Server(name, f"http://127.0.0.1:{port}", port, process, Path(log_file.name))
    try:
        _wait_until_ready(server, ready_path, ready_line, timeout)
        RUNNING.append(server)
        yield server
    except Exception as exc:
        exc.add_note(f"output of {name} ({server.url}):\n{server.tail()}")
        raise
    finally:
        if server in RUNNING:
            RUNNING.remove(server)
        stop(process, stop_signal, stop_timeout)
        server.log_path.unlink(missing_ok=True)


def stop(process: subprocess.Popen, stop_signal: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    """Send ``stop_signal`` and wait; kill the process if it has not exited after ``timeout`` seconds."""
    if process.poll() is None:
        process.send_signal(stop_signal)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_ready(server: Server, path: str, line: str | None, timeout: float) -> None:
    pattern = re.compile(line, re.MULTILINE) if line is not None else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pattern is not None:
            server.ready = pattern.search(server.output())
            if server.ready:
                return
        elif _answers(server.url + path):
            return
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode} before it was ready")
        time.sleep(POLL_SECONDS)
    waited_for = f"a line matching {line!r}" if line is not None else f"an answer on {server.url + path}"
    raise RuntimeError(f"{server.name}: no {waited_for} within {timeout:g} s")


def _answers(url: str) -> bool:
    """Whether an HTTP server answers ``url`` (with any status)."""
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 15.0) -> None:
    """For a process started elsewhere: poll ``url`` until it answers, or fail with its output."""
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"the server exited with {process.returncode}:\n{output}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the server at {url} did not come up within {timeout} s")
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def serve(target: str, cwd: Path, *extra: str, command: list[str] | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``stario serve TARGET`` in ``cwd`` on a free port; yield its base URL; stop it after.

    ``command`` replaces ``python -m stario`` (an installed copy's); ``env`` adds variables.
    """
    argv = command or [sys.executable, "-m", "stario"]
    serve_argv = ["serve", target, "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning", *extra]
    with launch([*argv, *serve_argv], name=f"stario serve {target}", cwd=cwd, env=env) as server:
        yield server.url
