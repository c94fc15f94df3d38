"""Spans to OpenTelemetry: a receiver on loopback decodes what Stario sends with the official
protobuf definitions, and finds the request span with its route, status and parent."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stario import Query, Stario
from stario.telemetry import parse_traceparent
from stario.testing import TestClient
from stario.tracers import tracer_from_env
from stario.tracers.otlp import OTLPTracer, traces_url

pytest.importorskip("opentelemetry.proto.collector.trace.v1.trace_service_pb2")
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest  # noqa: E402

CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class Receiver:
    """A collector's OTLP/HTTP endpoint on 127.0.0.1: keeps every decoded request."""

    def __init__(self) -> None:
        received = self.requests = []
        paths = self.paths = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                paths.append((self.path, self.headers["Content-Type"]))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                received.append(request)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def spans(self):
        return [span for request in self.requests for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()


def _attributes(span) -> dict:
    out = {}
    for kv in span.attributes:
        value = kv.value
        out[kv.key] = getattr(value, value.WhichOneof("value"))
    return out


def test_a_request_span_reaches_the_collector_with_route_status_and_the_callers_trace(receiver):
    async def user(c):
        with c.span.step("db.query", table="users"):
            return f"<p>user {c.params['id']}</p>"

    tracer = OTLPTracer(receiver.url, service_name="shop")
    app = Stario(Query("/users/{id}", user), tracer=tracer)
    with TestClient(app) as client:
        assert client.get("/users/7", headers={"traceparent": CALLER}).status == 200
    assert tracer.flush() and tracer.dropped == 0
    assert receiver.paths[0] == ("/v1/traces", "application/x-protobuf")
    resource = receiver.requests[0].resource_spans[0].resource
    assert {kv.key: kv.value.string_value for kv in resource.attributes}["service.name"] == "shop"
    spans = {span.name: span for span in receiver.spans()}
    request = spans["GET /users/{id}"]
    attributes = _attributes(request)
    assert attributes["http.route"] == "/users/{id}" and attributes["http.response.status_code"] == 200
    assert attributes["http.request.method"] == "GET" and attributes["url.path"] == "/users/7"
    caller_trace, caller_span = parse_traceparent(CALLER)
    assert request.trace_id == caller_trace.to_bytes(16, "big") and request.parent_span_id == caller_span.to_bytes(8, "big")
    assert request.kind == request.SPAN_KIND_SERVER and request.end_time_unix_nano > request.start_time_unix_nano > 1.6e18
    step = spans["db.query"]
    assert step.parent_span_id == request.span_id and step.trace_id == request.trace_id
    assert _attributes(step)["table"] == "users"
    tracer.close()


def test_traceparent_gives_the_header_for_outgoing_calls_and_bad_ones_are_ignored(receiver):
    seen = {}

    async def outgoing(c):
        seen["header"] = c.span.traceparent
        return "ok"

    app = Stario(Query("/", outgoing), tracer=OTLPTracer(receiver.url))
    with TestClient(app) as client:
        client.get("/", headers={"traceparent": "00-zz-bad-01"})
        fresh = seen["header"]
        client.get("/", headers={"traceparent": CALLER})
        continued = seen["header"]
    assert parse_traceparent(fresh) and not fresh.startswith("00-4bf92f35")
    assert continued.startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-") and continued.endswith("-01")
    assert continued.split("-")[2] != "00f067aa0ba902b7"  # our own span id, the caller's child
    app.tracer.close()


def test_a_failure_is_an_error_status_and_an_absent_collector_only_costs_spans(receiver, capsys):
    async def broken(c):
        raise RuntimeError("boom")

    tracer = OTLPTracer(receiver.url)
    with TestClient(Stario(Query("/", broken), tracer=tracer)) as client:
        assert client.get("/").status == 500
    tracer.flush()
    request = next(span for span in receiver.spans() if span.name == "GET /")
    assert request.status.code == request.status.STATUS_CODE_ERROR and "boom" in request.status.message
    tracer.close()

    gone = OTLPTracer("http://127.0.0.1:9", timeout=0.5)  # nothing listens there
    with TestClient(Stario(Query("/", broken), tracer=gone)) as client:
        client.get("/")
    gone.flush()
    assert gone.dropped >= 1 and "could not send" in capsys.readouterr().err
    gone.close()


def test_the_endpoint_follows_opentelemetrys_variables(monkeypatch):
    assert traces_url("http://collector:4318/") == "http://collector:4318/v1/traces"
    assert traces_url(None, {"OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example"}) == "https://otel.example/v1/traces"
    assert traces_url(None, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://x/custom"}) == "http://x/custom"
    assert traces_url(None, {}) == "http://localhost:4318/v1/traces"
    with pytest.raises(ValueError, match="http"):
        traces_url("collector:4318")
    assert isinstance(tracer_from_env("otlp:http://127.0.0.1:4318"), OTLPTracer)
