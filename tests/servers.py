"""Helpers for tests that need a real server: start uvicorn (via `stario serve`) on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 15.0) -> None:
    """Poll ``url`` until it answers (any status), or fail with the server's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"the server exited with {process.returncode}:\n{output}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the server at {url} did not come up within {timeout} s")


@contextlib.contextmanager
def serve(target: str, cwd: Path, *extra: str, command: list[str] | None = None) -> Iterator[str]:
    """Run ``stario serve TARGET`` in ``cwd`` on a free port; yield its base URL; stop it after."""
    port = free_port()
    argv = command or [sys.executable, "-m", "stario"]
    process = subprocess.Popen(
        [*argv, "serve", target, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *extra],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
