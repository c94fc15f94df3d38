"""Reconnecting (DATASTAR.md 1.2 and 2.3): a stream broken by a network failure is retried with
back-off (1 s by default, or the server's `retry:`), and the retry carries the last event id as
`last-event-id`; a stream the server ends cleanly is not retried under the default 'auto'."""

import json
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("reconnect") as server:
        yield server


def open_stream_page(page, server, variant: str) -> str:
    key = uuid.uuid4().hex[:8]
    goto(page, f"{server.url}/page/{key}/{variant}")
    expect(page.locator("#first")).to_have_text(f"attempt 1 ({variant})")
    return key


def gap_ms(page) -> int:
    gap = page.locator("#gap")
    expect(gap).to_have_text(re.compile(r"attempt 2 after \d+ ms"))
    return int(re.search(r"after (\d+) ms", gap.text_content()).group(1))


def test_broken_stream_reconnects_after_backoff_with_last_event_id(page, server):
    key = open_stream_page(page, server, "broken")
    # The first retry waits retryInterval (1000 ms by default) before it reconnects.
    expect(page.locator("#last-id")).to_have_text("1")
    gap = gap_ms(page)
    assert 900 <= gap <= 5000, f"the reconnect came {gap} ms after the first request; expected about 1000 ms"
    assert json.loads(server.get(f"/attempts/{key}")) == [None, "1"]


def test_server_retry_line_sets_the_reconnect_interval(page, server):
    # The first event carries `retry: 300`: the client's base interval becomes 300 ms.
    key = open_stream_page(page, server, "retry")
    expect(page.locator("#last-id")).to_have_text("1")
    gap = gap_ms(page)
    assert 200 <= gap < 900, f"the reconnect came {gap} ms after the first request; expected about 300 ms"
    assert json.loads(server.get(f"/attempts/{key}")) == [None, "1"]


def test_cleanly_ended_stream_is_not_retried(page, server):
    key = open_stream_page(page, server, "clean")
    time.sleep(1.6)  # past the 1 s a retry would wait
    assert json.loads(server.get(f"/attempts/{key}")) == [None]
    expect(page.locator("#last-id")).to_have_text("none yet")


def test_retry_always_reconnects_after_a_clean_end(page, server):
    key = open_stream_page(page, server, "always")
    expect(page.locator("#last-id")).to_have_text("1")
    assert json.loads(server.get(f"/attempts/{key}")) == [None, "1"]


def test_retry_error_retries_an_error_status_then_gives_up(page, server):
    key = uuid.uuid4().hex[:8]
    goto(page, f"{server.url}/page/{key}/error")
    expect(page.locator("#failed")).to_have_text("1")  # retries-failed, once
    count = len(json.loads(server.get(f"/attempts/{key}")))
    assert 2 <= count <= 4, f"{count} requests for retryMaxCount 2"
    time.sleep(0.5)
    assert len(json.loads(server.get(f"/attempts/{key}"))) == count, "it kept retrying after retries-failed"
