"""`BackgroundTracer`: the base of the tracers that write spans out (`JSONTracer`, `SQLiteTracer`).

The request only appends an ended span to a bounded in-memory queue; a thread of the tracer's
own drains the queue every `BackgroundTracer.interval` seconds and writes the batch. When the
queue is full the span is dropped and counted (``tracer.dropped``), because a slow disk must not
slow the site down; `close` says on stderr how many were lost.

The SQLite and JSON writers take plain requests without a span (``takes_plain_requests``: see
`stario.telemetry.Tracer`): most requests reach their queue as a `PlainRequest`, a tuple of
eight values, and only the others as a span.

A writer provides three methods, all called on the writer thread: `open`, `write` (a batch of
spans and plain requests) and `shut`. `to_json` is the compact JSON the writers put spans'
values in; `plain_request` gives what a plain request's row or line holds, whether it came as a
`PlainRequest` or as a span that is one (`request_values`), which the writers write from a
template of their own; `plain_request_span` turns a `PlainRequest` back into its span.
"""

from __future__ import annotations

import atexit
import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from stario.telemetry import NoopTracer, PlainRequest, Span, new_root_ids, request_span

__all__ = ["BackgroundTracer", "to_json", "request_values", "plain_request", "plain_request_span"]


_REPORT_EVERY = 10.0  # seconds between reports of dropped spans while running


class BackgroundTracer:
    """A bounded queue of ended spans, drained by a thread that writes them in batches."""

    interval = 0.05
    """Seconds between drains: a span is written at most this late."""

    def __init__(self, max_queue: int = 10_000) -> None:
        self.max_queue = max_queue
        self.dropped = 0
        self.written = 0
        self._dropped_told = 0
        self._last_report = 0.0
        self._queue: deque[Span | PlainRequest] = deque()
        self._writing = False  # a batch has left the queue but is not written yet
        self._wake = threading.Event()  # set to drain now rather than at the next interval
        self._drained = threading.Condition()  # notified after every drain, for `flush`
        self._stop = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    takes_plain_requests = False
    """True in a subclass whose `write` takes a `PlainRequest` as well as spans (the SQLite and
    JSON writers): the app then queues plain requests as their values (`on_request`), not as
    spans (see `stario.telemetry.Tracer`). False here, so a writer that wants spans gets spans."""

    def on_start(self, span: Span) -> None:
        """Starts are not written."""

    def on_end(self, span: Span | PlainRequest) -> None:
        """Queue the span for the writer thread (dropped, and counted, when the queue is full)."""
        if len(self._queue) >= self.max_queue:
            self.dropped += 1
            return
        self._queue.append(span)
        if self._thread is None:
            self._start_thread()

    on_request = on_end  # a plain request goes in the same queue: `write` tells them apart

    def _start_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
                self._thread.start()
                atexit.register(self.close)

    def _run(self) -> None:
        self.open()
        try:
            while not self._stop:
                self._wake.wait(self.interval)
                self._wake.clear()
                self._drain()
            self._drain()
        finally:
            self.shut()

    def _drain(self) -> None:
        self._writing = True  # before the queue empties, so `flush` never sees "empty and idle" too soon
        try:
            batch = []
            while self._queue:
                batch.append(self._queue.popleft())
            if batch:
                try:
                    self.write(batch)
                    self.written += len(batch)
                    if self.dropped > self._dropped_told and time.monotonic() - self._last_report >= _REPORT_EVERY:
                        self._last_report = time.monotonic()
                        self.report_drops()  # while running too, at most every few seconds
                except Exception as exc:  # a tracer must never take the app down
                    print(f"stario: {type(self).__name__} could not write {len(batch)} spans: {exc}", file=sys.stderr)
        finally:
            self._writing = False
            with self._drained:
                self._drained.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Write every queued span now and wait until it is written; False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._drained:
            while (self._queue or self._writing) and self._thread is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._wake.set()
                self._drained.wait(min(remaining, self.interval))
        return True

    def close(self) -> None:
        """Write what is queued, stop the thread, and say on stderr if spans were dropped."""
        self._stop = True
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self.report_drops()

    def report_drops(self) -> None:
        """Say on stderr how many spans were dropped since the last report (nothing if none were)."""
        if self.dropped > self._dropped_told:
            self._dropped_told = self.dropped
            print(
                f"stario: {type(self).__name__} dropped {self.dropped} spans: its queue of {self.max_queue} was full "
                "(the writer could not keep up)",
                file=sys.stderr,
            )

    # What subclasses provide (called on the writer thread only):
    def open(self) -> None:
        """Prepare to write."""

    def write(self, spans: list[Span | PlainRequest]) -> None:  # pragma: no cover - overridden
        """Write a batch of spans and plain requests (in the order they ended)."""
        raise NotImplementedError

    def shut(self) -> None:
        """Release what `open` took."""


def _make_encoder() -> Callable[[Any], str]:
    """Compact JSON text of a value, with values JSON cannot hold written as text.

    ``json.dumps`` builds a new encoder object on every call, which costs more than encoding a
    span's few attributes (about 24,000 CPU instructions a span, measured with callgrind). The
    standard library's C encoder, when present, is built once here and called directly instead.
    It keeps no record of the containers it is in (``check_circular`` off): a circular value
    ends in RecursionError, which `to_json` catches as it catches any value it cannot write.
    """
    if c_make_encoder is None:  # a Python without the json C accelerator: the plain way
        return json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str).encode
    chunks = c_make_encoder(None, str, encode_basestring, None, ":", ",", False, False, True)
    join = "".join
    return lambda value: join(chunks(value, 0))


_encode = _make_encoder()


def to_json(value: Any) -> str:
    """Compact JSON for a span's attributes or events; values JSON cannot hold are written as text."""
    try:
        return _encode(value)
    except (TypeError, ValueError, RecursionError) as exc:  # a key JSON cannot hold, a circular value: keep the span
        return json.dumps({"stario.unwritable": f"{type(exc).__name__}: {exc}"})


def request_values(span: Span) -> tuple[str, str, str, str, int, int] | None:
    """A plain request's six values (method, path, route, kind, status, response bytes), or None.

    A plain request is an ended root span named ``http.request`` with status ``ok``, no error
    and no events, whose attributes are just the six the app sets, of the types it sets them
    with. Most spans are one; the writers put them in a fixed shape (a row, a line, with the
    name and the status written in) without looking at the attributes one by one.
    """
    attributes = span.attributes
    if (
        span.parent_id is not None or span.status != "ok" or span.name != "http.request"
        or span.error is not None or span.events or len(attributes) != 6
    ):  # fmt: skip
        return None
    get = attributes.get
    method, path, route, kind = get("http.method"), get("http.path"), get("http.route"), get("stario.kind")
    status, size = get("http.status"), get("http.response_bytes")
    if not (
        type(method) is str and type(path) is str and type(route) is str and type(kind) is str
        and type(status) is int and type(size) is int
    ):  # fmt: skip
        return None
    return method, path, route, kind, status, size


PlainValues = tuple[int, int, int, int, str, str, str, str, int, int]
"""``(trace_id, span_id, start_ns, duration_ns, method, path, route, kind, status, response_bytes)``."""


def plain_request(item: Span | PlainRequest) -> PlainValues | None:
    """What a plain request's row or line holds, ``start_ns`` monotonic; None for a span that is
    not a plain request. A `PlainRequest` gets its ids here (`new_root_ids`)."""
    if type(item) is tuple:
        start, end, method, path, route, kind, status, size = item
        trace_id, span_id = new_root_ids(start)
        return trace_id, span_id, start, end - start, method, path, route, kind, status, size
    values = request_values(item)  # type: ignore[arg-type]
    if values is None:
        return None
    return (item.trace_id, item.span_id, item.start_ns, item.end_ns - item.start_ns, *values)  # type: ignore[union-attr,operator]


def plain_request_span(request: PlainRequest) -> Span:
    """The ended span a `PlainRequest` stands for (with ids of its own), for a writer that needs
    the object: a value its template cannot hold."""
    start, end, method, path, route, kind, status, size = request
    span = request_span(NoopTracer(), method, path, None, start)
    span.attributes.update({"http.route": route, "stario.kind": kind, "http.status": status, "http.response_bytes": size})
    span.end_ns = end
    span.status = "ok"
    return span
