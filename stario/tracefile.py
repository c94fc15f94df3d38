"""Reading a SQLite trace file after the fact: what ``stario spans FILE`` shows.

The file is what `stario.tracers.SQLiteTracer` writes (the schema is `stario.tracers.SCHEMA`).
Two views: a list of recent traces (one row per request or other root span), and one trace as a
tree with its attributes and events. Both are drawn with `rich`, by `stario.tracers.drawing`,
the pieces the live terminal view draws too: in a terminal they fit its width and take colours;
piped, each line stays whole and plain. Plain SQL works too::

    sqlite3 traces.db "SELECT method, path, http_status, duration_ns/1e6 AS ms
                       FROM spans WHERE parent_id IS NULL ORDER BY start_ns DESC LIMIT 20"
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from stario.tracers import drawing
from stario.tracers.sqlite import attributes_of

__all__ = ["TraceFile", "Root", "short_trace_id", "list_view", "trace_view", "show", "format_list", "format_tree"]

_HEX_DIGITS = frozenset("0123456789abcdef")


def short_trace_id(trace_id: str) -> str:
    """A trace id as the list shows it: its last 8 hex digits, enough to tell traces apart.

    Not its first: a Stario trace id begins with the time its trace started (see
    `stario.telemetry`), which traces started within seconds of each other share; the end is random.
    """
    return trace_id[-8:]


@dataclass
class Root:
    """One line of the list: a request (or a start-up, a job) and how it went."""

    trace_id: str
    name: str
    start_ns: int
    duration_ns: int | None
    status: str
    method: str | None
    path: str | None
    http_status: int | None
    spans: int
    worker: int | None = None  # the process that answered (its pid), when the file records it

    @property
    def failed(self) -> bool:
        """True for an error, or a 5xx answer."""
        return self.status == "error" or (self.http_status or 0) >= 500


_ORDERS = {
    "newest": "start_ns DESC",
    # Failures first, then the slowest: what someone looking into a problem wants on top.
    "worst": "(status = 'error' OR COALESCE(http_status, 0) >= 500) DESC, duration_ns DESC",
}


class TraceFile:
    """A read-only view of a trace file."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no trace file at {path} (run the app with STARIO_TRACER=sqlite:{path})")
        # Read-only; the web view opens it in one thread and reads it on the event loop's.
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(spans)")}
        self._worker = "worker" if "worker" in columns else "NULL"  # older files have no worker column

    def roots(
        self,
        *,
        limit: int = 20,
        status: str | None = None,
        path: str | None = None,
        min_ms: float | None = None,
        order: str = "newest",
    ) -> list[Root]:
        """The most recent root spans, newest first (or ``order="worst"``: failed first, then the
        slowest), filtered.

        ``status``: a code (``500``), a class (``5xx``), ``error`` (failed: an exception or a 5xx)
        or ``ok``. ``path``: a prefix of the request path. ``min_ms``: slower than this.
        """
        if order not in _ORDERS:
            raise ValueError(f"order is one of {', '.join(_ORDERS)}; got {order!r}")
        where = ["parent_id IS NULL"]
        args: list[Any] = []
        if status:
            status = status.lower()
            if status == "error":
                where.append("(status = 'error' OR http_status >= 500)")
            elif status == "ok":
                where.append("status = 'ok' AND (http_status IS NULL OR http_status < 500)")
            elif len(status) == 3 and status.endswith("xx") and status[0].isdigit():
                where.append("http_status BETWEEN ? AND ?")
                args += [int(status[0]) * 100, int(status[0]) * 100 + 99]
            elif status.isdigit():
                where.append("http_status = ?")
                args.append(int(status))
            else:
                raise ValueError(f"--status takes a code (500), a class (5xx), 'error' or 'ok'; got {status!r}")
        if path:
            where.append("path LIKE ? ESCAPE '\\'")
            args.append(path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if min_ms is not None:
            where.append("duration_ns >= ?")
            args.append(int(min_ms * 1_000_000))
        rows = self.db.execute(
            f"""SELECT trace_id, name, start_ns, duration_ns, status, method, path, http_status,
                       (SELECT COUNT(*) FROM spans AS s WHERE s.trace_id = spans.trace_id) AS count,
                       {self._worker} AS worker
                FROM spans WHERE {' AND '.join(where)} ORDER BY {_ORDERS[order]} LIMIT ?""",
            [*args, limit],
        ).fetchall()
        return [Root(*row) for row in rows]

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        """Every span of one trace, oldest first. ``trace_id``: the whole id, its short form (the
        last 8 digits, as the list shows it; see `short_trace_id`), or any unique start or end of it."""
        whole_id = self._whole_trace_id(trace_id)
        rows = self.db.execute("SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns", [whole_id]).fetchall()
        if not rows:
            raise LookupError(f"no trace starts or ends with {trace_id!r}")
        spans = []
        for row in rows:
            span = dict(row)
            span["attributes"] = attributes_of(row)
            span["events"] = json.loads(span["events"])
            spans.append(span)
        return spans

    def _whole_trace_id(self, given: str) -> str:
        """The one trace id that ``given`` is, or starts or ends; `LookupError` saying why not."""
        wanted = given.strip().lower()
        if not wanted or not set(wanted) <= _HEX_DIGITS:
            raise LookupError(f"no trace {given!r}: a trace id is made of hex digits (0-9, a-f)")
        if len(wanted) > 32:
            raise LookupError(f"no trace {given!r}: a trace id has 32 hex digits, this has {len(wanted)}")
        if len(wanted) == 32:
            return wanted
        matches = [row["trace_id"] for row in self.db.execute(
            "SELECT DISTINCT trace_id FROM spans WHERE trace_id LIKE ? OR trace_id LIKE ? LIMIT 6",
            [wanted + "%", "%" + wanted],
        )]  # fmt: skip
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            raise LookupError(f"more than one trace starts or ends with {given!r} ({shown}); give more digits, or the whole id")
        return matches[0] if matches else wanted


def list_view(roots: list[Root]) -> RenderableType:
    """The list view: a table of traces, newest first, one row each (failures marked ``FAILED``)."""
    if not roots:
        return Text("no traces match")
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("time", style="dim", no_wrap=True)
    table.add_column("trace", no_wrap=True)
    table.add_column("method", no_wrap=True)
    table.add_column("path", overflow="fold")
    table.add_column("status", justify="right", no_wrap=True)
    table.add_column("duration", justify="right", no_wrap=True)
    table.add_column("spans", justify="right", no_wrap=True)
    # Several workers wrote the file: say which one answered each request.
    workers = len({root.worker for root in roots}) > 1
    if workers:
        table.add_column("worker", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for root in roots:
        record = {"name": root.name, "status": root.status, "attributes": {"http.status": root.http_status}}
        cells = [
            drawing.clock(root.start_ns, date=True),
            short_trace_id(root.trace_id),
            root.method or "",
            root.path if root.path is not None else root.name,
            drawing.outcome(record),
            drawing.duration(root.duration_ns),
            str(root.spans),
        ]
        if workers:
            cells.append(str(root.worker or ""))
        table.add_row(*cells, Text("FAILED", style="bold red") if root.failed else "")
    return table


def trace_view(spans: list[dict[str, Any]]) -> RenderableType:
    """One trace as a tree: each span with its duration, attributes, events and error."""
    return drawing.trace_tree(spans)


def show(view: RenderableType, file: IO[str] | None = None) -> None:
    """Print a view to ``file`` (stdout by default).

    In a terminal, lines fit its width and take colours. Into a file or a pipe (``| grep``),
    each line stays one line however long, plain text without trailing spaces.
    """
    terminal = Console(file=file)
    if terminal.is_terminal:
        terminal.print(view)
    else:
        print(_plain(view, None), file=file or sys.stdout)


_UNBOUNDED = 100_000  # wide enough that no line is ever wrapped


def _plain(renderable: RenderableType, width: int | None) -> str:
    out = io.StringIO()
    Console(file=out, width=width or _UNBOUNDED, color_system=None, force_terminal=False).print(renderable)
    return "\n".join(line.rstrip() for line in out.getvalue().rstrip("\n").splitlines())


def format_list(roots: list[Root], width: int | None = None) -> str:
    """`list_view` as plain text (``width`` columns, or one line per trace however long)."""
    return _plain(list_view(roots), width)


def format_tree(spans: list[dict[str, Any]], width: int | None = None) -> str:
    """`trace_view` as plain text (``width`` columns, or unwrapped)."""
    return _plain(trace_view(spans), width)
