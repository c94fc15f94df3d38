"""`OTLPTracer`: spans exported over OTLP/HTTP to any OpenTelemetry collector (Jaeger, Tempo,
Honeycomb, the OpenTelemetry Collector...).

Chosen with ``STARIO_TRACER=otlp`` (the endpoint from ``OTEL_EXPORTER_OTLP_ENDPOINT``, else
``http://localhost:4318``) or ``STARIO_TRACER=otlp:http://collector:4318``. As OpenTelemetry's own
exporters do, ``/v1/traces`` is appended to that base URL; ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``
gives the full URL instead. ``OTEL_SERVICE_NAME`` names the service (default ``stario``).

Spans are batched on a background thread (the one `BackgroundTracer` the file tracers share),
encoded with the official protobuf definitions (``opentelemetry-proto``, ``pip install
'stario[otel]'``) and POSTed as ``application/x-protobuf``; a request never waits for the
collector. A collector that does not answer costs the batch (counted in ``dropped``, said on
stderr), never the app.

Attributes follow OpenTelemetry's HTTP semantic conventions: ``http.method`` is exported as
``http.request.method``, ``http.path`` as ``url.path``, ``http.status`` as
``http.response.status_code``, ``http.response_bytes`` as ``http.response.body.size``;
``http.route`` is already the convention's name. A request that came with a ``traceparent``
header is exported under the caller's span.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from typing import Any

from stario.optional import require
from stario.telemetry import REMOTE_PARENT, Span
from stario.tracers.background import BackgroundTracer

__all__ = ["OTLPTracer", "traces_url", "SEMANTIC_NAMES"]

SEMANTIC_NAMES = {
    "http.method": "http.request.method",
    "http.path": "url.path",
    "http.status": "http.response.status_code",
    "http.response_bytes": "http.response.body.size",
}
"""Stario's attribute names and OpenTelemetry's HTTP semantic-convention names for them."""

_DEFAULT_ENDPOINT = "http://localhost:4318"


def traces_url(endpoint: str | None = None, environ: dict[str, str] | None = None) -> str:
    """Where spans are POSTed: ``endpoint`` (or the OpenTelemetry variables) + ``/v1/traces``."""
    environ = os.environ if environ is None else environ  # type: ignore[assignment]
    if not endpoint:
        full = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        if full:
            return full
        endpoint = environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or _DEFAULT_ENDPOINT
    if not endpoint.startswith(("http://", "https://")):
        raise ValueError(f"an OTLP endpoint is an http(s) URL such as http://localhost:4318, got {endpoint!r}")
    return endpoint.rstrip("/") + "/v1/traces"


class OTLPTracer(BackgroundTracer):
    """Exports spans to an OpenTelemetry collector over OTLP/HTTP (see the module docstring)."""

    interval = 0.5  # batches of half a second: a collector wants fewer, larger requests

    def __init__(self, endpoint: str | None = None, *, service_name: str | None = None, timeout: float = 10.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = traces_url(endpoint)
        self.service_name = service_name or os.environ.get("OTEL_SERVICE_NAME") or "stario"
        self.timeout = timeout
        # Import now, so a missing extra is said when the app starts, not on the writer thread.
        self._pb = _protobufs()
        self._told_failure = False

    def write(self, spans: list[Span]) -> None:
        """Encode a batch as one ``ExportTraceServiceRequest`` and POST it."""
        body = encode_request(spans, self.service_name, self._pb)
        request = urllib.request.Request(self.url, data=body, method="POST", headers={"Content-Type": "application/x-protobuf"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
            self._told_failure = False
        except (urllib.error.URLError, OSError) as exc:
            self.dropped += len(spans)
            self.written -= len(spans)  # the caller counts the batch as written; it was not
            if not self._told_failure:
                self._told_failure = True
                print(f"stario: OTLPTracer could not send {len(spans)} spans to {self.url}: {exc}", file=sys.stderr)


def _protobufs() -> Any:
    trace = require("opentelemetry.proto.trace.v1.trace_pb2", "otel")
    service = require("opentelemetry.proto.collector.trace.v1.trace_service_pb2", "otel")
    common = require("opentelemetry.proto.common.v1.common_pb2", "otel")
    resource = require("opentelemetry.proto.resource.v1.resource_pb2", "otel")
    return trace, service, common, resource


def encode_request(spans: list[Span], service_name: str, pb: Any = None) -> bytes:
    """A batch of spans as the bytes of an OTLP ``ExportTraceServiceRequest``."""
    trace, service, common, resource = pb or _protobufs()
    encoded = []
    for span in spans:
        data = span.to_dict()  # wall-clock times, hex ids
        attributes = dict(data["attributes"])
        remote_parent = attributes.pop(REMOTE_PARENT, None)
        parent = data["parent_id"] or remote_parent
        start = data["start_ns"]
        end = start + (data["duration_ns"] or 0)
        encoded.append(
            trace.Span(
                trace_id=bytes.fromhex(data["trace_id"]),
                span_id=bytes.fromhex(data["span_id"]),
                parent_span_id=bytes.fromhex(parent) if parent else b"",
                name=_span_name(span.name, attributes),
                kind=trace.Span.SPAN_KIND_SERVER if span.name == "http.request" else trace.Span.SPAN_KIND_INTERNAL,
                start_time_unix_nano=start,
                end_time_unix_nano=end,
                attributes=_key_values(common, {SEMANTIC_NAMES.get(k, k): v for k, v in attributes.items()}),
                events=[
                    trace.Span.Event(time_unix_nano=start + event["offset_ns"], name=event["name"], attributes=_key_values(common, event["attributes"]))
                    for event in data["events"]
                ],
                status=_status(trace, data),
            )
        )
    request = service.ExportTraceServiceRequest(
        resource_spans=[
            trace.ResourceSpans(
                resource=resource.Resource(attributes=_key_values(common, {"service.name": service_name})),
                scope_spans=[trace.ScopeSpans(scope=common.InstrumentationScope(name="stario"), spans=encoded)],
            )
        ]
    )
    return request.SerializeToString()


def _span_name(name: str, attributes: dict[str, Any]) -> str:
    # The convention names a server span "METHOD route" (low cardinality), falling back to the method.
    if name == "http.request" and attributes.get("http.method"):
        route = attributes.get("http.route")
        return f"{attributes['http.method']} {route}" if route else str(attributes["http.method"])
    return name


def _status(trace: Any, data: dict[str, Any]) -> Any:
    if data["status"] == "error":
        return trace.Status(code=trace.Status.STATUS_CODE_ERROR, message=(data["error"] or "")[:1000])
    status_code = data["attributes"].get("http.status")
    if isinstance(status_code, int) and status_code >= 500:
        return trace.Status(code=trace.Status.STATUS_CODE_ERROR)
    return trace.Status(code=trace.Status.STATUS_CODE_UNSET)


def _key_values(common: Any, attributes: dict[str, Any]) -> list[Any]:
    return [common.KeyValue(key=str(key), value=_any_value(common, value)) for key, value in attributes.items()]


def _any_value(common: Any, value: Any) -> Any:
    if isinstance(value, bool):
        return common.AnyValue(bool_value=value)
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return common.AnyValue(int_value=value)
    if isinstance(value, float):
        return common.AnyValue(double_value=value)
    if isinstance(value, (list, tuple)):
        return common.AnyValue(array_value=common.ArrayValue(values=[_any_value(common, item) for item in value]))
    return common.AnyValue(string_value=str(value))
