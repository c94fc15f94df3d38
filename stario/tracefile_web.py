"""A trace file in the browser: ``stario spans FILE --web`` (`trace_file_app`).

A small Stario app over a SQLite trace file, from one worker or many, served on loopback only:

- ``/``: the requests (root spans), **failed first, then the slowest**, with the filters
  ``stario spans`` has (status, path prefix, slower than N ms), as a plain GET form, so every
  view has a URL to share or reload;
- ``/traces/{id}``: one trace as a waterfall, each span a bar scaled to the trace and indented
  under its parent, with its attributes, its events (offsets from the span's start) and, for a
  failure, the traceback.

It only reads the file (opened read-only), so it is safe to run beside the app writing it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from stario import html as h
from stario.app import Stario
from stario.context import Context
from stario.errors import HTTPError
from stario.routing import Query
from stario.tracefile import Root, TraceFile
from stario.waterfall import waterfall_rows

__all__ = ["trace_file_app"]

_STYLE = """
:root { font: 15px/1.45 system-ui, sans-serif; color: #1f2430; background: #fbfcfe; }
body { margin: 0; }
header { padding: 0.8rem 1.5rem; background: #fff; border-bottom: 1px solid #d9dde5; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 1.1rem; margin: 0; }
header .file { color: #5b6372; font-family: ui-monospace, monospace; font-size: 0.9rem; overflow-wrap: anywhere; }
main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
a { color: #2f6fde; }
form.filters { display: flex; gap: 0.75rem; flex-wrap: wrap; align-items: end; margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: 0.85rem; color: #5b6372; }
form.filters input, form.filters select, form.filters button { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid #c9ced8; border-radius: 0.3rem; background: #fff; }
form.filters button { background: #2f6fde; color: #fff; border-color: #2f6fde; cursor: pointer; }
table.roots { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.roots th { text-align: left; font-weight: 600; color: #5b6372; font-size: 0.85rem; border-bottom: 1px solid #d9dde5; padding: 0.3rem 0.6rem 0.3rem 0; }
table.roots td { padding: 0.35rem 0.6rem 0.35rem 0; border-bottom: 1px solid #eef0f4; vertical-align: top; }
table.roots td.path { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
table.roots td.num { text-align: right; }
tr.failed td { background: #fdecec; }
.bad { color: #b3261e; font-weight: 600; }
.empty { color: #5b6372; }
.summary { color: #5b6372; margin: 0 0 1rem; }
ol.waterfall { list-style: none; padding: 0; margin: 0 0 1.5rem; border: 1px solid #d9dde5; border-radius: 0.4rem; background: #fff; }
ol.waterfall > li { border-bottom: 1px solid #eef0f4; }
ol.waterfall > li:last-child { border-bottom: 0; }
.span-row { display: grid; grid-template-columns: minmax(12rem, 22rem) 1fr 6rem; gap: 0.75rem; align-items: center; padding: 0.35rem 0.6rem; }
.span-row code { overflow-wrap: anywhere; }
.track { position: relative; height: 0.8rem; background: #f1f3f7; border-radius: 0.2rem; }
.bar { position: absolute; top: 0; bottom: 0; background: #2f6fde; border-radius: 0.2rem; min-width: 2px; }
li.failed .bar { background: #b3261e; }
.ms { text-align: right; font-variant-numeric: tabular-nums; color: #5b6372; }
details { padding: 0 0.6rem 0.5rem; }
details summary { cursor: pointer; color: #5b6372; font-size: 0.85rem; }
dl.attributes { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.4rem 0; font-size: 0.9rem; }
dl.attributes dt { color: #5b6372; font-family: ui-monospace, monospace; }
dl.attributes dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
ul.events { margin: 0.3rem 0; padding-left: 1.2rem; font-size: 0.9rem; }
pre.traceback { background: #1f2430; color: #f3f4f7; padding: 0.75rem; border-radius: 0.3rem; overflow-x: auto; font-size: 0.8rem; }
"""


def trace_file_app(path: str | Path) -> Stario:
    """The web view of the trace file at ``path`` (see the module docstring)."""
    trace_file = TraceFile(path)  # raises FileNotFoundError with a hint now, not at the first request
    shown = str(Path(path))

    async def roots(c: Context) -> str:
        query = c.query
        filters = {key: query.get(key, "") for key in ("status", "path", "min_ms")}
        try:
            found = trace_file.roots(
                limit=200, status=filters["status"] or None, path=filters["path"] or None,
                min_ms=float(filters["min_ms"]) if filters["min_ms"] else None, order="worst",
            )  # fmt: skip
        except ValueError as exc:
            raise HTTPError(400, str(exc)) from None
        return _page(shown, "Requests", _filters_form(filters), _roots_table(found))

    async def trace(c: Context) -> str:
        try:
            spans = trace_file.trace(c.params["id"])
        except LookupError as exc:
            raise HTTPError(404, str(exc)) from None
        return _page(shown, "Trace", h.p(h.a({"href": "/"}, "← all requests")), _waterfall(spans))

    return Stario(Query("/", roots), Query("/traces/{id}", trace))


def _page(file: str, title: str, *content: Any) -> str:
    return h.DOCTYPE + h.html(
        {"lang": "en"},
        h.head(h.meta({"charset": "utf-8"}), h.title(f"{title} · stario spans"), h.link({"rel": "icon", "href": "data:,"}), h.style(_STYLE)),
        h.body(h.header(h.h1("stario spans"), h.span({"class": "file"}, file)), h.main(*content)),
    )


def _filters_form(filters: dict[str, str]) -> h.HTML:
    return h.form(
        {"class": "filters", "method": "get", "action": "/"},
        h.label("status", h.input({"name": "status", "value": filters["status"], "placeholder": "500, 5xx, error, ok", "size": 14})),
        h.label("path starts with", h.input({"name": "path", "value": filters["path"], "placeholder": "/api", "size": 18})),
        h.label("slower than (ms)", h.input({"name": "min_ms", "value": filters["min_ms"], "type": "number", "min": 0, "step": "any", "size": 8})),
        h.button("Filter"),
        h.a({"href": "/"}, "clear") if any(filters.values()) else None,
    )


def _roots_table(roots: list[Root]) -> h.HTML:
    if not roots:
        return h.p({"class": "empty"}, "No requests match.")
    workers = len({root.worker for root in roots}) > 1
    head = ["", "time", "method", "path", "status", "duration", "spans"] + (["worker"] if workers else [])
    rows = []
    for root in roots:
        link = f"/traces/{root.trace_id}"
        cells = [
            h.td(h.span({"class": "bad"}, "FAILED") if root.failed else ""),
            h.td(datetime.fromtimestamp(root.start_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]),
            h.td(root.method or ""),
            h.td({"class": "path"}, h.a({"href": link}, root.path if root.path is not None else root.name)),
            h.td({"class": "num"}, root.http_status if root.http_status is not None else root.status),
            h.td({"class": "num"}, _ms(root.duration_ns)),
            h.td({"class": "num"}, root.spans),
        ]
        if workers:
            cells.append(h.td({"class": "num"}, root.worker or ""))
        rows.append(h.tr({"class": "failed"} if root.failed else {}, cells))
    return h.table({"class": "roots"}, h.thead(h.tr([h.th(name) for name in head])), h.tbody(rows))


def _waterfall(spans: list[dict[str, Any]]) -> h.HTML:
    rows, length = waterfall_rows(spans)
    items = []
    for row in rows:
        span = row.span
        failed = span["status"] == "error" or (span.get("http_status") or 0) >= 500
        items.append(
            h.li(
                {"class": "failed" if failed else ""},
                h.div(
                    {"class": "span-row", "style": f"padding-left: {row.depth * 1.2 + 0.6}rem"},
                    h.code(_label(span)),
                    h.span({"class": "track"}, h.span({"class": "bar", "style": f"left: {row.offset:.2f}%; width: {row.width:.2f}%"})),
                    h.span({"class": "ms"}, _ms(span["duration_ns"])),
                ),
                _details(span, open_=failed),
            )
        )
    count = len(spans)
    summary = h.p({"class": "summary"}, f"trace {rows[0].span['trace_id']} · {count} span{'' if count == 1 else 's'} · {_ms(length)}")
    return h.div(summary, h.ol({"class": "waterfall"}, items))


def _details(span: dict[str, Any], *, open_: bool) -> h.HTML:
    attributes = span.get("attributes") or {}
    events = span.get("events") or []
    body = [
        h.dl({"class": "attributes"}, [(h.dt(key), h.dd(json.dumps(value) if not isinstance(value, str) else value)) for key, value in attributes.items()])
        if attributes else h.p({"class": "empty"}, "no attributes"),  # fmt: skip
    ]
    if events:
        body.append(
            h.ul(
                {"class": "events"},
                [h.li(h.code(event["name"]), f" at +{_ms(event['offset_ns'])} ", _inline(event.get("attributes") or {})) for event in events],
            )
        )
    if span.get("error"):
        body.append(h.pre({"class": "traceback"}, span["error"]))
    label = f"{len(attributes)} attributes, {len(events)} events" + (", failed" if span.get("error") else "")
    return h.details({"open": True} if open_ else {}, h.summary(label), body)


def _inline(attributes: dict[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in attributes.items())


def _label(span: dict[str, Any]) -> str:
    if span.get("method") and span.get("path"):
        status = f" → {span['http_status']}" if span.get("http_status") is not None else ""
        return f"{span['method']} {span['path']}{status}"
    return span["name"]


def _ms(duration_ns: int | None) -> str:
    if duration_ns is None:
        return "open"
    ms = duration_ns / 1e6
    return f"{ms:.2f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"

