"""The example from the Stario 0.1.0 announcement (apps/announcement.py, copied as written) shows
the online counter ticking: its text changes over time."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("announcement") as server:
        yield server


def test_online_counter_ticks(page, server):
    page.goto(server.url + "/")
    counter = page.locator("#online-counter")
    expect(counter).to_have_text(re.compile(r"^Online since: \d+\.\ds$"))
    first = counter.text_content()
    expect(counter).not_to_have_text(first)
    expect(counter).to_have_text(re.compile(r"^Online since: \d+\.\ds$"))
