"""What the client sends (DATASTAR.md 2.1): data-bind signals as the `datastar` query parameter
with @get and as a JSON body with @post; {contentType: 'form'} posts the form's fields.
The test app echoes each request into the page as JSON."""

import json
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("forms") as server:
        yield server


def echoed(page, selector: str) -> dict:
    locator = page.locator(selector)
    expect(locator).not_to_be_empty()
    return json.loads(locator.text_content())


TYPED = "hello world & more"


def test_bind_sends_typed_value_with_get_as_query_parameter(page, server):
    goto(page, server.url + "/")
    page.fill("#query", TYPED)
    page.click("#get")
    got = echoed(page, "#echo")
    assert got["method"] == "GET"
    assert got["received"] == {"query": TYPED}
    assert got["datastar_request"] == "true"
    assert got["content_type"] is None, "GET carries no Content-Type"
    # Form-encoded: space becomes '+'.
    assert parse_qs(got["query_string"]) == {"datastar": [json.dumps({"query": TYPED}, separators=(",", ":"))]}
    assert "hello+world" in got["query_string"]
    log_of(page).assert_clean()


def test_bind_sends_typed_value_with_post_as_json_body(page, server):
    goto(page, server.url + "/")
    page.fill("#query", TYPED)
    page.click("#post")
    got = echoed(page, "#echo")
    assert got["method"] == "POST"
    assert got["received"] == {"query": TYPED}
    assert got["datastar_request"] == "true"
    assert got["content_type"] == "application/json"
    assert got["query_string"] == ""
    log_of(page).assert_clean()


def test_bind_follows_later_edits(page, server):
    goto(page, server.url + "/")
    page.fill("#query", "first")
    page.click("#post")
    expect(page.locator("#echo")).to_contain_text('"first"')
    page.fill("#query", "second")
    page.click("#get")
    expect(page.locator("#echo")).to_contain_text('"GET"')
    assert echoed(page, "#echo")["received"] == {"query": "second"}


def test_form_content_type_posts_the_fields(page, server):
    goto(page, server.url + "/")
    url = page.url
    page.fill("#title", "Buy milk")
    page.select_option("#color", "blue")
    page.check("#urgent")
    page.click("#submit")
    got = echoed(page, "#form-echo")
    assert got["method"] == "POST"
    assert got["content_type"] == "application/x-www-form-urlencoded"
    assert got["datastar_request"] == "true"
    # The fields, then the submitter button's name=value; no signals.
    assert got["received"] == [["title", "Buy milk"], ["color", "blue"], ["urgent", "yes"], ["action", "save"]]
    # data-on:submit on a form prevents the browser's own submission: no navigation.
    assert page.url == url
    expect(page.locator("#title")).to_have_value("Buy milk")
    log_of(page).assert_clean()


def test_form_with_get_puts_the_fields_in_the_query_string(page, server):
    goto(page, server.url + "/")
    page.fill("#get-q", "a b")
    page.click("#get-submit")
    got = echoed(page, "#form-echo")
    assert got["method"] == "GET"
    assert got["received"] == [["q", "a b"]]
    assert got["content_type"] is None
    log_of(page).assert_clean()


def test_invalid_form_is_not_sent(page, server):
    goto(page, server.url + "/")
    sent = []
    page.on("request", lambda request: request.url.endswith("/form") and sent.append(request))
    page.click("#required-submit")
    page.wait_for_timeout(300)
    assert sent == [], "DATASTAR.md 2.1: an invalid form is not sent"
    page.fill("#required-field", "now valid")
    page.click("#required-submit")
    assert echoed(page, "#form-echo")["received"] == [["needed", "now valid"]]


def test_multipart_form_uploads_a_file(page, server, tmp_path):
    goto(page, server.url + "/")
    upload = tmp_path / "note.txt"
    upload.write_text("file content")
    page.fill("#mp-name", "with a file")
    page.set_input_files("#mp-file", str(upload))
    page.click("#mp-submit")
    got = echoed(page, "#form-echo")
    assert got["content_type"].startswith("multipart/form-data; boundary=")
    assert got["received"] == [["name", "with a file"], ["upload", "file note.txt file content"]]
    log_of(page).assert_clean()
