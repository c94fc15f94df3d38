"""The click-to-edit toy in a real browser: edit, cancel, save with an error, fix it, save."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_edit_cancel_validate_save(page, toy_server):
    url = toy_server("click_to_edit")
    goto(page, url + "/")
    expect(page.locator("#contact-first")).to_have_text("Grace")

    page.click("#edit")
    page.fill("#field-first", "Nobody")
    page.click("#cancel")
    expect(page.locator("#contact-first")).to_have_text("Grace")

    page.click("#edit")
    page.fill("#field-first", "")
    page.fill("#field-last", "<i>Lovelace</i>")
    page.click("#save")
    expect(page.locator("#error-first")).to_have_text("First name is required.")
    expect(page.locator("#field-last")).to_have_value("<i>Lovelace</i>")

    page.fill("#field-first", "Ada")
    page.press("#field-first", "Enter")
    expect(page.locator("#contact-first")).to_have_text("Ada")
    expect(page.locator("#contact-last")).to_have_text("<i>Lovelace</i>")
    expect(page.locator("#contact i")).to_have_count(0)
    log_of(page).assert_clean()
