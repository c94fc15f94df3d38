"""Break the network, in Chromium: the learner cuts the stream and watches the feed resume."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.harness import screenshot
from tests.e2e.playground import Playground, playground_process, run_and_wait, type_code

EVENTS = next(lesson for lesson in load_lessons() if lesson.path.name == "14-datastar-events")


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def test_cut_the_stream_and_the_feed_resumes_from_its_last_event_id(page, playground):
    playground.open(page, EVENTS.path.name)
    type_code(page, EVENTS.solution_code)
    run_and_wait(page)
    feed = page.frame_locator("#preview").locator("#feed li")
    expect(feed).to_have_count(3)
    page.locator("#network summary").click()
    page.get_by_role("button", name="Cut the stream").click()
    expect(page.locator("#network-said")).to_have_text("cut 1 open stream")
    rows = page.locator("#requests li.request", has_text="GET /feed")
    expect(rows).to_have_count(2, timeout=15000)  # the client waits retry: 5000 ms, then reconnects
    expect(rows.last).to_contain_text("cut")  # newest first: the last row is the stream that was cut
    rows.first.locator("button").click()
    expect(page.locator("#detail")).to_contain_text("last-event-id")
    expect(page.locator("#detail")).to_contain_text("3")
    expect(page.frame_locator("#preview").locator("#status")).to_have_text("Live.")
    expect(feed).to_have_count(3)  # resumed after #3: nothing shown twice
    screenshot(page, "playground-network-cut")


def test_a_bad_network_value_is_refused_in_words_and_back_to_normal_clears(page, playground):
    playground.open(page, EVENTS.path.name)
    page.locator("#network summary").click()
    page.get_by_label("Drop events").fill("1")
    page.get_by_label("Drop events").dispatch_event("change")
    expect(page.locator("#network-said")).to_contain_text("drop_every is 0 (off) or at least 2")
    page.get_by_label("Delay events").fill("400")
    page.get_by_label("Drop events").fill("3")
    page.get_by_label("Drop events").dispatch_event("change")
    expect(page.locator("#network-state")).to_have_text("events delayed 400 ms, one event in 3 dropped")
    page.get_by_role("button", name="Back to normal").click()
    expect(page.locator("#network-state")).to_have_text("normal")
