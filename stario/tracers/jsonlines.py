"""`JSONTracer`: each span as one line of JSON, to a file or to stdout.

A line is `Span.to_dict`, the one format every tracer writes: ids in hex, the wall-clock start
and the duration in nanoseconds, attributes, and events with their offset from the start::

    {"name":"http.request","trace_id":"5f0c...","span_id":"9a1e...","parent_id":null,
     "start_ns":1763750940878123456,"duration_ns":20600000,"status":"ok","error":null,
     "attributes":{"http.method":"GET","http.path":"/search",...},"events":[...]}

Chosen with ``STARIO_TRACER=json`` (stdout) or ``STARIO_TRACER=json:spans.jsonl`` (appends).

Most requests are plain (see `plain_request`: a root ``http.request`` span, ``ok``, with no
error, no events and just the six attributes the app sets), and most reach the tracer as a
`PlainRequest` rather than a span: their line is filled into a template (`_request_line`), the
same JSON for some 40% of the cost of building the dictionary and encoding it.
"""

from __future__ import annotations

import os
import sys
from json.encoder import encode_basestring as _quoted  # type: ignore[attr-defined]
from typing import IO, Any

from stario.telemetry import WALL_CLOCK_OFFSET_NS, PlainRequest, Span
from stario.tracers.background import BackgroundTracer, plain_request, to_json

__all__ = ["JSONTracer"]


class JSONTracer(BackgroundTracer):
    """Writes each span as one line of JSON (`Span.to_dict`), to a file or to stdout."""

    takes_plain_requests = True  # `write` takes a `PlainRequest` too (see `BackgroundTracer`)

    def __init__(self, path: str | os.PathLike[str] | None = None, stream: IO[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self._stream = stream
        self._file: IO[str] | None = None

    def open(self) -> None:
        """Open the file (appending), unless writing to a stream."""
        if self.path is not None:
            self._file = open(self.path, "a", encoding="utf-8")

    def write(self, spans: list[Span | PlainRequest]) -> None:
        """Write one line per span or plain request (as `on_end` and `on_request` queue them) and flush."""
        out = self._file or self._stream or sys.stdout
        out.write("".join([(_request_line(span) or to_json(span.to_dict())) + "\n" for span in spans]))  # type: ignore[union-attr]
        out.flush()

    def shut(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()


def _request_line(span: Span | PlainRequest) -> str | None:
    """A plain request's line, from a template (the JSON of `Span.to_dict`); None for any other span."""
    values = plain_request(span)
    if values is None:
        return None
    trace_id, span_id, start, duration, method, path, route, kind, status, size = values
    return (
        f'{{"name":"http.request","trace_id":"{trace_id.to_bytes(16, "big").hex()}","span_id":"{span_id.to_bytes(8, "big").hex()}",'
        f'"parent_id":null,"start_ns":{start + WALL_CLOCK_OFFSET_NS},"duration_ns":{duration},'
        f'"status":"ok","error":null,"attributes":{{"http.method":{_quoted(method)},'
        f'"http.path":{_quoted(path)},"http.route":{_quoted(route)},"stario.kind":{_quoted(kind)},'
        f'"http.status":{status},"http.response_bytes":{size}}},"events":[]}}'
    )
