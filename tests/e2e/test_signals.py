"""datastar-patch-signals in the browser (DATASTAR.md 1.4): null deletes a signal, objects merge,
arrays replace, onlyIfMissing keeps existing signals (and deletes nothing). Observed through
data-json-signals and data-text."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app

INITIAL = {"keep": "client", "gone": "bye", "nested": {"a": 1, "b": 2}, "list": [1, 2, 3]}


@pytest.fixture(scope="module")
def server():
    with serve_app("signals") as server:
        yield server


def signals(page) -> dict:
    return json.loads(page.locator("#json").text_content())


def start(page, server) -> None:
    goto(page, server.url + "/")
    expect(page.locator("#keep")).to_have_text("client")
    # data-json-signals shows every signal: the ones of data-signals at least.
    shown = signals(page)
    assert {key: shown.get(key) for key in INITIAL} == INITIAL, shown


def wait_for_json(page, predicate: str) -> None:
    """Wait until ``predicate`` (a JS function body over the signals ``s``) holds."""
    # data-json-signals updates asynchronously: poll the DOM until the predicate holds.
    page.wait_for_function(
        "(src) => { try { return (new Function('s', src))(JSON.parse(document.getElementById('json').textContent)); }"
        " catch (e) { return false; } }",
        arg=predicate,
    )


def test_null_deletes_a_signal_and_a_nested_one(page, server):
    start(page, server)
    page.click("#do-delete")
    wait_for_json(page, "return !('gone' in s)")
    shown = signals(page)
    assert "gone" not in shown
    assert shown["nested"] == {"b": 2}
    assert shown["keep"] == "client"
    log_of(page).assert_clean()


def test_objects_merge_and_arrays_replace(page, server):
    start(page, server)
    page.click("#do-merge")
    expect(page.locator("#keep")).to_have_text("server")
    shown = signals(page)
    assert shown["nested"] == {"a": 1, "b": 2, "c": 3}
    assert shown["list"] == [9]
    log_of(page).assert_clean()


def test_only_if_missing_keeps_existing_signals(page, server):
    start(page, server)
    page.click("#do-if-missing")
    wait_for_json(page, "return s.fresh === 'new'")
    expect(page.locator("#keep")).to_have_text("client")
    shown = signals(page)
    assert shown["keep"] == "client"
    assert shown["fresh"] == "new"
    assert shown["nested"] == {"a": 1, "b": 2, "d": 4}
    log_of(page).assert_clean()


def test_only_if_missing_null_deletes_nothing(page, server):
    start(page, server)
    page.click("#do-if-missing-null")
    wait_for_json(page, "return s.marker === 'done'")  # sent after the null, in the same response
    expect(page.locator("#keep")).to_have_text("client")
    assert signals(page)["keep"] == "client"
    log_of(page).assert_clean()
