"""The clock toy in a real browser: data-init opens the stream and the clock moves."""

import re

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_the_clock_ticks(page, toy_server):
    url = toy_server("clock")
    goto(page, url + "/")
    clock = page.locator("#clock")
    expect(clock).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    first = clock.text_content()
    expect(clock).not_to_have_text(first, timeout=3000)
    expect(clock).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    log_of(page).assert_clean()
