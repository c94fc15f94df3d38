"""The counter toy in a real browser: click +1 three times, then reset."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_click_increments_and_reset(page, toy_server):
    url = toy_server("counter")
    goto(page, url + "/")
    value = page.locator("#count-value")
    expect(value).to_have_text("0")
    for n in (1, 2, 3):
        page.click("#increment")
        expect(value).to_have_text(str(n))
    page.click("#reset")
    expect(value).to_have_text("0")
    log_of(page).assert_clean()
