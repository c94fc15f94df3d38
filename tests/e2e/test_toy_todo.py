"""The todo toy in a real browser: an empty title shows the error, then add, toggle, delete."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_add_validate_toggle_delete(page, toy_server):
    url = toy_server("todo")
    goto(page, url + "/")
    error = page.locator("#todo-error")
    items = page.locator("#todos li")

    page.click("#add")
    expect(error).to_have_text("Write a title first.")
    expect(items).to_have_count(0)

    page.fill("#new-title", "<b>Buy milk</b>")
    page.press("#new-title", "Enter")
    expect(items).to_have_count(1)
    expect(page.locator("#todo-1 .title")).to_have_text("<b>Buy milk</b>")
    expect(error).to_have_text("")
    expect(page.locator("#new-title")).to_have_value("")

    page.fill("#new-title", "Walk the dog")
    page.click("#add")
    expect(items).to_have_count(2)

    page.click("#todo-1 .toggle")
    expect(page.locator("#todo-1")).to_have_class("done")
    expect(page.locator("#todo-1 .toggle")).to_have_text("Undo")

    page.click("#todo-1 .delete")
    expect(items).to_have_count(1)
    expect(page.locator("#todo-2 .title")).to_have_text("Walk the dog")
    log_of(page).assert_clean()
