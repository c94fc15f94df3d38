"""The active search toy in a real browser: typing narrows the list, markup typed stays text.

The page runs on Playwright's paused clock: the keystrokes land at one instant of it, however
slow the machine, and the 300 ms debounce passes when the test says so."""

from playwright.sync_api import expect

from tests.e2e.harness import goto_with_clock, log_of


def test_typing_narrows_the_results(page, toy_server):
    url = toy_server("active_search")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/search" in r.url else None)
    goto_with_clock(page, url + "/")
    results = page.locator("#results li")
    expect(results).to_have_count(20)

    page.locator("#search").press_sequentially("gra")
    page.clock.run_for(300)
    expect(results).to_have_count(1)
    expect(results.first).to_have_text("Grace Hopper")
    expect(page.locator("#results mark")).to_have_text("Gra")
    assert len(requests) == 1, requests  # debounced: one request for three keystrokes

    page.fill("#search", "<b>x</b>")
    page.clock.run_for(300)
    expect(results.first).to_have_text("No one matches \u201c<b>x</b>\u201d.")
    expect(page.locator("#results b")).to_have_count(0)
    log_of(page).assert_clean()
