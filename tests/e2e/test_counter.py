"""A counter in a real browser: @post from a data-on:click button, answered with
patch-elements (morph by id) or patch-signals (shown by data-text); and the same page loading
the client from the URL in STARIO_DATASTAR_URL."""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture
def server():
    # Function-scoped: the counters live in the server process.
    with serve_app("counter") as server:
        yield server


def click_three_times(page, button: str, shown: str) -> None:
    # One click at a time: a second click from the same element while the first request is in
    # flight would cancel it (requestCancellation 'auto'), which is not what this test is about.
    for n in (1, 2, 3):
        page.click(button)
        expect(page.locator(shown)).to_have_text(str(n))


def test_click_three_times_patch_elements(page, server):
    goto(page, server.url + "/")
    expect(page.locator("#count")).to_have_text("0")
    click_three_times(page, "#inc", "#count")
    log_of(page).assert_clean()


def test_click_three_times_patch_signals(page, server):
    goto(page, server.url + "/")
    expect(page.locator("#signal-count")).to_have_text("0")
    click_three_times(page, "#inc-signals", "#signal-count")
    log_of(page).assert_clean()


def test_counter_with_client_from_stario_datastar_url(page):
    # The app serves the client's own bytes at /other/datastar.js; with STARIO_DATASTAR_URL the
    # page's script tag points there, and the counter works just the same.
    with serve_app("counter", env={"STARIO_DATASTAR_URL": "/other/datastar.js"}) as server:
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        goto(page, server.url + "/")
        assert page.locator("script[type=module]").get_attribute("src") == "/other/datastar.js"
        click_three_times(page, "#inc", "#count")
        click_three_times(page, "#inc-signals", "#signal-count")
        assert server.url + "/other/datastar.js" in requested
        assert not [url for url in requested if "/_stario/" in url], requested
        log_of(page).assert_clean()
