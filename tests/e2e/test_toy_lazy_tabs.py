"""The lazy tabs toy in a browser: a tab loads on its first click only; the active tab is marked."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_tabs_load_once_and_switch(page, toy_server):
    url = toy_server("lazy_tabs")
    fetched = []
    page.on("request", lambda request: "/tabs/" in request.url and fetched.append(request.url))
    goto(page, url + "/")
    expect(page.locator("#panel-overview")).to_be_visible()
    expect(page.locator("#tab-overview")).to_have_class("active")
    expect(page.locator("#panel-activity")).to_be_hidden()

    page.click("#tab-activity")
    expect(page.locator("#panel-activity")).to_contain_text("Signed in")
    expect(page.locator("#panel-overview")).to_be_hidden()
    expect(page.locator("#tab-activity")).to_have_class("active")
    expect(page.locator("#tab-activity")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-overview")).to_have_attribute("aria-selected", "false")

    page.click("#tab-overview")
    expect(page.locator("#panel-overview")).to_be_visible()
    page.click("#tab-activity")
    expect(page.locator("#panel-activity")).to_be_visible()
    page.click("#tab-settings")
    expect(page.locator("#panel-settings")).to_contain_text("Theme")
    assert [u.split("/tabs/")[1].split("?")[0] for u in fetched] == ["activity", "settings"]
    log_of(page).assert_clean()
