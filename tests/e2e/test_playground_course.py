"""The whole course in the playground, in a real browser: every lesson by its deep link and by
``#next``; every exercise runs from its starting code and passes with its solution, and the
marks survive a restart; the streaming lesson streams and the inspector decodes its events; the
runner's limits (an endless loop, unbounded memory) are reported and the playground stays
usable; cross-site requests are refused; Tab indents in the editor."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.servers import free_port

LESSONS = load_lessons()
EXERCISES = [lesson for lesson in LESSONS if lesson.is_exercise]
STREAMING = next(lesson for lesson in LESSONS if lesson.path.name == "08-streaming-with-yield")
FIRST = LESSONS[0]


@dataclass
class Playground:
    """One running ``stario playground`` process."""

    url: str  # the printed URL, with ?token=...
    port: int
    preview: int
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    def open(self, page, lesson) -> None:
        """Take the token (a cookie) and open ``lesson``'s page."""
        page.goto(self.url)
        page.goto(f"{self.base}/lessons/{lesson.path.name}")


@contextlib.contextmanager
def playground_process(data: Path) -> Iterator[Playground]:
    """Start a playground keeping its state in ``data``; stop it however the block ends."""
    port, preview = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stario", "playground", "--no-browser", "--port", str(port), "--preview-port", str(preview)],
        env={**os.environ, "STARIO_PLAYGROUND_DATA": str(data), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = None
        lines: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and url is None:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            lines.append(line)
            match = re.match(r"^(http://127\.0\.0\.1:\d+/\?token=\S+)$", line.strip())
            if match:
                url = match.group(1)
        assert url, "the playground printed no URL:\n" + "".join(lines)
        yield Playground(url, port, preview, process, lines)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def preview_documents(page, pg: Playground) -> list:
    """Start recording every document the preview iframe loads (its responses)."""
    seen: list = []
    origin = f"http://127.0.0.1:{pg.preview}/"
    page.on("response", lambda r: seen.append(r) if r.url.startswith(origin) and r.request.resource_type == "document" else None)
    return seen


def run_and_wait(page, pg: Playground, seen: list, timeout: float = 15) -> None:
    """Press Run; wait for 'running' and for the preview to load its new src without a 5xx."""
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("running", timeout=int(timeout * 1000))
    deadline = time.monotonic() + timeout
    while True:
        src = page.locator("#preview").get_attribute("src")
        loaded = [r for r in seen if r.url == src]
        if loaded:
            break
        assert time.monotonic() < deadline, f"the preview never loaded {src!r}; loaded: {[r.url for r in seen]}"
        page.wait_for_timeout(50)
    assert loaded[-1].status < 500, f"the preview answered {loaded[-1].status} for {src}"


# -- 1. deep links and the #next walk -----------------------------------------------------------


def test_every_lesson_opens_by_its_deep_link(page, playground):
    page.goto(playground.url)
    for lesson in LESSONS:
        page.goto(f"{playground.base}/lessons/{lesson.path.name}")
        expect(page.locator("#lesson h1")).to_have_text(f"{lesson.number}. {lesson.title}")


def test_the_whole_course_walks_with_next(page, playground):
    playground.open(page, FIRST)
    expect(page.locator("#lesson h1")).to_have_text(f"{FIRST.number}. {FIRST.title}")
    for lesson in LESSONS[1:]:
        page.click("#next")
        expect(page).to_have_url(re.compile(rf"/lessons/{lesson.path.name}$"))
        expect(page.locator("#lesson h1")).to_have_text(f"{lesson.number}. {lesson.title}")
    expect(page.locator("#next")).to_have_count(0)


# -- 2. every exercise: starting code runs, solution checks, marks survive a restart ------------


def test_every_exercise_runs_then_passes_with_its_solution_and_the_marks_survive_a_restart(page, tmp_path):
    with playground_process(tmp_path) as pg:
        seen = preview_documents(page, pg)
        page.goto(pg.url)
        for lesson in EXERCISES:
            page.goto(f"{pg.base}/lessons/{lesson.path.name}")
            # The starting code is filled in rather than read from the editor: the editor shows it
            # altered where it holds `$name` or `@action(` (the client compiles data-signals,
            # rewriting inside string literals too); see the report of this test file's commit.
            page.locator("#code").fill(lesson.app_code)
            run_and_wait(page, pg, seen)
            page.locator("#code").fill(lesson.solution_code)
            page.click("#check")
            expect(page.locator("#checks")).to_contain_text("lesson complete", timeout=15000)
            expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(1)
    with playground_process(tmp_path) as pg:
        pg.open(page, FIRST)
        for lesson in EXERCISES:
            expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(1)
        for lesson in LESSONS:
            if not lesson.is_exercise:
                expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(0)


# -- 3. the streaming lesson ---------------------------------------------------------------------


def test_the_streaming_lesson_ticks_and_the_inspector_decodes_its_events(page, playground):
    seen = preview_documents(page, playground)
    playground.open(page, STREAMING)
    page.locator("#code").fill(STREAMING.app_code)
    run_and_wait(page, playground, seen)
    counter = page.frame_locator("#preview").locator("#online-counter")
    expect(counter).to_contain_text("Online since", timeout=10000)
    first = counter.inner_text()
    expect(counter).not_to_have_text(first, timeout=5000)
    request = page.locator("#requests li.request", has_text="GET /online-counter").first
    expect(request).to_be_visible(timeout=10000)
    expect(request.locator(".events")).to_contain_text("datastar-patch-elements", timeout=10000)
    expect(request.locator(".events")).to_contain_text("Online since")


# -- 4. limits -----------------------------------------------------------------------------------


GOOD = FIRST.app_code.replace("Hello, web", "Alive after the limits")


@pytest.mark.parametrize(
    ("code", "reported"),
    [
        ("while True:\n    pass\n", "timeout"),
        ("hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))\n", "memory"),
    ],
    ids=["endless-loop", "unbounded-memory"],
)
def test_limits_are_reported_and_the_playground_stays_responsive(page, playground, code, reported):
    seen = preview_documents(page, playground)
    playground.open(page, FIRST)
    page.locator("#code").fill(code)
    started = time.monotonic()
    page.click("#run")
    expect(page.locator("#status")).to_contain_text(reported, timeout=30000)
    assert time.monotonic() - started < 30
    expect(page.locator("#status")).to_have_class(re.compile(r"\berror\b"))
    # the playground itself still answers, and the next run of good code works
    with urllib.request.urlopen(urllib.request.Request(playground.base + "/", headers={"Cookie": f"stario_playground={playground.token}"}), timeout=5) as response:
        assert response.status == 200
    page.locator("#code").fill(GOOD)
    run_and_wait(page, playground, seen)
    expect(page.frame_locator("#preview").locator("h1")).to_have_text("Alive after the limits", timeout=10000)


# -- 5. cross-site requests ----------------------------------------------------------------------


def test_a_cross_site_request_with_a_valid_cookie_is_refused(playground):
    cookie = {"Cookie": f"stario_playground={playground.token}"}
    target = f"{playground.base}/lessons/{FIRST.path.name}"
    # the cookie is good: the same request from the same origin is served
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


# -- 6. keyboard ---------------------------------------------------------------------------------


def test_tab_in_the_editor_inserts_four_spaces(page, playground):
    playground.open(page, FIRST)
    editor = page.locator("#code")
    editor.fill("def home():\nreturn 1")
    editor.focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    expect(editor).to_be_focused()
    expect(editor).to_have_value("def home():\n    return 1")
    page.keyboard.press("Tab")
    expect(editor).to_have_value("def home():\n        return 1")
