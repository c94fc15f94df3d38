"""The dialog toy in a browser: Delete opens the modal, Cancel closes it, Confirm deletes."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_cancel_then_confirm(page, toy_server):
    url = toy_server("dialog")
    goto(page, url + "/")
    dialog = page.locator("#confirm")
    expect(dialog).to_be_hidden()

    page.click("#item-2 button.delete")
    expect(dialog).to_be_visible()
    expect(dialog.locator("strong")).to_have_text("Holiday <photos>.zip")
    page.click("#cancel")
    expect(dialog).to_be_hidden()
    expect(page.locator("#item-2")).to_be_visible()

    page.click("#item-2 button.delete")
    expect(dialog).to_be_visible()
    page.click("#confirm-delete")
    expect(dialog).to_be_hidden()
    expect(page.locator("#item-2")).to_have_count(0)
    expect(page.locator("#items li")).to_have_count(2)
    log_of(page).assert_clean()
