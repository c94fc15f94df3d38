"""The whole course in the playground, in a real browser: every lesson by its deep link and by
``#next``; every exercise runs from its starting code, shows the traceback of a handler broken
on purpose beside the code, and passes with its solution; the marks survive a restart; the
lesson without checks completes by running; the streaming lesson streams and the inspector
decodes its events; the runner's limits are reported and the playground stays usable;
cross-site requests are refused."""

from __future__ import annotations

import ast
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.playground import Playground, playground_process, run_and_wait, type_code

LESSONS = load_lessons()
EXERCISES = [lesson for lesson in LESSONS if lesson.is_exercise]
READING = [lesson for lesson in LESSONS if not lesson.is_exercise]
STREAMING = next(lesson for lesson in LESSONS if lesson.path.name == "08-streaming-with-yield")
FIRST = LESSONS[0]


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def broken(code: str) -> tuple[str, int]:
    """``code`` with its home page's handler raising first thing; the line of the raise."""
    tree = ast.parse(code)
    name = next(
        node.args[1].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and len(node.args) > 1 and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "/" and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("Query", "query")
        and isinstance(node.args[1], ast.Name)
    )
    handler = next(n for n in ast.walk(tree) if isinstance(n, (ast.AsyncFunctionDef, ast.FunctionDef)) and n.name == name)
    first = handler.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and len(handler.body) > 1:
        first = handler.body[1]  # after the docstring
    lines = code.splitlines(keepends=True)
    lines.insert(first.lineno - 1, " " * first.col_offset + 'raise RuntimeError("broken on purpose")\n')
    return "".join(lines), first.lineno


# -- 1. deep links and the #next walk -----------------------------------------------------------


def test_every_lesson_opens_by_its_deep_link(page, playground):
    page.goto(playground.url)
    for lesson in LESSONS:
        page.goto(f"{playground.base}/lessons/{lesson.path.name}")
        expect(page.locator("#lesson h1")).to_have_text(f"{lesson.number}. {lesson.title}")


def test_the_whole_course_walks_with_next(page, playground):
    playground.open(page, FIRST.path.name)
    expect(page.locator("#lesson h1")).to_have_text(f"{FIRST.number}. {FIRST.title}")
    for lesson in LESSONS[1:]:
        page.click("#next")
        expect(page).to_have_url(re.compile(rf"/lessons/{lesson.path.name}$"))
        expect(page.locator("#lesson h1")).to_have_text(f"{lesson.number}. {lesson.title}")
    expect(page.locator("#next")).to_have_count(0)


# -- 2. every exercise: it runs, a broken handler shows its traceback, the solution passes ------


def test_every_exercise_runs_shows_a_broken_handlers_traceback_and_passes_with_its_solution(page, tmp_path):
    with playground_process(tmp_path) as pg:
        page.goto(pg.url)
        for lesson in EXERCISES:
            page.goto(f"{pg.base}/lessons/{lesson.path.name}")
            type_code(page, lesson.app_code)
            run_and_wait(page)
            code, line = broken(lesson.app_code)
            type_code(page, code)
            run_and_wait(page)
            errors = page.locator("#errors")
            expect(errors).to_contain_text("RuntimeError: broken on purpose", timeout=10000)
            expect(errors).to_contain_text(f'File "app.py", line {line}')
            expect(page.locator(f"#gutter span:nth-child({line})")).to_have_class(re.compile(r"\berror\b"))
            expect(page.locator("#requests li.request.raised").first).to_be_visible()
            type_code(page, lesson.solution_code)
            page.click("#check")
            expect(page.locator("#checks")).to_contain_text("lesson complete", timeout=20000)
            expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(1)
        for lesson in READING:
            page.goto(f"{pg.base}/lessons/{lesson.path.name}")
            expect(page.locator(".reading-note")).to_be_visible()
            run_and_wait(page)
            expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(1)
        expect(page.locator("#progress")).to_have_text(f"{len(LESSONS)}/{len(LESSONS)} complete")
    with playground_process(tmp_path) as pg:
        pg.open(page, "/")
        for lesson in LESSONS:
            expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(1)
        page.click("text=The course is complete")
        expect(page.locator("#complete h1")).to_have_text("The course is complete")


# -- 3. the streaming lesson ---------------------------------------------------------------------


def test_the_streaming_lesson_ticks_and_the_inspector_decodes_its_events(page, playground):
    playground.open(page, STREAMING.path.name)
    type_code(page, STREAMING.app_code)
    run_and_wait(page)
    counter = page.frame_locator("#preview").locator("#online-counter")
    expect(counter).to_contain_text("Online since", timeout=10000)
    first = counter.inner_text()
    expect(counter).not_to_have_text(first, timeout=5000)
    request = page.locator("#requests li.request", has_text="GET /online-counter").first
    expect(request).to_contain_text("events, newest: datastar-patch-elements", timeout=10000)
    request.locator("button").click()
    expect(page.locator("#detail-events")).to_contain_text("event: datastar-patch-elements")
    expect(page.locator("#detail-events")).to_contain_text("Online since")


# -- 4. limits -----------------------------------------------------------------------------------


GOOD = FIRST.app_code.replace("Hello, web", "Alive after the limits")


@pytest.mark.parametrize(
    ("code", "reported"),
    [
        ("while True:\n    pass\n", "timed out"),
        ("hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))\n", "out of memory"),
    ],
    ids=["endless-loop", "unbounded-memory"],
)
def test_limits_are_reported_and_the_playground_stays_responsive(page, playground, code, reported):
    playground.open(page, FIRST.path.name)
    type_code(page, code)
    page.click("#run")
    expect(page.locator("#status")).to_contain_text(reported, timeout=30000)
    expect(page.locator("#status")).to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#preview-pane")).to_contain_text("Your app is not running")
    assert "Stario playground" in playground.get("/")  # the playground itself still answers
    type_code(page, GOOD)
    run_and_wait(page)
    expect(page.frame_locator("#preview").locator("h1")).to_have_text("Alive after the limits", timeout=10000)


# -- 5. cross-site requests ----------------------------------------------------------------------


def test_a_cross_site_request_with_a_valid_cookie_is_refused(playground):
    cookie = {"Cookie": playground.cookie}
    target = f"{playground.base}/lessons/{FIRST.path.name}"
    with urllib.request.urlopen(urllib.request.Request(target, headers={**cookie, "Sec-Fetch-Site": "same-origin"}), timeout=5) as response:
        assert response.status == 200
    for url, method in ((target, "GET"), (f"{target}/run", "POST"), (f"http://127.0.0.1:{playground.preview}/", "GET")):
        request = urllib.request.Request(
            url, method=method, data=b"{}" if method == "POST" else None,
            headers={**cookie, "Sec-Fetch-Site": "cross-site"},
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=5)
        assert error.value.code == 403, url
        assert b"cross-site" in error.value.read()
