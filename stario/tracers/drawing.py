"""How spans look in a terminal: what the live view (`TTYTracer`) and ``stario spans`` draw.

Both draw the same pieces: a request's line (when, method, path, status, duration, route, events
sent), its steps beneath it as a tree, and, for ``stario spans --trace``, every span of a trace
with its attributes, events and error. The pieces are `rich` renderables, so the console that
prints them lays them out for the width at hand: a long line wraps beneath itself, or is cut with
"…" where it must stay one row (the live view's open requests), and colours appear only where
the output is a terminal that shows them.

A span reaches these functions as a record: a mapping with the keys `Span.to_dict` gives and a
trace file's rows hold (``name``, ``span_id``, ``parent_id``, ``start_ns`` on the wall clock,
``duration_ns``, ``status``, ``error``, ``attributes``, ``events``). Only ``attributes.get`` is
called on the attributes, so a live span's own dictionary can be passed without a copy.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from rich.tree import Tree

__all__ = [
    "duration",
    "clock",
    "status_style",
    "outcome",
    "request_line",
    "step_line",
    "request_tree",
    "open_request",
    "trace_tree",
    "log_line",
]

Record = Mapping[str, Any]

GUIDES = "dim"
"""The style of a tree's guide lines."""

_CLASS_STYLES = {"2": "green", "3": "cyan", "4": "yellow", "5": "red"}


def duration(ns: int | None) -> str:
    """A duration as a person reads it: ``"20.7ms"``, ``"1.23s"``, or ``"?"`` when unknown."""
    if ns is None:
        return "?"
    if ns >= 1_000_000_000:
        return f"{ns / 1e9:.2f}s"
    return f"{ns / 1e6:.1f}ms"


def clock(wall_ns: int, *, date: bool = False) -> str:
    """The local time of a wall-clock instant to the millisecond (``"18:49:02.323"``), the date first if asked."""
    seconds = time.localtime(wall_ns / 1e9)
    text = time.strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S", seconds)
    return f"{text}.{(wall_ns // 1_000_000) % 1000:03d}"


def status_style(record: Record) -> str:
    """The colour of an outcome: red for a failure or a 5xx, yellow 4xx, cyan 3xx, green 2xx."""
    if record["status"] == "error":
        return "red"
    code = record["attributes"].get("http.status")
    return _CLASS_STYLES.get(str(code)[:1], "") if code is not None else ""


def outcome(record: Record) -> Text:
    """How a span ended: a request's HTTP status (``"200"``, ``"200 (client left)"``), else its status."""
    code = record["attributes"].get("http.status")
    if record["name"] != "http.request" and code is None:
        failed = record["status"] == "error"
        return Text("failed" if failed else record["status"], style="red" if failed else "")
    text = Text(str(code) if code is not None else "---", style=status_style(record))
    if record["status"] == "cancelled":
        text.append(" (client left)", style="dim")
    return text


def request_line(record: Record, *, sse_events: int | None = None, date: bool = False) -> Text:
    """A finished root span on one line: when, then method, path, outcome, duration, route and events.

    Spans other than requests (``server.startup``, a job) show their name and status instead of
    method and path. ``sse_events`` is how many Server-Sent Events the request sent; counted from
    the record's events when not given.
    """
    attributes = record["attributes"]
    line = Text()
    line.append(clock(record["start_ns"], date=date), style="dim").append("  ")
    if record["name"] != "http.request":
        line.append(record["name"], style="bold")
        line.append("  ").append_text(outcome(record))
        line.append(f"  {duration(record['duration_ns'])}")
        return line
    path = attributes.get("http.path", "")
    line.append(f"{attributes.get('http.method', ''):<6} ").append(path)
    line.append("  ").append_text(outcome(record))
    line.append(f"  {duration(record['duration_ns'])}")
    route = attributes.get("http.route")
    if route and route != path:
        line.append(f"  {route}", style="dim")
    if sse_events is None:
        sse_events = attributes.get("sse.events")  # every event counted; only some recorded in full
    if sse_events is None:
        sse_events = sum(1 for event in record["events"] if event["name"] == "sse")
    if sse_events:
        line.append(f"  {sse_events} event{'s' if sse_events != 1 else ''}")
    return line


def step_line(record: Record, *, running_ns: int | None = None) -> Text:
    """A step inside a request: its name and duration, ``failed`` in red if it failed.

    ``running_ns``, for a step still running, is how long it has run so far.
    """
    if running_ns is not None:
        return Text(f"{record['name']}  running {duration(running_ns)}", style="dim")
    line = Text(f"{record['name']}  {duration(record['duration_ns'])}")
    if record["status"] == "error":
        line.append(" failed", style="red")
    return line


def _children(records: Iterable[Record]) -> dict[Any, list[Record]]:
    """Records by the id of their parent, each list in the order the records started."""
    by_parent: dict[Any, list[Record]] = {}
    for record in sorted(records, key=lambda r: r["start_ns"]):
        by_parent.setdefault(record["parent_id"], []).append(record)
    return by_parent


def _grow(node: Tree, parent_id: Any, by_parent: Mapping[Any, list[Record]]) -> None:
    for record in by_parent.get(parent_id, ()):
        _grow(node.add(step_line(record)), record["span_id"], by_parent)


def request_tree(
    root: Record, steps: Sequence[Record] = (), *, sse_events: int | None = None, more_steps: int = 0
) -> RenderableType:
    """A finished request: its line, its steps beneath as a tree, and the last line of its error.

    ``more_steps`` counts steps left out (the live view keeps a bounded number per request).
    """
    line = request_line(root, sse_events=sse_events)
    error = root["error"]
    if not steps and not error and not more_steps:
        return line
    tree = Tree(line, guide_style=GUIDES)
    _grow(tree, root["span_id"], _children(steps))
    if more_steps:
        tree.add(Text(f"… and {more_steps} more steps", style="dim"))
    if error:
        tree.add(Text(error.strip().splitlines()[-1], style="red"))
    return tree


def open_request(
    root: Record,
    running_ns: int,
    *,
    sse_events: int = 0,
    steps: Sequence[Record] = (),
    running: Sequence[tuple[Record, int]] = (),
    earlier_steps: int = 0,
) -> RenderableType:
    """A request still open, for the live view: each row cut to the width, never wrapped.

    Its line (``… GET /feed  open 3.20s, 12 events``), then its latest finished ``steps``, then
    the steps still ``running`` (each with how long it has run); ``earlier_steps`` counts the
    finished steps not shown.
    """
    attributes = root["attributes"]
    what = f"{attributes.get('http.method', '')} {attributes.get('http.path', '')}".strip() or root["name"]
    text = f"… {what}  open {duration(running_ns)}" + (f", {sse_events} event{'s' if sse_events != 1 else ''}" if sse_events else "")
    line = Text(text, style="dim", no_wrap=True, overflow="ellipsis")
    if not steps and not running and not earlier_steps:
        return line
    tree = Tree(line, guide_style=GUIDES)
    if earlier_steps:
        tree.add(_one_row(Text(f"… {earlier_steps} earlier steps", style="dim")))
    for record in steps:
        tree.add(_one_row(step_line(record)))
    for record, ns in running:
        tree.add(_one_row(step_line(record, running_ns=ns)))
    return tree


def _one_row(text: Text) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def trace_tree(spans: Sequence[Record]) -> Tree:
    """One whole trace, for ``stario spans --trace``: each span with its duration, attributes, events and error.

    A span whose parent is not among ``spans`` is drawn at the top, beside the root.
    """
    ids = {span["span_id"] for span in spans}
    by_parent = _children({**span, "parent_id": span["parent_id"] if span["parent_id"] in ids else None} for span in spans)
    first = min(spans, key=lambda span: span["start_ns"])
    title = Text().append(f"trace {first.get('trace_id', '')}", style="bold")
    title.append(f"  {clock(first['start_ns'], date=True)}", style="dim")
    tree = Tree(title, guide_style=GUIDES)

    def grow(node: Tree, parent_id: Any) -> None:
        for span in by_parent.get(parent_id, ()):
            label = Text().append(span["name"], style="bold").append(f"  {duration(span['duration_ns'])}")
            if span["status"] == "error":
                label.append("  FAILED", style="bold red")
            elif span["status"] != "ok":
                label.append(f"  ({span['status']})", style="yellow")
            branch = node.add(label)
            for key, value in span["attributes"].items():
                branch.add(Text().append(key, style="cyan").append(f" = {value!r}"))
            for event in span["events"]:
                details = ", ".join(f"{k}={v!r}" for k, v in event["attributes"].items())
                row = Text().append(f"@ +{event['offset_ns'] / 1e6:.1f}ms ", style="dim").append(event["name"], style="magenta")
                branch.add(row.append(f"  {details}" if details else ""))
            if span["error"]:
                branch.add(Text("\n".join(f"! {line}" for line in span["error"].rstrip().splitlines()), style="red"))
            grow(branch, span["span_id"])

    grow(tree, None)
    return tree


def log_line(text: str) -> Text:
    """A line of a log (its colours kept), to print above the live view's open requests."""
    return Text.from_ansi(text.rstrip("\n"))

