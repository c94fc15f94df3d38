"""Tracers: memory (live feed), JSON lines, SQLite (+ `stario spans`), the terminal view, STARIO_TRACER."""

from __future__ import annotations

import asyncio
import io
import json
import logging
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from stario import Query, Stario
from stario.telemetry import NoopTracer, Span
from stario.testing import TestClient
from stario.tracers import JSONTracer, MemoryTracer, MultiTracer, SQLiteTracer, TTYTracer, tracer_from_env
from stario.tracefile import TraceFile
from stario.tracers.background import to_json
from stario.tracers.sqlite import ATTRIBUTE_COLUMNS, attributes_of
from stario.tracers.terminal import TerminalLogHandler
from tests.servers import free_port, wait_until_up
from tests.test_spans import call


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


def test_the_sqlite_tracer_writes_its_backlog_and_reports_drops_when_the_app_stops(tmp_path, capsys):
    """Lifespan shutdown flushes (a SIGTERM may end the process right after) and reports drops."""
    import asyncio
    import sqlite3

    from stario import Query, Stario
    from stario.tracers.sqlite import SQLiteTracer

    async def home(c):
        return "hi"

    tracer = SQLiteTracer(tmp_path / "t.db", max_queue=3)
    app = Stario(Query("/", home), tracer=tracer)

    async def run():
        await app.startup()
        for n in range(8):  # the writer thread drains every 50 ms: most of these overflow the queue
            Span(f"s{n}", tracer).end()
        await app.shutdown()

    asyncio.run(run())
    with sqlite3.connect(tmp_path / "t.db") as db:
        written = db.execute("select count(*) from spans").fetchone()[0]
    assert written == tracer.written and written + tracer.dropped == 9  # 8 spans and server.startup
    # The writer drains every 50 ms, and the 8 spans end within microseconds: the queue of 3 overflowed.
    assert tracer.dropped > 0 and f"SQLiteTracer dropped {tracer.dropped} spans" in capsys.readouterr().err
    tracer.close()


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
    Span("odd key", tracer).attr("by", {(1, 2): "a tuple as a key"}).end()
    tracer.close()
    rows = dict(sqlite3.connect(path).execute("SELECT name, attributes FROM spans").fetchall())
    assert json.loads(rows["circular"])["stario.unwritable"].startswith("RecursionError")
    assert json.loads(rows["odd key"])["stario.unwritable"].startswith("TypeError: keys must be")
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
    # A plain request's attributes all have columns: no JSON was made for it.
    row = db.execute("SELECT kind, response_bytes, attributes FROM spans WHERE name = 'http.request'").fetchone()
    assert row == ("query", len("hi"), "{}")


attribute_values = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=5), st.lists(st.integers(), max_size=2))
attribute_keys = st.sampled_from([*ATTRIBUTE_COLUMNS, "user.id", "db.rows"]) | st.text(max_size=8)


def ended_span(attributes: dict, name: str, *, child: bool, failed: bool, cancelled: bool, event: bool = False) -> tuple[Span, Span]:
    """A root span named ``name`` and the span the property tests write (the root, or a step of
    it), given ``attributes`` and, as asked, a failure, an event and a cancelled status; ended."""
    parent = Span(name, NoopTracer())
    span = parent.step("work") if child else parent
    span.attributes.update(attributes)
    if failed:
        span.fail(ValueError("no"))
    if event:
        span.event("cache.miss")
    if cancelled:
        span.status = "cancelled"
    span.end()
    return parent, span


def has_the_six_typed(attributes: dict) -> bool:
    """True when ``attributes`` are exactly the six the app sets, each of the type it sets."""
    return attributes.keys() == ATTRIBUTE_COLUMNS.keys() and all(
        type(attributes[key]) is kind for key, (_, kind) in ATTRIBUTE_COLUMNS.items()
    )


plain_request = st.fixed_dictionaries(
    {"http.method": st.sampled_from(["GET", "POST", ""]), "http.path": st.text(max_size=5), "http.route": st.sampled_from(["/", ""]),
     "stario.kind": st.sampled_from(["query", ""]), "http.status": st.integers(-2, 599), "http.response_bytes": st.integers(-2, 10**9)}
)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    attributes=plain_request | st.dictionaries(attribute_keys, attribute_values, max_size=8),
    name=st.sampled_from(["http.request", "job"]), child=st.booleans(), failed=st.booleans(), cancelled=st.booleans(),
)  # fmt: skip
def test_a_spans_attributes_read_back_as_they_were_written(
    tmp_path: Path, attributes: dict, name: str, child: bool, failed: bool, cancelled: bool
):
    """Whatever the types (a status given as text, a None, a bool), reading gives back what was set;
    a plain request's row (its name and status written in the statement) reads as any other."""
    from stario.tracers.sqlite import _request_row

    tracer = SQLiteTracer(tmp_path / "round.db")
    tracer.open()
    parent, span = ended_span(attributes, name, child=child, failed=failed, cancelled=cancelled)
    plain = name == "http.request" and not (child or failed or cancelled) and has_the_six_typed(attributes)
    plain = plain and "" not in attributes.values() and min(attributes["http.status"], attributes["http.response_bytes"]) >= 0
    assert (_request_row(span, 1) is not None) == plain
    tracer.write([span])
    tracer.shut()
    db = sqlite3.connect(tmp_path / "round.db")
    db.row_factory = sqlite3.Row
    (row,) = db.execute("SELECT * FROM spans WHERE span_id = ?", [f"{span.span_id:016x}"]).fetchall()
    db.execute("DELETE FROM spans")
    db.commit()
    db.close()
    assert attributes_of(row) == attributes
    assert row["parent_id"] == (f"{parent.span_id:016x}" if child else None)
    assert (row["error"] is not None) == failed and row["trace_id"] == f"{span.trace_id:032x}"
    assert (row["name"], row["status"], row["start_ns"]) == (span.name, span.status, span.wall_start_ns)


any_request = st.fixed_dictionaries(
    {"http.method": st.text(max_size=5), "http.path": st.text(max_size=8), "http.route": st.text(max_size=5),
     "stario.kind": st.text(max_size=5), "http.status": st.integers(), "http.response_bytes": st.integers()}
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    attributes=any_request | st.dictionaries(attribute_keys, attribute_values, max_size=8),
    name=st.sampled_from(["http.request", "job"]), child=st.booleans(), failed=st.booleans(), event=st.booleans(),
    cancelled=st.booleans(),
)  # fmt: skip
def test_a_json_line_is_the_spans_dict_whatever_its_values(
    attributes: dict, name: str, child: bool, failed: bool, event: bool, cancelled: bool
):
    """Plain requests take a template rather than the encoder: the line must still parse to
    `Span.to_dict` (quotes, control characters and any text escaped as JSON escapes them)."""
    from stario.tracers.jsonlines import _request_line

    _, span = ended_span(attributes, name, child=child, failed=failed, cancelled=cancelled, event=event)
    out = io.StringIO()
    tracer = JSONTracer(stream=out)
    tracer.write([span])
    assert json.loads(out.getvalue()) == json.loads(to_json(span.to_dict()))
    plain = name == "http.request" and not (child or failed or event or cancelled) and has_the_six_typed(attributes)
    assert (_request_line(span) is not None) == plain


@pytest.mark.parametrize("size", [1, 5, 255, 257, 700])
def test_a_batch_of_any_size_is_written_whole(tmp_path: Path, size: int):
    tracer = SQLiteTracer(tmp_path / "batch.db")
    tracer.open()
    spans = []
    for n in range(size):
        span = Span("http.request", NoopTracer())
        span.attributes.update({"http.method": "GET", "http.path": f"/{n}", "http.route": "/{n}", "stario.kind": "query"})
        span.attributes.update({"http.status": 200, "http.response_bytes": n})
        if n % 3 == 0:
            span = span.step("db.query", rows=n)  # every third span takes the other shape of row
        span.end()
        spans.append(span)
    tracer.write(spans)
    tracer.shut()
    db = sqlite3.connect(tmp_path / "batch.db")
    assert db.execute("SELECT COUNT(*), COUNT(DISTINCT span_id) FROM spans").fetchone() == (size, size)
    assert db.execute("SELECT COUNT(*) FROM spans WHERE name = 'db.query'").fetchone()[0] == len(range(0, size, 3))


def test_a_file_from_before_the_attribute_columns_reads_and_takes_new_rows(tmp_path: Path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(
        """CREATE TABLE spans (span_id TEXT NOT NULL, trace_id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL,
        start_ns INTEGER NOT NULL, duration_ns INTEGER, status TEXT NOT NULL, error TEXT, method TEXT, path TEXT,
        route TEXT, http_status INTEGER, attributes TEXT NOT NULL, events TEXT NOT NULL);"""
    )
    every = {"http.method": "GET", "http.path": "/old", "http.route": "/old", "stario.kind": "query", "http.status": 200, "user.id": 7}
    old.execute(
        "INSERT INTO spans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ["a" * 16, "b" * 32, None, "http.request", 1, 5, "ok", None, "GET", "/old", "/old", 200, json.dumps(every), "[]"],
    )
    old.commit()
    old.close()
    tracer = SQLiteTracer(path)
    with TestClient(Stario(Query("/", hello), tracer=tracer)) as client:
        client.get("/")
    tracer.close()
    file = TraceFile(path)
    assert file.trace("b" * 32)[0]["attributes"] == every
    (new,) = [root for root in file.roots(limit=5) if root.path == "/"]
    assert file.trace(new.trace_id)[0]["attributes"]["stario.kind"] == "query"


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


class Screen:
    """A terminal just wide enough for these tests: it wraps at ``width`` as xterm does (a line
    that fills the row wraps at the next character), and obeys the cursor moves and erasures a
    live view uses. ``rows()`` is what the terminal shows, scrollback included."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[list[str]] = [[]]
        self.row = self.col = 0

    def isatty(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def _line(self) -> list[str]:
        while len(self.lines) <= self.row:
            self.lines.append([])
        return self.lines[self.row]

    def write(self, text: str) -> int:
        for match in re.finditer(r"\x1b\[([?0-9;]*)([A-Za-z])|(.)", text, re.S):
            params, command, char = match.groups()
            n = int(params) if params and params.isdigit() else None
            if char == "\n":
                self.row, self.col = self.row + 1, 0
            elif char == "\r":
                self.col = 0
            elif char is not None:
                if self.col >= self.width:  # the pending wrap happens now
                    self.row, self.col = self.row + 1, 0
                line = self._line()
                line.extend(" " * (self.col + 1 - len(line)))
                line[self.col] = char
                self.col += 1
            elif command in "AF":
                self.row = max(0, self.row - (n or 1))
                self.col = 0 if command == "F" else min(self.col, self.width - 1)
            elif command == "G":
                self.col = (n or 1) - 1
            elif command == "K":
                line = self._line()
                del line[0 if n == 2 else self.col :]
                if n == 2 or n == 1:
                    line[:] = []
            elif command == "J":
                del self._line()[self.col :]
                del self.lines[self.row + 1 :]
        return len(text)

    def rows(self) -> list[str]:
        rows = ["".join(line).rstrip() for line in self.lines]
        while rows and not rows[-1]:
            rows.pop()
        return rows


def test_the_terminal_view_leaves_no_stale_rows_when_a_line_is_wider_than_the_terminal():
    screen = Screen(width=40)
    tracer = TTYTracer(Console(file=screen, width=40, force_terminal=True, color_system=None), background=False)
    path = "/streams/" + "x" * 60
    span = Span("http.request", tracer)
    span.attributes.update({"http.method": "GET", "http.path": path})
    tracer.draw()
    assert any("… GET /streams/" in row for row in screen.rows()), screen.rows()
    span.attributes["http.status"] = 200
    span.end()
    tracer.draw()
    rows = screen.rows()
    assert not any("… GET" in row or "open" in row for row in rows), "stale rows of the open request:\n" + "\n".join(rows)
    assert path in "".join(rows), "the finished request is shown whole, wrapped"
    tracer.close()


def view(width: int = 80) -> tuple[Screen, TTYTracer]:
    """A terminal view drawn on a `Screen` of ``width`` columns."""
    screen = Screen(width)
    return screen, TTYTracer(Console(file=screen, width=width, force_terminal=True, color_system=None), background=False)


def request(tracer, path: str, method: str = "GET") -> Span:
    span = Span("http.request", tracer)
    span.attributes.update({"http.method": method, "http.path": path, "http.route": path})
    return span


def test_the_terminal_view_shows_open_requests_in_place_then_scrolls_them_finished():
    screen, tracer = view()
    feed = request(tracer, "/feed")
    with feed.step("db.query"):
        pass
    slow = feed.step("render")
    for n in range(3):
        feed.event("sse", type="datastar-patch-elements")
    tracer.draw()
    rows = screen.rows()
    assert re.fullmatch(r"… GET /feed  open \d+\.\dms, 3 events", rows[0]), rows
    assert re.fullmatch(r"├── db\.query  \d+\.\dms", rows[1]) and re.fullmatch(r"└── render  running \d+\.\dms", rows[2]), rows
    slow.end()
    feed.attributes["http.status"] = 200
    feed.end()
    tracer.draw()
    rows = screen.rows()
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}  GET    /feed  200  \d+\.\dms  3 events", rows[0]), rows
    assert re.fullmatch(r"├── db\.query  \d+\.\dms", rows[1]) and re.fullmatch(r"└── render  \d+\.\dms", rows[2]), rows
    assert len(rows) == 3, "the open request's rows are gone"
    tracer.close()


def test_the_terminal_view_cuts_open_rows_to_the_width_and_wraps_finished_ones():
    screen, tracer = view(width=40)
    long = request(tracer, "/search/" + "q" * 50)
    with long.step("a.step.whose.name.is.far.too.long.for.forty.columns"):
        pass
    tracer.draw()
    rows = screen.rows()
    assert len(rows) == 2 and all(row.endswith("…") for row in rows), rows
    long.attributes["http.status"] = 500
    long.fail(RuntimeError("kaput"))
    long.end()
    tracer.draw()
    rows = screen.rows()
    assert "/search/" + "q" * 50 in "".join(rows), "the path is whole, wrapped over rows"
    assert rows[-1] == "└── RuntimeError: kaput" and not any("…" in row for row in rows), rows
    tracer.close()


def test_the_terminal_view_keeps_up_with_a_flood_by_counting_what_it_does_not_draw():
    screen, tracer = view()
    for n in range(TTYTracer.max_burst + 30):
        span = request(tracer, f"/r{n}")
        span.attributes["http.status"] = 404 if n % 10 == 0 else 200
        span.end()
    tracer.draw()
    rows = screen.rows()
    assert len(rows) == TTYTracer.max_burst + 1
    assert rows[-1] == "… and 30 more finished (27 × 200, 3 × 404)", rows[-1]
    tracer._budget_at -= 0.05  # 50 ms on: lines_per_second refills 5 lines
    for n in range(10):
        request(tracer, "/later").end()
    tracer.draw()
    drawn = len(screen.rows()) - TTYTracer.max_burst - 2
    assert drawn in (5, 6) and screen.rows()[-1] == f"… and {10 - drawn} more finished ({10 - drawn} × ---)", screen.rows()[-3:]
    tracer.close()


def test_the_terminal_view_prints_log_lines_above_the_open_requests():
    screen, tracer = view()
    handler = TerminalLogHandler(tracer=tracer)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("tests.terminal_view")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("before the view draws")  # straight out
        open_one = request(tracer, "/stream")
        tracer.draw()
        logger.warning("while a request is open")
        tracer.draw()
    finally:
        logger.removeHandler(handler)
    assert screen.rows()[0] == "WARNING: before the view draws"
    assert screen.rows()[1] == "WARNING: while a request is open"
    assert screen.rows()[2].startswith("… GET /stream  open")
    open_one.end()
    tracer.close()


def test_the_terminal_view_costs_a_request_one_append_and_starts_its_thread_once():
    screen = Screen(80)
    tracer = TTYTracer(Console(file=screen, width=80, force_terminal=True, color_system=None))
    spans = [request(tracer, f"/{n}") for n in range(3)]
    assert tracer._thread is not None and len(tracer._events) == 3
    for span in spans:
        span.end()
    tracer.close()
    assert not tracer._thread.is_alive()
    assert len(screen.rows()) == 3


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


def test_stario_spans_draws_a_table_and_a_tree_that_fit_the_width(tmp_path: Path):
    from stario.tracefile import TraceFile, format_list, format_tree, list_view, short_trace_id, show

    async def page(c, w):
        c.span.attr("note", "a value long enough to need more than one row at forty columns")
        with c.span.step("work", kind="demo"):
            pass
        w.text("hi")

    tracer = SQLiteTracer(tmp_path / "t.db")
    with TestClient(Stario(Query("/", page), tracer=tracer)) as client:
        client.get("/")
    tracer.close()
    trace_file = TraceFile(tmp_path / "t.db")
    roots = trace_file.roots()
    listing = format_list(roots)
    assert listing.splitlines()[0].split() == ["time", "trace", "method", "path", "status", "duration", "spans"]
    assert re.search(r"[0-9a-f]{8}  GET     /\s+200\s+\d+\.\dms\s+2$", listing, re.M), listing
    assert all(line == line.rstrip() for line in listing.splitlines()), "no trailing spaces"
    piped = io.StringIO()
    show(list_view(roots), file=piped)  # not a terminal: plain, unwrapped
    assert piped.getvalue() == listing + "\n"
    request = next(root for root in roots if root.path == "/")
    assert short_trace_id(request.trace_id) in listing
    tree = format_tree(trace_file.trace(short_trace_id(request.trace_id)), width=40)
    rows = tree.splitlines()
    assert rows[0] == f"trace {request.trace_id}" and "\n└── http.request  " in tree, tree  # the date wraps
    assert max(len(row) for row in rows) <= 40
    assert "    ├── note = 'a value long enough to" in tree, tree  # wrapped beneath its guide
    assert re.search(r"\n    └── work  \d+\.\dms\n        └── kind = 'demo'$", tree), tree


def test_a_trace_is_found_by_its_short_id_its_whole_id_or_a_unique_start(tmp_path: Path):
    """Traces started together share the start of their ids (the time): the list shows each by
    its random end, and that finds it; files written when ids were random are read by a start."""
    from stario.tracefile import TraceFile, short_trace_id

    async def page() -> str:
        return "hi"

    tracer = SQLiteTracer(tmp_path / "t.db")
    with TestClient(Stario(Query("/", page), tracer=tracer)) as client:
        for _ in range(3):
            client.get("/")
    tracer.close()
    trace_file = TraceFile(tmp_path / "t.db")
    ids = [root.trace_id for root in trace_file.roots() if root.path == "/"]
    shared = os.path.commonprefix(ids)
    assert len(ids) == 3 and len(shared) >= 6, "traces started within a second share the first digits of their ids"
    for trace_id in ids:
        assert [span["trace_id"] for span in trace_file.trace(short_trace_id(trace_id))] == [trace_id]
        assert trace_file.trace(trace_id.upper())[0]["trace_id"] == trace_id
    with pytest.raises(LookupError, match="more than one trace starts or ends with '") as ambiguous:
        trace_file.trace(shared)
    assert all(trace_id in str(ambiguous.value) for trace_id in ids), "the error lists the traces it could be"
    with pytest.raises(LookupError, match="a trace id has 32 hex digits, this has 33"):
        trace_file.trace(ids[0] + "0")
    with pytest.raises(LookupError, match="no trace starts or ends with 'abcdef0123456789'"):
        trace_file.trace("abcdef0123456789")
    with pytest.raises(LookupError, match=r"a trace id is made of hex digits \(0-9, a-f\)"):
        trace_file.trace("%")
    older = "7f3a9c" + "0" * 26  # an id as Stario made them before: random from the first digit
    with sqlite3.connect(tmp_path / "t.db") as db:
        db.execute("UPDATE spans SET trace_id = ? WHERE trace_id = ?", [older, ids[0]])
    assert trace_file.trace("7f3a9c")[0]["trace_id"] == older


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
    tree = spans("--trace", streaming)
    assert tree.count(" sse  type=") == 3 and "sse.events = 3" in tree
    home = re.search(r"([0-9a-f]{8})\s+GET\s+/\s", listing).group(1)
    assert re.search(r"\n[\s│├└─]+render\s+\d", spans("--trace", home))
    missing = subprocess.run([sys.executable, "-m", "stario", "spans", "nope.db"], cwd=tmp_path, capture_output=True, text=True)
    assert missing.returncode == 1 and "no trace file" in missing.stderr


def test_the_terminal_view_in_a_real_terminal_shows_a_stream_open_then_finished(tmp_path: Path):
    import fcntl
    import http.client
    import pty
    import select
    import struct
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 50, 0, 0))  # 50 columns: lines wrap
    env = {k: v for k, v in os.environ.items() if k != "STARIO_TRACER"}  # stario serve picks tty in a terminal
    (tmp_path / "main.py").write_text(APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stario", "serve", "main:app", "--port", str(port)],
        cwd=tmp_path, env={**env, "PYTHONUNBUFFERED": "1", "TERM": "xterm"}, stdin=child, stdout=child, stderr=child,
    )
    os.close(child)
    screen = b""

    def read_until(pattern: str, timeout: float = 10, since: int = 0) -> str:
        nonlocal screen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", screen[since:].decode(errors="replace"))
            if re.search(pattern, text):
                return text
            if select.select([main], [], [], 0.1)[0]:
                try:
                    screen += os.read(main, 65536)
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} never showed; the terminal had:\n{screen.decode(errors='replace')}")

    def stream() -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/slow")
        connection.getresponse().readline()
        return connection

    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process)
        read_until(r"Uvicorn running on")  # uvicorn's lines print through the view
        connection = stream()
        read_until(r"… GET /slow\s+open")
        connection.close()  # the browser goes away
        read_until(r"GET\s+/slow\s+200 \(client left\)\s+\d+\.\d+m?s")
        assert "\x1b[3" in screen.decode(errors="replace"), "a terminal gets colours"
        seen = len(screen)
        still_open = stream()
        read_until(r"… GET /slow\s+open", since=seen)
        process.terminate()  # uvicorn shuts down, then raises SIGTERM again: no atexit
        read_until(r"Finished server process")
        still_open.close()
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=15)
        os.close(main)
    shown = Screen(width=50)
    shown.write(screen.decode(errors="replace"))
    rows = shown.rows()
    assert not any("… GET" in row for row in rows), "no stale rows of open requests:\n" + "\n".join(rows)
    assert not any('"GET /' in row for row in rows), "the view replaces uvicorn's access log"
    assert rows[-1].endswith("Finished server process [" + str(process.pid) + "]"), rows[-3:]


def test_work_outside_requests_gets_its_own_root_span():
    tracer = MemoryTracer()
    app = Stario(tracer=tracer)
    with app.span("job.cleanup", removed=3) as job:
        with job.step("db.delete"):
            pass
    names = [(s.name, s.parent_id is None) for s in tracer.spans]
    assert names == [("db.delete", False), ("job.cleanup", True)]
    assert tracer.spans[1].attributes == {"removed": 3}


plain_values = st.tuples(
    st.integers(0, 2**62), st.integers(0, 10**12), st.text(max_size=5), st.text(max_size=8), st.text(max_size=5),
    st.text(max_size=5), st.integers(-2, 10**4), st.integers(-2, 10**12),
).map(lambda v: (v[0], v[0] + v[1], *v[2:]))  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=plain_values)
def test_a_plain_request_is_written_as_the_span_it_stands_for(tmp_path: Path, request: tuple):
    """A request that reaches a writer as its values (`PlainRequest`) gives the line and the row
    its span would: the same JSON (ids aside), the same attributes, name, status and times, and
    a trace id that starts with its wall-clock start like any new trace's."""
    from stario.telemetry import WALL_CLOCK_OFFSET_NS
    from stario.tracers.background import plain_request_span

    start, end, method, path, route, kind, status, size = request
    span = plain_request_span(request)
    out = io.StringIO()
    JSONTracer(stream=out).write([request])
    line = json.loads(out.getvalue())
    expected = json.loads(to_json(span.to_dict()))
    assert re.fullmatch(r"[0-9a-f]{32}", line["trace_id"]) and re.fullmatch(r"[0-9a-f]{16}", line["span_id"])
    assert int(line["trace_id"][:16], 16) == start + WALL_CLOCK_OFFSET_NS
    expected.update(trace_id=line["trace_id"], span_id=line["span_id"])
    assert line == expected

    tracer = SQLiteTracer(tmp_path / "plain.db")
    tracer.open()
    tracer.write([request])
    tracer.shut()
    db = sqlite3.connect(tmp_path / "plain.db")
    db.row_factory = sqlite3.Row
    (row,) = db.execute("SELECT * FROM spans").fetchall()
    db.execute("DELETE FROM spans")
    db.commit()
    db.close()
    assert attributes_of(row) == span.attributes
    assert (row["name"], row["status"], row["parent_id"], row["error"]) == ("http.request", "ok", None, None)
    assert (row["start_ns"], row["duration_ns"]) == (start + WALL_CLOCK_OFFSET_NS, end - start)
    assert int(row["trace_id"][:16], 16) == start + WALL_CLOCK_OFFSET_NS


def test_an_app_writes_its_plain_requests_to_the_trace_file_without_making_their_spans(tmp_path: Path, monkeypatch):
    """Straight through ASGI, as a server calls it (the test client records spans itself)."""
    made = []
    real_init = Span.__init__
    monkeypatch.setattr(Span, "__init__", lambda self, *a, **k: made.append(a[0]) or real_init(self, *a, **k))

    async def greet(c, w):
        w.text(f"hello {c.params['name']}")

    async def annotated(c, w):
        c.span.attr("user.id", 3)
        w.text("ok")

    tracer = SQLiteTracer(tmp_path / "app.db")
    app = Stario(Query("/hello/{name}", greet), Query("/annotated", annotated), tracer=tracer)

    for path in ["/hello/ada", "/hello/bob", "/annotated"]:
        call(app, path=path)
    tracer.close()
    assert made == ["http.request"], "only the request whose handler asked for its span made one"
    db = sqlite3.connect(tmp_path / "app.db")
    db.row_factory = sqlite3.Row
    rows = db.execute("SELECT * FROM spans ORDER BY start_ns").fetchall()
    assert [(row["path"], row["route"], row["http_status"], row["response_bytes"]) for row in rows] == [
        ("/hello/ada", "/hello/{name}", 200, 9), ("/hello/bob", "/hello/{name}", 200, 9), ("/annotated", "/annotated", 200, 2),
    ]  # fmt: skip
    assert attributes_of(rows[2])["user.id"] == 3
    assert len({row["trace_id"] for row in rows}) == 3


def test_several_writers_at_once_take_plain_requests_too_unless_one_watches_requests_start(tmp_path: Path):
    """``STARIO_TRACER=sqlite,json`` hands both writers a plain request's values; with ``memory``
    among them, every request makes its span, which the memory tracer keeps."""
    writers = tracer_from_env(f"sqlite:{tmp_path / 'a.db'},json:{tmp_path / 'a.jsonl'}")
    with_memory = tracer_from_env(f"sqlite:{tmp_path / 'b.db'},memory")
    assert isinstance(writers, MultiTracer) and writers.takes_plain_requests is True
    assert isinstance(with_memory, MultiTracer) and with_memory.takes_plain_requests is False
    assert isinstance(writers.tracers, tuple), "fixed once made: adding one later would leave the choice stale"

    async def hello(c, w):
        w.text("hi")

    for tracer in (writers, with_memory):
        call(Stario(Query("/", hello), tracer=tracer))
        tracer.close()
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert [(line["name"], line["attributes"]["http.status"]) for line in lines] == [("http.request", 200)]
    for name in ("a.db", "b.db"):
        db = sqlite3.connect(tmp_path / name)
        assert db.execute("SELECT name, path, http_status FROM spans").fetchall() == [("http.request", "/", 200)]
        db.close()
    memory = next(t for t in with_memory.tracers if isinstance(t, MemoryTracer))
    assert [span.name for span in memory.spans] == ["http.request"]
