"""The playground in a real browser: open it with its token, edit lesson 1, run, see the preview
and the inspector; check an exercise with its solution; refused without the token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.servers import free_port


@pytest.fixture(scope="module")
def playground(tmp_path_factory):
    data = tmp_path_factory.mktemp("playground-data")
    port, preview = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stario", "playground", "--no-browser", "--port", str(port), "--preview-port", str(preview)],
        env={**os.environ, "STARIO_PLAYGROUND_DATA": str(data), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and url is None:
        line = process.stdout.readline()
        match = re.match(r"^(http://127\.0\.0\.1:\d+/\?token=\S+)$", line.strip())
        if match:
            url = match.group(1)
    assert url, "the playground printed no URL"
    try:
        yield url, port, preview
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_without_the_token_or_with_a_foreign_host_it_refuses(playground):
    url, port, preview = playground
    for target, headers in ((f"http://127.0.0.1:{port}/", {}), (f"http://127.0.0.1:{preview}/", {}), (url, {"Host": "evil.example"})):
        request = urllib.request.Request(target, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=5)
        assert error.value.code == 403


def test_edit_lesson_one_run_and_see_it_in_the_preview_and_inspector(page, playground):
    url, port, preview = playground
    page.goto(url)
    expect(page.locator("#toc")).to_contain_text("A Query that returns a string")
    page.click("text=1. A Query that returns a string")
    expect(page).to_have_url(re.compile(r"/lessons/01-hello-query$"))
    editor = page.locator("#code")
    expect(editor).to_have_value(re.compile("Hello, web"))
    editor.fill(load_lessons()[0].app_code.replace("Hello, web", "Hello from the test"))
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_contain_text("running", timeout=15000)
    frame = page.frame_locator("#preview")
    expect(frame.locator("h1")).to_have_text("Hello from the test", timeout=15000)
    expect(page.locator("#requests")).to_contain_text("GET /", timeout=10000)
    expect(page.locator("#requests")).to_contain_text("Query")
    expect(page.locator("#spans")).to_contain_text("http.request", timeout=10000)


def test_checking_the_solution_marks_the_lesson_complete(page, playground):
    url, port, preview = playground
    lesson = load_lessons()[0]
    page.goto(url)
    page.goto(f"http://127.0.0.1:{port}/lessons/{lesson.path.name}")
    page.locator("#code").fill(lesson.solution_code)
    page.click("#check")
    expect(page.locator("#checks")).to_contain_text("lesson complete", timeout=15000)
    expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(1)
    page.reload()
    expect(page.locator(f"#toc-{lesson.path.name} .done")).to_have_count(1)
    expect(page.locator("#code")).to_have_value(lesson.solution_code)


def test_a_syntax_error_shows_its_line(page, playground):
    url, port, preview = playground
    page.goto(url)
    page.goto(f"http://127.0.0.1:{port}/lessons/01-hello-query")
    page.locator("#code").fill("from stario import Stario\n\napp = Stario(\n")
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("syntax", timeout=15000)
    expect(page.locator("#status")).to_contain_text("line")


def test_next_and_previous_links_walk_the_course(page, playground):
    url, port, preview = playground
    lessons = load_lessons()
    page.goto(url)
    page.goto(f"http://127.0.0.1:{port}/lessons/{lessons[0].path.name}")
    page.click("#next")
    expect(page).to_have_url(re.compile(lessons[1].path.name))
    page.click("#previous")
    expect(page).to_have_url(re.compile(lessons[0].path.name))


def test_the_editor_shows_each_lessons_code_exactly(page, playground):
    """Code with $names and @actions in strings reaches the editor untouched."""
    url, port, preview = playground
    page.goto(url)
    for lesson in load_lessons():
        if "@" in lesson.app_code or "$" in lesson.app_code:
            page.goto(f"http://127.0.0.1:{port}/lessons/{lesson.path.name}")
            if page.locator("#code").input_value() != lesson.app_code:  # saved edits from other tests
                page.once("dialog", lambda dialog: dialog.accept())
                page.click("#reset")
            expect(page.locator("#code")).to_have_value(lesson.app_code)


def test_a_toy_runs_live_in_the_gallery(page, playground):
    from stario.toy_catalog import list_toys

    url, port, preview = playground
    toy = list_toys()[0]
    page.goto(url)
    page.click("text=The toys gallery")
    page.click(f"a[href='/toys/{toy.name}']")
    expect(page.locator("#readme")).to_contain_text(toy.title)
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("running", timeout=15000)
    expect(page.frame_locator("#preview").locator("#client-ready")).to_have_text("ready", timeout=15000)
