"""Stopping with SSE streams open: under plain uvicorn and `stario serve`, on SIGINT and SIGTERM,
streams end at once, their `finally` blocks run, nothing is logged as an error, and the tracers
write what they hold."""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stario import Query, Stario
from stario.testing import TestClient
from tests.servers import free_port, wait_until_up

STREAMS = 50

APP = '''
import asyncio
from pathlib import Path

from stario import Query, Stario

FINALLY = Path(__file__).with_name("finally.txt")


async def forever(c):
    try:
        n = 0
        while True:
            yield f"<p id='n'>{n}</p>"
            n += 1
            await asyncio.sleep(0.5)
    finally:
        with FINALLY.open("a") as log:
            log.write("ended\\n")


async def home(c):
    return "<p>up</p>"


app = Stario(Query("/", home), Query("/forever", forever))
'''


def test_stop_streams_ends_open_streams_quietly_and_runs_their_finally(caplog):
    ended = []

    async def forever(c):
        try:
            while True:
                yield "<p id='x'>tick</p>"
                import asyncio

                await asyncio.sleep(0.05)
        finally:
            ended.append(True)

    app = Stario(Query("/forever", forever))
    with TestClient(app) as client:
        with client.stream("GET", "/forever") as events:
            events.next(timeout=5)
            client._run(_call(app.stop_streams))
            remaining = list(_drain(events))
        assert ended == [True]
        assert events.spans[0].status == "cancelled"
        assert any(event.name == "server.stopping" for event in events.spans[0].events)
    assert all(isinstance(item, object) for item in remaining)
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelname == "ERROR"]


async def _call(fn):
    return fn()


def _drain(events):
    while True:
        try:
            yield events.next(timeout=5)
        except StopIteration:
            return


def _open_streams(port: int, count: int) -> list[socket.socket]:
    """``count`` raw connections, each reading /forever until its first event arrived."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /forever HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        sockets.append(sock)
    for sock in sockets:
        received = b""
        while b"data: elements" not in received:
            chunk = sock.recv(65536)
            assert chunk, "the stream closed before its first event"
            received += chunk
    return sockets


def _stopped_within(process: subprocess.Popen, stop_signal: int, limit: float) -> tuple[float, str]:
    started = time.monotonic()
    process.send_signal(stop_signal)
    try:
        output, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"the server had not exited {limit} s after the signal:\n{output}") from None
    return time.monotonic() - started, output


@pytest.mark.parametrize(
    "how, stop_signal",
    [
        pytest.param(how, sig, id=f"{how.replace(' ', '-')}-{sig.name}")
        for how in ("uvicorn", "stario serve")
        for sig in (signal.SIGINT, signal.SIGTERM)
    ],
)
def test_a_server_with_open_streams_stops_at_once(tmp_path, how, stop_signal):
    (tmp_path / "streamer.py").write_text(APP)
    port = free_port()
    if how == "uvicorn":
        # Plain uvicorn, no graceful timeout: before the fix it waited for the streams forever.
        argv = [sys.executable, "-m", "uvicorn", "streamer:app", "--port", str(port), "--log-level", "info"]
    else:
        argv = [sys.executable, "-m", "stario", "serve", "streamer:app", "--port", str(port), "--graceful-timeout", "30"]
    process = subprocess.Popen(
        argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**__import__("os").environ, "STARIO_TRACER": f"sqlite:{tmp_path / 'traces.db'}", "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process)
        sockets = _open_streams(port, STREAMS)
        # Well under the 30-s graceful timeout: the streams ended because the app ended them.
        seconds, output = _stopped_within(process, stop_signal, limit=20)
    finally:
        if process.poll() is None:
            process.kill()
    for sock in sockets:
        sock.close()
    print(f"{how}, {signal.Signals(stop_signal).name}: {STREAMS} open streams, exited {seconds:.2f} s after the signal")
    assert (tmp_path / "finally.txt").read_text().count("ended") == STREAMS
    assert "Traceback" not in output and "ERROR" not in output, output
    # The tracer wrote every stream's span before the process went away.
    with sqlite3.connect(tmp_path / "traces.db") as db:
        written = db.execute("select count(*) from spans where name = 'http.request' and path = '/forever'").fetchone()[0]
    assert written == STREAMS
