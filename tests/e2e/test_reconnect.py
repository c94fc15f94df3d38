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


def attempts(server, key: str) -> dict:
    return json.loads(server.get(f"/attempts/{key}"))


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
    assert attempts(server, key)["ids"] == [None, "1"]


def test_server_retry_line_sets_the_reconnect_interval(page, server):
    # The first event carries `retry: 300`: the client's base interval becomes 300 ms.
    key = open_stream_page(page, server, "retry")
    expect(page.locator("#last-id")).to_have_text("1")
    gap = gap_ms(page)
    assert 200 <= gap < 900, f"the reconnect came {gap} ms after the first request; expected about 300 ms"
    assert attempts(server, key)["ids"] == [None, "1"]


def test_cleanly_ended_stream_is_not_retried(page, server):
    key = open_stream_page(page, server, "clean")
    time.sleep(1.6)  # past the 1 s a retry would wait
    assert attempts(server, key)["ids"] == [None]
    expect(page.locator("#last-id")).to_have_text("none yet")


def test_retry_always_reconnects_after_a_clean_end(page, server):
    key = open_stream_page(page, server, "always")
    expect(page.locator("#last-id")).to_have_text("1")
    assert attempts(server, key)["ids"] == [None, "1"]


def test_retry_error_retries_an_error_status_with_backoff_then_gives_up(page, server):
    # retry 'error', retryInterval 100, retryMaxCount 2 against a server that always answers 503:
    # retried after 100 ms, then 200 ms (retryScaler 2), then 'retries-failed' and no more.
    key = uuid.uuid4().hex[:8]
    goto(page, f"{server.url}/page/{key}/error")
    expect(page.locator("#failed")).to_have_text("1")  # retries-failed, once
    seen = attempts(server, key)
    assert 2 <= len(seen["ids"]) <= 4, f"{len(seen['ids'])} requests for retryMaxCount 2"
    gaps = seen["gaps_ms"]
    # Lower bounds only (timers never fire early; a busy machine only makes gaps longer).
    assert gaps[0] >= 90, f"first retry after {gaps[0]} ms; retryInterval is 100"
    if len(gaps) > 1:
        assert gaps[1] >= 180, f"second retry after {gaps[1]} ms; with retryScaler 2 it waits 200"
    time.sleep(0.5)
    assert len(attempts(server, key)["ids"]) == len(seen["ids"]), "it kept retrying after retries-failed"
