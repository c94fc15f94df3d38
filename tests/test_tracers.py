"""Tracers: memory (live feed), JSON lines, SQLite (+ `stario spans`), the terminal view, STARIO_TRACER."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from stario import Query, Stario
from stario.telemetry import NoopTracer, Span
from stario.testing import TestClient
from stario.tracers import JSONTracer, MemoryTracer, MultiTracer, SQLiteTracer, TTYTracer, tracer_from_env
from tests.servers import free_port, wait_until_up


async def hello(c, w):
    with c.span.step("work", kind="demo"):
        pass
    w.text("hi")


def test_test_client_gives_each_response_its_own_spans():
    with TestClient(Stario(Query("/", hello))) as client:
        first, second = client.get("/"), client.get("/")
    assert [s.name for s in first.spans] == ["work", "http.request"]
    assert first.span.trace_id != second.span.trace_id
    assert first.spans[0].parent_id == first.span.span_id


def test_memory_tracer_keeps_recent_spans_and_feeds_them_live():
    tracer = MemoryTracer(capacity=3)

    async def main() -> list[tuple[str, str]]:
        seen: list[tuple[str, str]] = []
        feed = tracer.subscribe(starts=True)

        async def consume() -> None:
            async for kind, span in feed:
                seen.append((kind, span.name))
                if kind == "end" and span.name == "job":
                    return

        consumer = asyncio.create_task(consume())
        await asyncio.sleep(0)
        with Span("job", tracer):
            await asyncio.sleep(0.01)
        await asyncio.wait_for(consumer, 2)
        feed.close()
        return seen

    assert asyncio.run(main()) == [("start", "job"), ("end", "job")]
    for n in range(5):
        Span(f"s{n}", tracer).end()
    assert [s.name for s in tracer.spans] == ["s2", "s3", "s4"]


def test_memory_feed_that_falls_behind_drops_the_oldest():
    tracer = MemoryTracer()

    async def main():
        feed = tracer.subscribe(size=2)
        for n in range(5):
            Span(f"s{n}", tracer).end()
        first = await feed.__anext__()
        return feed.dropped, first[1].name

    assert asyncio.run(main()) == (3, "s3")


def test_json_tracer_writes_one_line_per_span(tmp_path: Path):
    path = tmp_path / "spans.jsonl"
    tracer = JSONTracer(path)
    with TestClient(Stario(Query("/", hello), tracer=tracer)) as client:
        client.get("/")
    tracer.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    request = next(line for line in lines if line["name"] == "http.request")
    assert request["attributes"]["http.status"] == 200
    assert re.fullmatch(r"[0-9a-f]{32}", request["trace_id"])
    step = next(line for line in lines if line["name"] == "work")
    assert step["parent_id"] == request["span_id"] and step["attributes"] == {"kind": "demo"}


def test_a_full_queue_drops_and_counts_instead_of_blocking():
    tracer = JSONTracer(stream=io.StringIO(), max_queue=10)
    tracer._thread = object()  # pretend the writer is busy elsewhere: nothing drains the queue
    for n in range(25):
        Span(f"s{n}", tracer).end()
    assert (len(tracer._queue), tracer.dropped) == (10, 15)



def test_dropped_spans_are_reported_when_the_tracer_closes(capsys):
    tracer = JSONTracer(stream=io.StringIO(), max_queue=3)
    tracer._thread = object()  # nothing drains the queue
    for n in range(5):
        Span(f"s{n}", tracer).end()
    tracer._thread = None
    tracer.close()
    assert "JSONTracer dropped 2 spans: its queue of 3 was full" in capsys.readouterr().err
    tracer.close()
    assert capsys.readouterr().err == ""  # said once


class SlowJSONTracer(JSONTracer):
    def write(self, spans):
        time.sleep(0.3)  # a slow disk
        super().write(spans)


def test_flush_waits_for_the_batch_being_written_not_only_for_an_empty_queue():
    out = io.StringIO()
    tracer = SlowJSONTracer(stream=out)
    for n in range(3):
        Span(f"s{n}", tracer).end()
    while tracer._queue:  # the writer has taken the batch and is writing it
        time.sleep(0.001)
    assert tracer.flush(timeout=5)
    assert (tracer.written, len(out.getvalue().splitlines())) == (3, 3)
    tracer.close()


def test_sqlite_writer_keeps_up_while_the_request_thread_never_lets_go_of_the_gil(tmp_path: Path):
    # A busy event loop (or a CPU-heavy handler) only gives up the GIL every 5 ms. A writer that
    # needed the GIL back after every row (executemany) wrote 200 rows a second here; one INSERT
    # per few hundred rows needs it a handful of times per batch.
    tracer = SQLiteTracer(tmp_path / "busy.db")
    Span("warm-up", tracer).end()
    assert tracer.flush()
    for n in range(2000):
        Span(f"s{n}", tracer).end()
    tracer._wake.set()
    spin_until = time.monotonic() + 3
    total = 0
    while time.monotonic() < spin_until and tracer.written < 2001:
        for i in range(20_000):  # pure Python: holds the GIL like a busy request loop
            total += i
    assert tracer.written == 2001, f"only {tracer.written} of 2001 spans written while the main thread was busy"
    tracer.close()


def test_a_value_json_cannot_hold_does_not_cost_the_batch(tmp_path: Path):
    path = tmp_path / "odd.db"
    tracer = SQLiteTracer(path)
    loop: dict = {}
    loop["self"] = loop
    Span("circular", tracer).attr("data", loop).end()
    Span("plain", tracer).attr("when", object()).end()
    tracer.close()
    rows = dict(sqlite3.connect(path).execute("SELECT name, attributes FROM spans").fetchall())
    assert "Circular reference" in json.loads(rows["circular"])["stario.unwritable"]
    assert json.loads(rows["plain"])["when"].startswith("<object object")

def test_sqlite_tracer_writes_the_documented_schema(tmp_path: Path):
    path = tmp_path / "t.db"
    tracer = SQLiteTracer(path)
    with TestClient(Stario(Query("/", hello), tracer=tracer)) as client:
        client.get("/")
    tracer.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = db.execute("SELECT name, method, path, route, http_status FROM spans ORDER BY start_ns").fetchall()
    assert ("http.request", "GET", "/", "/", 200) in rows and ("work", None, None, None, None) in rows
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"spans_by_trace", "spans_roots_by_start"} <= indexes


@pytest.mark.parametrize(
    "value, kinds",
    [
        ("noop", [NoopTracer]),
        ("memory", [MemoryTracer]),
        ("json", [JSONTracer]),
        ("sqlite:x.db", [SQLiteTracer]),
        ("tty", [TTYTracer]),
        ("memory, json:x.jsonl", [MemoryTracer, JSONTracer]),
    ],
)
def test_stario_tracer_names_the_tracers(value, kinds):
    tracer = tracer_from_env(value)
    found = tracer.tracers if isinstance(tracer, MultiTracer) else [tracer]
    assert [type(t) for t in found] == kinds


def test_an_app_built_in_a_terminal_starts_no_thread_and_registers_nothing(monkeypatch):
    """A REPL or a test run in a terminal: with STARIO_TRACER unset, spans go nowhere, quietly."""
    import atexit
    import pty
    import threading

    main, child = pty.openpty()
    terminal = os.fdopen(child, "w")
    registered: list = []
    monkeypatch.delenv("STARIO_TRACER", raising=False)
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(atexit, "register", lambda fn, *args, **kwargs: registered.append(fn))
    threads = set(threading.enumerate())
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    try:
        assert sys.stderr.isatty()
        app = Stario(Query("/", hello))
        scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"", "headers": []}
        asyncio.run(app(scope, receive, send))
        assert sent[0]["status"] == 200
        assert type(app.tracer) is NoopTracer and type(tracer_from_env()) is NoopTracer
        assert set(threading.enumerate()) == threads, "no tracer thread"
        assert registered == [], "nothing left to run at exit"
    finally:
        terminal.close()
        os.close(main)


def test_an_unknown_tracer_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tracer 'xml'"):
        tracer_from_env("xml")


def test_tty_tracer_draws_open_then_finished_requests():
    out = io.StringIO()
    tracer = TTYTracer(stream=out, colour=False)
    span = Span("http.request", tracer)
    span.attributes.update({"http.method": "GET", "http.path": "/feed"})
    tracer.draw()
    assert "… GET /feed  open" in out.getvalue()
    span.attributes["http.status"] = 200
    span.end()
    tracer.draw()
    finished = out.getvalue().split("\x1b[1F\x1b[J")[-1]
    assert re.search(r"GET\s+/feed\s+200\s+\d+\.\dms", finished)
    tracer.close()


# -- real servers ---------------------------------------------------------------------------------

APP = textwrap.dedent(
    """
    import asyncio
    from stario import Command, Query, Stario

    async def home(c):
        with c.span.step("render"):
            return "<h1>home</h1>"

    async def boom(c):
        raise RuntimeError("kaput")

    async def feed(c):
        for n in range(3):
            yield f"<p id='n'>{n}</p>"
            await asyncio.sleep(0.05)

    async def slow(c):
        while True:
            yield "<p id='t'>tick</p>"
            await asyncio.sleep(0.2)

    app = Stario(Query("/", home), Query("/boom", boom), Query("/feed", feed), Query("/slow", slow))
    """
)


def run_server(tmp_path: Path, env: dict[str, str], **popen):
    (tmp_path / "main.py").write_text(APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stario", "serve", "main:app", "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path,
        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
        **popen,
    )
    return process, f"http://127.0.0.1:{port}"


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_sqlite_traces_from_a_real_server_are_listed_and_shown_by_stario_spans(tmp_path: Path):
    process, base = run_server(tmp_path, {"STARIO_TRACER": "sqlite:traces.db"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_up(base + "/", process)
        assert [fetch(base + p) for p in ("/", "/boom", "/feed")] == [200, 500, 200]
    finally:
        process.terminate()
        process.wait(timeout=15)

    def spans(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "stario", "spans", "traces.db", *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    listing = spans()
    assert re.search(r"GET\s+/boom\s+500.*FAILED", listing)
    assert re.search(r"GET\s+/feed\s+200", listing) and re.search(r"GET\s+/\s+200", listing)
    assert "/boom" in spans("--status", "error") and "/feed" not in spans("--status", "error")
    assert "/feed" in spans("--path", "/fe") and "/boom" not in spans("--path", "/fe")
    failing = re.search(r"([0-9a-f]{8})\s+GET\s+/boom", listing).group(1)
    tree = spans("--trace", failing)
    assert "http.request" in tree and "FAILED" in tree and "RuntimeError: kaput" in tree
    streaming = re.search(r"([0-9a-f]{8})\s+GET\s+/feed", listing).group(1)
    assert spans("--trace", streaming).count("sse") == 3
    home = re.search(r"([0-9a-f]{8})\s+GET\s+/\s", listing).group(1)
    assert re.search(r"\n\s+render\s+\d", spans("--trace", home))
    missing = subprocess.run([sys.executable, "-m", "stario", "spans", "nope.db"], cwd=tmp_path, capture_output=True, text=True)
    assert missing.returncode == 1 and "no trace file" in missing.stderr


def test_the_terminal_view_in_a_real_terminal_shows_a_stream_open_then_finished(tmp_path: Path):
    import http.client
    import pty

    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "STARIO_TRACER"}  # stario serve picks tty in a terminal
    (tmp_path / "main.py").write_text(APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stario", "serve", "main:app", "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path, env={**env, "PYTHONUNBUFFERED": "1", "TERM": "xterm"}, stdin=child, stdout=child, stderr=child,
    )
    os.close(child)
    screen = b""

    def read_until(pattern: str, timeout: float = 10) -> str:
        nonlocal screen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", screen.decode(errors="replace"))
            if re.search(pattern, text):
                return text
            import select

            if select.select([main], [], [], 0.1)[0]:
                try:
                    screen += os.read(main, 65536)
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} never showed; the terminal had:\n{screen.decode(errors='replace')}")

    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/slow")
        response = connection.getresponse()
        response.readline()
        read_until(r"… GET /slow\s+open")
        response.close()
        connection.close()  # the browser goes away
        text = read_until(r"GET\s+/slow\s+200 \(client left\)\s+\d+\.\d+m?s")
        assert "\x1b[3" in screen.decode(errors="replace"), "a terminal gets colours"
        assert text
    finally:
        process.terminate()
        process.wait(timeout=15)
        os.close(main)


def test_work_outside_requests_gets_its_own_root_span():
    tracer = MemoryTracer()
    app = Stario(tracer=tracer)
    with app.span("job.cleanup", removed=3) as job:
        with job.step("db.delete"):
            pass
    names = [(s.name, s.parent_id is None) for s in tracer.spans]
    assert names == [("db.delete", False), ("job.cleanup", True)]
    assert tracer.spans[1].attributes == {"removed": 3}
