"""Non-SSE responses and script patches (DATASTAR.md 2.2 and 1.5)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("responses") as server:
        yield server


@pytest.fixture
def opened(page, server):
    goto(page, server.url + "/")
    return page


def test_text_html_response_patches_elements(opened):
    opened.click("#do-html")
    expect(opened.locator("#html-target")).to_have_text("from text/html")
    log_of(opened).assert_clean()


def test_json_response_patches_signals(opened):
    expect(opened.locator("#from-json")).to_have_text("not yet")
    opened.click("#do-json")
    expect(opened.locator("#from-json")).to_have_text("from application/json")
    log_of(opened).assert_clean()


def test_javascript_response_runs(opened):
    opened.click("#do-js")
    expect(opened.locator("#js-target")).to_have_text("from text/javascript")
    log_of(opened).assert_clean()


def test_204_changes_nothing(opened):
    opened.click("#do-empty")
    opened.click("#do-html")  # a later request still works
    expect(opened.locator("#html-target")).to_have_text("from text/html")
    expect(opened.locator("#fetch-errors")).to_have_text("0")
    log_of(opened).assert_clean()


def test_error_status_body_is_ignored(opened):
    with opened.expect_response(lambda response: response.url.endswith("/error")) as answer:
        opened.click("#do-error")
    assert answer.value.status == 400
    opened.wait_for_timeout(300)  # time enough to (wrongly) patch it
    expect(opened.locator("#error-target")).to_have_text("before")
    # (The browser itself logs the failed resource as a console error: not asserted clean.)


def test_error_status_fires_datastar_fetch_error_seen_by_data_on(opened):
    # DATASTAR.md 2.5: the client fires `datastar-fetch` on document with detail.type 'error';
    # "`data-on:datastar-fetch` listens on `document` automatically" (no __document needed).
    opened.click("#do-error")
    expect(opened.locator("#fetch-errors")).to_have_text("1")


def test_execute_script_runs_and_removes_itself(opened):
    opened.click("#do-script")
    expect(opened.locator("#script-target")).to_have_text("script ran")
    expect(opened.locator("body > script")).to_have_count(0)
    log_of(opened).assert_clean()


def test_execute_script_with_user_data_cannot_break_out(opened):
    from tests.e2e.apps.responses import HOSTILE_NAME

    opened.click("#do-user-script")
    expect(opened.locator("#user-target")).to_have_text(HOSTILE_NAME)
    expect(opened.locator("#user-json-target")).to_have_text(HOSTILE_NAME)
    expect(opened.locator("#pwned")).to_have_count(0)
    assert opened.evaluate("window.pwned") is None
    log_of(opened).assert_clean()


def test_redirect_navigates(opened, server):
    opened.click("#do-redirect")
    expect(opened.locator("#landed")).to_have_text("landed")
    assert opened.url == server.url + "/landed"


def test_text_html_response_takes_options_from_headers(opened):
    opened.click("#do-html-headers")
    expect(opened.locator("#header-list > li")).to_have_text(["first", "appended by headers"])
    log_of(opened).assert_clean()
