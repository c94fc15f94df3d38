"""Real Redis and Postgres servers for the Relay's cross-process tests, started by the test.

`redis_server` and `postgres_server` each start a server on a free 127.0.0.1 port, in a temporary
folder, and stop it afterwards. When the server's program is not installed, the test is skipped
with a reason that says what to install (``scripts/test`` installs them when it runs as root).
Postgres refuses to run as root: as root, it runs as the ``postgres`` user Debian's package makes.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import free_port


def _program(name: str, *patterns: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for pattern in patterns:
        matches = sorted(glob.glob(pattern))
        if matches:
            return matches[-1]
    return None


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")
            time.sleep(0.05)


@dataclass
class Redis:
    """A running redis-server: its URL, and `stop` / `start` for fault tests."""

    port: int
    folder: Path
    program: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.folder / "redis.log", "ab")
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def redis_server() -> Iterator[Redis]:
    """A redis-server for one test (or module); skipped when Redis is not installed."""
    program = _program("redis-server", "/usr/bin/redis-server")
    if program is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server; scripts/test does it as root)")
    with tempfile.TemporaryDirectory(prefix="stario-redis-") as folder:
        server = Redis(free_port(), Path(folder), program)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@dataclass
class Postgres:
    """A running Postgres cluster of its own: its URL, and `stop` / `start` for fault tests."""

    port: int
    folder: Path
    program: str
    as_user: list[str]
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgresql://stario@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        log = open(self.folder / "postgres.log", "ab")
        self.process = subprocess.Popen(
            [*self.as_user, self.program, "-D", str(self.folder / "data"), "-p", str(self.port), "-k", str(self.folder),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait_for_port(self.port, self.process, "postgres")
        _wait_until_accepting(self.url)

    def stop(self) -> None:
        """Stop at once (immediate shutdown: connections are cut, as when the server goes away)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A Postgres cluster of its own for one test (or module); skipped when Postgres is not installed."""
    initdb = _program("initdb", "/usr/lib/postgresql/*/bin/initdb")
    postgres = _program("postgres", "/usr/lib/postgresql/*/bin/postgres")
    if initdb is None or postgres is None:
        pytest.skip("Postgres is not installed (Debian: apt-get install postgresql; scripts/test does it as root)")
    as_user: list[str] = []
    if os.geteuid() == 0:  # Postgres will not run as root
        # setpriv execs the program itself (runuser would stay in between and keep signals from it)
        as_user = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
    folder = Path(tempfile.mkdtemp(prefix="stario-postgres-"))
    if as_user:
        shutil.chown(folder, "postgres")
    server = Postgres(free_port(), folder, postgres, as_user)
    try:
        subprocess.run(
            [*as_user, initdb, "-D", str(folder / "data"), "-U", "stario", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_accepting(url: str, timeout: float = 15.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=1).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
