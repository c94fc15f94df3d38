"""ToyPage and ToyInspector in a real browser."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("inspector") as server:
        yield server


def shown_signals(page) -> dict:
    return json.loads(page.locator(".stario-inspector pre").inner_text())


def test_toy_page_is_a_whole_page_with_an_escaped_title(page, server):
    goto(page, server.url + "/")
    expect(page).to_have_title("Inspector <test>")
    log_of(page).assert_clean()


def test_inspector_shows_live_signals_from_the_page_and_the_server(page, server):
    goto(page, server.url + "/")
    panel = page.locator(".stario-inspector")
    expect(panel.locator("pre")).to_contain_text('"count": 0')
    page.click("#inc")
    page.click("#inc")
    expect(panel.locator("pre")).to_contain_text('"count": 2')
    page.click("#server")
    expect(panel.locator("pre")).to_contain_text('"name": "Ann"')
    signals = shown_signals(page)
    assert signals["count"] == 2 and "_inspector" not in signals
    log_of(page).assert_clean()


def test_inspector_collapses_and_opens(page, server):
    goto(page, server.url + "/")
    pre = page.locator(".stario-inspector pre")
    toggle = page.locator(".stario-inspector header button")
    expect(pre).to_be_visible()
    toggle.click()
    expect(pre).to_be_hidden()
    expect(toggle).to_have_text("+")
    toggle.click()
    expect(pre).to_be_visible()


def test_inspector_is_dragged_by_its_header(page, server):
    goto(page, server.url + "/")
    header = page.locator(".stario-inspector header")
    before = page.locator(".stario-inspector").bounding_box()
    box = header.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 200, box["y"] - 150, steps=5)
    page.mouse.up()
    after = page.locator(".stario-inspector").bounding_box()
    assert after["x"] < before["x"] - 150 and after["y"] < before["y"] - 100


def test_inspector_starts_folded_in_a_small_window(new_page, server):
    """In a preview-sized window the panel would cover the page it inspects: it starts folded."""
    page = new_page()
    page.set_viewport_size({"width": 440, "height": 430})
    goto(page, server.url + "/")
    expect(page.locator(".stario-inspector header")).to_be_visible()
    expect(page.locator(".stario-inspector pre")).to_be_hidden()
    page.locator(".stario-inspector header button").click()
    expect(page.locator(".stario-inspector pre")).to_be_visible()
