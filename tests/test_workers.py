"""Several processes: `stario serve --workers 2` starts two, each with its lifespan; processes that
share STARIO_RELAY and one SQLite trace file fan messages out to each other's streams, and
`stario spans` says which worker answered each request."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

from tests.brokers import redis_server
from tests.e2e.harness import ROOT
from tests.servers import launch


def _startups(traces) -> set[int]:
    with contextlib.suppress(sqlite3.OperationalError), sqlite3.connect(traces) as db:
        return {row[0] for row in db.execute("select worker from spans where name = 'server.startup'")}
    return set()


def test_serve_with_two_workers_starts_two_processes_each_with_its_lifespan(tmp_path):
    traces = tmp_path / "traces.db"
    command = [sys.executable, "-m", "stario", "serve", "toys.counter.app:app", "--port", "{port}", "--workers", "2",
               "--log-level", "warning"]  # fmt: skip
    with launch(command, cwd=ROOT, env={"STARIO_TRACER": f"sqlite:{traces}"}, name="counter, 2 workers", timeout=30) as server:
        deadline = time.monotonic() + 20
        while len(_startups(traces)) < 2:
            assert time.monotonic() < deadline, f"two workers did not start: {_startups(traces)}"
            time.sleep(0.1)
        assert server.get("/").startswith("<!")
        assert server.process.pid not in _startups(traces)  # the workers are the supervisor's children


def test_refused_worker_settings_are_explained(tmp_path):
    run = subprocess.run([sys.executable, "-m", "stario", "serve", "x:app", "--workers", "2", "--reload"], capture_output=True, text=True)
    assert run.returncode != 0 and "--reload serves one process" in run.stderr


def _open_stream(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    _read_until(sock, b"connected")
    return sock


def _read_until(sock: socket.socket, needle: bytes, timeout: float = 10.0) -> bytes:
    sock.settimeout(timeout)
    received = b""
    while needle not in received:
        chunk = sock.recv(65536)
        assert chunk, f"the stream ended before {needle!r} arrived"
        received += chunk
    return received


def test_two_processes_share_the_relay_and_one_trace_file(tmp_path):
    traces = tmp_path / "traces.db"
    with redis_server() as redis:
        env = {"STARIO_RELAY": redis.url, "STARIO_TRACER": f"sqlite:{traces}"}
        command = [sys.executable, "-m", "stario", "serve", "toys.chat.app:app", "--port", "{port}", "--log-level", "warning"]
        with launch(command, cwd=ROOT, env=env, name="chat 1") as one, launch(command, cwd=ROOT, env=env, name="chat 2") as two:
            streams = [_open_stream(server.port) for server in (one, two) for _ in range(3)]
            time.sleep(0.3)  # both listeners have subscribed
            body = json.dumps({"name": "Ann", "text": "to every worker"}).encode()
            request = urllib.request.Request(
                one.url + "/send", data=body, method="POST",
                headers={"Content-Type": "application/json", "Datastar-Request": "true"},
            )  # fmt: skip
            urllib.request.urlopen(request, timeout=5).read()
            for sock in streams:
                assert b"to every worker" in _read_until(sock, b"to every worker")
                sock.close()
            time.sleep(0.3)
            pids = {one.process.pid, two.process.pid}
    with sqlite3.connect(traces) as db:
        workers = {row[0] for row in db.execute("select worker from spans where path = '/messages'")}
    assert workers == pids
    listing = subprocess.run(
        [sys.executable, "-m", "stario", "spans", str(traces), "--path", "/messages"], capture_output=True, text=True, check=True
    ).stdout
    assert "worker" in listing and all(str(pid) in listing for pid in pids)
