"""The playground app, written with Stario itself: the course, an editor, a live preview, an inspector.

Pages:

- ``/``: the course, progress, the toys; ``/complete``: the end of the course;
- ``/lessons/NN-slug``: the lesson's prose, an editor with its code, Run / Check / Hint /
  Solution / Solve / Reset / Restore, the preview of the learner's app with an address bar, and
  the inspector (each request the preview makes with its events, and the spans the app records);
- ``/toys`` and ``/toys/NAME``: the gallery, and each toy running beside its code (a scratch copy);
- ``/source/PATH``: a file a lesson names (its ``check.py``, Stario's ``client.js``), read-only.

A page's actions are Commands under its owner (``/lessons/NN-slug/run``, ``/toys/chat/run``);
its live parts come over one stream (``.../live``) fed by `Activity`. The learner's code runs in
a child process (`stario.playground.runner`); the preview is served on a second loopback port by
`stario.playground.proxy`. Everything the learner types is kept in `stario.playground.store`.
"""

from __future__ import annotations

import itertools
import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from stario import Command, Context, HTTPError, Query, Stario, Writer
from stario import datastar as ds
from stario import html as h
from stario.lessons import Lesson, load_lessons, render_markdown
from stario.toy_catalog import Toy, ToyError, get_toy, list_toys

from . import pages
from .activity import Activity
from .download import project_zip
from .faults import NetworkFaults
from .source import find_patch, handler_for

__all__ = ["Playground", "build_app", "CODE_LIMIT"]

CODE_LIMIT = 256 * 1024  # characters of code the playground keeps or runs
STATIC = Path(__file__).resolve().parent / "static"
STARIO_SOURCE = Path(__import__("stario").__file__).resolve().parent


@dataclass
class Owner:
    """What a page's actions act on: a lesson or a toy, its stored code, and its starting code."""

    kind: str  # "lessons" or "toys"
    name: str
    lesson: Lesson | None = None
    toy: Toy | None = None

    @property
    def key(self) -> str:
        """``lessons/01-hello-query`` or ``toys/chat``: the runs' owner and the URL prefix."""
        return f"{self.kind}/{self.name}"

    @property
    def store_key(self) -> str:
        """Where the learner's code is kept (a lesson by its folder name, as it always was)."""
        return self.name if self.kind == "lessons" else f"toy:{self.name}"

    @property
    def folder(self) -> Path:
        """The lesson's or toy's folder (its data files, such as a stylesheet, are there)."""
        return self.lesson.path if self.lesson is not None else self.toy.path  # type: ignore[union-attr]

    @property
    def starting_code(self) -> str:
        """The lesson's app.py, or the toy's, as it ships."""
        return self.lesson.app_code if self.lesson is not None else self.toy.code  # type: ignore[union-attr]


class Playground:
    """What the pages share: the lessons, the store, the runner, the activity, the addresses."""

    def __init__(self, store: Any, runner: Any, activity: Activity, preview_port: int, token: str = "",
                 faults: NetworkFaults | None = None, visitor_port: int | None = None) -> None:
        self.lessons: list[Lesson] = load_lessons()
        #: What the learner broke of the preview's network (shared with the preview's proxy).
        self.faults = faults if faults is not None else NetworkFaults()
        self.by_name = {lesson.path.name: lesson for lesson in self.lessons}
        self.store = store
        self.runner = runner
        self.activity = activity
        self.preview_port = preview_port
        self.visitor_port = visitor_port  # the preview again, for a second visitor ("Add a visitor")
        self.token = token
        self.hints: dict[str, int] = {}  # how many hints each lesson has shown
        self._sequence = itertools.count(1)  # numbers the code the server puts in the editor

    def lesson(self, name: str) -> Lesson:
        """The lesson called ``name`` (its folder name), or 404."""
        lesson = self.by_name.get(name)
        if lesson is None:
            raise HTTPError(404, f"no lesson called {name}")
        return lesson

    def owner(self, kind: str, name: str) -> Owner:
        """The lesson or toy a page's action is for, or 404."""
        if kind == "lessons":
            return Owner(kind, name, lesson=self.lesson(name))
        try:
            return Owner(kind, name, toy=get_toy(name))
        except ToyError as exc:
            raise HTTPError(404, str(exc)) from None

    def code(self, owner: Owner) -> str:
        """The learner's code: saved edits, else the starting code."""
        saved = self.store.code(owner.store_key)
        return saved if saved is not None else owner.starting_code

    def done(self) -> set[str]:
        """The lessons marked complete."""
        return self.store.completed()

    def following(self, lesson: Lesson) -> Lesson | None:
        """The lesson after ``lesson``, or None at the end."""
        index = self.lessons.index(lesson)
        return self.lessons[index + 1] if index + 1 < len(self.lessons) else None

    def incoming(self, code: str) -> dict[str, Any]:
        """The signal that puts ``code`` in the editor, undoably (see playground.js)."""
        return {"_incoming": {"code": code, "seq": next(self._sequence)}, "_stale": True}

    def preview_origin(self, c: Context, *, with_token: bool = False) -> str:
        """The preview's real address, as this browser reaches the playground (curl-ready with the token)."""
        host = urlsplit(f"http://{c.headers.get('host', '127.0.0.1')}").hostname or "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        credentials = f"stario:{self.token}@" if with_token and self.token else ""
        return f"http://{credentials}{host}:{self.preview_port}"

    def visitor_origin(self, c: Context) -> str:
        """The second visitor's preview address ("" when the playground serves none)."""
        if self.visitor_port is None:
            return ""
        return self.preview_origin(c).rsplit(":", 1)[0] + f":{self.visitor_port}"

    def current(self, owner: Owner) -> bool:
        """Whether the current run is ``owner``'s."""
        return self.activity.owner == owner.key and self.activity.run > 0


# -- small helpers ------------------------------------------------------------------------------


async def _signals_code(c: Context) -> str | None:
    code = (await c.signals()).get("code")
    if code is None:
        return None
    if not isinstance(code, str):
        raise HTTPError(400, "the code signal should be text")
    if len(code) > CODE_LIMIT:
        raise HTTPError(413, f"your code is over {CODE_LIMIT // 1024} KB: it was not saved")
    return code


async def _stream(w: Writer, updates: AsyncIterator[Any]) -> None:
    """Send each update (HTML, a dict of signals, an event) as one SSE event."""
    async with w.sse() as sse:
        async for update in updates:
            text = ds.to_event(update)
            if text is not None:
                await sse.send(text)


def _pane_key(activity: Activity, owner: Owner) -> str:
    """What the preview pane shows for ``owner`` now: the app (``up``), or a placeholder saying why not.

    A new run of an app that is up keeps the pane and its frame (the frame loads the new app: see
    `_preview_run`); only a change between the app and a placeholder replaces the pane.
    """
    if activity.owner != owner.key or activity.run == 0:
        return "none"
    state = activity.status.get("state", "idle")
    return "up" if state in ("running", "stuck") else f"{activity.run}-{state}"


def _preview_run(activity: Activity, owner: Owner) -> dict[str, Any] | None:
    """The signal that has the frame load a new run's app (None when it is not up)."""
    return {"_previewRun": activity.run} if _pane_key(activity, owner) == "up" else None


def _pane(pg: Playground, c: Context, owner: Owner) -> h.HTML:
    mine = pg.current(owner)
    status = pg.activity.status if mine else pg.activity.last_of(owner.key).status
    if not mine and status and status.get("state") in ("running", "stuck", "starting"):
        status = {"state": "stopped", "text": "stopped: another page ran its code since"}
    return pages.preview_pane(status, run=pg.activity.run if mine else None, origin=pg.preview_origin(c),
                              visitor_origin=pg.visitor_origin(c))


# -- the live stream ------------------------------------------------------------------------------


async def live_updates(pg: Playground, c: Context, owner: Owner) -> AsyncIterator[Any]:
    """A page's live parts: the status, the preview, errors, output, requests and spans of its run."""
    activity = pg.activity
    feed = activity.subscribe()
    shown_pane = c.query.get("pane", "")
    try:
        yield _snapshot(pg, owner)
        key = _pane_key(activity, owner)
        if key != shown_pane:
            shown_pane = key
            yield ds.PatchElements(_pane(pg, c, owner), mode="replace", selector="#preview-pane")
        yield _preview_run(activity, owner)
        while True:
            batch = [await feed.get()]
            while len(feed):
                batch.append(await feed.get())
            for update in _render(pg, owner, batch):
                yield update
            if any(item.get("kind") in ("status", "reset") for item in batch):
                key = _pane_key(activity, owner)
                if key != shown_pane:
                    shown_pane = key
                    yield ds.PatchElements(_pane(pg, c, owner), mode="replace", selector="#preview-pane")
                yield _preview_run(activity, owner)
    finally:
        feed.close()


def _budgets(owner: Owner) -> dict[str, int]:
    return owner.lesson.budgets if owner.lesson is not None else {}


def _snapshot(pg: Playground, owner: Owner) -> h.HTML:
    activity = pg.activity
    if pg.current(owner):
        return h.fragment(
            pages.status_view(activity.status),
            pages.cost_view(activity.cost(), _budgets(owner)),
            pages.requests_list(list(activity.exchanges.values())),
            pages.spans_list(list(activity.spans)),
            pages.console_view(activity.output),
            pages.errors_view(list(activity.errors), activity.status),
        )
    last = activity.last_of(owner.key).status
    if last and last.get("state") in ("running", "stuck", "starting"):
        last = {"state": "stopped", "text": "stopped: another page ran its code since"}
    return h.fragment(pages.status_view(last), pages.requests_list([]), pages.spans_list([]),
                      pages.cost_view(pages.NOTHING_YET, _budgets(owner)))


def _render(pg: Playground, owner: Owner, batch: list[dict[str, Any]]) -> list[Any]:
    """The patches for a batch of activity records (one patch per changed row)."""
    activity = pg.activity
    if activity.owner != owner.key:
        if any(item.get("kind") == "reset" for item in batch):  # another page took the runner
            return [pages.status_view({"state": "stopped", "text": "stopped: another page ran its code"}),
                    pages.requests_list([]), pages.spans_list([])]
        return []
    out: list[Any] = []
    rows: dict[int, None] = {}
    traces: dict[str, None] = {}
    status = output = errors = False
    for item in batch:
        kind = item.get("kind")
        if kind in ("reset", "clear"):
            rows.clear()
            traces.clear()
            out = [pages.requests_list([]), pages.spans_list([]), {"_selected": ""}, pages.empty_detail()]
            status = output = errors = True
        elif kind == "status":
            status = errors = True
        elif kind == "output":
            output = True
        elif kind == "error":
            errors = True
            if item.get("request_id") is not None:
                rows[item["request_id"]] = None
        elif kind in ("request", "response", "event", "end"):
            rows[item["id"]] = None
            if kind == "response" and not 300 <= item.get("status", 0) < 400:
                exchange = activity.exchange(item["id"])
                request = exchange.request if exchange else {}
                if request.get("dest") == "iframe" and request.get("navigation"):
                    # A page the preview frame loaded (not a redirect): the address bar shows it.
                    out.append({"_nav": {"path": request.get("target", "/"), "n": item["id"]}})
        elif kind == "span":
            traces[item["span"].get("trace_id", "")] = None
    if status:
        out.append(pages.status_view(activity.status))
    if any(item.get("kind") in ("reset", "clear", "request", "event", "end", "span") for item in batch):
        out.append(pages.cost_view(activity.cost(), _budgets(owner)))
    if errors:
        out.append(pages.errors_view(list(activity.errors), activity.status))
        line = pages.error_line(list(activity.errors), activity.status)
        out.append({"_errorLine": line})
    if output:
        out.append(pages.console_view(activity.output))
    for request_id in rows:
        exchange = activity.exchange(request_id)
        if exchange is None:
            continue
        row = pages.request_row(exchange)
        if any(item.get("kind") == "request" and item.get("id") == request_id for item in batch):
            out.append(ds.PatchElements(row, selector="#requests", mode="prepend"))
        else:
            out.append(row)
    for trace in traces:
        spans = activity.trace(trace)
        if not spans:
            continue
        group = pages.trace_group(spans, trace)
        arrived = sum(1 for item in batch if item.get("kind") == "span" and item["span"].get("trace_id") == trace)
        if arrived == len(spans):  # the trace is new to the page: on top
            out.append(ds.PatchElements(group, selector="#spans", mode="prepend"))
        else:
            out.append(group)
    return out


async def detail_updates(pg: Playground, c: Context, owner: Owner, selected: str) -> AsyncIterator[Any]:
    """The detail pane for what is picked; a stream's new events are added as they come."""
    activity = pg.activity
    if selected.startswith("p:") and pg.current(owner):
        element_id = selected[2:]
        exchange, event = find_patch(activity.exchanges.values(), element_id)
        spans = activity.trace(exchange.trace_id) if exchange is not None and exchange.trace_id else []
        handler = None
        if exchange is not None:
            handler = handler_for(pg.code(owner), str(exchange.request.get("method")), str(exchange.request.get("path")))
        yield pages.pick_detail(element_id, exchange, event, spans, handler)
        return
    if not pg.current(owner) or len(selected) < 2 or not selected[1:].isdigit():
        yield pages.empty_detail()
        return
    number = int(selected[1:])
    if selected[0] == "s":
        span = activity.span(number)
        yield pages.span_detail(span) if span else pages.empty_detail()
        return
    exchange = activity.exchange(number)
    if exchange is None:
        yield pages.empty_detail()
        return
    feed = activity.subscribe()
    try:
        yield pages.request_detail(exchange, activity.trace(exchange.trace_id) if exchange.trace_id else [])
        while exchange.open and activity.exchange(number) is exchange:
            item = await feed.get()
            if item.get("id") != number or item.get("run") != activity.run:
                continue
            if item.get("kind") == "event":
                yield ds.PatchElements(pages.event_item(item), selector="#detail-events", mode="append")
                yield h.span({"id": "events-count"}, str(exchange.event_count))
            elif item.get("kind") in ("end", "response"):
                yield pages.request_detail(exchange, activity.trace(exchange.trace_id) if exchange.trace_id else [])
    finally:
        feed.close()


# -- the app --------------------------------------------------------------------------------------


def build_app(pg: Playground) -> Stario:
    """The playground's Stario app."""

    def owner_of(c: Context, kind: str) -> Owner:
        return pg.owner(kind, c.params["name"])

    async def home() -> h.HTML:
        return pages.index_page(pg.lessons, pg.done())

    async def complete() -> h.HTML:
        return pages.complete_page(pg.lessons, pg.done())

    async def show_lesson(c: Context) -> h.HTML:
        owner = owner_of(c, "lessons")
        lesson = owner.lesson
        assert lesson is not None
        mine = pg.current(owner)
        last = pg.activity.last_of(owner.key)
        status = pg.activity.status if mine else _stopped(last.status)
        markdown = pages.real_curl_lines(lesson.markdown, pg.preview_origin(c, with_token=True))
        prose = pages.link_paths(render_markdown(markdown), files=_lesson_files(lesson))
        return pages.lesson_page(
            lessons=pg.lessons, lesson=lesson, done=pg.done(), code=pg.code(owner), prose=prose,
            status=status, run=pg.activity.run if mine else None, checks=last.checks,
            errors=list(pg.activity.errors) if mine else [], output=pg.activity.output if mine else "",
            origin=pg.preview_origin(c), pane_key=_pane_key(pg.activity, owner),
            restore=pg.store.restore_point(owner.store_key), hints_shown=pg.hints.get(lesson.path.name, 0),
            network=pg.faults.settings(), visitor_origin=pg.visitor_origin(c),
        )

    async def show_toy(c: Context) -> h.HTML:
        owner = owner_of(c, "toys")
        mine = pg.current(owner)
        status = pg.activity.status if mine else _stopped(pg.activity.last_of(owner.key).status)
        return pages.toy_page(
            toy=owner.toy, toys=list_toys(), code=pg.code(owner), status=status,
            run=pg.activity.run if mine else None, errors=list(pg.activity.errors) if mine else [],
            output=pg.activity.output if mine else "", origin=pg.preview_origin(c),
            pane_key=_pane_key(pg.activity, owner), restore=pg.store.restore_point(owner.store_key),
            edited=pg.store.code(owner.store_key) not in (None, owner.starting_code),
            network=pg.faults.settings(), visitor_origin=pg.visitor_origin(c),
        )

    async def gallery() -> h.HTML:
        return pages.gallery_page(list_toys())

    async def source(c: Context) -> h.HTML:
        path = c.params["path"]
        return pages.source_page(path, _read_source(pg, path))

    async def static(c: Context, w: Writer) -> None:
        name = c.params["name"]
        path = STATIC / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPError(404, f"no static file {name}")
        w.header("Cache-Control", "no-cache")
        w.raw(path.read_bytes(), content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")

    def owned(kind: str) -> list[Any]:
        """The actions of a page of this kind (lessons or toys)."""

        async def save(c: Context, w: Writer) -> None:
            owner = owner_of(c, kind)
            code = await _signals_code(c)
            if code is None:
                raise HTTPError(400, "no code to save")
            pg.store.save(owner.store_key, code)
            w.html(h.fragment(
                h.pre({"id": "highlight", "class": "code", "aria-hidden": "true"}, pages.highlighted(code + "\n")),
                h.span({"id": "save-state", "role": "status"}, ""),
            ))

        async def run(c: Context, w: Writer) -> None:
            owner = owner_of(c, kind)
            code = await _signals_code(c)
            if code is None:
                code = pg.code(owner)
            pg.store.save(owner.store_key, code)
            await _stream(w, run_updates(pg, owner, code))

        async def reset(c: Context, w: Writer) -> None:
            owner = owner_of(c, kind)
            code = await _signals_code(c)
            mine = code if code is not None else pg.code(owner)
            if mine != owner.starting_code:
                pg.store.keep_restore_point(owner.store_key, mine)
            pg.store.reset(owner.store_key)
            await _stream(w, _replace(pg, owner, owner.starting_code))

        async def restore(c: Context, w: Writer) -> None:
            owner = owner_of(c, kind)
            kept = pg.store.restore_point(owner.store_key)
            if kept is None:
                raise HTTPError(404, "there is no code to restore")
            code = await _signals_code(c)
            pg.store.keep_restore_point(owner.store_key, code if code is not None else pg.code(owner))
            pg.store.save(owner.store_key, kept)
            await _stream(w, _replace(pg, owner, kept))

        async def clear(c: Context) -> None:
            owner = owner_of(c, kind)
            if pg.current(owner):
                pg.activity.clear()

        async def live(c: Context, w: Writer) -> None:
            owner = owner_of(c, kind)
            await _stream(w, live_updates(pg, c, owner))

        async def detail(c: Context, w: Writer) -> None:
            owner = owner_of(c, kind)
            selected = (await c.signals()).get("_selected") or ""
            await _stream(w, detail_updates(pg, c, owner, str(selected)))

        async def download(c: Context, w: Writer) -> None:
            # GET: the saved code. POST (the page's button): the code in the editor this instant,
            # sent in the form, so typing in the last 300 ms (before the save) is not left out.
            owner = owner_of(c, kind)
            code = (await c.form()).get("code") if c.method == "POST" else None
            if code is not None:
                code = code.replace("\r\n", "\n")  # a form sends its line breaks as CRLF
            if code is None:
                code = pg.code(owner)
            elif len(code) > CODE_LIMIT:
                raise HTTPError(413, f"your code is over {CODE_LIMIT // 1024} KB")
            name = owner.name
            title = owner.lesson.title if owner.lesson is not None else owner.toy.title  # type: ignore[union-attr]
            archive = project_zip(name, title, code, owner.folder, owner.lesson)
            w.header("Content-Disposition", f'attachment; filename="{name}.zip"')
            w.header("Cache-Control", "no-store")  # always the code in the editor now
            w.raw(archive, content_type="application/zip")

        prefix = f"/{kind}/{{name}}"
        return [
            Query(f"{prefix}/download", download),
            Command(f"{prefix}/download", download),
            Command(f"{prefix}/save", save),
            Command(f"{prefix}/run", run),
            Command(f"{prefix}/reset", reset),
            Command(f"{prefix}/restore", restore),
            Command(f"{prefix}/clear", clear),
            Query(f"{prefix}/live", live),
            Query(f"{prefix}/detail", detail),
        ]

    async def check(c: Context, w: Writer) -> None:
        owner = owner_of(c, "lessons")
        lesson = owner.lesson
        assert lesson is not None
        if not lesson.is_exercise:
            raise HTTPError(404, "this lesson has no checks")
        code = await _signals_code(c)
        if code is None:
            code = pg.code(owner)
        pg.store.save(owner.store_key, code)  # what was checked is what the editor keeps
        await _stream(w, check_updates(pg, owner, lesson, code, c))

    async def hint(c: Context, w: Writer) -> None:
        lesson = pg.lesson(c.params["name"])
        if not lesson.hints:
            raise HTTPError(404, "this lesson has no hints")
        shown = min(pg.hints.get(lesson.path.name, 0) + 1, len(lesson.hints))
        pg.hints[lesson.path.name] = shown
        w.html(pages.hint_view(lesson.hints, shown, lesson=lesson.path.name, has_solution=lesson.is_exercise))

    async def with_solution(c: Context) -> tuple[Owner, str, str]:
        """The lesson (404 unless it has a solution), its solution, and the learner's code."""
        owner = owner_of(c, "lessons")
        solution = owner.lesson.solution_code if owner.lesson is not None else None
        if solution is None:
            raise HTTPError(404, "this lesson has no solution")
        code = await _signals_code(c)
        return owner, solution, code if code is not None else pg.code(owner)

    async def solution(c: Context, w: Writer) -> None:
        _, solution_code, mine = await with_solution(c)
        w.html(pages.solution_view(mine, solution_code))

    async def solve(c: Context, w: Writer) -> None:
        owner, solution_code, mine = await with_solution(c)
        if mine != solution_code:
            pg.store.keep_restore_point(owner.store_key, mine)
        pg.store.save(owner.store_key, solution_code)
        await _stream(w, _replace(pg, owner, solution_code))

    async def network_changed(c: Context, w: Writer, action: str) -> None:
        signals = await c.signals()
        try:
            if action == "set":
                pg.faults.set(delay_ms=signals.get("netDelay"), drop_every=signals.get("netDrop"),
                              bytes_per_second=signals.get("netThrottle"))
                said = "set"
            elif action == "cut":
                count = pg.faults.cut()
                said = f"cut {count} open stream{'s' if count != 1 else ''}" if count else "no stream was open to cut"
            elif action == "offline":
                seconds = signals.get("netOffline", 10)
                pg.faults.go_offline(seconds)
                said = f"offline for {int(seconds)} s: new requests are broken off"
            else:
                pg.faults.clear()
                said = "back to normal"
        except ValueError as exc:
            w.html(pages.network_said(str(exc), error=True))
            return
        settings = pg.faults.settings()
        w.html(h.fragment(pages.network_state(settings), pages.network_said(said)))

    async def network(c: Context, w: Writer) -> None:
        await network_changed(c, w, "set")

    async def network_cut(c: Context, w: Writer) -> None:
        await network_changed(c, w, "cut")

    async def network_offline(c: Context, w: Writer) -> None:
        await network_changed(c, w, "offline")

    async def network_clear(c: Context, w: Writer) -> None:
        await network_changed(c, w, "clear")

    return Stario(
        Query("/", home),
        Query("/complete", complete),
        Command("/network", network),
        Command("/network/cut", network_cut),
        Command("/network/offline", network_offline),
        Command("/network/clear", network_clear),
        Query("/lessons/{name}", show_lesson),
        Command("/lessons/{name}/check", check),
        Command("/lessons/{name}/hint", hint),
        Command("/lessons/{name}/solution", solution),
        Command("/lessons/{name}/solve", solve),
        *owned("lessons"),
        Query("/toys", gallery),
        Query("/toys/{name}", show_toy),
        *owned("toys"),
        Query("/source/{path...}", source),
        Query("/static/{name}", static),
    )


def _stopped(status: dict[str, Any] | None) -> dict[str, Any] | None:
    """An owner's last status, seen from a page whose run is no longer the current one."""
    if status and status.get("state") in ("running", "stuck", "starting"):
        return {"state": "stopped", "text": "stopped: another page ran its code since"}
    return status


async def run_updates(pg: Playground, owner: Owner, code: str) -> AsyncIterator[Any]:
    """Run ``code``: the status as it goes (the live stream shows the preview and the rest)."""
    yield {"_stale": False, "_errorLine": 0}
    yield pages.status_view({"state": "starting", "text": "starting…"})
    result = await pg.runner.run(code, owner=owner.key, path=str(owner.folder / "app.py"))
    activity = pg.activity
    yield pages.status_view(activity.status)
    if not result.ok:
        # Only a failed start: once the app runs, the live stream owns the errors and the marked
        # line (this stream's last events could otherwise land after the preview's first error,
        # and hide it or unmark its line).
        yield pages.errors_view(list(activity.errors), activity.status)
        yield {"_errorLine": result.line or 0}
    if result.ok and owner.lesson is not None and not owner.lesson.is_exercise:
        pg.store.complete(owner.lesson.path.name)  # a lesson without checks is done once its code runs
        done = pg.done()
        yield pages.progress(len(done & set(pg.by_name)), len(pg.lessons))
        yield pages.toc(pg.lessons, done, owner.lesson.path.name)


async def check_updates(pg: Playground, owner: Owner, lesson: Lesson, code: str, c: Context) -> AsyncIterator[Any]:
    """Check ``code`` in a child of its own: 'checking', then the results (and the next step)."""
    yield {"_stale": False}
    yield pages.checks_view({"state": "checking"})
    with c.span.step("lesson.check", lesson=lesson.path.name):
        outcome = await pg.runner.check(code, lesson.path)
    checks = {
        "kind": outcome.kind, "results": outcome.results, "error": outcome.error, "line": outcome.line,
        "traceback": outcome.traceback, "output": outcome.output, "errors": outcome.errors, "ms": outcome.ms,
    }
    pg.activity.record_checks(owner.key, checks)
    if outcome.passed:
        pg.store.complete(lesson.path.name)
        done = pg.done()
        yield pages.progress(len(done & set(pg.by_name)), len(pg.lessons))
        yield pages.toc(pg.lessons, done, lesson.path.name)
    yield pages.checks_view(checks, following=pg.following(lesson))
    line = outcome.line or next((e.get("line") for e in outcome.errors if e.get("line")), None)
    yield {"_errorLine": line or 0}


async def _replace(pg: Playground, owner: Owner, code: str) -> AsyncIterator[Any]:
    """Put ``code`` in the editor (undoably) and show whether there is code to restore."""
    yield pg.incoming(code)
    yield pages.restore_button(owner.key, pg.store.restore_point(owner.store_key))


def _lesson_files(lesson: Lesson) -> dict[str, str]:
    """The files a lesson's prose may name, and where to read them."""
    files = {"check.py": f"/source/lessons/{lesson.path.name}/check.py", "app.py": f"/source/lessons/{lesson.path.name}/app.py"}
    for path in sorted(STARIO_SOURCE.rglob("*")):
        if path.suffix in (".py", ".js") and "__pycache__" not in path.parts:
            relative = path.relative_to(STARIO_SOURCE.parent).as_posix()
            if "/_toys/" in relative or "/_lessons/" in relative or "/playground/" in relative:
                continue
            files[relative] = f"/source/{relative}"
    return files


def _read_source(pg: Playground, path: str) -> str:
    """The text of a file a lesson may name: a lesson's own file, or Stario's source; else 404."""
    parts = path.split("/")
    if ".." in parts or "" in parts:
        raise HTTPError(404, f"no such file: {path}")
    if parts[0] == "lessons" and len(parts) == 3 and parts[2] in ("check.py", "app.py"):
        lesson = pg.lesson(parts[1])
        return (lesson.path / parts[2]).read_text(encoding="utf-8")
    if parts[0] == "stario" and path.endswith((".py", ".js")):
        target = (STARIO_SOURCE.parent / path).resolve()
        if target.is_relative_to(STARIO_SOURCE) and target.is_file():
            return target.read_text(encoding="utf-8")
    raise HTTPError(404, f"no such file to read here: {path}")
