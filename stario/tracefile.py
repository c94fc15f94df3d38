"""Reading a SQLite trace file after the fact: what ``stario spans FILE`` shows.

The file is what `stario.tracers.SQLiteTracer` writes (the schema is `stario.tracers.SCHEMA`).
Two views: a list of recent traces (one line per request or other root span), and one trace as
an indented tree with its attributes and events. Plain SQL works too::

    sqlite3 traces.db "SELECT method, path, http_status, duration_ns/1e6 AS ms
                       FROM spans WHERE parent_id IS NULL ORDER BY start_ns DESC LIMIT 20"
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TraceFile", "Root", "format_list", "format_tree"]


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

    @property
    def failed(self) -> bool:
        """True for an error, or a 5xx answer."""
        return self.status == "error" or (self.http_status or 0) >= 500


class TraceFile:
    """A read-only view of a trace file."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no trace file at {path} (run the app with STARIO_TRACER=sqlite:{path})")
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.db.row_factory = sqlite3.Row

    def roots(
        self,
        *,
        limit: int = 20,
        status: str | None = None,
        path: str | None = None,
        min_ms: float | None = None,
    ) -> list[Root]:
        """The most recent root spans, newest first, filtered.

        ``status``: a code (``500``), a class (``5xx``), ``error`` (failed: an exception or a 5xx)
        or ``ok``. ``path``: a prefix of the request path. ``min_ms``: slower than this.
        """
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
                       (SELECT COUNT(*) FROM spans AS s WHERE s.trace_id = spans.trace_id) AS count
                FROM spans WHERE {' AND '.join(where)} ORDER BY start_ns DESC LIMIT ?""",
            [*args, limit],
        ).fetchall()
        return [Root(*row) for row in rows]

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        """Every span of one trace (a unique prefix of its id will do), oldest first."""
        matches = self.db.execute(
            "SELECT DISTINCT trace_id FROM spans WHERE trace_id LIKE ? LIMIT 2", [trace_id.lower() + "%"]
        ).fetchall()
        if not matches:
            raise LookupError(f"no trace starts with {trace_id!r}")
        if len(matches) > 1:
            raise LookupError(f"more than one trace starts with {trace_id!r}; give more digits")
        rows = self.db.execute(
            "SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns", [matches[0]["trace_id"]]
        ).fetchall()
        spans = []
        for row in rows:
            span = dict(row)
            span["attributes"] = json.loads(span["attributes"])
            span["events"] = json.loads(span["events"])
            spans.append(span)
        return spans


def _ms(duration_ns: int | None) -> str:
    return "?" if duration_ns is None else f"{duration_ns / 1e6:.1f}ms"


def _when(start_ns: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start_ns / 1e9)) + f".{(start_ns // 1_000_000) % 1000:03d}"


def format_list(roots: list[Root]) -> str:
    """The list view: one line per trace, newest first."""
    if not roots:
        return "no traces match"
    lines = [f"{'time':<23}  {'trace':<8}  {'method':<6}  {'path':<30}  {'status':>6}  {'duration':>9}  spans"]
    for root in roots:
        what = root.path if root.path is not None else root.name
        status = str(root.http_status) if root.http_status is not None else root.status
        mark = "  FAILED" if root.failed else ""
        lines.append(
            f"{_when(root.start_ns):<23}  {root.trace_id[:8]:<8}  {root.method or '':<6}  {what:<30}  "
            f"{status:>6}  {_ms(root.duration_ns):>9}  {root.spans}{mark}"
        )
    return "\n".join(lines)


def format_tree(spans: list[dict[str, Any]]) -> str:
    """One trace as an indented tree: each span with its duration, attributes and events."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    ids = {span["span_id"] for span in spans}
    for span in spans:
        parent = span["parent_id"] if span["parent_id"] in ids else None
        children.setdefault(parent, []).append(span)
    lines = [f"trace {spans[0]['trace_id']}  {_when(spans[0]['start_ns'])}"]

    def walk(parent: str | None, depth: int) -> None:
        for span in children.get(parent, []):
            indent = "  " * depth
            failed = "  FAILED" if span["status"] == "error" else f"  ({span['status']})" if span["status"] != "ok" else ""
            lines.append(f"{indent}{span['name']}  {_ms(span['duration_ns'])}{failed}")
            for key, value in span["attributes"].items():
                lines.append(f"{indent}  {key} = {value!r}")
            for event in span["events"]:
                details = ", ".join(f"{k}={v!r}" for k, v in event["attributes"].items())
                lines.append(f"{indent}  @ +{event['offset_ns'] / 1e6:.1f}ms {event['name']}" + (f"  {details}" if details else ""))
            if span["error"]:
                lines.extend(f"{indent}  ! {line}" for line in span["error"].rstrip().splitlines())
            walk(span["span_id"], depth + 1)

    walk(None, 1)
    return "\n".join(lines)
