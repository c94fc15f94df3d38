"""The patch modes of datastar-patch-elements, as DATASTAR.md 1.3 describes them: outer (morph,
the element survives), replace (a new element), inner, append, prepend, before, after, remove."""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("modes") as server:
        yield server


def run(page, server, name: str) -> None:
    goto(page, server.url + "/")
    expect(page.locator("#list > li")).to_have_text(["a", "b"])
    page.evaluate("document.getElementById('a').__original = true")
    page.click(f"#do-{name}")


def items(page):
    return page.locator("#list > li")


def a_is_original(page) -> bool:
    return page.evaluate("document.getElementById('a').__original === true")


def test_outer_morphs_the_element_in_place(page, server):
    run(page, server, "outer")
    expect(page.locator("#a")).to_have_text("A")
    expect(page.locator("#a")).to_have_class("item morphed")
    expect(items(page)).to_have_text(["A", "b"])
    assert a_is_original(page), "outer must morph: the same element, not a new one"
    log_of(page).assert_clean()


def test_replace_puts_a_new_element_in_place(page, server):
    run(page, server, "replace")
    expect(page.locator("#a")).to_have_class("item replaced")
    expect(items(page)).to_have_text(["A", "b"])
    assert not a_is_original(page), "replace must not morph: the old element is gone"
    log_of(page).assert_clean()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("inner", ["x", "y"]),
        ("append", ["a", "b", "c"]),
        ("prepend", ["z", "a", "b"]),
        ("before", ["a", "before-b", "b"]),
        ("after", ["a", "after-a", "b"]),
        ("remove", ["a"]),
        ("remove-all", []),
        ("sequence", ["y", "z", "b", "d", "c"]),
    ],
)
def test_mode_changes_the_list(page, server, name, expected):
    run(page, server, name)
    expect(items(page)).to_have_text(expected)
    log_of(page).assert_clean()


def test_selector_matching_several_elements_patches_each(page, server):
    run(page, server, "append-each")
    expect(page.locator("#list > li > b.tag")).to_have_count(2)
    expect(items(page)).to_have_text(["a!", "b!"])
    log_of(page).assert_clean()


def test_multiline_table_row_is_appended(page, server):
    run(page, server, "rows")
    expect(page.locator("#table tbody > tr")).to_have_count(2)
    expect(page.locator("#r2 > td")).to_have_text("two")
    log_of(page).assert_clean()
