"""Stario 0.1's helpers: ToyPage, ToyInspector, and the 0.1.0 announcement's example running as written."""

from __future__ import annotations

import re
from html import unescape

from pathlib import Path

from stario import Query, Stario
from stario.lessons import load_app
from stario.datastar import script
from stario.html import HTML, div, h1
from stario.testing import TestClient
from stario.toys import ToyInspector, ToyPage

# The example from the Stario 0.1.0 announcement, word for word: the same file the browser test serves.
ANNOUNCEMENT_EXAMPLE = Path(__file__).parent / "e2e" / "apps" / "announcement.py"


def announcement_app() -> Stario:
    return load_app(ANNOUNCEMENT_EXAMPLE)  # a fresh module each time


def test_the_announcement_example_runs_as_written():
    with TestClient(announcement_app()) as client:
        page = client.get("/")
        assert page.status == 200
        assert page.content_type == "text/html; charset=utf-8"
        assert page.text.startswith("<!doctype html>")
        assert script() in page.text
        assert "<h2>Realtime responses!</h2>" in page.text
        assert """<div data-on-load="@get('/online-counter')">""" in page.text

        # The client the page loads is served by the app itself.
        src = re.search(r'<script type="module" src="([^"]+)"', page.text).group(1)
        if src.startswith("/"):
            assert client.get(src.replace("&amp;", "&")).status == 200

        with client.stream("GET", "/online-counter") as events:
            first, second = next(events), next(events)
        for event in (first, second):
            assert event.type == "datastar-patch-elements"
            assert event.mode == "outer"
        assert first.elements == "<div id='online-counter'>Online since: 0.0s</div>"
        assert second.elements.startswith("<div id='online-counter'>Online since: ")


def test_toy_page_is_a_whole_page_with_the_client_in_its_head():
    page = ToyPage(div({"id": "x"}, "hi"), title="Counter")
    assert isinstance(page, HTML) and page.__html__() == page
    head, body = page.split("</head>")
    assert head.startswith("<!doctype html><html lang=\"en\"><head>")
    assert '<meta charset="utf-8">' in head
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in head
    assert "<title>Counter</title>" in head
    assert "<style>" in head
    assert script() in head
    assert body == '<body><div id="x">hi</div></body></html>'


def test_toy_page_escapes_the_title_and_trusts_a_plain_string_body():
    page = ToyPage("<p data-on:click=\"$n++\">raw</p>", title="</title><script>alert(1)</script>")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "<body><p data-on:click=\"$n++\">raw</p></body>" in page
    assert "alert(1)</script>" not in page


def test_toy_page_takes_lists_of_children_and_a_handler_can_return_it():
    async def home():
        return ToyPage([h1("Hello <you>"), ToyInspector()])

    with TestClient(Stario(Query("/", home))) as client:
        response = client.get("/")
    assert response.status == 200
    assert "<h1>Hello &lt;you&gt;</h1>" in response.text
    assert "data-json-signals" in response.text


def test_toy_inspector_shows_signals_and_keeps_its_own_signals_local():
    panel = ToyInspector()
    assert isinstance(panel, HTML)
    assert panel.startswith('<div class="stario-inspector"')
    assert "position: fixed" in panel
    attributes = {name: unescape(value) for name, value in re.findall(r'([\w:-]+)="([^"]*)"', panel)}
    assert attributes["data-json-signals"] == "{exclude: /^_inspector$/}"  # all signals but its own
    assert attributes["data-on:click"] == "$_inspector = !$_inspector"  # collapsible
    assert attributes["data-show"] == "$_inspector"
    assert "pointerdown" in panel and "setPointerCapture" in panel  # draggable by its header
    # Every signal the panel defines or reads is local (starts with _), so it is never sent.
    # Open unless the window is small (a preview pane): an expression the client evaluates.
    assert attributes["data-signals__ifmissing"] == '{"_inspector": innerWidth >= 720 && innerHeight >= 600}'
    defined = re.findall(r'"(\w+)":', attributes["data-signals__ifmissing"])
    used = re.findall(r"\$(\w+)", unescape(panel))
    assert defined == ["_inspector"] and used
    assert all(name.startswith("_") for name in [*defined, *used])
