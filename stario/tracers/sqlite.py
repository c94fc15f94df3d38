"""`SQLiteTracer`: spans in a SQLite file, to query after the fact (``stario spans FILE`` reads it).

Chosen with ``STARIO_TRACER=sqlite`` (``traces.db``) or ``STARIO_TRACER=sqlite:PATH``. The file
is in WAL mode, so it can be read while the app writes it; `SCHEMA` is its one table. Spans are
inserted in batches by the writer thread, a few hundred rows a statement. Several worker
processes may write one file: each batch is one short transaction, a writer waits up to 10 s for
another's to end (SQLite's busy timeout), and every row says which process (``worker``) wrote it.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from typing import Any

from stario.telemetry import Span
from stario.tracers.background import BackgroundTracer, to_json

__all__ = ["SQLiteTracer", "SCHEMA", "connect"]

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
    events       TEXT NOT NULL,         -- JSON list of {name, offset_ns, attributes}
    worker       INTEGER                -- the process that wrote it (its pid): several workers share a file
);
CREATE INDEX IF NOT EXISTS spans_by_trace ON spans (trace_id);
CREATE INDEX IF NOT EXISTS spans_roots_by_start ON spans (start_ns) WHERE parent_id IS NULL;
"""
"""The SQLite schema `SQLiteTracer` writes (see ``stario spans`` for a reader)."""

_COLUMNS = 15
_ROWS_PER_INSERT = 256  # 256 x 15 values, well under SQLite's 32,766


@functools.lru_cache(maxsize=8)
def _insert_rows(count: int) -> str:
    # One INSERT with many rows: sqlite3 lets go of the GIL once per statement it runs, so a
    # statement per batch (not per row, as executemany does) leaves the request thread alone.
    row = "(" + ",".join("?" * _COLUMNS) + ")"
    return "INSERT INTO spans VALUES " + ",".join([row] * count)


class SQLiteTracer(BackgroundTracer):
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
        worker = os.getpid()
        for span in spans:
            values.extend(_row(span))
            values.append(worker)
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
        to_json(attributes),
        to_json([{"name": e.name, "offset_ns": e.time_ns - span.start_ns, "attributes": e.attributes} for e in events])
        if events
        else "[]",
    )


def connect(path: str) -> sqlite3.Connection:
    """Open a trace file for writing, in WAL mode, with the schema in place."""
    db = sqlite3.connect(path, check_same_thread=False, timeout=10)
    db.execute("PRAGMA busy_timeout=10000")  # another worker's batch: wait for it, up to 10 s
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    columns = {row[1] for row in db.execute("PRAGMA table_info(spans)")}
    if "worker" not in columns:  # a file written before workers were recorded
        db.execute("ALTER TABLE spans ADD COLUMN worker INTEGER")
    return db
