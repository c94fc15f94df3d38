"""Reconnecting (DATASTAR.md 1.2 and 2.3): a stream broken by a network failure is retried with
back-off (1 s by default, or the server's `retry:`), and the retry carries the last event id as
`last-event-id`; a stream the server ends cleanly is not retried under the default 'auto'.

The back-off is a timer in the page, so these tests run it on Playwright's paused clock: they
count the page's fetches (`COUNTERS`) while moving its time by hand with ``page.clock.run_for``.
"""

import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto_with_clock, serve_app

COUNTERS = """
window.fetches = 0
window.fetchEvents = {}
const realFetch = window.fetch
window.fetch = (...args) => { window.fetches++; return realFetch(...args) }
document.addEventListener('datastar-fetch', e => {
  window.fetchEvents[e.detail.type] = (window.fetchEvents[e.detail.type] || 0) + 1
})
"""
"""Before the page's own scripts: count its fetches, and its datastar-fetch events by type."""


@pytest.fixture(scope="module")
def server():
    with serve_app("reconnect") as server:
        yield server


def attempts(server, key: str) -> list:
    """The last-event-id each request of the stream ``key`` carried, as the server saw them."""
    return json.loads(server.get(f"/attempts/{key}"))


def open_stream_page(page, server, variant: str) -> str:
    """Open the page of a fresh stream on a paused clock; its key."""
    key = uuid.uuid4().hex[:8]
    page.add_init_script(COUNTERS)
    goto_with_clock(page, f"{server.url}/page/{key}/{variant}")
    return key


def fetches(page) -> int:
    return page.evaluate("window.fetches")


def wait_for_event(page, kind: str, count: int = 1) -> None:
    """Wait until the client has fired ``count`` datastar-fetch events of this kind ('retrying'...)."""
    page.wait_for_function("([kind, count]) => window.fetchEvents[kind] === count", arg=[kind, count])


def test_broken_stream_reconnects_after_backoff_with_last_event_id(page, server):
    key = open_stream_page(page, server, "broken")
    expect(page.locator("#first")).to_have_text("attempt 1 (broken)")
    wait_for_event(page, "retrying")  # the stream broke: the back-off timer is set
    page.clock.run_for(999)
    assert fetches(page) == 1, "it reconnected before the 1 s retryInterval"
    page.clock.run_for(1)
    expect(page.locator("#last-id")).to_have_text("1")
    assert fetches(page) == 2
    assert attempts(server, key) == [None, "1"]


def test_server_retry_line_sets_the_reconnect_interval(page, server):
    # The first event carries `retry: 300`: the client's base interval becomes 300 ms.
    key = open_stream_page(page, server, "retry")
    wait_for_event(page, "retrying")
    page.clock.run_for(299)
    assert fetches(page) == 1, "it reconnected before the server's 300 ms"
    page.clock.run_for(1)
    expect(page.locator("#last-id")).to_have_text("1")
    assert attempts(server, key) == [None, "1"]


def test_cleanly_ended_stream_is_not_retried(page, server):
    key = open_stream_page(page, server, "clean")
    expect(page.locator("#first")).to_have_text("attempt 1 (clean)")
    wait_for_event(page, "finished")  # the request is over: nothing left to retry it
    page.clock.run_for(60_000)
    assert fetches(page) == 1
    assert attempts(server, key) == [None]
    expect(page.locator("#last-id")).to_have_text("none yet")


def test_retry_always_reconnects_after_a_clean_end(page, server):
    # retry 'always', retryInterval 200.
    key = open_stream_page(page, server, "always")
    wait_for_event(page, "retrying")
    page.clock.run_for(199)
    assert fetches(page) == 1
    page.clock.run_for(1)
    expect(page.locator("#last-id")).to_have_text("1")
    assert attempts(server, key) == [None, "1"]


def test_retry_error_retries_an_error_status_with_backoff_then_gives_up(page, server):
    # retry 'error', retryInterval 100, retryMaxCount 2 against a server that always answers 503:
    # retried after 100 ms, then 200 ms (retryScaler 2), then 'retries-failed' and no more.
    key = open_stream_page(page, server, "error")
    for retry, wait_ms in ((1, 100), (2, 200)):
        wait_for_event(page, "retrying", retry)
        page.clock.run_for(wait_ms - 1)
        assert fetches(page) == retry, f"retry {retry} came before its {wait_ms} ms"
        page.clock.run_for(1)
        assert fetches(page) == retry + 1
    expect(page.locator("#failed")).to_have_text("1")  # retries-failed, once
    page.clock.run_for(60_000)
    assert fetches(page) == 3, "it kept retrying after retries-failed"
    assert attempts(server, key) == [None, None, None]
