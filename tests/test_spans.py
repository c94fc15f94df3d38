"""Spans recorded by the app when a tracer listens (the tracers themselves come with telemetry)."""

from __future__ import annotations

import asyncio

from stario import Command, Query, Stario
from stario.telemetry import NON_RECORDING_SPAN, NoopTracer, Span
from stario.testing import TestClient


class ListTracer:
    """Keeps every ended span, in order."""

    def __init__(self) -> None:
        self.started: list[Span] = []
        self.ended: list[Span] = []

    def on_start(self, span: Span) -> None:
        self.started.append(span)

    def on_end(self, span: Span) -> None:
        self.ended.append(span)


def test_every_request_gets_a_span_with_its_facts():
    async def show(c, w):
        c.span.attr("user.id", c.params["id"])
        c.span.event("cache.miss", key="u1")
        with c.span.step("db.query", table="users") as step:
            step.attr("rows", 1)
        w.text("ok")

    tracer = ListTracer()
    with TestClient(Stario(Query("/users/{id}", show), tracer=tracer)) as client:
        client.get("/users/1")
    request = next(s for s in tracer.ended if s.name == "http.request")
    step = next(s for s in tracer.ended if s.name == "db.query")
    assert request.attributes == {
        "user.id": "1",
        "http.method": "GET",
        "http.path": "/users/1",
        "http.route": "/users/{id}",
        "stario.kind": "query",
        "http.status": 200,
        "http.response_bytes": 2,
    }
    assert [e.name for e in request.events] == ["cache.miss"]
    assert (step.parent_id, step.trace_id) == (request.span_id, request.trace_id)
    assert step.attributes == {"table": "users", "rows": 1}
    assert request.status == "ok" and request.duration_ns >= step.duration_ns > 0


def test_startup_and_failures_and_stream_events_are_recorded():
    async def bootstrap(app, span):
        span.attr("config", "test")
        yield

    async def boom():
        raise RuntimeError("kaput")

    async def feed(c):
        yield "<p id='a'>1</p>"
        yield {"n": 1}

    tracer = ListTracer()
    app = Stario(Command("/boom", boom), Query("/feed", feed), bootstrap=bootstrap, tracer=tracer)
    with TestClient(app) as client:
        client.post("/boom")
        client.get("/feed")
    startup = tracer.ended[0]
    assert (startup.name, startup.attributes["config"]) == ("server.startup", "test")
    failed = next(s for s in tracer.ended if s.attributes.get("http.path") == "/boom")
    assert failed.status == "error" and "RuntimeError: kaput" in failed.error
    assert failed.attributes["http.status"] == 500
    stream = next(s for s in tracer.ended if s.attributes.get("http.path") == "/feed")
    assert [(e.name, e.attributes["type"]) for e in stream.events] == [
        ("sse", "datastar-patch-elements"),
        ("sse", "datastar-patch-signals"),
    ]


def test_without_a_tracer_spans_accept_everything_and_keep_nothing():
    """Called straight through ASGI (the test client records spans, so it is not used here)."""
    seen = {}

    async def handler(c, w):
        c.span.attr("a", 1)
        c.span.status = "whatever"
        async with c.span.step("x") as step:
            step.event("e")
        seen.update(recording=c.span.recording, attributes=c.span.attributes)
        w.text("ok")

    app = Stario(Query("/", handler), tracer=NoopTracer())
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"", "headers": []}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 200
    assert seen == {"recording": False, "attributes": {}}
    assert NON_RECORDING_SPAN.status == "unset"


def test_disconnect_is_recorded_on_the_stream_span():
    async def forever(c):
        while True:
            yield "<p id='x'>x</p>"
            await asyncio.sleep(0.01)

    tracer = ListTracer()
    with TestClient(Stario(Query("/f", forever), tracer=tracer)) as client:
        with client.stream("GET", "/f") as events:
            next(events)
    span = next(s for s in tracer.ended if s.name == "http.request")
    assert span.status == "cancelled"
    assert "client.disconnected" in [e.name for e in span.events]
