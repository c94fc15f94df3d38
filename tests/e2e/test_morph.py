"""Morphing (DATASTAR.md section 4): an input matched by its id is morphed in place, so it keeps
focus and the text the user typed when the server re-sends its container with the same value
attribute; a different value attribute does change the value."""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("morph") as server:
        yield server


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def type_into_name(page):
    expect(page.locator("#stream")).to_have_text("connected")
    name = page.locator("#name")
    name.click()
    name.press("Control+A")
    page.keyboard.type("typed by user")
    page.evaluate("document.getElementById('name').__original = true")
    return name


def assert_input_kept(page, name):
    expect(name).to_have_value("typed by user")
    assert focused_id(page) == "name", "the input lost focus"
    assert page.evaluate("document.getElementById('name').__original === true"), "the input was replaced, not morphed"
    # The caret is where the user left it: typing goes on at the end.
    page.keyboard.type("!")
    expect(name).to_have_value("typed by user!")


def test_morph_keeps_focus_and_typed_text(page, server):
    # The container is re-sent with the same input (same id, same value attribute) and a new stamp.
    goto(page, server.url + "/")
    name = type_into_name(page)
    server.post("/render/1")
    expect(page.locator("#stamp")).to_have_text("render 1")
    assert_input_kept(page, name)
    log_of(page).assert_clean()


def test_morph_keeps_focus_when_a_sibling_is_inserted_before_the_input(page, server):
    goto(page, server.url + "/")
    name = type_into_name(page)
    server.post("/render/2")
    expect(page.locator("#stamp")).to_have_text("render 2")
    expect(page.locator("#notice")).to_have_text("something new")
    assert_input_kept(page, name)
    log_of(page).assert_clean()


def test_morph_moves_the_input_into_a_new_wrapper(page, server):
    # DATASTAR.md 4: "An id-matched element found elsewhere is moved (moveBefore when the browser
    # has it). That keeps focus..." Here the input moves into a new <label>.
    goto(page, server.url + "/")
    name = type_into_name(page)
    server.post("/render/4")
    expect(page.locator("#stamp")).to_have_text("render 4")
    expect(page.locator("label #name")).to_have_count(1)
    assert_input_kept(page, name)
    log_of(page).assert_clean()


def test_morph_writes_a_changed_value_attribute(page, server):
    goto(page, server.url + "/")
    expect(page.locator("#stream")).to_have_text("connected")
    page.fill("#name", "typed by user")
    page.locator("#name").blur()  # some builds keep the focused element's value; this one is not focused
    server.post("/render/3")
    expect(page.locator("#stamp")).to_have_text("render 3")
    expect(page.locator("#name")).to_have_value("from the server")
    log_of(page).assert_clean()
