"""More of DATASTAR.md, each in the browser: what requests carry (2.1, 2.3), data-bind on other
controls and key casing (3.1, 3.3), morph controls (4), scripts and namespaces in patches (1.3),
cleanup of removed elements (3.5), data-on modifiers (3.4), whole-document patches (1.3)."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, goto_with_clock, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("misc") as server:
        yield server


@pytest.fixture
def opened(page, server):
    goto(page, server.url + "/")
    return page


def echoed(page) -> dict:
    expect(page.locator("#echo")).not_to_be_empty()
    return json.loads(page.locator("#echo").text_content())


def send(page, name: str) -> dict:
    page.evaluate("document.getElementById('echo').textContent = ''")
    page.click(f"#send-{name}")
    return echoed(page)


def test_underscore_signals_are_not_sent(opened):
    got = send(opened, "plain")
    assert got["received"]["shown"] == "yes"
    assert "_private" not in got["received"]
    assert got["received"]["nested"] == {"ok": 2}


def test_delete_sends_signals_in_the_query_string(opened):
    got = send(opened, "delete")
    assert got["method"] == "DELETE"
    assert got["in_query"] is True
    assert got["content_type"] is None
    assert got["received"]["shown"] == "yes"


def test_payload_replaces_the_signals(opened):
    assert send(opened, "payload")["received"] == {"chosen": "by payload"}


def test_headers_option_is_sent(opened):
    assert send(opened, "headers")["x_test"] == "from options"


def test_filter_signals_include(opened):
    assert send(opened, "filter")["received"] == {"shown": "yes"}
    log_of(opened).assert_clean()


def test_bind_number_checkbox_select(opened):
    bound = opened.locator("#bound")
    expect(bound).to_have_text('[5,false,"red"]')
    expect(opened.locator("#num")).to_have_value("5")  # signal -> element
    opened.fill("#num", "7")
    opened.check("#agree")
    opened.select_option("#color", "blue")
    expect(bound).to_have_text('[7,true,"blue"]')  # a number-typed signal stays a number
    log_of(opened).assert_clean()


def test_signal_key_is_camel_cased(opened):
    expect(opened.locator("#camel")).to_have_text("kebab to camel")


def test_morph_respects_ignore_morph_preserve_attr_and_reruns_init_only_when_changed(opened):
    page = opened
    expect(page.locator("#inits")).to_have_text("1")
    page.click("#details summary")  # the user closes it
    expect(page.locator("#details")).not_to_have_attribute("open", "")
    page.click("#render")
    expect(page.locator("#stamp")).to_have_text("1")
    expect(page.locator("#ignored")).to_have_text("client side")  # data-ignore-morph on both
    expect(page.locator("#details")).not_to_have_attribute("open", "")  # data-preserve-attr="open"
    expect(page.locator("#inits")).to_have_text("1")  # same data-init value: not re-run
    page.click("#render")
    expect(page.locator("#stamp")).to_have_text("2")
    expect(page.locator("#inits")).to_have_text("2")  # changed value: run again
    log_of(page).assert_clean()


def test_script_in_a_patch_runs(opened):
    opened.click("#patch-script")
    expect(opened.locator("body")).to_have_attribute("data-patched", "yes")
    log_of(opened).assert_clean()


def test_svg_namespace(opened):
    opened.click("#patch-svg")
    dot = opened.locator("#vis > #dot")
    expect(dot).to_have_count(1)
    assert dot.evaluate("el => el.namespaceURI") == "http://www.w3.org/2000/svg"
    log_of(opened).assert_clean()


def test_removed_element_stops_its_interval(page, server):
    goto_with_clock(page, server.url + "/")
    ticks = page.locator("#ticks")
    before = int(ticks.text_content())
    page.clock.run_for(100)  # every 50 ms
    expect(ticks).to_have_text(str(before + 2))
    page.click("#remove-ticker")
    expect(page.locator("#ticker")).to_have_count(0)
    stopped = ticks.text_content()
    page.clock.run_for(1_000)
    assert ticks.text_content() == stopped, "the interval kept running after its element was removed"
    log_of(page).assert_clean()


def test_on_once_and_outside(opened):
    page = opened
    page.click("#once")
    page.click("#once")
    expect(page.locator("#once-count")).to_have_text("1")
    # __outside: clicks outside #inside count (the two on #once, one on h1); one inside does not.
    page.click("#inside-button")
    page.click("h1")
    expect(page.locator("#outside-count")).to_have_text("3")
    log_of(page).assert_clean()


def test_whole_document_patch(opened):
    # DATASTAR.md 1.3: markup with </html> is parsed as a document and patches documentElement.
    opened.click("#whole-document")
    expect(opened.locator("#whole")).to_have_text("the whole document")
    expect(opened.locator("h1")).to_have_count(0)
    expect(opened).to_have_title("patched")


def test_whole_body_patch(opened):
    opened.click("#whole-body")
    expect(opened.locator("#whole")).to_have_text("the whole body")
    expect(opened.locator("h1")).to_have_count(0)


def test_dollar_and_at_inside_strings_are_left_alone(opened):
    """`$name` and `@action(` are rewritten only outside string literals."""
    opened.evaluate("""() => {
        const div = document.createElement('div')
        div.id = 'strings-test'
        div.setAttribute('data-signals', "{price: 'costs $total', mail: 'a@get(x)', n: 2}")
        div.innerHTML = '<span id="strings-out" data-text="$price + \\' \\' + $mail + \\' \\' + $n"></span>'
        document.body.append(div)
    }""")
    expect(opened.locator("#strings-out")).to_have_text("costs $total a@get(x) 2")
