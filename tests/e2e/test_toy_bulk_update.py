"""The bulk update toy in a browser: tick two users, deactivate them, then activate one."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_bulk_deactivate_and_activate(page, toy_server):
    url = toy_server("bulk_update")
    goto(page, url + "/")
    page.click("#deactivate")
    expect(page.locator("#message")).to_have_text("Tick at least one user first.")

    page.check("#user-1 input[type=checkbox]")
    page.check("#user-2 input[type=checkbox]")
    page.click("#deactivate")
    expect(page.locator("#message")).to_have_text("Deactivated 2 users.")
    expect(page.locator("#user-1 .status")).to_have_text("Inactive")
    expect(page.locator("#user-2 .status")).to_have_text("Inactive")
    expect(page.locator("#user-3 td").nth(1)).to_have_text("Grace <Hopper>")
    expect(page.locator("#users tr")).to_have_count(4)

    page.check("#user-3 input[type=checkbox]")
    page.click("#activate")
    expect(page.locator("#user-3 .status")).to_have_text("Active")
    expect(page.locator("#message")).to_have_text("Activated 1 user.")
    log_of(page).assert_clean()
