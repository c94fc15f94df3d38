"""Tracers: where finished spans go.

- `MemoryTracer`: the last N spans in memory, plus a live async subscription (the playground,
  tests);
- `JSONTracer`: one JSON object a line, to stdout or a file;
- `SQLiteTracer`: a queryable file (``stario spans FILE`` reads it), for post-mortems;
- `TTYTracer`: a live view in the terminal: open requests update in place, finished ones scroll;
- `NoopTracer` (in `stario.telemetry`): nothing at all, and no span work on requests.

Choose with ``STARIO_TRACER`` (``tty``, ``json[:path]``, ``sqlite[:path]``, ``memory``, ``noop``,
several separated by commas) or in code: ``Stario(..., tracer=SQLiteTracer("traces.db"))``.

No tracer ever blocks a request. ``on_end`` only appends the span to a bounded in-memory queue;
a background thread does the writing. When the queue is full the span is dropped and counted
(``tracer.dropped``), because a slow disk must not slow the site down.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import json
import os
import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import IO, Any

from stario.feed import Feed
from stario.telemetry import NoopTracer, Span, Tracer

__all__ = [
    "MemoryTracer",
    "JSONTracer",
    "SQLiteTracer",
    "TTYTracer",
    "MultiTracer",
    "NoopTracer",
    "tracer_from_env",
    "SCHEMA",
]


class MultiTracer:
    """Hands every span to several tracers."""

    def __init__(self, tracers: Iterable[Tracer]) -> None:
        self.tracers = list(tracers)

    def on_start(self, span: Span) -> None:
        """Tell every tracer."""
        for tracer in self.tracers:
            tracer.on_start(span)

    def on_end(self, span: Span) -> None:
        """Tell every tracer."""
        for tracer in self.tracers:
            tracer.on_end(span)

    def close(self) -> None:
        """Close the tracers that can be closed."""
        for tracer in self.tracers:
            close = getattr(tracer, "close", None)
            if close is not None:
                close()


# -- memory ----------------------------------------------------------------------------------------


class SpanFeed(Feed[tuple[str, Span]]):
    """A live feed of spans from a `MemoryTracer`: ``async for kind, span in feed``.

    ``kind`` is ``"start"`` or ``"end"`` (starts only when asked for). The feed holds at most
    ``size`` spans; a consumer that falls behind loses the oldest and ``dropped`` counts them.
    Closing it (``close()``, the end of ``async with``) stops the spans; the loop ends once the
    ones already queued are read.
    """

    __slots__ = ("starts",)

    def __init__(self, tracer: MemoryTracer, starts: bool, size: int) -> None:
        super().__init__(size, on_close=tracer._feeds.discard)
        self.starts = starts

    def push(self, kind: str, span: Span) -> None:
        """Deliver a span (from any thread)."""
        self.put_threadsafe((kind, span))


class MemoryTracer:
    """Keeps the last ``capacity`` finished spans, and feeds them live to async subscribers."""

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._spans: deque[Span] = deque(maxlen=capacity)
        self._feeds: set[SpanFeed] = set()

    def on_start(self, span: Span) -> None:
        """Tell the feeds that asked for starts."""
        if self._feeds:
            for feed in list(self._feeds):
                if feed.starts:
                    feed.push("start", span)

    def on_end(self, span: Span) -> None:
        """Keep the span and tell the feeds."""
        self._spans.append(span)
        if self._feeds:
            for feed in list(self._feeds):
                feed.push("end", span)

    @property
    def spans(self) -> list[Span]:
        """The kept spans, oldest first."""
        return list(self._spans)

    def trace(self, trace_id: int) -> list[Span]:
        """The kept spans of one trace, in the order they ended."""
        return [span for span in self._spans if span.trace_id == trace_id]

    def clear(self) -> None:
        """Forget the kept spans."""
        self._spans.clear()

    def subscribe(self, *, starts: bool = False, size: int = 1000) -> SpanFeed:
        """A live feed of spans as they end (and start, with ``starts=True``); call in a coroutine."""
        asyncio.get_running_loop()  # the feed is read on this loop: without one, fail here, not later
        feed = SpanFeed(self, starts, size)
        self._feeds.add(feed)
        return feed


# -- the background writers ------------------------------------------------------------------------


class _BackgroundTracer:
    """A bounded queue of ended spans, drained by a thread that writes them in batches."""

    interval = 0.05  # seconds between drains; a span is written at most this late

    def __init__(self, max_queue: int = 10_000) -> None:
        self.max_queue = max_queue
        self.dropped = 0
        self.written = 0
        self._dropped_told = 0
        self._queue: deque[Span] = deque()
        self._writing = False  # a batch has left the queue but is not written yet
        self._wake = threading.Event()  # set to drain now rather than at the next interval
        self._drained = threading.Condition()  # notified after every drain, for `flush`
        self._stop = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def on_start(self, span: Span) -> None:
        """Starts are not written."""

    def on_end(self, span: Span) -> None:
        """Queue the span for the writer thread (dropped, and counted, when the queue is full)."""
        if len(self._queue) >= self.max_queue:
            self.dropped += 1
            return
        self._queue.append(span)
        if self._thread is None:
            self._start_thread()

    def _start_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
                self._thread.start()
                atexit.register(self.close)

    def _run(self) -> None:
        self.open()
        try:
            while not self._stop:
                self._wake.wait(self.interval)
                self._wake.clear()
                self._drain()
            self._drain()
        finally:
            self.shut()

    def _drain(self) -> None:
        self._writing = True  # before the queue empties, so `flush` never sees "empty and idle" too soon
        try:
            batch = []
            while self._queue:
                batch.append(self._queue.popleft())
            if batch:
                try:
                    self.write(batch)
                    self.written += len(batch)
                except Exception as exc:  # a tracer must never take the app down
                    print(f"stario: {type(self).__name__} could not write {len(batch)} spans: {exc}", file=sys.stderr)
        finally:
            self._writing = False
            with self._drained:
                self._drained.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Write every queued span now and wait until it is written; False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._drained:
            while (self._queue or self._writing) and self._thread is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._wake.set()
                self._drained.wait(min(remaining, self.interval))
        return True

    def close(self) -> None:
        """Write what is queued, stop the thread, and say on stderr if spans were dropped."""
        self._stop = True
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        if self.dropped > self._dropped_told:
            self._dropped_told = self.dropped
            print(
                f"stario: {type(self).__name__} dropped {self.dropped} spans: its queue of {self.max_queue} was full "
                "(the writer could not keep up)",
                file=sys.stderr,
            )

    # What subclasses provide (called on the writer thread only):
    def open(self) -> None:
        """Prepare to write."""

    def write(self, spans: list[Span]) -> None:  # pragma: no cover - overridden
        """Write a batch of spans."""
        raise NotImplementedError

    def shut(self) -> None:
        """Release what `open` took."""


# Built once: `json.dumps(..., default=str)` would build a new encoder for every call.
_encode = json.JSONEncoder(separators=(",", ":"), default=str).encode


def _to_json(value: Any) -> str:
    """Compact JSON for a span's attributes or events; values JSON cannot hold are written as text."""
    try:
        return _encode(value)
    except (ValueError, RecursionError) as exc:  # a circular or absurdly deep value: keep the span anyway
        return json.dumps({"stario.unwritable": f"{type(exc).__name__}: {exc}"})


class JSONTracer(_BackgroundTracer):
    """Writes each span as one line of JSON (`Span.to_dict`), to a file or to stdout."""

    def __init__(self, path: str | os.PathLike[str] | None = None, stream: IO[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self._stream = stream
        self._file: IO[str] | None = None

    def open(self) -> None:
        """Open the file (appending), unless writing to a stream."""
        if self.path is not None:
            self._file = open(self.path, "a", encoding="utf-8")

    def write(self, spans: list[Span]) -> None:
        """Write one line per span and flush."""
        out = self._file or self._stream or sys.stdout
        out.write("".join([_to_json(span.to_dict()) + "\n" for span in spans]))
        out.flush()

    def shut(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()


SCHEMA = """
CREATE TABLE IF NOT EXISTS spans (
    span_id      TEXT NOT NULL,         -- 16 hex digits
    trace_id     TEXT NOT NULL,         -- 32 hex digits, shared by a request and its steps
    parent_id    TEXT,                  -- NULL for a root span (a request, a start-up)
    name         TEXT NOT NULL,         -- http.request, server.startup, db.query...
    start_ns     INTEGER NOT NULL,      -- wall clock, nanoseconds since the Unix epoch
    duration_ns  INTEGER,
    status       TEXT NOT NULL,         -- ok, error, cancelled
    error        TEXT,                  -- the traceback of a failure
    method       TEXT,                  -- for requests: http.method
    path         TEXT,                  -- http.path
    route        TEXT,                  -- http.route, the pattern
    http_status  INTEGER,               -- http.status
    attributes   TEXT NOT NULL,         -- JSON object
    events       TEXT NOT NULL          -- JSON list of {name, offset_ns, attributes}
);
CREATE INDEX IF NOT EXISTS spans_by_trace ON spans (trace_id);
CREATE INDEX IF NOT EXISTS spans_roots_by_start ON spans (start_ns) WHERE parent_id IS NULL;
"""
"""The SQLite schema `SQLiteTracer` writes (see ``stario spans`` for a reader)."""

_COLUMNS = 14
_ROWS_PER_INSERT = 256  # 256 x 14 values, well under SQLite's 32,766


@functools.lru_cache(maxsize=8)
def _insert_rows(count: int) -> str:
    # One INSERT with many rows: sqlite3 lets go of the GIL once per statement it runs, so a
    # statement per batch (not per row, as executemany does) leaves the request thread alone.
    row = "(" + ",".join("?" * _COLUMNS) + ")"
    return "INSERT INTO spans VALUES " + ",".join([row] * count)


class SQLiteTracer(_BackgroundTracer):
    """Writes spans to a SQLite file (WAL mode, batched on a background thread); see `SCHEMA`."""

    def __init__(self, path: str | os.PathLike[str] = "traces.db", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = os.fspath(path)
        self._db: sqlite3.Connection | None = None

    def open(self) -> None:
        """Open (or create) the file in WAL mode with the schema."""
        self._db = connect(self.path)

    def write(self, spans: list[Span]) -> None:
        """Insert a batch in one transaction, a few hundred rows per statement."""
        values: list[Any] = []
        for span in spans:
            values.extend(_row(span))
        assert self._db is not None
        step = _ROWS_PER_INSERT * _COLUMNS
        with self._db:
            for at in range(0, len(values), step):
                chunk = values[at : at + step]
                self._db.execute(_insert_rows(len(chunk) // _COLUMNS), chunk)

    def shut(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()


def _row(span: Span) -> tuple[Any, ...]:
    """One span as a row of `SCHEMA` (this runs for every span written: keep it plain)."""
    attributes = span.attributes
    events = span.events
    return (
        f"{span.span_id:016x}",
        f"{span.trace_id:032x}",
        None if span.parent_id is None else f"{span.parent_id:016x}",
        span.name,
        span.wall_start_ns,
        span.duration_ns,
        span.status,
        span.error,
        attributes.get("http.method"),
        attributes.get("http.path"),
        attributes.get("http.route"),
        attributes.get("http.status"),
        _to_json(attributes),
        _to_json([{"name": e.name, "offset_ns": e.time_ns - span.start_ns, "attributes": e.attributes} for e in events])
        if events
        else "[]",
    )


def connect(path: str) -> sqlite3.Connection:
    """Open a trace file for writing, in WAL mode, with the schema in place."""
    db = sqlite3.connect(path, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


# -- the terminal ------------------------------------------------------------------------------------

_COLOURS = {"2": "\x1b[32m", "3": "\x1b[36m", "4": "\x1b[33m", "5": "\x1b[31m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


class TTYTracer:
    """A live view of requests in a terminal.

    Finished requests scroll by, one line each (time, method, path, status, duration, route),
    with their steps beneath as a tree, coloured by status. Requests still open (a stream, a
    slow handler) sit at the bottom and update in place with their running time. A thread redraws
    ten times a second, so the request path only appends to a queue.
    """

    interval = 0.1

    def __init__(self, stream: IO[str] | None = None, colour: bool | None = None, max_open: int = 8) -> None:
        self.stream = stream or sys.stderr
        self.colour = self.stream.isatty() if colour is None else colour
        self.max_open = max_open
        self._events: deque[tuple[str, Span]] = deque(maxlen=100_000)
        self._open: dict[int, Span] = {}
        self._children: dict[int, list[Span]] = {}
        self._live_lines = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def on_start(self, span: Span) -> None:
        """Note the start (drawn by the thread)."""
        self._events.append(("start", span))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="TTYTracer", daemon=True)
            self._thread.start()
            atexit.register(self.close)

    def on_end(self, span: Span) -> None:
        """Note the end (drawn by the thread)."""
        self._events.append(("end", span))

    def close(self) -> None:
        """Draw what is left and stop."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._stop.wait(self.interval)
            self.draw()
        self.draw()

    def draw(self) -> None:
        """Take in the queued starts and ends and redraw the terminal."""
        finished: list[str] = []
        while self._events:
            kind, span = self._events.popleft()
            if span.parent_id is not None:
                if kind == "end":
                    self._children.setdefault(span.trace_id, []).append(span)
            elif kind == "start":
                self._open[span.span_id] = span
            else:
                self._open.pop(span.span_id, None)
                finished.extend(self._finished_lines(span, self._children.pop(span.trace_id, [])))
        if not finished and not self._open and not self._live_lines:
            return
        out = []
        if self._live_lines:
            out.append(f"\x1b[{self._live_lines}F\x1b[J")  # back to where the live region began
        out.extend(line + "\n" for line in finished)
        live = self._live()
        out.extend(line + "\n" for line in live)
        self._live_lines = len(live)
        self.stream.write("".join(out))
        self.stream.flush()

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour else text

    def _finished_lines(self, span: Span, children: list[Span]) -> list[str]:
        lines = [self._line(span)]
        by_parent: dict[int | None, list[Span]] = {}
        for child in sorted(children, key=lambda s: s.start_ns):
            by_parent.setdefault(child.parent_id, []).append(child)

        def walk(parent_id: int, depth: int) -> None:
            kids = by_parent.get(parent_id, [])
            for index, child in enumerate(kids):
                branch = "└─" if index == len(kids) - 1 else "├─"
                mark = self._paint(" failed", _COLOURS["5"]) if child.status == "error" else ""
                lines.append(f"{'   ' * depth}   {self._paint(branch, _DIM)} {child.name}  {_ms(child.duration_ns)}{mark}")
                walk(child.span_id, depth + 1)

        walk(span.span_id, 0)
        if span.error:
            last = span.error.strip().splitlines()[-1]
            lines.append("   " + self._paint(last, _COLOURS["5"]))
        return lines

    def _line(self, span: Span) -> str:
        a = span.attributes
        clock = time.strftime("%H:%M:%S", time.localtime(span.wall_start_ns / 1e9))
        millis = f"{(span.wall_start_ns // 1_000_000) % 1000:03d}"
        if span.name != "http.request":
            status = "failed" if span.status == "error" else span.status
            return f"{self._paint(clock + '.' + millis, _DIM)}  {self._paint(span.name, _BOLD)}  {status}  {_ms(span.duration_ns)}"
        code = a.get("http.status")
        colour = _COLOURS["5"] if span.status == "error" else _COLOURS.get(str(code)[:1], "")
        status_text = self._paint(str(code if code is not None else "---"), colour)
        if span.status == "cancelled":
            status_text += self._paint(" (client left)", _DIM)
        route = a.get("http.route")
        sse = sum(1 for e in span.events if e.name == "sse")
        extra = (f"  {self._paint(route, _DIM)}" if route and route != a.get("http.path") else "") + (
            f"  {sse} events" if sse else ""
        )
        return (
            f"{self._paint(clock + '.' + millis, _DIM)}  {a.get('http.method', ''):<6} {a.get('http.path', '')}  "
            f"{status_text}  {_ms(span.duration_ns)}{extra}"
        )

    def _live(self) -> list[str]:
        now = time.monotonic_ns()
        spans = sorted(self._open.values(), key=lambda s: s.start_ns)
        lines = []
        for span in spans[: self.max_open]:
            what = f"{span.attributes.get('http.method', '')} {span.attributes.get('http.path', '')}".strip() or span.name
            sse = sum(1 for e in span.events if e.name == "sse")
            lines.append(
                self._paint(f"   … {what}  open {_ms(now - span.start_ns)}" + (f", {sse} events" if sse else ""), _DIM)
            )
        if len(spans) > self.max_open:
            lines.append(self._paint(f"   … and {len(spans) - self.max_open} more open", _DIM))
        return lines


def _ms(duration_ns: int | None) -> str:
    if duration_ns is None:
        return "?"
    if duration_ns >= 1_000_000_000:
        return f"{duration_ns / 1e9:.2f}s"
    return f"{duration_ns / 1e6:.1f}ms"


# -- choosing ----------------------------------------------------------------------------------------


def tracer_from_env(value: str | None = None) -> Tracer:
    """The tracer ``STARIO_TRACER`` (or ``value``) names; unset means ``tty`` in a terminal, else none.

    ``tty``, ``json`` (stdout) or ``json:PATH``, ``sqlite`` (traces.db) or ``sqlite:PATH``,
    ``memory``, ``noop``; several separated by commas.
    """
    if value is None:
        value = os.environ.get("STARIO_TRACER")
    if value is None:
        return _shared_tty() if sys.stderr.isatty() else NoopTracer()
    tracers: list[Tracer] = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        kind, _, argument = item.partition(":")
        kind = kind.lower()
        if kind == "noop":
            continue
        if kind == "tty":
            tracers.append(_shared_tty())
        elif kind == "json":
            tracers.append(JSONTracer(argument) if argument else JSONTracer())
        elif kind == "sqlite":
            tracers.append(SQLiteTracer(argument or "traces.db"))
        elif kind == "memory":
            tracers.append(MemoryTracer(int(argument) if argument else 1000))
        else:
            raise ValueError(
                f"STARIO_TRACER: unknown tracer {kind!r} in {value!r}; use tty, json[:path], sqlite[:path], memory or noop"
            )
    if not tracers:
        return NoopTracer()
    return tracers[0] if len(tracers) == 1 else MultiTracer(tracers)


_tty: TTYTracer | None = None


def _shared_tty() -> TTYTracer:
    # One terminal, one live view, however many apps a process builds.
    global _tty
    if _tty is None:
        _tty = TTYTracer()
    return _tty
