"""A second visitor, in Chromium: the app seen by two browsers at once, each with its cookies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.harness import screenshot
from tests.e2e.playground import Playground, playground_process, run_and_wait, type_code

LESSONS = {lesson.path.name: lesson for lesson in load_lessons()}
RELAY = LESSONS["09-relay-and-fan-out"]
FIRST = LESSONS["01-hello-query"]

COOKIES = '''from stario import Query, Stario


async def home(c, w):
    seen = c.cookies.get("seen")
    w.cookie("seen", "yes")
    w.html("<h1>" + ("welcome back" if seen else "first visit") + "</h1>")


app = Stario(Query("/", home))
'''


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def test_a_message_sent_by_one_visitor_reaches_the_other(page, playground):
    playground.open(page, RELAY.path.name)
    type_code(page, RELAY.solution_code)
    run_and_wait(page)
    one, two = page.frame_locator("#preview"), page.frame_locator("#visitor")
    expect(one.locator("#status")).to_have_text("connected")
    page.get_by_role("button", name="Add a visitor").click()
    expect(page.locator("#visitor")).to_be_visible()
    expect(two.locator("#status")).to_have_text("connected")
    expect(page.get_by_role("button", name="Add a visitor")).to_have_attribute("aria-pressed", "true")
    one.get_by_placeholder("Say something").fill("hello from the first")
    one.get_by_role("button", name="Send").click()
    expect(two.locator("#messages")).to_contain_text("hello from the first")
    expect(one.locator("#messages")).to_contain_text("hello from the first")
    expect(page.locator("#requests li.request", has_text="visitor 2").first).to_contain_text("GET /messages")
    screenshot(page, "playground-visitor")
    page.get_by_role("button", name="Add a visitor").click()  # pressed again: the visitor goes
    expect(page.locator("#visitor")).to_be_hidden()
    expect(one.locator("#messages")).to_contain_text("someone left")  # its stream closed with it


def test_the_second_visitor_has_cookies_of_its_own(page, playground):
    playground.open(page, FIRST.path.name)
    type_code(page, COOKIES)
    run_and_wait(page)
    one = page.frame_locator("#preview")
    expect(one.locator("h1")).to_have_text("first visit")
    page.get_by_role("button", name="Reload").click()
    expect(one.locator("h1")).to_have_text("welcome back")
    page.get_by_role("button", name="Add a visitor").click()
    expect(page.frame_locator("#visitor").locator("h1")).to_have_text("first visit")  # a browser that never came
    assert not any(cookie["name"] == "seen" and cookie["value"] != "yes" for cookie in page.context.cookies())
