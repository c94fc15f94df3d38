"""`SQLiteTracer`: spans in a SQLite file, to query after the fact (``stario spans FILE`` reads it).

Chosen with ``STARIO_TRACER=sqlite`` (``traces.db``) or ``STARIO_TRACER=sqlite:PATH``. The file
is in WAL mode, so it can be read while the app writes it; `SCHEMA` is its one table. Spans are
inserted in batches by the writer thread, a few hundred rows a statement. Several worker
processes may write one file: each batch is one short transaction, a writer waits up to 10 s for
another's to end (SQLite's busy timeout), and every row says which process (``worker``) wrote it.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from typing import Any

from stario.telemetry import WALL_CLOCK_OFFSET_NS, PlainRequest, Span
from stario.tracers.background import BackgroundTracer, plain_request, plain_request_span, to_json

__all__ = ["SQLiteTracer", "SCHEMA", "ATTRIBUTE_COLUMNS", "attributes_of", "connect"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS spans (
    span_id         TEXT NOT NULL,      -- 16 hex digits
    trace_id        TEXT NOT NULL,      -- 32 hex digits, shared by a request and its steps
    parent_id       TEXT,               -- NULL for a root span (a request, a start-up)
    name            TEXT NOT NULL,      -- http.request, server.startup, db.query...
    start_ns        INTEGER NOT NULL,   -- wall clock, nanoseconds since the Unix epoch
    duration_ns     INTEGER,
    status          TEXT NOT NULL,      -- ok, error, cancelled
    error           TEXT,               -- the traceback of a failure
    method          TEXT,               -- attribute http.method
    path            TEXT,               -- attribute http.path
    route           TEXT,               -- attribute http.route, the pattern
    http_status     INTEGER,            -- attribute http.status
    attributes      TEXT NOT NULL,      -- JSON object of the other attributes
    events          TEXT NOT NULL,      -- JSON list of {name, offset_ns, attributes}
    worker          INTEGER,            -- the process that wrote it (its pid): several workers share a file
    kind            TEXT,               -- attribute stario.kind: query, command...
    response_bytes  INTEGER             -- attribute http.response_bytes
);
CREATE INDEX IF NOT EXISTS spans_by_trace ON spans (trace_id);
CREATE INDEX IF NOT EXISTS spans_roots_by_start ON spans (start_ns) WHERE parent_id IS NULL;
"""
"""The SQLite schema `SQLiteTracer` writes (see ``stario spans`` for a reader).

The attributes every request has are columns of their own, so they can be queried and cost no
JSON; ``attributes`` holds the rest (``{}`` for a plain request). `attributes_of` puts a
row's attributes back together. Files written before ``kind`` and ``response_bytes`` existed
keep every attribute in ``attributes``, and read the same way.
"""

ATTRIBUTE_COLUMNS: dict[str, tuple[str, type]] = {
    "http.method": ("method", str),
    "http.path": ("path", str),
    "http.route": ("route", str),
    "stario.kind": ("kind", str),
    "http.status": ("http_status", int),
    "http.response_bytes": ("response_bytes", int),
}
"""Attribute -> (its column, its type). A value of another type, an empty text or a negative
number stays in the JSON: reading a row gives back exactly what was set."""

_NAMES = (
    "span_id, trace_id, parent_id, name, start_ns, duration_ns, status, error, "
    "method, path, route, kind, http_status, response_bytes, attributes, events, worker"
)

# Rows go in by one of two shapes of VALUES. Python's sqlite3 binds None several times slower
# than a number (it looks for an adapter for None every time: about 3,200 CPU instructions), so
# neither shape binds None:
# - a plain request (see `plain_request`), most of the rows, binds only what it has and writes
#   the rest as constants: its name and status too (text costs about 900 instructions to bind,
#   as sqlite3 copies it);
# - any other span sends an empty column as '' (text) or -1 (number), turned into NULL by NULLIF
#   (about 730 instructions each).
_REQUEST_ROW = "(?,?,NULL,'http.request',?,?,'ok',NULL,?,?,?,?,?,?,'{}','[]',?)"
_ANY_ROW = (
    "(?,?,NULLIF(?,''),?,?,?,?,NULLIF(?,''),"
    "NULLIF(?,''),NULLIF(?,''),NULLIF(?,''),NULLIF(?,''),NULLIF(?,-1),NULLIF(?,-1),?,?,?)"
)
_NO_TEXT = ""
_NO_NUMBER = -1

# A batch is inserted in statements of these many rows, so the few statements SQLite prepares
# (a 256-row one is long to parse) are prepared once and reused whatever the size of the batch.
_ROWS_PER_STATEMENT = (256, 64, 16, 4, 1)  # 256 x 17 values, well under SQLite's 32,766


@functools.lru_cache(maxsize=16)
def _insert_rows(shape: str, count: int) -> str:
    # One INSERT with many rows: sqlite3 lets go of the GIL once per statement it runs, so a
    # statement per batch (not per row, as executemany does) leaves the request thread alone.
    return f"INSERT INTO spans ({_NAMES}) VALUES " + ",".join([shape] * count)


class SQLiteTracer(BackgroundTracer):
    """Writes spans to a SQLite file (WAL mode, batched on a background thread); see `SCHEMA`."""

    takes_plain_requests = True  # `write` takes a `PlainRequest` too (see `BackgroundTracer`)

    def __init__(self, path: str | os.PathLike[str] = "traces.db", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = os.fspath(path)
        self._db: sqlite3.Connection | None = None

    def open(self) -> None:
        """Open (or create) the file in WAL mode with the schema."""
        self._db = connect(self.path)

    def write(self, spans: list[Span | PlainRequest]) -> None:
        """Insert a batch of ended spans and plain requests (as `on_end` and `on_request` queue
        them) in one transaction, up to 256 rows per statement."""
        requests: list[Any] = []
        others: list[Any] = []
        worker = os.getpid()
        for span in spans:
            row = _request_row(span, worker)
            if row is not None:
                requests.extend(row)
            else:
                others.extend(_row(span if type(span) is not tuple else plain_request_span(span), worker))
        assert self._db is not None
        with self._db:
            _insert(self._db, _REQUEST_ROW, requests)
            _insert(self._db, _ANY_ROW, others)

    def shut(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()


def _insert(db: sqlite3.Connection, shape: str, values: list[Any]) -> None:
    """Insert rows of one shape (their values one after another), in statements of fixed sizes."""
    width = shape.count("?")
    left = len(values) // width
    at = 0
    for rows in _ROWS_PER_STATEMENT:
        while left >= rows:
            db.execute(_insert_rows(shape, rows), values[at : at + rows * width])
            at += rows * width
            left -= rows


def _request_row(span: Span | PlainRequest, worker: int) -> tuple[Any, ...] | None:
    """The row of a plain request in `_REQUEST_ROW`'s shape, or None when the span is not one."""
    values = plain_request(span)
    if values is None:
        return None
    trace_id, span_id, start, duration, method, path, route, kind, status, size = values
    if not (method and path and route and kind and status > _NO_NUMBER and size > _NO_NUMBER):
        return None  # '' or -1 would read back as NULL (see `_is_text`): the other shape keeps them
    return (
        span_id.to_bytes(8, "big").hex(),
        trace_id.to_bytes(16, "big").hex(),
        start + WALL_CLOCK_OFFSET_NS,  # `Span.wall_start_ns`, without the property's call
        duration,
        method,
        path,
        route,
        kind,
        status,
        size,
        worker,
    )


def _row(span: Span, worker: int) -> tuple[Any, ...]:
    """Any span as a row in `_ANY_ROW`'s shape."""
    events = span.events
    start = span.start_ns
    parent = span.parent_id
    error = span.error
    return (
        span.span_id.to_bytes(8, "big").hex(),
        span.trace_id.to_bytes(16, "big").hex(),
        _NO_TEXT if parent is None else parent.to_bytes(8, "big").hex(),
        span.name,
        start + WALL_CLOCK_OFFSET_NS,
        span.duration_ns,
        span.status,
        _NO_TEXT if error is None else error,
        *_split_attributes(span.attributes),
        to_json([{"name": e.name, "offset_ns": e.time_ns - start, "attributes": e.attributes} for e in events])
        if events
        else "[]",
        worker,
    )


def _split_attributes(attributes: dict[str, Any]) -> tuple[Any, ...]:
    """The values of the six attribute columns ('' or -1 for none), then the JSON of the others."""
    rest = dict(attributes)
    columns: list[Any] = []
    for key, (_, type_) in _COLUMN_ITEMS:
        value = rest.get(key)
        if _is_text(value) if type_ is str else _is_count(value):
            columns.append(rest.pop(key))
        else:
            columns.append(_NO_TEXT if type_ is str else _NO_NUMBER)
    columns.append(to_json(rest) if rest else "{}")
    return tuple(columns)


def _is_text(value: Any) -> bool:
    return type(value) is str and value != _NO_TEXT  # '' would read back as NULL: it stays in the JSON


def _is_count(value: Any) -> bool:
    return type(value) is int and value > _NO_NUMBER  # so would -1


_COLUMN_ITEMS = tuple(ATTRIBUTE_COLUMNS.items())


def attributes_of(row: sqlite3.Row) -> dict[str, Any]:
    """A span's attributes from its row: the columns that hold some, then the JSON of the rest."""
    names = row.keys()
    attributes = {key: row[column] for key, (column, _) in _COLUMN_ITEMS if column in names and row[column] is not None}
    attributes.update(json.loads(row["attributes"]))
    return attributes


def connect(path: str) -> sqlite3.Connection:
    """Open a trace file for writing, in WAL mode, with the schema in place."""
    db = sqlite3.connect(path, check_same_thread=False, timeout=10)
    db.execute("PRAGMA busy_timeout=10000")  # another worker's batch: wait for it, up to 10 s
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    columns = {row[1] for row in db.execute("PRAGMA table_info(spans)")}
    for name, kind in (("worker", "INTEGER"), ("kind", "TEXT"), ("response_bytes", "INTEGER")):
        if name not in columns:  # a file written by an earlier Stario
            db.execute(f"ALTER TABLE spans ADD COLUMN {name} {kind}")
    return db
