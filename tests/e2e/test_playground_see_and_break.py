"""What the playground lets a learner see and break, in Chromium (issue 16): cut, delay and drop
the preview's network; a second visitor with cookies of its own; the cost of a run against a
lesson's budgets; Alt+click to source; and Download as a project."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.harness import screenshot
from tests.e2e.playground import Playground, playground_process, run_and_wait, type_code

LESSONS = {lesson.path.name: lesson for lesson in load_lessons()}
FIRST = LESSONS["01-hello-query"]
SIGNALS = LESSONS["06-signals"]
PATCHING = LESSONS["07-patching-elements"]
RELAY = LESSONS["09-relay-and-fan-out"]
EVENTS = LESSONS["14-datastar-events"]


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


# -- Break the network -------------------------------------------------------------------------


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


# -- A second visitor --------------------------------------------------------------------------


COOKIES = '''from stario import Query, Stario


async def home(c, w):
    seen = c.cookies.get("seen")
    w.cookie("seen", "yes")
    w.html("<h1>" + ("welcome back" if seen else "first visit") + "</h1>")


app = Stario(Query("/", home))
'''


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


# -- Budgets you can see -----------------------------------------------------------------------


WHOLE_LIST = PATCHING.solution_code.replace(
    '''    yield PatchElements(li(f"click {count} at {time.strftime('%X')}"), selector="#history", mode="append")''',
    '''    CLICKS.append(f"click {count} at {time.strftime('%X')}")
    yield ul({"id": "history"}, [li(line) for line in CLICKS])''',
).replace("count = 0\n", "count = 0\nCLICKS = []\n")


def click(page, times: int) -> None:
    button = page.frame_locator("#preview").get_by_role("button", name="+1")
    for n in range(1, times + 1):
        button.click()
        expect(page.frame_locator("#preview").locator("#history li")).to_have_count(n)


def test_sending_the_whole_list_again_turns_the_gauge_red(page, playground):
    assert WHOLE_LIST != PATCHING.solution_code
    playground.open(page, PATCHING.path.name)
    type_code(page, WHOLE_LIST)
    run_and_wait(page)
    gauge = page.locator('.gauge[data-budget="largest_event_bytes"]')
    expect(gauge).to_be_visible()
    click(page, 2)
    expect(gauge).not_to_have_class("gauge over")
    click_more = 6
    button = page.frame_locator("#preview").get_by_role("button", name="+1")
    for _ in range(click_more):
        button.click()
    expect(page.frame_locator("#preview").locator("#history li")).to_have_count(2 + click_more)
    expect(gauge).to_have_class("gauge over")
    expect(gauge).to_contain_text("over budget")
    screenshot(page, "playground-budget-over")


def test_appending_one_row_stays_within_the_budget(page, playground):
    playground.open(page, PATCHING.path.name)
    type_code(page, PATCHING.solution_code)
    run_and_wait(page)
    click(page, 8)
    gauge = page.locator('.gauge[data-budget="largest_event_bytes"]')
    expect(page.locator("#cost")).to_contain_text("16 events")
    expect(gauge).to_have_class("gauge")
    expect(gauge.locator('[role="meter"]')).to_have_attribute("aria-valuemax", "200")


# -- Click to source ---------------------------------------------------------------------------


def test_alt_click_names_the_patch_the_span_and_the_handlers_lines(page, playground):
    playground.open(page, PATCHING.path.name)
    type_code(page, PATCHING.solution_code)
    run_and_wait(page)
    preview = page.frame_locator("#preview")
    preview.get_by_role("button", name="+1").click()
    expect(preview.locator("#count")).to_have_text("1")
    expect(page.locator("#requests li.request", has_text="POST /inc")).to_contain_text("2 events")
    preview.locator("#count").click(modifiers=["Alt"])
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Picked: #count")
    expect(detail).to_contain_text("Last patched by POST /inc, event 1")
    expect(detail).to_contain_text("Its span: http.request")
    expect(detail).to_contain_text("Its handler: inc, lines 24\u201328")
    band = page.locator("#source-lines")
    expect(band).to_be_visible()
    box = band.bounding_box()
    assert box is not None and box["height"] > 3 * 15  # five lines banded
    screenshot(page, "playground-click-to-source")
    preview.get_by_role("heading", name="Clicks").click(modifiers=["Alt"])  # no id anywhere above it
    expect(detail).to_contain_text("an element with no id")
    expect(preview.locator("#count")).to_have_text("1")  # an Alt+click is the playground's, not the app's


# -- Take it home ------------------------------------------------------------------------------


def test_download_gives_the_code_in_the_editor_as_a_runnable_project(page, playground):
    playground.open(page, SIGNALS.path.name)
    code = SIGNALS.app_code.replace('h1("Signals")', 'h1("Signals, taken home")')
    type_code(page, code)
    button = page.get_by_role("button", name="Download as a project")
    expect(button).to_be_visible()
    screenshot(page, "playground-download")
    with page.expect_download() as info:
        button.click()  # at once: the form sends the editor's code, saved or not
    download = info.value
    assert download.suggested_filename == "06-signals.zip"
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))
    names = set(archive.namelist())
    assert {"06-signals/app.py", "06-signals/pyproject.toml", "06-signals/README.md", "06-signals/tests/test_checks.py"} <= names
    assert archive.read("06-signals/app.py").decode() == code + ("" if code.endswith("\n") else "\n")
    expect(page.locator("#code")).to_have_value(code)  # the page stayed where it was
