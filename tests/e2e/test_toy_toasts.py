"""The toasts toy in a browser: a click shows a toast, which removes itself 2.5 s later (on the
page's clock, Playwright's, so the test does not wait for it)."""

from playwright.sync_api import expect

from tests.e2e.harness import goto_with_clock, log_of


def test_toast_appears_then_goes(page, toy_server):
    goto_with_clock(page, toy_server("toasts") + "/")
    page.fill("input[name=message]", "Profile <saved>")
    page.click("#send")
    toast = page.locator("#toasts .toast")
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text("Profile <saved>")
    page.clock.run_for(2_499)
    expect(toast).to_have_count(1)
    page.clock.run_for(1)  # 2.5 s after it landed: its data-init__delay.2500ms removes it
    expect(toast).to_have_count(0)
    page.fill("input[name=message]", "")
    page.click("#send")
    expect(page.locator("#error")).to_have_text("Write a message first.")
    log_of(page).assert_clean()
