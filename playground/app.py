"""The playground app, written with Stario itself: the course, an editor, a live preview, an inspector.

Pages:

- ``/``: the table of contents, completed lessons marked;
- ``/lessons/NN-slug``: the lesson's prose, an editor with its code, Run / Check / Reset /
  Solution, a preview of the learner's app, and the inspector (each request the preview makes,
  its SSE events decoded, and the spans the app records).

The learner's code runs in a child process (`stario.playground.runner`); the preview is served on a
second loopback port by `stario.playground.proxy`, which forwards to the child and records what
passes. Everything the learner types is kept in `stario.playground.store`.
"""

from __future__ import annotations

import asyncio
import difflib
import json
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import DiffLexer, PythonLexer

from stario import Command, Context, HTTPError, Query, Stario, Writer
from stario import datastar as ds
from stario import html as h
from stario.lessons import Lesson, load_lessons, render_markdown, run_checks
from stario.toy_catalog import ToyError, get_toy, list_toys

__all__ = ["Playground", "build_app"]

_FORMATTER = HtmlFormatter(nowrap=True)


class Playground:
    """What the pages share: the lessons, the store, the runner, the proxy and the preview port."""

    def __init__(self, store: Any, runner: Any, proxy: Any, preview_port: int) -> None:
        self.lessons: list[Lesson] = load_lessons()
        self.by_name = {lesson.path.name: lesson for lesson in self.lessons}
        self.store = store
        self.runner = runner
        self.proxy = proxy
        self.preview_port = preview_port
        self.runs = 0

    def lesson(self, name: str) -> Lesson:
        """The lesson called ``name`` (its folder name), or 404."""
        lesson = self.by_name.get(name)
        if lesson is None:
            raise HTTPError(404, f"no lesson called {name}")
        return lesson

    def code(self, lesson: Lesson) -> str:
        """The learner's code for ``lesson``: saved edits, else the starting code."""
        saved = self.store.code(lesson.path.name)
        return saved if saved is not None else lesson.app_code


# -- pieces of the page ------------------------------------------------------------------------


def highlighted(code: str) -> h.HTML:
    """Python code as highlighted HTML (the layer under the editor's textarea)."""
    return h.safe(highlight(code, PythonLexer(), _FORMATTER))


def toc(pg: Playground, current: str | None = None) -> h.HTML:
    """The table of contents, with completed lessons marked."""
    done = pg.store.completed()
    items = []
    for lesson in pg.lessons:
        name = lesson.path.name
        mark = h.span({"class": "done", "title": "complete"}, "\u2713") if name in done else h.span({"class": "todo"}, "")
        link = h.a({"href": f"/lessons/{name}", "aria-current": "page" if name == current else None}, f"{lesson.number}. {lesson.title}")
        items.append(h.li({"id": f"toc-{name}"}, mark, " ", link))
    return h.nav({"id": "toc", "aria-label": "lessons"}, h.ol(items))


def page(title: str, *body: Any) -> h.HTML:
    """A whole playground page."""
    return h.fragment(
        h.DOCTYPE,
        h.html(
            {"lang": "en"},
            h.head(
                h.meta({"charset": "utf-8"}),
                h.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
                h.title(title),
                h.link({"rel": "icon", "href": "data:,"}),
                h.style(_STYLE, HtmlFormatter().get_style_defs(".code")),
                h.safe(ds.script()),
            ),
            h.body(*body),
        ),
    )


def editor(pg: Playground, lesson: Lesson) -> h.HTML:
    """The editor: a textarea over its highlighted copy; Tab indents, Ctrl/Cmd+Enter runs."""
    name = lesson.path.name
    code = pg.code(lesson)
    keys = (
        "if (evt.key === 'Tab') { evt.preventDefault(); el.setRangeText('    ', el.selectionStart, el.selectionEnd, 'end');"
        " el.dispatchEvent(new Event('input')) }"
        f" else if (evt.key === 'Enter' && (evt.ctrlKey || evt.metaKey)) {{ evt.preventDefault(); @post('/lessons/{name}/run') }}"
    )
    return h.div(
        {"id": "editor", "class": "editor"},
        h.pre({"id": "highlight", "class": "code", "aria-hidden": "true"}, highlighted(code + "\n")),
        h.textarea(
            {
                "id": "code",
                "spellcheck": "false",
                "aria-label": "your code",
                "data-bind:code": True,
                "data-on:keydown": keys,
                "data-on:input__debounce.150ms": f"@post('/lessons/{name}/save')",
                "data-on:scroll": "document.getElementById('highlight').scrollTop = el.scrollTop",
            },
            code,
        ),
    )


def lesson_page(pg: Playground, lesson: Lesson) -> h.HTML:
    """The page of one lesson: prose, editor, actions, preview, inspector."""
    name = lesson.path.name
    index = pg.lessons.index(lesson)
    previous = pg.lessons[index - 1] if index > 0 else None
    following = pg.lessons[index + 1] if index + 1 < len(pg.lessons) else None
    nav_keys = "evt.altKey && " + " || evt.altKey && ".join(
        f"evt.key === '{key}' && (location.href = '/lessons/{target.path.name}')"
        for key, target in (("ArrowLeft", previous), ("ArrowRight", following))
        if target is not None
    )
    actions = [
        h.button({"id": "run", "class": "primary", "data-on:click": f"@post('/lessons/{name}/run')", "data-indicator:_running": True}, "Run"),
        h.button({"id": "reset", "data-on:click": f"confirm('Back to the starting code?') && @post('/lessons/{name}/reset')"}, "Reset"),
    ]
    if lesson.is_exercise:
        actions += [
            h.button({"id": "check", "data-on:click": f"@post('/lessons/{name}/check')"}, "Check"),
            h.button({"id": "show-solution", "data-on:click": f"@post('/lessons/{name}/solution')"}, "Solution (as a diff)"),
        ]
    return page(
        f"{lesson.number}. {lesson.title} · Stario playground",
        h.div(
            {
                "class": "layout",
                # The code is not a signal here: data-bind takes it from the textarea as it is.
                "data-signals": {"previewPort": pg.preview_port, "runs": pg.runs},
                "data-on:keydown__window": nav_keys or "null",
            },
            h.aside(h.a({"href": "/", "class": "home"}, "Stario playground"), toc(pg, name), h.p(h.a({"href": "/toys"}, "Toys gallery"))),
            h.main(
                h.article(
                    {"id": "lesson", "class": "prose"},
                    h.h1(f"{lesson.number}. {lesson.title}"),
                    h.safe(lesson.html),
                    h.p(
                        {"class": "pager"},
                        previous and h.a({"id": "previous", "href": f"/lessons/{previous.path.name}", "rel": "prev"}, f"\u2190 {previous.title}"),
                        " ",
                        following and h.a({"id": "next", "href": f"/lessons/{following.path.name}", "rel": "next"}, f"{following.title} \u2192"),
                    ),
                ),
                h.section(
                    {"class": "work"},
                    h.div({"class": "actions"}, *actions, h.span({"id": "status", "role": "status"}, "")),
                    editor(pg, lesson),
                    h.div({"id": "checks"}),
                    h.div({"id": "solution"}),
                    h.iframe(
                        {
                            "id": "preview",
                            "title": "your app",
                            "data-attr:src": "'http://' + location.hostname + ':' + $previewPort + '/?run=' + $runs",
                        }
                    ),
                    inspector(),
                ),
            ),
        ),
    )


def inspector() -> h.HTML:
    """The inspector pane: requests (with their SSE events) and spans, filled live over SSE."""
    return h.section(
        {"id": "inspector", "data-init": "@get('/inspector')"},
        h.h2("Requests"),
        h.ol({"id": "requests", "class": "requests"}),
        h.h2("Spans"),
        h.ol({"id": "spans", "class": "spans"}),
    )


def request_row(record: dict[str, Any]) -> h.HTML:
    """One request in the inspector."""
    status = record.get("status")
    kind = "ok" if status and status < 400 else "bad"
    return h.li(
        {"id": f"req-{record['id']}", "class": f"request {kind}"},
        h.span({"class": "intent"}, record.get("intent", "")),
        " ",
        h.code(f"{record.get('method')} {record.get('path')}"),
        " ",
        h.span({"class": "status"}, str(status)),
        " ",
        h.span({"class": "ms", "id": f"req-{record['id']}-ms"}, f"{record.get('ms', 0):.1f} ms"),
        h.ol({"id": f"req-{record['id']}-events", "class": "events"}),
    )


def event_row(record: dict[str, Any]) -> h.HTML:
    """One SSE event under its request, decoded."""
    details = [record.get("type", "")]
    if record.get("mode"):
        details.append(f"mode {record['mode']}")
    if record.get("selector"):
        details.append(f"selector {record['selector']}")
    body = record.get("signals")
    shown = json.dumps(body) if body is not None else (record.get("elements") or "")
    return h.li({"class": "event"}, h.code(", ".join(details)), " ", h.span({"class": "payload"}, shown[:300]))


def span_row(span: dict[str, Any], depth: int = 0) -> h.HTML:
    """One span as a bar: name, duration, attributes; children indented."""
    ms = (span.get("duration_ns") or 0) / 1e6
    width = max(2.0, min(100.0, ms * 4))
    label = span["name"]
    path = span.get("attributes", {}).get("http.path")
    if path:
        label += f" {span['attributes'].get('http.method', '')} {path}"
    return h.li(
        {"class": "span" + (" failed" if span.get("status") == "error" else ""), "style": f"margin-left: {depth * 1.2}em"},
        h.span({"class": "bar", "style": f"width: {width:.1f}%"}, ""),
        h.code(label),
        f" {ms:.2f} ms",
    )


def toy_page(pg: Playground, toy: Any) -> h.HTML:
    """A toy running live beside its code and README."""
    return page(
        f"{toy.title} · Stario toys",
        h.div(
            {"class": "layout", "data-signals": {"previewPort": pg.preview_port, "runs": pg.runs}},
            h.aside(h.a({"href": "/", "class": "home"}, "Stario playground"), gallery_list(toy.name)),
            h.main(
                h.article({"id": "readme", "class": "prose"}, h.safe(render_markdown(toy.readme)), h.h2("app.py"),
                          h.pre({"class": "code"}, highlighted(toy.code))),
                h.section(
                    {"class": "work"},
                    h.div(
                        {"class": "actions"},
                        h.button({"id": "run", "class": "primary", "data-on:click": f"@post('/toys/{toy.name}/run')"}, "Run"),
                        h.code(f"stario toys add {toy.name}"),
                        h.span({"id": "status", "role": "status"}, ""),
                    ),
                    h.iframe({"id": "preview", "title": toy.title, "data-attr:src": "'http://' + location.hostname + ':' + $previewPort + '/?run=' + $runs"}),
                    inspector(),
                ),
            ),
        ),
    )


def gallery_list(current: str | None = None) -> h.HTML:
    """Every toy, linked, with its one-line description."""
    return h.nav(
        {"id": "gallery", "aria-label": "toys"},
        h.ul(
            [
                h.li(h.a({"href": f"/toys/{toy.name}", "aria-current": "page" if toy.name == current else None}, toy.title), h.br(),
                     h.small(toy.description))
                for toy in list_toys()
            ]
        ),
    )


# -- handlers ------------------------------------------------------------------------------------


async def start_run(pg: Playground, code: str):
    """Run ``code`` in a fresh child: the status as it goes, then the signal that reloads the preview."""
    yield h.span({"id": "status", "role": "status", "class": "busy"}, "starting…")
    result = await pg.runner.run(code)
    pg.runs += 1
    if result.ok:
        yield h.span({"id": "status", "role": "status", "class": "ok"}, f"running ({result.startup_ms:.0f} ms to start)")
        yield {"runs": pg.runs}
    else:
        where = f" on line {result.line}" if result.line else ""
        yield h.span({"id": "status", "role": "status", "class": "error"}, f"{result.kind}{where}: {result.error or ''}")


def build_app(pg: Playground) -> Stario:
    """The playground's Stario app."""

    async def home() -> h.HTML:
        return page(
            "Stario playground",
            h.main(
                {"class": "index prose"},
                h.h1("Stario playground"),
                h.p("Read a lesson, change its code, press Run (or Ctrl+Enter) and watch the requests, events and spans."),
                toc(pg),
                h.p(h.a({"href": "/toys"}, "The toys gallery"), ": small apps running live beside their code."),
            ),
        )

    async def show(c: Context) -> h.HTML:
        return lesson_page(pg, pg.lesson(c.params["name"]))

    async def save(c: Context):
        lesson = pg.lesson(c.params["name"])
        code = (await c.signals()).get("code")
        if isinstance(code, str):
            pg.store.save(lesson.path.name, code)
            yield h.pre({"id": "highlight", "class": "code", "aria-hidden": "true"}, highlighted(code + "\n"))

    async def run(c: Context):
        lesson = pg.lesson(c.params["name"])
        code = (await c.signals()).get("code")
        if not isinstance(code, str):
            code = pg.code(lesson)
        pg.store.save(lesson.path.name, code)
        async for update in start_run(pg, code):
            yield update

    async def check(c: Context):
        lesson = pg.lesson(c.params["name"])
        if not lesson.is_exercise:
            raise HTTPError(404, "this lesson has no checks")
        code = (await c.signals()).get("code")
        if isinstance(code, str):
            pg.store.save(lesson.path.name, code)  # what was checked is what the editor keeps
        source = code if isinstance(code, str) else pg.code(lesson)
        with c.span.step("lesson.check", lesson=lesson.path.name):
            results = run_checks(lesson, "app", source)
        passed = all(result.passed for result in results)
        if passed:
            pg.store.complete(lesson.path.name)
            yield toc(pg, lesson.path.name)
        yield h.div(
            {"id": "checks", "class": "passed" if passed else "failed"},
            h.p(h.strong("All checks pass: lesson complete." if passed else "Not yet:")),
            h.ul(
                [
                    h.li({"class": "pass" if r.passed else "fail"}, "\u2713 " if r.passed else "\u2717 ", h.code(r.name), r.message and f": {r.message}")
                    for r in results
                ]
            ),
        )

    async def reset(c: Context):
        lesson = pg.lesson(c.params["name"])
        pg.store.reset(lesson.path.name)
        yield {"code": lesson.app_code}
        yield h.pre({"id": "highlight", "class": "code", "aria-hidden": "true"}, highlighted(lesson.app_code + "\n"))

    async def solution(c: Context):
        lesson = pg.lesson(c.params["name"])
        if lesson.solution_code is None:
            raise HTTPError(404, "this lesson has no solution")
        code = (await c.signals()).get("code")
        mine = code if isinstance(code, str) else pg.code(lesson)
        diff = "".join(
            difflib.unified_diff(
                mine.splitlines(keepends=True), lesson.solution_code.splitlines(keepends=True), "your code", "the solution"
            )
        )
        yield h.div(
            {"id": "solution"},
            h.p("What the solution changes (your code stays as it is in the editor):"),
            h.pre({"class": "code diff"}, h.safe(highlight(diff or "(no difference)\n", DiffLexer(), _FORMATTER))),
        )

    async def inspect(c: Context):
        for record in list(pg.proxy.records):
            yield from_record(record)
        async with pg.proxy.subscribe() as records:
            spans = pg.runner.spans()
            try:
                merged = _merge(records, spans)
                async for item in merged:
                    yield item
            finally:
                await _close(spans)

    async def gallery() -> h.HTML:
        return page(
            "Stario toys",
            h.main({"class": "index prose"}, h.h1("Toys"), h.p("Small, complete apps. Open one to run it; copy it with ", h.code("stario toys add NAME"), "."), gallery_list()),
        )

    def toy(c: Context) -> Any:
        try:
            return get_toy(c.params["name"])
        except ToyError as exc:
            raise HTTPError(404, str(exc)) from None

    async def show_toy(c: Context) -> h.HTML:
        return toy_page(pg, toy(c))

    async def run_toy(c: Context):
        async for update in start_run(pg, toy(c).code):
            yield update

    return Stario(
        Query("/toys", gallery),
        Query("/toys/{name}", show_toy),
        Command("/toys/{name}/run", run_toy),
        Query("/", home),
        Query("/lessons/{name}", show),
        Command("/lessons/{name}/save", save),
        Command("/lessons/{name}/run", run),
        Command("/lessons/{name}/check", check),
        Command("/lessons/{name}/reset", reset),
        Command("/lessons/{name}/solution", solution),
        Query("/inspector", inspect),
    )


def from_record(record: dict[str, Any]) -> ds.Event | None:
    """Turn a proxy record into the patch that shows it."""
    kind = record.get("kind")
    if kind == "request":
        return ds.PatchElements(request_row(record), selector="#requests", mode="prepend")
    if kind == "event":
        return ds.PatchElements(event_row(record), selector=f"#req-{record['id']}-events", mode="append")
    if kind == "end":
        label = f"{record.get('ms', 0):.1f} ms" + (" (left)" if record.get("left") else "")
        return ds.PatchElements(h.span({"class": "ms", "id": f"req-{record['id']}-ms"}, label))
    return None


async def _merge(records: Any, spans: Any):
    """Interleave proxy records and span dicts as they come, as patches."""
    queue: asyncio.Queue = asyncio.Queue(maxsize=1000)

    async def pump(source: Any, tag: str) -> None:
        async for item in source:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait((tag, item))

    tasks = [asyncio.create_task(pump(records, "record")), asyncio.create_task(pump(spans, "span"))]
    traces: set[str] = set()
    try:
        while True:
            tag, item = await queue.get()
            if tag == "record":
                patch = from_record(item)
                if patch is not None:
                    yield patch
                continue
            # A waterfall per trace: the request's span on top, its steps beneath it.
            trace = item.get("trace_id", "")[:16]
            if trace not in traces:
                traces.add(trace)
                yield ds.PatchElements(h.li({"class": "trace"}, h.ol({"id": f"trace-{trace}"})), selector="#spans", mode="prepend")
            root = item.get("parent_id") is None
            yield ds.PatchElements(span_row(item, 0 if root else 1), selector=f"#trace-{trace}", mode="prepend" if root else "append")
    finally:
        for task in tasks:
            task.cancel()


async def _close(feed: Any) -> None:
    closing = getattr(feed, "aclose", None) or getattr(feed, "close", None)
    if closing is not None:
        result = closing()
        if hasattr(result, "__await__"):
            await result


_STYLE = """
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1d2330;background:#f7f7f9}
a{color:#2450b2}.layout{display:grid;grid-template-columns:16rem 1fr;min-height:100vh}
aside{background:#fff;border-right:1px solid #e3e3e8;padding:1rem;font-size:14px}aside .home{font-weight:700;text-decoration:none}
#toc ol{padding-left:1.2rem}#toc li{margin:.25rem 0}#toc .done{color:#1a7f37;font-weight:700}#toc a[aria-current]{font-weight:700}
main{display:grid;grid-template-columns:minmax(20rem,1fr) minmax(24rem,1.2fr);gap:1rem;padding:1rem}
.index{display:block;max-width:46rem;margin:2rem auto}
.prose{background:#fff;border:1px solid #e3e3e8;border-radius:8px;padding:1rem 1.4rem;overflow:auto}
.prose pre{background:#f3f4f7;padding:.7rem;border-radius:6px;overflow:auto;font-size:13px}
.work{display:flex;flex-direction:column;gap:.6rem;min-width:0}
.actions{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
button{font:inherit;padding:.35rem .8rem;border:1px solid #c8c8d0;border-radius:6px;background:#fff;cursor:pointer}
button.primary{background:#2450b2;color:#fff;border-color:#2450b2}
#status.error{color:#b42318}#status.ok{color:#1a7f37}
.editor{position:relative;height:22rem;border:1px solid #c8c8d0;border-radius:6px;background:#fff}
.editor pre,.editor textarea{position:absolute;inset:0;margin:0;padding:.6rem;font:13px/1.45 ui-monospace,monospace;
 white-space:pre;overflow:auto;tab-size:4;border:0}
.editor textarea{background:transparent;color:transparent;caret-color:#1d2330;resize:none;outline:none}
.editor pre{pointer-events:none}
#checks .pass{color:#1a7f37}#checks .fail{color:#b42318}
iframe{width:100%;height:18rem;border:1px solid #c8c8d0;border-radius:6px;background:#fff}
#inspector{background:#fff;border:1px solid #e3e3e8;border-radius:8px;padding:.6rem 1rem;font-size:13px}
#inspector h2{font-size:14px;margin:.4rem 0}.requests,.spans{list-style:none;padding:0;max-height:14rem;overflow:auto}
.request{border-bottom:1px solid #eee;padding:.2rem 0}.request.bad .status{color:#b42318}.intent{color:#6b6b7b}
.events{list-style:none;padding-left:1rem;color:#444}.payload{color:#6b6b7b}
.span{display:flex;gap:.5rem;align-items:center}.span .bar{display:inline-block;height:.6rem;background:#7aa2f7;border-radius:2px}
.span.failed .bar{background:#e5534b}
"""
