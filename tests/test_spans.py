"""Spans recorded by the app when a tracer listens (the tracers themselves come with telemetry)."""

from __future__ import annotations

import asyncio
import time

import pytest

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


def test_a_long_stream_counts_every_event_and_records_the_first_in_full_then_a_sample():
    from stario.sse import SSE_EVENT_SAMPLE, SSE_EVENTS_IN_FULL

    async def feed(c):
        for n in range(250):
            yield f"<p id='n'>{n}</p>"

    with TestClient(Stario(Query("/feed", feed))) as client:
        response = client.get("/feed")
    assert len(response.events) == 250
    span = response.span
    recorded = [event for event in span.events if event.name == "sse"]
    assert span.attributes["sse.events"] == 250 and span.attributes["sse.bytes"] == len(response.body)
    numbers = [event.attributes["n"] for event in recorded]
    assert numbers == list(range(1, SSE_EVENTS_IN_FULL + 1)) + list(range(SSE_EVENT_SAMPLE, 251, SSE_EVENT_SAMPLE))


def test_one_object_fanned_out_is_encoded_once_and_sent_the_same_everywhere(monkeypatch):
    from stario import Relay
    from stario import datastar
    from stario.html import p

    relay = Relay()
    encoded = []
    real = datastar.to_event
    monkeypatch.setattr(datastar, "to_event", lambda item: encoded.append(item) or real(item))

    async def watch(c):
        async with relay.subscribe("news") as inbox:
            yield "<p id='ready'>ready</p>"
            async for item in inbox:
                yield item

    with TestClient(Stario(Query("/watch", watch))) as client:
        with client.stream("GET", "/watch") as one, client.stream("GET", "/watch") as two:
            one.next(timeout=5), two.next(timeout=5)
            client._run(_publish(relay, p("<b>same</b> for all")))
            assert one.next(timeout=5).raw == two.next(timeout=5).raw
            assert "&lt;b&gt;same&lt;/b&gt; for all" in one.body.decode()
    assert [str(item) for item in encoded].count("<p>&lt;b&gt;same&lt;/b&gt; for all</p>") == 1


async def _publish(relay, message):
    relay.publish("news", message)


def test_trace_ids_start_with_the_time_so_later_traces_sort_later():
    """A SQLite trace file indexes spans by trace id: ids in time order are added at the end of
    the index, where random ones land anywhere in it (slower the larger the file)."""
    tracer = ListTracer()
    roots = [Span("job", tracer) for _ in range(2_000)]
    ids = [f"{root.trace_id:032x}" for root in roots]  # the text the trace file stores
    starts = [text[:16] for text in ids]  # the time; a coarse clock may give several roots the same
    assert starts == sorted(starts), "a trace started later has an id that sorts before an earlier one"
    assert len(set(ids)) == len(ids), "two traces started at the same clock reading got the same id"
    first = roots[0]
    assert first.trace_id >> 64 == first.wall_start_ns, "the high 64 bits are the wall-clock start"
    low_halves = {root.trace_id & ((1 << 64) - 1) for root in roots}
    assert len(low_halves) == len(roots), "the low 64 bits are random"
    child = first.step("db.query")
    assert (child.trace_id, child.parent_id) == (first.trace_id, first.span_id)
    assert len(first.traceparent.split("-")[1]) == 32


class PlainTracer(ListTracer):
    """Takes plain requests without a span, as the SQLite and JSON tracers do."""

    takes_plain_requests = True

    def __init__(self) -> None:
        super().__init__()
        self.plain: list[tuple] = []

    def on_request(self, request: tuple) -> None:
        self.plain.append(request)


def test_a_tracer_that_takes_plain_requests_without_on_request_is_refused_at_once():
    class Forgetful(ListTracer):
        takes_plain_requests = True  # but no on_request: every plain request would fail at its end

    with pytest.raises(TypeError, match=r"takes_plain_requests = True but has no on_request\(request\) method"):
        Stario(tracer=Forgetful())
    app = Stario()
    with pytest.raises(TypeError, match="Forgetful"):
        app.tracer = Forgetful()


def call(app: Stario, method: str = "GET", path: str = "/", headers: list | None = None) -> list[dict]:
    """One request straight through ASGI, in a loop of its own (see `answer`)."""
    return asyncio.run(answer(app, method, path, headers))


async def answer(app: Stario, method: str = "GET", path: str = "/", headers: list | None = None) -> list[dict]:
    """One request straight through ASGI (the test client records spans, so it is not used
    here): the messages the app sent."""
    sent: list[dict] = []

    async def receive():
        if not sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(60)  # a stream's watcher waits here until the test ends the loop

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": headers or [],
    }  # fmt: skip
    await app(scope, receive, send)
    return sent


def test_a_plain_request_reaches_a_tracer_that_takes_them_as_its_values_without_a_span():
    async def hello(c, w):
        w.text("Hello")

    tracer = PlainTracer()
    before = time.monotonic_ns()
    sent = call(Stario(Query("/", hello), tracer=tracer))
    after = time.monotonic_ns()
    assert sent[0]["status"] == 200
    assert tracer.started == tracer.ended == [], "a request nobody asked the span of made one"
    ((start, end, *values),) = tracer.plain
    assert values == ["GET", "/", "/", "query", 200, 5]
    assert before <= start <= end <= after


def test_a_request_whose_span_is_asked_for_gets_one_timed_from_its_start():
    read_at = []

    async def show(c, w):
        await asyncio.sleep(0.01)
        read_at.append(time.monotonic_ns())
        c.span.attr("user.id", 7)
        w.text("ok")

    tracer = PlainTracer()
    call(Stario(Query("/u", show), tracer=tracer), path="/u")
    assert tracer.plain == []
    (span,) = tracer.ended
    assert tracer.started == [span]
    assert span.attributes == {
        "http.method": "GET", "http.path": "/u", "user.id": 7, "http.route": "/u", "stario.kind": "query",
        "http.status": 200, "http.response_bytes": 2,
    }  # fmt: skip
    assert span.start_ns <= read_at[0] - 10_000_000, "the span starts when the request did, not when it was read"
    assert span.status == "ok" and span.parent_id is None


def test_a_request_that_is_not_plain_still_gets_its_whole_span():
    async def boom(c, w):
        raise RuntimeError("kaput")

    async def ticks(c):
        yield "<p id='t'>1</p>"

    async def hello(c, w):
        w.text("hi")

    app = Stario(Query("/boom", boom), Query("/ticks", ticks), Query("/", hello))
    caller = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    cases = {
        "/nothing-here": ([], lambda span: span.attributes["http.status"] == 404 and "http.route" not in span.attributes),
        "/boom": ([], lambda span: span.status == "error" and "kaput" in span.error),
        "/ticks": ([], lambda span: span.attributes["sse.events"] == 1 and [e.name for e in span.events] == ["sse"]),
        "/": ([(b"traceparent", caller)], lambda span: f"{span.trace_id:032x}" == "4bf92f3577b34da6a3ce929d0e0e4736"),
    }
    for path, (headers, holds) in cases.items():
        app.tracer = tracer = PlainTracer()
        call(app, path=path, headers=headers)
        assert tracer.plain == [], path
        (span,) = tracer.ended
        assert span.name == "http.request" and span.attributes["http.path"] == path and holds(span), path


def test_a_span_read_after_a_plain_request_was_handed_over_keeps_nothing():
    """Work a handler leaves running may read ``c.span`` after the response: the request's record
    is written already, so it gets the span that keeps nothing, not a second unended span."""
    late = {}

    async def hello(c, w):
        async def afterwards():
            await asyncio.sleep(0.01)
            with c.span.step("send-email") as step:
                late["recording"] = step.recording

        late["task"] = asyncio.ensure_future(afterwards())
        w.text("hi")

    tracer = PlainTracer()
    app = Stario(Query("/", hello), tracer=tracer)

    async def run():
        await answer(app)
        await late["task"]

    asyncio.run(run())
    assert len(tracer.plain) == 1 and tracer.started == tracer.ended == []
    assert late["recording"] is False


def test_a_writer_that_wants_spans_gets_spans():
    """Only the SQLite and JSON writers take plain requests; a `BackgroundTracer` of another kind
    (the OTLP exporter, one of the app's own) is handed spans, as its `write` expects."""
    from stario.tracers import BackgroundTracer, JSONTracer, SQLiteTracer
    from stario.tracers.otlp import OTLPTracer

    class Mine(BackgroundTracer):
        def write(self, spans):
            pass

    assert (JSONTracer.takes_plain_requests, SQLiteTracer.takes_plain_requests) == (True, True)
    for tracer in (OTLPTracer("http://127.0.0.1:9/v1/traces"), Mine()):
        tracer._thread = object()  # nothing drains the queue: the test reads it
        async def hello(c, w):
            w.text("hi")

        call(Stario(Query("/", hello), tracer=tracer))
        assert [type(item) for item in tracer._queue] == [Span], type(tracer).__name__
