"""Core attributes in the browser, as DATASTAR.md 3.3 / 3.4 describe them."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, goto_with_clock, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("attributes") as server:
        yield server


@pytest.fixture
def opened(page, server):
    goto(page, server.url + "/")
    yield page
    log_of(page).assert_clean()


@pytest.fixture
def timed(page, server):
    """The page on Playwright's paused clock: its timers move only with ``page.clock.run_for``."""
    goto_with_clock(page, server.url + "/")
    yield page
    log_of(page).assert_clean()


def test_data_show(opened):
    page = opened
    expect(page.locator("#shown")).to_be_visible()
    page.click("#toggle")
    expect(page.locator("#shown")).to_be_hidden()
    assert page.locator("#shown").evaluate("el => el.style.display") == "none"
    page.click("#toggle")
    expect(page.locator("#shown")).to_be_visible()


def test_data_class(opened):
    page = opened
    classy = page.locator("#classy")
    expect(classy).to_have_class("base quiet")
    page.click("#toggle")
    # data-class:active and an object whose key lists two classes; 'base' from the markup stays.
    expect(classy).to_have_class(re.compile(r"^(?=.*\bbase\b)(?=.*\bactive\b)(?=.*\bbig\b)(?=.*\bbold\b)(?!.*\bquiet\b)"))
    page.click("#toggle")
    expect(classy).to_have_class("base quiet")


def test_data_attr(opened):
    page = opened
    button = page.locator("#attrs")
    expect(button).to_have_attribute("title", "first")
    expect(button).to_have_attribute("aria-label", "label first")
    expect(button).not_to_have_attribute("disabled", re.compile(".*"))  # false removes it
    page.click("#toggle")
    expect(button).to_have_attribute("title", "second")
    expect(button).to_have_attribute("aria-label", "label second")
    expect(button).to_have_attribute("disabled", "")  # true sets it, empty
    expect(button).to_be_disabled()


def test_data_style(opened):
    page = opened
    styled = page.locator("#styled")
    expect(styled).to_have_css("color", "rgb(0, 0, 255)")
    page.click("#toggle")
    expect(styled).to_have_css("color", "rgb(255, 0, 0)")
    page.click("#toggle")
    # A falsy value restores the original inline style.
    expect(styled).to_have_css("color", "rgb(0, 0, 255)")


def test_data_computed(opened):
    page = opened
    expect(page.locator("#n")).to_have_text("1")
    expect(page.locator("#double")).to_have_text("2")
    page.click("#inc")
    expect(page.locator("#n")).to_have_text("2")
    expect(page.locator("#double")).to_have_text("4")
    page.click("#inc")
    expect(page.locator("#double")).to_have_text("6")


def test_data_effect_reruns_when_what_it_reads_changes(opened):
    page = opened
    expect(page.locator("#effect")).to_have_text("n=1")
    assert page.evaluate("window.effectRuns") == 1
    page.click("#inc")
    expect(page.locator("#effect")).to_have_text("n=2")
    assert page.evaluate("window.effectRuns") == 2
    # Signals the effect does not read do not re-run it.
    page.click("#toggle")
    expect(page.locator("#shown")).to_be_hidden()
    assert page.evaluate("window.effectRuns") == 2


def test_data_indicator_is_true_while_the_request_runs(opened, server):
    page = opened
    loading = page.locator("#loading")
    expect(loading).to_have_text("idle")
    page.click("#slow")
    expect(loading).to_have_text("loading")
    server.post("/release")
    expect(page.locator("#slow-result")).to_have_text(re.compile(r"^done"))
    expect(loading).to_have_text("idle")


def test_new_request_from_the_same_element_cancels_the_one_in_flight(opened, server):
    # DATASTAR.md 2.4, requestCancellation 'auto': the second click aborts the first request, so
    # the server sees the first one go away; only the second one answers.
    page = opened
    before = json.loads(server.get("/slow-stats"))
    page.click("#slow")
    expect(page.locator("#loading")).to_have_text("loading")
    wait_for(lambda: json.loads(server.get("/slow-stats"))["started"] == before["started"] + 1)
    page.click("#slow")
    wait_for(lambda: json.loads(server.get("/slow-stats"))["cancelled"] == before["cancelled"] + 1)
    # (Not asserted: the indicator between the abort and the second answer. The aborted request's
    # 'finished' may clear it, as the reference client's indicator does.)
    server.post("/release")
    expect(page.locator("#slow-result")).to_have_text(f"done ({before['started'] + 2} started)")
    expect(page.locator("#loading")).to_have_text("idle")
    after = json.loads(server.get("/slow-stats"))
    assert after["finished"] == before["finished"] + 1


def wait_for(condition, timeout: float = 5.0) -> None:
    """Poll a condition on the server's side until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting on the server"
        time.sleep(0.05)


def test_data_on_interval(timed):
    page = timed
    ticks = page.locator("#ticks")
    before = int(ticks.text_content())
    page.clock.run_for(300)  # every 100 ms
    expect(ticks).to_have_text(str(before + 3))
    page.clock.run_for(1_000)
    expect(ticks).to_have_text(str(before + 13))


def test_debounced_input_fires_once_after_typing_stops(timed):
    page = timed
    fired = page.locator("#fired")
    # Five keystrokes at one instant of the page's clock: the handler runs once, 200 ms after the last.
    page.locator("#search").press_sequentially("hello")
    page.clock.run_for(199)
    expect(fired).to_have_text("0")
    page.clock.run_for(1)
    expect(page.locator("#last")).to_have_text("hello")
    expect(fired).to_have_text("1")
    page.clock.run_for(1_000)
    expect(fired).to_have_text("1")  # no late second call
    page.keyboard.type("!")
    page.clock.run_for(200)
    expect(page.locator("#last")).to_have_text("hello!")
    expect(fired).to_have_text("2")


def test_keydown_on_window(opened):
    page = opened
    # The listener sits on a div that cannot have focus: only a window listener hears the key.
    page.locator("h1").click()
    page.keyboard.press("k")
    expect(page.locator("#key")).to_have_text("k")
    page.keyboard.press("Enter")
    expect(page.locator("#key")).to_have_text("Enter")


def burst_of_clicks(page, selector: str, n: int) -> None:
    """n clicks in one synchronous burst: inside any throttle window however busy the machine is."""
    page.evaluate("([sel, n]) => { for (let i = 0; i < n; i++) document.querySelector(sel).click() }", [selector, n])


def test_throttle_runs_on_the_leading_edge_only(timed):
    page = timed
    throttled = page.locator("#throttled")
    burst_of_clicks(page, "#throttle", 3)
    expect(throttled).to_have_text("1")
    page.clock.run_for(499)
    page.click("#throttle")  # still inside the 500 ms window
    expect(throttled).to_have_text("1")
    page.clock.run_for(1)
    page.click("#throttle")  # the window is over
    expect(throttled).to_have_text("2")
    page.clock.run_for(1_000)
    expect(throttled).to_have_text("2")  # no trailing call without .trailing


def test_throttle_trailing_also_runs_after_the_window(timed):
    # DATASTAR.md 3.4: `__throttle.<t>[.noleading][.trailing]`.
    page = timed
    trailing = page.locator("#trailing")
    burst_of_clicks(page, "#throttle-trailing", 3)
    expect(trailing).to_have_text("1")  # the leading click
    page.clock.run_for(299)
    expect(trailing).to_have_text("1")
    page.clock.run_for(1)
    expect(trailing).to_have_text("2")  # the trailing one, when the 300 ms window ends


def test_data_ignore_skips_the_subtree(opened):
    expect(opened.locator("#ignored")).to_have_text("left alone")


def test_data_ref_and_bind_by_value(opened):
    expect(opened.locator("#ref-id")).to_have_text("reffed")
    # data-bind="name" (value form) creates the signal from the element's value.
    expect(opened.locator("#by-value")).to_have_text("from the value attribute")
    opened.fill("#bind-by-value", "typed")
    expect(opened.locator("#by-value")).to_have_text("typed")


def test_data_on_intersect_once(opened):
    page = opened
    expect(page.locator("#seen")).to_have_text("0")
    page.locator("#far-below").scroll_into_view_if_needed()
    expect(page.locator("#seen")).to_have_text("1")
    page.locator("h1").scroll_into_view_if_needed()
    page.locator("#far-below").scroll_into_view_if_needed()
    time.sleep(0.2)
    expect(page.locator("#seen")).to_have_text("1")
