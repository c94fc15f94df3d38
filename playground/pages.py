"""The playground's HTML, built with `stario.html`: pages, panes, and the pieces the live stream patches.

Every function returns HTML and reads nothing but its arguments, so a page and a patch of one of
its pieces come from the same code. The ids here are what the tests, the stylesheet and
``static/playground.js`` find things by.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import DiffLexer, PythonLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from stario import datastar as ds
from stario import html as h
from stario.lessons import Lesson, render_markdown
from stario.waterfall import waterfall_rows

from .activity import Exchange

__all__ = [
    "page", "highlighted", "index_page", "lesson_page", "toy_page", "gallery_page", "complete_page", "source_page",
    "status_view", "preview_pane", "checks_view", "errors_view", "console_view", "hint_view", "solution_view",
    "request_row", "requests_list", "trace_group", "spans_list", "request_detail", "span_detail", "empty_detail",
    "toc", "progress", "link_paths", "real_curl_lines", "error_line", "event_item", "restore_button",
]

_FORMATTER = HtmlFormatter(nowrap=True)
_EVENTS_SHOWN = 20  # a stream's newest events in view in the details; the rest are folded
# A GET carries no code (it would fill the URL), only the one signal it needs.
_GET_QUIETLY = {"include_signals": "^_selected$", "exclude_signals": "^$"}


# -- pieces -------------------------------------------------------------------------------------


def highlighted(code: str) -> h.HTML:
    """Python code as highlighted HTML (the layer under the editor's textarea)."""
    # Keep blank lines at both ends: the layer must line up with the textarea line for line.
    return h.safe(highlight(code, PythonLexer(stripnl=False, ensurenl=False), _FORMATTER))


def page(title: str, *body: Any, signals: dict[str, Any] | None = None) -> h.HTML:
    """A whole playground page: the stylesheet, the client, the playground's own script."""
    return h.fragment(
        h.DOCTYPE,
        h.html(
            {"lang": "en"},
            h.head(
                h.meta({"charset": "utf-8"}),
                h.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
                h.title(title),
                h.link({"rel": "icon", "href": "data:,"}),
                h.link({"rel": "stylesheet", "href": "/static/playground.css"}),
                h.style(HtmlFormatter().get_style_defs(".code")),
                # The playground's script first: modules run in order, and the client's effects call it.
                h.script({"type": "module", "src": "/static/playground.js"}),
                h.safe(ds.script()),
            ),
            h.body({"data-signals": signals} if signals else {}, *body),
        ),
    )


def progress(done: int, total: int) -> h.HTML:
    """``7/16 complete`` in the header."""
    return h.span({"id": "progress", "title": "lessons complete"}, f"{done}/{total} complete")


def toc(lessons: list[Lesson], done: set[str], current: str | None = None) -> h.HTML:
    """The table of contents, with completed lessons marked (the numbers are the list's own)."""
    items = []
    for lesson in lessons:
        name = lesson.path.name
        mark = h.span({"class": "done", "title": "complete"}, "\u2713") if name in done else h.span({"class": "todo"}, "")
        link = h.a({"href": f"/lessons/{name}", "aria-current": "page" if name == current else None}, lesson.title)
        items.append(h.li({"id": f"toc-{name}"}, link, " ", mark))
    return h.nav({"id": "toc", "aria-label": "lessons"}, h.ol(items))


def header(lessons: list[Lesson], done: set[str], current: str | None = None, *, pager: Any = None) -> h.HTML:
    """The bar at the top: home, the lessons menu, progress, the toys."""
    return h.header(
        {"class": "top"},
        h.a({"href": "/", "class": "home"}, "Stario playground"),
        h.details(
            {"class": "menu", "id": "lessons-menu"},
            h.summary("Lessons"),
            toc(lessons, done, current),
        ),
        progress(len(done & {lesson.path.name for lesson in lessons}), len(lessons)),
        h.a({"href": "/toys"}, "Toys"),
        h.span({"class": "spacer"}),
        pager,
    )


def link_paths(html: str, *, files: dict[str, str]) -> str:
    """The lesson's prose for the playground: ``/path`` in inline code opens in the preview, and a
    file the lesson names opens read-only."""

    def inline(match: re.Match[str]) -> str:
        text = match.group(1)
        if text in files:
            return f'<a class="source-link" href="{files[text]}" target="_blank" rel="noopener"><code>{text}</code></a>'
        if re.fullmatch(r"/[\w\-./~%&=?;:+,@!*'()]*", text) and "{" not in text:
            return f'<a class="preview-path" href="#preview" data-path="{text}"><code>{text}</code></a>'
        return match.group(0)

    return re.sub(r"(?<!<pre class=\"highlight\">)<code>([^<]+)</code>", inline, html)


def real_curl_lines(markdown: str, preview: str) -> str:
    """The lesson's Markdown with each ``curl`` line aimed at the preview (its real address, with
    the token as the URL's credentials), so it works as written from a terminal. Other mentions
    of ``http://127.0.0.1:8000`` are about serving the app yourself, and stay."""
    return "\n".join(
        line.replace("http://127.0.0.1:8000", preview) if "curl " in line else line for line in markdown.split("\n")
    )


def status_view(status: dict[str, Any] | None) -> h.HTML:
    """The status line beside the buttons: what the app is doing now."""
    state = (status or {}).get("state", "idle")
    text = (status or {}).get("text") or {"idle": "not running: press Run"}.get(state, state)
    kind = {"running": "ok", "starting": "busy", "checking": "busy"}.get(state, "error" if state in
                                                                        ("failed", "crashed", "timeout", "stuck") else "")
    return h.span({"id": "status", "role": "status", "class": f"{kind} state-{state}", "data-class:stale": "$_stale"}, text)


def preview_pane(status: dict[str, Any] | None, *, run: int | None, origin: str, visitor_origin: str = "") -> h.HTML:
    """The preview: the app in a frame while it runs, else what to do (or what went wrong).

    The frame is never morphed (it would reload): a new run replaces the whole pane. With
    ``visitor_origin``, "Add a visitor" shows a second frame beside it: the same app seen by
    another browser, whose cookies the playground keeps (`playground.visitors`).
    """
    state = (status or {}).get("state", "idle")
    if state in ("running", "stuck") and run:
        frame = h.iframe(
            {
                "id": "preview",
                "title": "your app",
                "src": f"{origin}/",
                "referrerpolicy": "origin",
                "data-origin": origin,
                "data-run": run,
                "data-ignore-morph": True,
            }
        )
        visitor = None
        if visitor_origin:
            visitor = h.iframe({
                "id": "visitor", "title": "a second visitor, with cookies of its own", "src": "about:blank",
                "referrerpolicy": "origin", "data-show": "$_visitor", "data-ignore-morph": True,
                "data-attr:src": f"$_visitor ? '{visitor_origin}/' : 'about:blank'",
            })
        return h.div({"id": "preview-pane", "class": "running", "data-class:two": "$_visitor"}, frame, visitor)
    if state in ("failed", "timeout", "crashed"):
        body = [h.p(h.strong("Your app is not running."), " ", (status or {}).get("text", "")),
                h.p("The error is under the editor; fix the code and press Run.")]
    elif state == "starting":
        body = [h.p("Starting your app…")]
    elif state == "stopped":
        body = [h.p("Stopped. Press ", h.strong("Run"), " to start your app again.")]
    else:
        body = [h.p("Press ", h.strong("Run"), " (or Ctrl+Enter) to start your app here.")]
    return h.div({"id": "preview-pane", "class": f"placeholder state-{state}"}, h.div({"class": "placeholder-text"}, *body))


def errors_view(errors: list[dict[str, Any]], status: dict[str, Any] | None = None) -> h.HTML:
    """Tracebacks beside the code: the run's failure, and what the handlers raised."""
    shown = []
    status = status or {}
    if status.get("traceback") or (status.get("state") in ("failed", "timeout", "crashed", "stuck") and status.get("error")):
        shown.append(_error_box(status.get("text") or status.get("error") or "", status.get("line"), status.get("traceback")))
    for error in list(errors)[-5:]:
        title = f"{error.get('request') or 'your app'} raised {error.get('error')}"
        shown.append(_error_box(title, error.get("line"), error.get("traceback")))
    return h.div({"id": "errors", "aria-live": "polite"}, *shown)


def _error_box(title: str, line: int | None, traceback: str | None) -> h.HTML:
    jump = h.button({"class": "link", "data-on:click": f"playground.showLine({int(line)})"}, f"line {line}") if line else None
    return h.div(
        {"class": "error-box", "role": "alert"},
        h.p(h.strong(title), " ", jump and h.span("(", jump, ")")),
        traceback and h.pre({"class": "traceback"}, traceback),
    )


def console_view(output: str) -> h.HTML:
    """What the app printed."""
    return h.pre({"id": "console", "aria-label": "what your app printed", "class": "" if output else "empty"},
                 output or "(nothing printed yet: print() and logged warnings and errors show up here)")


def checks_view(checks: dict[str, Any] | None, *, following: Lesson | None = None) -> h.HTML:
    """The last check's results, with the next step when they pass."""
    if not checks:
        return h.div({"id": "checks"})
    if checks.get("state") == "checking":
        return h.div({"id": "checks", "class": "busy"}, h.p("Checking…"))
    kind = checks.get("kind", "ok")
    if kind != "ok":
        label = {"timeout": "The checks timed out", "memory": "The checks ran out of memory", "syntax": "Your code has a syntax error"}.get(
            kind, "The checks could not run"
        )
        return h.div(
            {"id": "checks", "class": "failed", "data-class:stale": "$_stale"},
            h.p(h.strong(f"{label}: "), checks.get("error") or ""),
            checks.get("traceback") and h.pre({"class": "traceback"}, checks["traceback"]),
        )
    results = checks.get("results") or []
    passed = bool(results) and all(r.get("passed") for r in results)
    rows = []
    for result in results:
        mark = "\u2713 " if result.get("passed") else "\u2717 "
        message = result.get("message") or ""
        rows.append(
            h.li(
                {"class": "pass" if result.get("passed") else "fail"},
                mark,
                h.code(result.get("name", "")),
                message and f": {message}",
                result.get("traceback") and h.pre({"class": "traceback"}, result["traceback"]),
            )
        )
    next_step = None
    if passed:
        if following is not None:
            next_step = h.a({"id": "next-lesson", "class": "button primary", "href": f"/lessons/{following.path.name}"},
                            f"Next lesson: {following.title} \u2192")
        else:
            next_step = h.a({"id": "next-lesson", "class": "button primary", "href": "/complete"}, "The course is complete \u2192")
    return h.div(
        {"id": "checks", "class": "passed" if passed else "failed", "data-class:stale": "$_stale"},
        h.p(h.strong("All checks pass: lesson complete." if passed else "Not yet:"), " ", next_step,
            h.span({"class": "stale-note"}, " (your code changed since: check again)")),
        h.ul(rows),
    )


def hint_view(hints: list[str], shown: int, *, lesson: str, has_solution: bool) -> h.HTML:
    """The hints shown so far, and the button for the next (then for the solution)."""
    if not hints or shown <= 0:
        return h.div({"id": "hints"})
    blocks = [h.div({"class": "hint"}, h.p(h.strong(f"Hint {i + 1} of {len(hints)}")), h.safe(render_markdown(text)))
              for i, text in enumerate(hints[:shown])]
    more = None
    if shown < len(hints):
        more = h.button({"id": "more-hint", "data-on:click": f"@post('/lessons/{lesson}/hint')"}, f"Another hint ({shown + 1} of {len(hints)})")
    elif has_solution:
        more = h.p({"class": "muted"}, "No more hints: ", h.strong("Solution"), " shows what changes; ", h.strong("Solve"),
                   " applies it (your code is kept to restore).")
    return h.div({"id": "hints"}, *blocks, more)


def solution_view(mine: str | None, solution: str | None) -> h.HTML:
    """What the solution changes, as a diff against the learner's code."""
    if mine is None or solution is None:
        return h.div({"id": "solution"})
    diff = "".join(difflib.unified_diff(mine.splitlines(keepends=True), solution.splitlines(keepends=True), "your code", "the solution"))
    return h.div(
        {"id": "solution"},
        h.p("What the solution changes (your code stays as it is; ", h.strong("Solve"), " applies it):"),
        h.pre({"class": "code diff"}, h.safe(highlight(diff or "(no difference)\n", DiffLexer(), _FORMATTER))),
    )


# -- the inspector --------------------------------------------------------------------------------


def _target_label(request: dict[str, Any]) -> str:
    path = request.get("path", "")
    query = request.get("query") or []
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query)
    if request.get("signals") is not None:
        path += " + signals"
    return path


def request_row(exchange: Exchange) -> h.HTML:
    """One request in the inspector's list: newest on top, a stream's newest event visible."""
    request = exchange.request
    status = exchange.status
    classes = ["request"]
    if status is None:
        classes.append("pending")
    elif status >= 400:
        classes.append("bad")
    if exchange.errors:
        classes.append("raised")
    if exchange.open:
        classes.append("open")
    ms = (exchange.end or exchange.response or {}).get("ms")
    last = exchange.events[-1] if exchange.events else None
    detail = None
    if exchange.event_count:
        summary = f"{exchange.event_count} event{'s' if exchange.event_count != 1 else ''}"
        if last is not None:
            summary += f", newest: {_event_label(last)}"
        detail = h.span({"class": "events-summary"}, summary)
    elif exchange.errors:
        detail = h.span({"class": "raised-note"}, f"raised {exchange.errors[-1].get('error')}")
    state = "open" if exchange.open and exchange.response is not None else ""
    return h.li(
        {
            "id": f"req-{exchange.id}",
            "class": " ".join(classes),
            "data-class:selected": f"$_selected === 'r{exchange.id}'",
        },
        h.button(
            {"class": "row", "data-on:click": f"$_selected = 'r{exchange.id}'; $_itab = 'detail'", "aria-label": f"details of {request.get('method')} {request.get('path')}"},
            request.get("visitor", 1) > 1 and h.span({"class": "visitor-tag"}, f"visitor {request['visitor']}"),
            h.span({"class": "intent"}, request.get("intent", "")),
            h.code({"class": "target"}, f"{request.get('method')} {_target_label(request)}"),
            h.span({"class": "status"}, str(status) if status is not None else "…" if exchange.end is None else "✕"),
            h.span({"class": "ms"}, f"{ms:.0f} ms" if ms is not None else "", " (open)" if state else "",
                   " (left)" if (exchange.end or {}).get("left") else "", _broken_note(exchange.end)),
            detail,
        ),
    )


def _broken_note(end: dict[str, Any] | None) -> str:
    """" (cut)" or " (offline)" when the network controls broke the request off."""
    error = (end or {}).get("error") or ""
    return " (cut)" if error.startswith("cut") else " (offline)" if error.startswith("offline") else ""


def requests_list(exchanges: list[Exchange]) -> h.HTML:
    """The whole request list (newest first)."""
    return h.ol({"id": "requests", "class": "requests"}, [request_row(e) for e in reversed(exchanges)])


def _event_label(event: dict[str, Any]) -> str:
    parts = (["dropped:"] if event.get("dropped") else []) + [event.get("type", "")]
    if event.get("mode") and event.get("mode") != "outer":
        parts.append(str(event["mode"]))
    if event.get("selector"):
        parts.append(str(event["selector"]))
    if event.get("event_id") is not None:
        parts.append(f"id {event['event_id']}")
    return " ".join(parts)


def trace_group(spans: list[dict[str, Any]], trace_id: str) -> h.HTML:
    """One trace as a waterfall scaled to the trace (`stario.waterfall`, the layout ``stario spans
    --web`` draws too): its request span on top, each step beneath its parent."""
    layout, length = waterfall_rows(spans)
    root = next((s for s in spans if s.get("parent_id") is None), None)
    title = _span_label(root) if root else "a request still open"
    rows = []
    for row in layout:
        span = row.span
        ms = (span.get("duration_ns") or 0) / 1e6
        rows.append(
            h.li(
                {"class": "span" + (" failed" if span.get("status") == "error" else ""), "id": f"span-{span['n']}",
                 "data-class:selected": f"$_selected === 's{span['n']}'"},
                h.button(
                    {"class": "row", "data-on:click": f"$_selected = 's{span['n']}'; $_itab = 'detail'", "style": f"padding-left: {row.depth * 1.1 + 0.3}em"},
                    h.code({"class": "name"}, span.get("name", "")),
                    h.span({"class": "track"}, h.span({"class": "bar", "style": f"left: {row.offset:.2f}%; width: {row.width:.2f}%"})),
                    h.span({"class": "ms"}, f"{ms:.2f} ms"),
                ),
            )
        )
    return h.li(
        {"class": "trace", "id": f"trace-{trace_id}"},
        h.p({"class": "trace-title"}, h.code(title), f" {length / 1e6:.2f} ms"),
        h.ol({"class": "trace-spans"}, rows),
    )


def spans_list(spans: list[dict[str, Any]]) -> h.HTML:
    """Every kept span, a waterfall per trace, the newest trace on top."""
    traces: dict[str, list[dict[str, Any]]] = {}
    for span in spans:
        traces.setdefault(span.get("trace_id", ""), []).append(span)
    groups = [trace_group(group, trace) for trace, group in reversed(list(traces.items()))]
    return h.ol({"id": "spans", "class": "spans"}, groups)


def _span_label(span: dict[str, Any] | None) -> str:
    if span is None:
        return ""
    attributes = span.get("attributes") or {}
    label = span.get("name", "")
    if attributes.get("http.path"):
        label += f" {attributes.get('http.method', '')} {attributes['http.path']}"
        if attributes.get("http.status") is not None:
            label += f" \u2192 {attributes['http.status']}"
    return label


def pick_detail(element_id: str, exchange: Exchange | None, event: dict[str, Any] | None, spans: list[dict[str, Any]],
                handler: tuple[str, tuple[int, int] | None] | None) -> h.HTML:
    """Click to source: what an Alt+click in the preview picked, the request and event that last
    patched it, the span of that request, and the handler (its lines banded in the editor)."""
    parts: list[Any] = [h.h3("Picked: ", h.code(f"#{element_id}") if element_id else "an element with no id")]
    if not element_id:
        parts.append(h.p("Only an element with an id (or inside one) can be patched by id: Alt+click one of those."))
    if exchange is None:
        parts.append(h.p({"class": "muted"}, "Nothing loaded in the preview yet: press Run."))
        return h.section({"id": "detail", "aria-label": "details"}, parts)
    request = exchange.request
    target = f"{request.get('method')} {request.get('path')}"
    go_to_request = h.button({"class": "link", "data-on:click": f"$_selected = 'r{exchange.id}'"}, target)
    if event is None:
        parts.append(h.p("No event has patched it: it came with the page, ", go_to_request, "."))
    else:
        parts.append(h.p("Last patched by ", go_to_request, ", event ", h.strong(str(event.get("n", "?"))), ": ",
                         h.code(_event_label(event)), "."))
        parts.append(h.pre({"class": "raw"}, event.get("raw", "")))
    root = next((span for span in spans if span.get("parent_id") is None), None)
    if root is not None:
        parts.append(h.p("Its span: ", h.button({"class": "link", "data-on:click": f"$_selected = 's{root.get('n')}'"},
                                                 f"{root.get('name')}, {(root.get('duration_ns') or 0) / 1e6:.1f} ms"),
                         f" ({len(spans)} span{'s' if len(spans) != 1 else ''} in its trace)."))
    if handler is None:
        parts.append(h.p({"class": "muted"}, f"No Query or Command in your code matches {target}."))
    else:
        name, lines = handler
        if lines is None:
            parts.append(h.p("Its handler: ", h.code(name), " (not defined at the top of app.py)."))
        else:
            show = f"playground.showLines({lines[0]}, {lines[1]})"
            parts.append(h.p("Its handler: ", h.code(name), ", ",
                             h.button({"class": "link", "id": "show-handler", "data-on:click": show}, f"lines {lines[0]}\u2013{lines[1]}"),
                             " of your code (banded in the editor)."))
            parts.append(h.div({"hidden": True, "data-init": show}))
    return h.section({"id": "detail", "aria-label": "details", "data-picked": element_id}, parts)


def empty_detail() -> h.HTML:
    """The detail pane before anything is picked."""
    return h.section({"id": "detail", "aria-label": "details"}, h.p({"class": "muted"}, "Click a request or a span to see all of it."))


def _table(rows: list[list[str]] | list[tuple[str, str]]) -> h.HTML:
    if not rows:
        return h.p({"class": "muted"}, "(none)")
    return h.table({"class": "kv"}, h.tbody([h.tr(h.th(k), h.td(h.code(v))) for k, v in rows]))


def request_detail(exchange: Exchange, spans: list[dict[str, Any]]) -> h.HTML:
    """Everything about one request: what was sent, what came back, every event, what it raised."""
    request, response, end = exchange.request, exchange.response or {}, exchange.end or {}
    sections: list[Any] = [
        h.h3(f"{request.get('method')} {request.get('path')}"),
        h.p(
            request.get("visitor", 1) > 1 and h.span({"class": "visitor-tag"}, f"visitor {request['visitor']}"),
            h.span({"class": "intent"}, request.get("intent", "")), " · status ",
            h.strong(str(response.get("status", "…"))),
            f" · headers after {response.get('ms', 0):.1f} ms" if response else "",
            f" · ended after {end.get('ms', 0):.1f} ms, {end.get('bytes', 0)} bytes" if end else " · still open",
            " (the browser left)" if end.get("left") else "",
        ),
    ]
    if end.get("error"):
        sections.append(h.p({"class": "error"}, end["error"]))
    for error in exchange.errors:
        sections.append(_error_box(f"raised {error.get('error')}", error.get("line"), error.get("traceback")))
    if exchange.event_count:
        # A stream's events first, the newest last and in view; older ones folded away.
        kept = list(exchange.events)
        lost = exchange.event_count - len(kept)
        older, newest = kept[:-_EVENTS_SHOWN], kept[-_EVENTS_SHOWN:]
        sections.append(h.h4("Events (", h.span({"id": "events-count"}, str(exchange.event_count)), ")"))
        sections.append(h.details(
            {"id": "detail-folded", "class": "folded", "hidden": not older and not lost},
            h.summary(h.span({"id": "folded-count"}, str(len(older))), " earlier events",
                      f" ({lost} more were not kept)" if lost else ""),
            h.ol({"class": "event-list", "id": "detail-older"}, [event_item(e) for e in older]),
        ))
        sections.append(h.ol({"id": "detail-events", "class": "event-list"}, [event_item(e) for e in newest]))
    sections.append(h.h4("Query parameters"))
    sections.append(_table(request.get("query") or []))
    if request.get("signals") is not None:
        sections += [h.h4("Signals sent"), h.pre({"class": "json", "id": "detail-signals"}, json.dumps(request["signals"], indent=2, ensure_ascii=False))]
    if request.get("request_body") and request.get("signals") is None:
        sections += [h.h4("Request body"), h.pre(request["request_body"])]
    sections += [h.h4("Request headers"), _table(request.get("request_headers") or [])]
    sections += [h.h4("Response headers"), _table(response.get("response_headers") or [])]
    if not exchange.event_count and end.get("body"):
        sections += [h.h4("Response body"), h.pre({"class": "body"}, end["body"])]
    if spans:
        trace = spans[0].get("trace_id", "")
        sections += [h.h4("Spans"), h.ol({"class": "spans"}, trace_group(spans, trace))]
    return h.section({"id": "detail", "aria-label": "details", "data-request": exchange.id}, *sections)


def event_item(event: dict[str, Any]) -> h.HTML:
    """One event of a stream: its exact bytes, and what they mean."""
    decoded = []
    if event.get("signals") is not None:
        decoded.append(h.pre({"class": "json"}, json.dumps(event["signals"], indent=2, ensure_ascii=False)))
    meaning = _event_label(event)
    return h.li(
        {"class": "event", "id": f"ev-{event.get('id')}-{event.get('n')}"},
        h.p({"class": "event-title"}, h.strong(f"#{event.get('n')}"), " ", meaning,
            f" · retry {event['retry']} ms" if event.get("retry") is not None else ""),
        h.pre({"class": "raw", "aria-label": "the event's bytes"}, event.get("raw") or ""),
        *decoded,
    )


def span_detail(span: dict[str, Any]) -> h.HTML:
    """Everything about one span: attributes, events, status, traceback."""
    attributes = [(k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v) for k, v in (span.get("attributes") or {}).items()]
    events = [
        h.li(
            h.code(event.get("name", "")), f" at +{(event.get('offset_ns') or 0) / 1e6:.2f} ms ",
            event.get("attributes") and h.code(json.dumps(event["attributes"], ensure_ascii=False)),
        )
        for event in span.get("events") or []
    ]
    return h.section(
        {"id": "detail", "aria-label": "details", "data-span": span.get("n")},
        h.h3(f"Span {span.get('name')}"),
        h.p(f"{(span.get('duration_ns') or 0) / 1e6:.2f} ms · status ", h.strong(span.get("status") or "ok"),
            f" · trace …{str(span.get('trace_id', ''))[-16:]}"),  # the random end: the start is the time
        h.h4("Attributes"),
        _table(attributes),
        h.h4(f"Events ({len(events)})"),
        h.ol({"class": "span-events"}, events) if events else h.p({"class": "muted"}, "(none)"),
        span.get("error") and h.fragment(h.h4("Traceback"), h.pre({"class": "traceback"}, span["error"])),
    )


# -- pages ----------------------------------------------------------------------------------------


def editor(code: str, *, save_url: str) -> h.HTML:
    """The editor: line numbers, the highlighted code, and the textarea over it (see playground.js)."""
    return h.div(
        {"id": "editor", "class": "editor", "data-effect": "playground.markLine($_errorLine)"},
        h.div({"class": "gutter", "aria-hidden": "true"}, h.pre({"id": "gutter"}, "\n".join(str(n) for n in range(1, code.count("\n") + 2)))),
        h.div(
            {"class": "surface"},
            h.div({"id": "error-line", "class": "error-line", "hidden": True}),
            h.div({"id": "source-lines", "class": "source-lines", "hidden": True}),
            h.pre({"id": "highlight", "class": "code", "aria-hidden": "true"}, highlighted(code + "\n")),
            h.textarea(
                {
                    "id": "code",
                    "spellcheck": "false",
                    "autocapitalize": "off",
                    "autocomplete": "off",
                    "aria-label": "your code",
                    "aria-describedby": "editor-keys",
                    "data-bind:code": True,
                    "data-on:input": "$_stale = true",
                    "data-on:input__debounce.300ms": f"@post('{save_url}')",
                    "data-effect": "$_incoming && playground.replaceCode(el, $_incoming)",
                },
                code,
            ),
        ),
    )


def _keys() -> h.HTML:
    return h.p(
        {"id": "editor-keys", "class": "keys"},
        h.kbd("Ctrl"), "/", h.kbd("\u2318"), "+", h.kbd("Enter"), " runs · ",
        h.kbd("Tab"), " indents · ", h.kbd("Shift"), "+", h.kbd("Tab"), " dedents · ",
        h.kbd("Esc"), " then ", h.kbd("Tab"), " leaves the editor · ",
        h.kbd("Ctrl"), "/", h.kbd("\u2318"), "+", h.kbd("Z"), " undoes typing, and Reset or Solve",
        h.span({"id": "save-state", "role": "status"}, ""),
    )


def preview_bar(visitors: bool = False) -> h.HTML:
    """Back, forward, reload, the address, the real URL in a new tab, and (``visitors``) a second visitor."""
    return h.form(
        {"id": "preview-bar", "class": "preview-bar", "data-on:submit": "playground.go(el.elements.address.value)",
         "data-effect": "$_nav && playground.navigated($_nav.path, $_nav.n); $_previewRun && playground.newRun($_previewRun)"},
        h.button({"type": "button", "id": "preview-back", "aria-label": "Back", "title": "Back", "data-on:click": "playground.back()"}, "\u2190"),
        h.button({"type": "button", "id": "preview-forward", "aria-label": "Forward", "title": "Forward", "data-on:click": "playground.forward()"}, "\u2192"),
        h.button({"type": "button", "id": "preview-reload", "aria-label": "Reload", "title": "Reload", "data-on:click": "playground.reload()"}, "\u21bb"),
        h.input({"id": "preview-address", "name": "address", "aria-label": "Preview address", "value": "/", "spellcheck": "false",
                 "autocomplete": "off"}),
        h.a({"id": "preview-open", "class": "button", "aria-label": "Open in a new tab", "title": "Open in a new tab (the real URL)",
             "href": "#", "target": "_blank", "rel": "opener"}, "\u2197"),
        visitors and h.button({"type": "button", "id": "add-visitor", "data-on:click": "$_visitor = !$_visitor",
                               "aria-pressed": "false", "data-attr:aria-pressed": "$_visitor ? 'true' : 'false'",
                               "title": "A second browser beside the first, with cookies of its own (press again to remove it)"},
                              "Add a visitor"),
    )


def network_panel(settings: dict[str, Any], said: str = "") -> h.HTML:
    """Break the network: controls for what the preview's proxy does to the traffic (`playground.faults`)."""
    return h.details(
        {"id": "network", "class": "network"},
        h.summary("Network: ", network_state(settings)),
        h.div(
            {"class": "network-controls", "data-on:change": "@post('/network')"},
            h.button({"type": "button", "id": "net-cut", "data-on:click": "@post('/network/cut')",
                      "title": "Break off every open stream now, as a dropped connection would"}, "Cut the stream"),
            h.label("Delay events ", h.input({"type": "number", "id": "net-delay", "min": 0, "max": 10000, "step": 100,
                                              "data-bind:net-delay": True, "value": settings["delay_ms"]}), " ms"),
            h.label("Drop events: one in ", h.input({"type": "number", "id": "net-drop", "min": 0, "max": 1000,
                                                     "data-bind:net-drop": True, "value": settings["drop_every"]})),
            h.label("Throttle ", h.input({"type": "number", "id": "net-throttle", "min": 0, "step": 1000,
                                          "data-bind:net-throttle": True, "value": settings["bytes_per_second"]}), " bytes/s"),
            h.span(
                {"class": "offline"},
                h.button({"type": "button", "id": "net-offline", "data-on:click": "@post('/network/offline')",
                          "title": "Break off every new request for that many seconds"}, "Go offline"),
                h.label(" for ", h.input({"type": "number", "id": "net-offline-seconds", "min": 0, "max": 300,
                                          "data-bind:net-offline": True, "value": 10, "aria-label": "Offline for how many seconds"}), " s"),
            ),
            h.button({"type": "button", "id": "net-clear", "data-on:click": "@post('/network/clear')"}, "Back to normal"),
            network_said(said),
        ),
    )


def network_state(settings: dict[str, Any]) -> h.HTML:
    """The network's faults in a few words (in the panel's summary)."""
    parts = []
    if settings["offline_seconds"]:
        parts.append(f"offline ({settings['offline_seconds']:g} s left)")
    if settings["delay_ms"]:
        parts.append(f"events delayed {settings['delay_ms']} ms")
    if settings["drop_every"]:
        parts.append(f"one event in {settings['drop_every']} dropped")
    if settings["bytes_per_second"]:
        parts.append(f"throttled to {settings['bytes_per_second']:,} bytes/s")
    text = ", ".join(parts) if parts else "normal"
    return h.span({"id": "network-state", "class": "broken" if parts else ""}, text)


def network_said(text: str, *, error: bool = False) -> h.HTML:
    """What the last network control did (or why it could not)."""
    return h.span({"id": "network-said", "role": "status", "class": "error" if error else "muted"}, text)


_GAUGE_LABELS = {
    "requests": "requests",
    "events": "events",
    "wire_bytes": "bytes over the wire",
    "largest_event_bytes": "largest event, bytes",
    "first_event_ms": "first event, ms",
    "server_ms": "time in your app, ms",
    "spans": "spans",
}


NOTHING_YET = {"requests": 0, "events": 0, "wire_bytes": 0, "unpacked_bytes": 0, "largest_event_bytes": 0,
               "first_event_ms": 0, "server_ms": 0, "spans": 0}
"""The cost of a run that has made no request yet."""


def cost_view(cost: dict[str, float], budgets: dict[str, int]) -> h.HTML:
    """What the run's interactions cost (since Run or Clear), and the lesson's budgets as gauges
    that turn red once passed (`stario.lessons.loading.BUDGET_NAMES`)."""
    line = (
        f"{cost['requests']:g} requests · {cost['events']:g} events · {_size(cost['wire_bytes'])} over the wire"
        f" ({_size(cost['unpacked_bytes'])} unpacked) · {cost['server_ms']:g} ms in your app · {cost['spans']:g} spans"
    )
    gauges = [_gauge(name, cost[name], limit) for name, limit in budgets.items()]
    return h.div({"id": "cost", "class": "cost", "aria-label": "what this run cost"},
                 h.p({"class": "cost-line"}, line), gauges and h.div({"class": "gauges"}, gauges))


def _gauge(name: str, value: float, limit: int) -> h.HTML:
    over = value > limit
    label = _GAUGE_LABELS[name]
    return h.div(
        {"class": "gauge over" if over else "gauge", "data-budget": name},
        h.span({"class": "gauge-label"}, label),
        h.span({"class": "bar", "role": "meter", "aria-label": label, "aria-valuemin": 0, "aria-valuemax": limit,
                "aria-valuenow": value, "aria-valuetext": f"{value:g} of a budget of {limit:g}"},
               h.span({"class": "fill", "style": f"width: {min(value / limit, 1) * 100:.0f}%"})),
        h.span({"class": "gauge-value"}, f"{value:g} / {limit:g}", h.strong(" over budget") if over else ""),
    )


def _size(count: float) -> str:
    return f"{count:,.0f} B" if count < 10_000 else f"{count / 1024:,.1f} KB"


def inspector(owner: str, pane_key: str, budgets: dict[str, int] | None = None) -> h.HTML:
    """The inspector: requests and spans of the current run, live, and the details of one."""
    return h.section(
        {"id": "inspector", "aria-label": "inspector", "data-signals": {"_itab": "requests", "_selected": ""},
         # Click to source: an Alt+click in the preview (playground.js relays it) picks an element.
         "data-on:stario-pick__window": "$_selected = 'p:' + evt.detail.id; $_itab = 'detail'"},
        h.div(
            {"class": "inspector-bar", "role": "tablist"},
            h.button({"role": "tab", "id": "tab-requests", "data-on:click": "$_itab = 'requests'",
                      "data-attr:aria-selected": "$_itab === 'requests'"}, "Requests"),
            h.button({"role": "tab", "id": "tab-spans", "data-on:click": "$_itab = 'spans'",
                      "data-attr:aria-selected": "$_itab === 'spans'"}, "Spans"),
            h.button({"role": "tab", "id": "tab-detail", "data-on:click": "$_itab = 'detail'", "data-show": "$_selected",
                      "data-attr:aria-selected": "$_itab === 'detail'"}, "Details"),
            h.span({"class": "spacer"}),
            h.button({"id": "clear", "data-on:click": f"$_selected = ''; $_itab = 'requests'; @post('/{owner}/clear')"}, "Clear"),
        ),
        cost_view(NOTHING_YET, budgets or {}),
        h.div(
            {"class": "inspector-body"},
            h.div({"data-show": "$_itab === 'requests'", "class": "list"}, h.ol({"id": "requests", "class": "requests"})),
            h.div({"data-show": "$_itab === 'spans'", "class": "list"}, h.ol({"id": "spans", "class": "spans"})),
            h.div({"data-show": "$_itab === 'detail'", "class": "list"}, empty_detail()),
        ),
        # The live stream (the lists, the status, errors, output) and the details of what is picked.
        h.div({"id": "live", "hidden": True, "data-init": ds.get(f"/{owner}/live?pane={pane_key}", **_GET_QUIETLY)}),
        h.div({"id": "detail-loader", "hidden": True,
               "data-effect": f"$_selected && {ds.get(f'/{owner}/detail', **_GET_QUIETLY)}"}),
    )


def _work(owner: str, code: str, actions: list[Any], results: list[Any], status: dict[str, Any] | None) -> h.HTML:
    return h.section(
        {"id": "work", "class": "pane work", "aria-label": "your code"},
        h.div({"class": "actions"}, *actions, status_view(status)),
        editor(code, save_url=f"/{owner}/save"),
        _keys(),
        h.div({"class": "splitter horizontal", "role": "separator", "tabindex": "0", "aria-orientation": "horizontal",
               "aria-label": "Resize the editor", "data-resize": "results"}),
        h.section({"id": "results", "class": "results", "aria-label": "results"}, *results),
    )


def _live(owner: str, status: dict[str, Any] | None, run: int | None, origin: str, pane_key: str, network: dict[str, Any],
          visitor_origin: str, budgets: dict[str, int]) -> h.HTML:
    return h.section(
        {"id": "live-pane", "class": "pane live", "aria-label": "your app"},
        preview_bar(visitors=bool(visitor_origin)),
        network_panel(network),
        preview_pane(status, run=run, origin=origin, visitor_origin=visitor_origin),
        h.div({"class": "splitter horizontal", "role": "separator", "tabindex": "0", "aria-orientation": "horizontal",
               "aria-label": "Resize the preview", "data-resize": "preview"}),
        inspector(owner, pane_key, budgets),
    )


def _splitter(name: str, label: str) -> h.HTML:
    return h.div({"class": "splitter vertical", "role": "separator", "tabindex": "0", "aria-orientation": "vertical",
                  "aria-label": label, "data-resize": name})


def lesson_page(
    *,
    lessons: list[Lesson],
    lesson: Lesson,
    done: set[str],
    code: str,
    prose: str,
    status: dict[str, Any] | None,
    run: int | None,
    checks: dict[str, Any] | None,
    errors: list[dict[str, Any]],
    output: str,
    origin: str,
    pane_key: str,
    restore: str | None,
    hints_shown: int,
    network: dict[str, Any],
    visitor_origin: str = "",
) -> h.HTML:
    """The page of one lesson: prose, editor and results, the preview and the inspector."""
    name = lesson.path.name
    owner = f"lessons/{name}"
    index = lessons.index(lesson)
    previous = lessons[index - 1] if index > 0 else None
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    pager = h.nav(
        {"class": "pager", "aria-label": "lesson pager"},
        previous and h.a({"id": "previous", "href": f"/lessons/{previous.path.name}", "rel": "prev", "title": previous.title}, "\u2190 Previous"),
        h.span({"class": "where"}, f"Lesson {index + 1} of {len(lessons)}"),
        following and h.a({"id": "next", "href": f"/lessons/{following.path.name}", "rel": "next", "title": following.title}, "Next \u2192"),
    )
    actions: list[Any] = [
        h.button({"id": "run", "class": "primary", "data-on:click": f"@post('/{owner}/run')", "data-indicator:_running": True}, "Run"),
    ]
    if lesson.is_exercise:
        actions.append(h.button({"id": "check", "data-on:click": f"@post('/{owner}/check')"}, "Check"))
        if lesson.hints:
            actions.append(h.button({"id": "hint", "data-on:click": f"@post('/{owner}/hint')"}, "Hint"))
        actions += [
            h.button({"id": "show-solution", "data-on:click": f"@post('/{owner}/solution')"}, "Solution"),
            h.button({"id": "solve", "data-on:click": f"confirm('Put the solution in the editor? Your code is kept: Restore my code brings it back.') && @post('/{owner}/solve')"}, "Solve"),
        ]
    actions.append(h.button({"id": "reset", "data-on:click": f"confirm('Back to the starting code? Your code is kept: Restore my code brings it back.') && @post('/{owner}/reset')"}, "Reset"))
    actions.append(restore_button(owner, restore))
    actions.append(download_link(owner, "app.py, a pyproject.toml, a README, and the lesson's checks as tests"))
    results = [
        errors_view(errors, status),
        checks_view(checks, following=following),
        hint_view(lesson.hints, hints_shown, lesson=name, has_solution=lesson.is_exercise),
        h.div({"id": "solution"}),
        h.details({"id": "console-box", "open": True}, h.summary("Console: what your app printed"), console_view(output)),
    ]
    ending = None
    if not lesson.is_exercise:
        ending = h.p({"class": "reading-note"}, "This lesson has no exercise: run its code (and try what the prose suggests) to complete it.")
    article = h.article(
        {"id": "lesson", "class": "pane prose", "aria-label": "the lesson"},
        h.h1(f"{lesson.number}. {lesson.title}"),
        h.safe(prose),
        ending,
        h.nav({"class": "pager bottom"},
              following and h.a({"href": f"/lessons/{following.path.name}"}, f"Next: {following.title} \u2192")),
    )
    return page(
        f"{lesson.number}. {lesson.title} · Stario playground",
        header(lessons, done, name, pager=pager),
        h.main(
            {"id": "panes", "class": "panes", "data-owner": owner,
             "data-on:keydown__window": _pager_keys(previous, following)},
            article,
            _splitter("left", "Resize the lesson"),
            _work(owner, code, actions, results, status),
            _splitter("middle", "Resize the editor and the preview"),
            _live(owner, status, run, origin, pane_key, network, visitor_origin, lesson.budgets),
        ),
        signals={"_stale": False, "_incoming": None, "_errorLine": error_line(errors, status), "_nav": None, "_running": False,
                 "_previewRun": run or 0, "_visitor": False},
    )


def restore_button(owner: str, restore: str | None) -> h.HTML:
    """Restore my code: there when Reset or Solve kept the learner's code."""
    if restore is None:
        return h.span({"id": "restore"})
    return h.button({"id": "restore", "data-on:click": f"@post('/{owner}/restore')",
                     "title": "Put back the code you had before Reset or Solve"}, "Restore my code")


def download_link(owner: str, contents: str) -> h.HTML:
    """Download as a project: the code in the editor (sent with the form), as a zip to run and
    test outside the playground. ``GET /{owner}/download`` gives the saved code the same way."""
    return h.form(
        {"id": "download-form", "class": "inline", "method": "post", "action": f"/{owner}/download"},
        h.input({"type": "hidden", "name": "code", "data-attr:value": "$code"}),
        h.button({"id": "download", "type": "submit", "aria-label": "Download as a project",
                  "title": f"Download as a project: {contents}"}, "Download"),
    )


def error_line(errors: list[dict[str, Any]], status: dict[str, Any] | None) -> int:
    """The line to mark in the editor: the failed start's, else the newest error's; 0 for none."""
    if status and status.get("line") and status.get("state") in ("failed", "timeout", "crashed", "stuck"):
        return int(status["line"])
    for error in reversed(list(errors)):
        if error.get("line"):
            return int(error["line"])
    return 0


def _pager_keys(previous: Lesson | None, following: Lesson | None) -> str:
    # Not while typing: Alt+arrow moves by a word in a text field on macOS.
    parts = [f"evt.altKey && evt.key === '{key}' && !evt.target.closest('textarea, input') && (location.href = '/lessons/{target.path.name}')"
             for key, target in (("ArrowLeft", previous), ("ArrowRight", following)) if target is not None]
    return " || ".join(parts) or "null"


def toy_page(*, toy: Any, toys: list[Any], code: str, status: dict[str, Any] | None, run: int | None,
             errors: list[dict[str, Any]], output: str, origin: str, pane_key: str,
             restore: str | None, edited: bool, network: dict[str, Any], visitor_origin: str = "") -> h.HTML:
    """A toy running live beside its README and its code, which the learner may change (a scratch copy)."""
    owner = f"toys/{toy.name}"
    actions = [
        h.button({"id": "run", "class": "primary", "data-on:click": f"@post('/{owner}/run')"}, "Run"),
        h.button({"id": "reset", "data-on:click": f"confirm('Back to the toy as it ships? Your code is kept: Restore my code brings it back.') && @post('/{owner}/reset')"},
                 "Reset"),
        restore_button(owner, restore),
        download_link(owner, "app.py with the toy's files, a pyproject.toml and a README"),
    ]
    results = [
        errors_view(errors, status),
        h.details({"id": "console-box", "open": True}, h.summary("Console: what the app printed"), console_view(output)),
    ]
    article = h.article(
        {"id": "readme", "class": "pane prose", "aria-label": "about this toy"},
        h.p(h.a({"href": "/toys"}, "\u2190 All toys"), " · ", h.a({"href": "/"}, "The course")),
        h.safe(render_markdown(toy.readme)),
        h.p("Copy it into a project with ", h.code(f"stario toys add {toy.name}"), "."),
        h.p({"class": "muted"}, "Your changes here are a scratch copy" + (" (edited)" if edited else "") + ": Reset brings the toy back as it ships."),
    )
    return page(
        f"{toy.title} · Stario toys",
        h.header({"class": "top"}, h.a({"href": "/", "class": "home"}, "Stario playground"), h.a({"href": "/toys"}, "Toys"),
                 h.span({"class": "where"}, toy.title), h.span({"class": "spacer"})),
        h.main(
            {"id": "panes", "class": "panes", "data-owner": owner},
            article,
            _splitter("left", "Resize the README"),
            _work(owner, code, actions, results, status),
            _splitter("middle", "Resize the editor and the preview"),
            _live(owner, status, run, origin, pane_key, network, visitor_origin, {}),
        ),
        signals={"_stale": False, "_incoming": None, "_errorLine": error_line(errors, status), "_nav": None,
                 "_previewRun": run or 0, "_visitor": False},
    )


def index_page(lessons: list[Lesson], done: set[str]) -> h.HTML:
    """The home page: the course, progress, and the toys."""
    finished = len(done & {lesson.path.name for lesson in lessons})
    items = []
    for lesson in lessons:
        name = lesson.path.name
        mark = h.span({"class": "done", "title": "complete"}, "\u2713") if name in done else h.span({"class": "todo"}, "")
        items.append(h.li({"id": f"toc-{name}"}, h.a({"href": f"/lessons/{name}"}, lesson.title), " ", mark, h.br(),
                          h.small(lesson.summary)))
    first_open = next((lesson for lesson in lessons if lesson.path.name not in done), None)
    start = (h.a({"class": "button primary", "href": f"/lessons/{first_open.path.name}"},
                 "Start the course \u2192" if not finished else f"Go on: {first_open.title} \u2192")
             if first_open else h.a({"class": "button primary", "href": "/complete"}, "The course is complete \u2192"))
    return page(
        "Stario playground",
        h.main(
            {"class": "index prose"},
            h.h1("Stario playground"),
            h.p("Read a lesson, change its code, press Run (or Ctrl+Enter) and watch every request, event and span it makes."),
            h.p(progress(finished, len(lessons)), " ", start),
            h.nav({"id": "toc", "aria-label": "lessons"}, h.ol(items)),
            h.p(h.a({"href": "/toys"}, "The toys gallery"), ": small apps running live beside their code, to change and copy."),
        ),
    )


def complete_page(lessons: list[Lesson], done: set[str]) -> h.HTML:
    """The end of the course (or what is left of it)."""
    missing = [lesson for lesson in lessons if lesson.path.name not in done]
    if missing:
        body = [h.h1("Almost there"), h.p(f"{len(lessons) - len(missing)} of {len(lessons)} lessons are complete. Still to do:"),
                h.ul([h.li(h.a({"href": f"/lessons/{m.path.name}"}, f"{m.number}. {m.title}")) for m in missing])]
    else:
        body = [
            h.h1("The course is complete"),
            h.p("You have written Queries and Commands, built HTML in Python, streamed updates with ", h.code("yield"),
                ", fanned them out with a Relay, read spans, and tested it all. That is the whole web, seen from both ends."),
            h.h2("What next"),
            h.ul(
                h.li(h.a({"href": "/toys"}, "The toys"), ": change one here, then ", h.code("stario toys add NAME"), " copies it into a project."),
                h.li("Start your own: ", h.code("stario serve app:app --reload"), " serves a file of yours, as lesson 16 shows."),
                h.li("Every lesson stays here to come back to: ", h.a({"href": "/"}, "the course"), "."),
            ),
        ]
    return page("The course · Stario playground", h.main({"class": "index prose", "id": "complete"}, *body))


def gallery_page(toys: list[Any]) -> h.HTML:
    """Every toy, with what it shows."""
    items = [
        h.li(h.a({"href": f"/toys/{toy.name}"}, toy.title), h.br(), h.small(h.safe(_inline_markdown(toy.description))))
        for toy in toys
    ]
    return page(
        "Stario toys",
        h.main(
            {"class": "index prose"},
            h.p(h.a({"href": "/"}, "\u2190 The course")),
            h.h1("Toys"),
            h.p("Small, complete apps. Open one to run it and change it; copy it into a project with ", h.code("stario toys add NAME"), "."),
            h.nav({"id": "gallery", "aria-label": "toys"}, h.ul(items)),
        ),
    )


def _inline_markdown(text: str) -> str:
    """One line of Markdown (a toy's description) as inline HTML, without the paragraph."""
    html = render_markdown(text).strip()
    return html.removeprefix("<p>").removesuffix("</p>")


def source_page(path: str, text: str) -> h.HTML:
    """A file a lesson names, read-only and highlighted."""
    try:
        lexer = get_lexer_for_filename(path)
    except ClassNotFound:
        lexer = PythonLexer()
    lines = text.count("\n") + 1
    return page(
        f"{path} · Stario playground",
        h.main(
            {"class": "source"},
            h.p(h.a({"href": "/"}, "Stario playground"), " · read-only: ", h.code(path), f" ({lines} lines)"),
            h.div({"class": "source-view"},
                  h.pre({"class": "gutter", "aria-hidden": "true"}, "\n".join(str(n) for n in range(1, lines + 1))),
                  h.pre({"class": "code"}, h.safe(highlight(text, lexer, _FORMATTER)))),
        ),
    )
