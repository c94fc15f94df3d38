"""A trace laid out as a waterfall: `waterfall_rows`.

The one layout both views of a trace draw: the playground's inspector (live) and ``stario spans
FILE --web`` (after the fact). Each span becomes a row, under its parent (children in the order
they started), with its depth in the tree and its bar as percentages of the whole trace's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["WaterfallRow", "waterfall_rows"]

_MIN_WIDTH = 0.3  # percent: an instant span still shows as a sliver


@dataclass
class WaterfallRow:
    """One span of the waterfall: the span itself, how deep it sits, where its bar starts and how wide it is (in %)."""

    span: dict[str, Any]
    depth: int
    offset: float
    width: float


def waterfall_rows(spans: list[dict[str, Any]]) -> tuple[list[WaterfallRow], int]:
    """The rows of a trace's spans (dicts with ``span_id``, ``parent_id``, ``start_ns`` and
    ``duration_ns``, None while open), parents before their children; and the trace's length in ns.

    A span whose parent is not among ``spans`` (still open, or in another service) is placed at
    the top level.
    """
    if not spans:
        return [], 0
    begin = min(span["start_ns"] for span in spans)
    finish = max(span["start_ns"] + (span.get("duration_ns") or 0) for span in spans)
    total = max(finish - begin, 1)
    known = {span["span_id"] for span in spans}
    children: dict[Any, list[dict[str, Any]]] = {}
    for span in spans:
        parent = span.get("parent_id")
        children.setdefault(parent if parent in known else None, []).append(span)
    rows: list[WaterfallRow] = []

    def place(parent: Any, depth: int) -> None:
        for span in sorted(children.get(parent, []), key=lambda s: s["start_ns"]):
            offset = min((span["start_ns"] - begin) / total * 100, 100 - _MIN_WIDTH)  # a sliver at the very end shows too
            width = max((span.get("duration_ns") or 0) / total * 100, _MIN_WIDTH)
            rows.append(WaterfallRow(span, depth, offset, min(width, 100 - offset)))
            if span["span_id"] != parent:
                place(span["span_id"], depth + 1)

    place(None, 0)
    return rows, finish - begin
