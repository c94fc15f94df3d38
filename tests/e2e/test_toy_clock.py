"""The clock toy in a real browser: data-init opens the stream and the clock moves."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of
from tests.servers import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url():
    with serve("toys.clock.app:app", ROOT) as base:
        yield base


def test_the_clock_ticks(page, url):
    goto(page, url + "/")
    clock = page.locator("#clock")
    expect(clock).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    first = clock.text_content()
    expect(clock).not_to_have_text(first, timeout=3000)
    expect(clock).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    log_of(page).assert_clean()
