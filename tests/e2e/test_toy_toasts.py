"""The toasts toy in a browser: a click shows a toast, which removes itself a few seconds later."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_toast_appears_then_goes(page, toy_server):
    url = toy_server("toasts")
    goto(page, url + "/")
    page.fill("input[name=message]", "Profile <saved>")
    page.click("#send")
    toast = page.locator("#toasts .toast")
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text("Profile <saved>")
    expect(toast).to_have_count(0, timeout=4_000)  # removed by its own data-init after 2.5 s
    page.fill("input[name=message]", "")
    page.click("#send")
    expect(page.locator("#error")).to_have_text("Write a message first.")
    log_of(page).assert_clean()
