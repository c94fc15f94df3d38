"""SSE parsing in the browser (DATASTAR.md 1.2, 1.3, 1.6), from raw bytes."""

import pytest
from playwright.sync_api import expect

from tests.e2e.apps.protocol import BURST
from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("protocol") as server:
        yield server


@pytest.fixture
def opened(page, server):
    goto(page, server.url + "/")
    return page


@pytest.mark.parametrize(
    "case, selector, text",
    [
        ("crlf", "#t-crlf", "crlf ok"),
        ("cr", "#t-cr", "cr ok"),
        ("comments", "#t-comments", "comments ok"),
        ("split", "#t-split", "split ok"),
        ("nospace", "#t-nospace", "nospace ok"),
        ("order", "#t-order", "order ok"),
    ],
)
def test_event_is_parsed(opened, case, selector, text):
    opened.click(f"#do-{case}")
    expect(opened.locator(selector)).to_have_text(text)
    log_of(opened).assert_clean()


def test_non_datastar_and_untyped_and_unknown_events_are_ignored(opened):
    opened.click("#do-ignored")
    expect(opened.locator("#t-ignored-after")).to_have_text("after ok")
    expect(opened.locator("#t-ignored")).to_have_text("unchanged")
    assert not log_of(opened).errors


def test_multiline_elements_are_joined(opened):
    opened.click("#do-multiline")
    expect(opened.locator("#t-multi > span")).to_have_text(["one", "two"])


def test_signals_as_js_object_literal(opened):
    opened.click("#do-signals-js")
    expect(opened.locator("#from-js")).to_have_text("js ok 2")
    log_of(opened).assert_clean()


def test_multiline_signals_are_joined(opened):
    opened.click("#do-signals-multiline")
    expect(opened.locator("#from-lines")).to_have_text("lines ok")
    log_of(opened).assert_clean()


def test_element_with_unknown_id_is_skipped_not_an_error(opened):
    opened.click("#do-missing-id")
    expect(opened.locator("#t-missing-after")).to_have_text("after ok")
    expect(opened.locator("#t-no-such-id")).to_have_count(0)
    log = log_of(opened)
    assert not log.errors
    assert log.warnings(), "DATASTAR.md 1.3: skipped with a console warning"


def test_events_a_generator_yields_back_to_back_arrive_in_one_chunk_and_all_apply(opened):
    """Stario writes items that are ready at once together (stario.handlers._send_the_rest):
    the client splits the chunk into its events and applies every one, in order."""
    opened.click("#do-burst")
    expected = [str(n) for n in range(1, BURST + 1)] + ["last"]
    expect(opened.locator("#t-burst > li")).to_have_text(expected)
    log_of(opened).assert_clean()
