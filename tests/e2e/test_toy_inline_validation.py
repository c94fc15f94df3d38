"""The inline validation toy in a real browser: type an email, see it checked; submit checks everything."""

from playwright.sync_api import expect

from tests.e2e.harness import goto


def test_typing_and_submitting(page, toy_server):
    url = toy_server("inline_validation")
    goto(page, url + "/")
    email = page.locator("#email-message")
    page.fill("#email", "taken@example.com")
    expect(email).to_have_text("That email is already registered.")
    page.fill("#email", "nope")
    expect(email).to_have_text("That does not look like an email address.")
    page.fill("#email", "sam@example.com")
    expect(email).to_have_text("Looks good.")
    page.click("#submit")
    expect(page.locator("#name-message")).to_have_text("Enter your name.")
    expect(page.locator("#email")).to_have_value("sam@example.com")
    page.fill("#name", "Sam <3")
    page.click("#submit")
    expect(page.locator("#welcome")).to_have_text("Welcome, Sam <3! Check sam@example.com for a link.")
