"""The test client itself: SSE parsing, cookies, redirects, lifespan, streams that misbehave."""

from __future__ import annotations

import asyncio

import pytest

from stario import Query, Stario
from stario.testing import TestClient, parse_events


def test_parse_events_follows_the_client_rules():
    text = (
        ": a comment\n\n"
        "event: datastar-patch-elements\r\n"
        "id: 7\r\n"
        "retry: 2500\r\n"
        "data: selector #feed\r\n"
        "data: mode inner\r\n"
        "data: elements <ul>\r\n"
        "data: elements \r\n"
        "data: elements </ul>\r\n"
        "\r\n"
        "event: something-else\ndata: x y\n\n"
        "data: no event line\n\n"
        "event: datastar-patch-signals\rdata:signals {\"a\":1}\r\r"
    )
    events = parse_events(text)
    assert [e.type for e in events] == ["datastar-patch-elements", "datastar-patch-signals"]
    patch, signals = events
    assert (patch.id, patch.retry, patch.selector, patch.mode) == ("7", 2500, "#feed", "inner")
    assert patch.elements == "<ul>\n\n</ul>"
    assert signals.signals == {"a": 1} and signals.mode == "outer"


def test_lifespan_runs_on_first_request_without_a_with_block():
    started = []

    async def bootstrap(app):
        started.append(True)
        app.query("/", home)
        yield

    async def home():
        return "ok"

    client = TestClient(Stario(bootstrap=bootstrap))
    try:
        assert client.get("/").text == "ok"
        assert started == [True]
    finally:
        client.close()


def test_stream_that_never_sends_an_event_times_out_with_a_message():
    async def silent(c, w):
        async with w.sse():
            await asyncio.sleep(30)

    with TestClient(Stario(Query("/silent", silent)), timeout=2) as client:
        with client.stream("GET", "/silent") as events:
            with pytest.raises(TimeoutError, match="no event arrived"):
                events.next(timeout=0.2)


def test_stream_of_a_plain_response_ends_without_events():
    async def page():
        return "<p>not a stream</p>"

    with TestClient(Stario(Query("/", page))) as client:
        with client.stream("GET", "/") as events:
            assert events.status == 200
            assert list(events) == []
            assert events.body == b"<p>not a stream</p>"


def test_redirect_to_another_site_is_not_followed():
    async def away(c, w):
        w.redirect("https://example.com/elsewhere")

    with TestClient(Stario(Query("/", away))) as client:
        response = client.get("/")
        assert (response.status, response.headers["location"]) == (303, "https://example.com/elsewhere")


def test_raw_asgi_apps_without_lifespan_work_too():
    async def raw(scope, receive, send):
        if scope["type"] != "http":
            raise RuntimeError("only http")
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"raw"})

    with TestClient(raw) as client:
        assert client.get("/").text == "raw"


def test_each_event_keeps_its_exact_lines_as_raw():
    from stario.sse_reader import SSEParser

    text = ": ping\n\nevent: datastar-patch-elements\r\nid: 7\nretry: 5000\ndata: elements <p id=\"a\">1</p>\n\n"
    (event,) = parse_events(text)
    assert event.raw == 'event: datastar-patch-elements\nid: 7\nretry: 5000\ndata: elements <p id="a">1</p>\n'
    assert event.id == "7" and event.retry == 5000
    parser = SSEParser()
    assert parser.feed("data: a\n: note\n") == []
    (read,) = parser.feed("data: b\n\n")
    assert read.raw == "data: a\n: note\ndata: b\n" and read.data == ["a", "b"]
