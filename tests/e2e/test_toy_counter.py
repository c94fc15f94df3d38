"""The counter toy in a real browser: click +1 three times, then reset."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of
from tests.servers import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url():
    with serve("toys.counter.app:app", ROOT) as base:
        yield base


def test_click_increments_and_reset(page, url):
    goto(page, url + "/")
    value = page.locator("#count-value")
    expect(value).to_have_text("0")
    for n in (1, 2, 3):
        page.click("#increment")
        expect(value).to_have_text(str(n))
    page.click("#reset")
    expect(value).to_have_text("0")
    log_of(page).assert_clean()
