"""Spans: a record of one piece of work (a request, a start-up, a step inside a handler).

Every request gets a span; a handler adds to it::

    c.span.attr("user.id", user_id)
    c.span.event("cache.miss", key=key)
    with c.span.step("db.query"):
        rows = await db.fetch(...)

A span knows its trace, its parent, when it started and ended (monotonic nanoseconds, plus the
wall-clock start), its attributes, its events, its status and its error. When a span ends it is
handed to the app's tracer, which shows or stores it (see `stario.tracers`).

The default tracer is the one ``STARIO_TRACER`` names; when it is unset, the `NoopTracer`, which
does nothing: requests then skip span work entirely (``c.span`` is `NON_RECORDING_SPAN`). That
holds in a terminal too, so an app built in a REPL or a test starts nothing. ``stario serve`` run
in a terminal sets ``STARIO_TRACER=tty`` for its server, so spans show there live.
"""

from __future__ import annotations

import random
import time
import traceback
from typing import Any, Protocol

__all__ = [
    "Span", "SpanEvent", "Tracer", "NoopTracer", "NonRecordingSpan", "NON_RECORDING_SPAN", "parse_traceparent",
    "REMOTE_PARENT", "WALL_CLOCK_OFFSET_NS", "PlainRequest", "request_span", "new_root_ids",
]  # fmt: skip

REMOTE_PARENT = "trace.remote_parent"
"""The attribute holding the span id of a caller in another service (from its ``traceparent``).

Kept as an attribute, not as ``parent_id``: within Stario the request is still a root (it is
listed by ``stario spans``), while an OpenTelemetry export links it under the caller's span."""

_bits = random.getrandbits

# A new trace's id starts with the wall-clock time of its first span, in nanoseconds (the high 64
# of its 128 bits), and ends with 64 random bits. Ids made later sort later, so a store indexed by
# trace id (the SQLite tracer's file) adds each one at the end of its index instead of at a random
# place in it: a random id costs more the larger the file (SQLite reads and rewrites index pages
# all over it), an ordered one the same from the first row to the millionth. W3C Trace Context
# asks for uniqueness and, from level 2, random right-most bytes: both hold. A request that
# continues a caller's trace (``traceparent``) keeps the caller's id, ordered or not.

WALL_CLOCK_OFFSET_NS = time.time_ns() - time.monotonic_ns()
"""What to add to a span's ``start_ns`` (monotonic) to get its wall-clock start (`Span.wall_start_ns`).

Spans time themselves with the monotonic clock, immune to clock changes; the wall-clock start
is derived from it with this offset, taken once at import, which saves a second clock call per
span. A writer that turns thousands of spans into rows adds it itself: a property read costs
several times an addition."""
# The same for trace ids, kept to 64 bits: a clock set before 1970 must not make an id negative
# (the monotonic clock never is), nor one set centuries ahead make it longer than 128 bits.
_ID_CLOCK_OFFSET_NS = min(max(0, WALL_CLOCK_OFFSET_NS), 1 << 63)


class Tracer(Protocol):
    """Receives spans as they start and end. Must never block the caller.

    A tracer that only writes spans once they end (the SQLite and JSON ones) may also say
    ``takes_plain_requests = True`` and have an ``on_request(request)`` method: the app then makes
    a request's span only when something asks for it (``c.span``: a handler adding to it, a
    stream, an error, a caller's ``traceparent``) and hands every other request to
    ``on_request`` as a `PlainRequest`, the values its span would have had. Most requests are
    plain, and a span object, its ids and its dictionary cost more than the few values.
    """

    def on_start(self, span: Span) -> None:
        """Called when a span starts."""

    def on_end(self, span: Span) -> None:
        """Called when a span ends."""


PlainRequest = tuple[int, int, str, str, str, str, int, int]
"""A request no one asked the span of, as the app hands it to ``Tracer.on_request``:
``(start_ns, end_ns, method, path, route, kind, status, response_bytes)``, the times monotonic as
a span's. It stands for a root ``http.request`` span with status ``ok``, no events and the six
attributes ``http.method``, ``http.path``, ``http.route``, ``stario.kind``, ``http.status`` and
``http.response_bytes``; a writer makes its ids with `new_root_ids`."""


def new_root_ids(start_ns: int) -> tuple[int, int]:
    """``(trace_id, span_id)`` for a new root span that started at ``start_ns`` (monotonic), made
    as `Span` makes them: the trace id ordered by time (see above), the span id random."""
    return (start_ns + _ID_CLOCK_OFFSET_NS) << 64 | _bits(64), _bits(64)


class NoopTracer:
    """A tracer that drops every span: the default when ``STARIO_TRACER`` is unset, terminal or not."""

    __slots__ = ()

    def on_start(self, span: Span) -> None:
        """Drop the start."""

    def on_end(self, span: Span) -> None:
        """Drop the end."""


class SpanEvent:
    """Something that happened at one moment inside a span."""

    __slots__ = ("name", "time_ns", "attributes")

    def __init__(self, name: str, time_ns: int, attributes: dict[str, Any]) -> None:
        self.name = name
        self.time_ns = time_ns
        self.attributes = attributes

    def __repr__(self) -> str:
        return f"SpanEvent({self.name!r}, {self.attributes!r})"


class Span:
    """One unit of work, with a name, a parent, timing, attributes, events, status and error."""

    __slots__ = (
        "name",
        "tracer",
        "trace_id",
        "span_id",
        "parent_id",
        "start_ns",
        "end_ns",
        "attributes",
        "events",
        "status",
        "error",
    )

    def __init__(self, name: str, tracer: Tracer, parent: Span | None = None, *, start_ns: int | None = None) -> None:
        self.name = name
        self.tracer = tracer
        self.span_id = _bits(64)
        # ``start_ns``: a span made after the work began (a request's, when first asked for).
        self.start_ns = start = time.monotonic_ns() if start_ns is None else start_ns
        if parent is None:
            self.trace_id = (start + _ID_CLOCK_OFFSET_NS) << 64 | _bits(64)  # ordered by time, as `new_root_ids`
            self.parent_id = None
        else:
            self.trace_id = parent.trace_id
            self.parent_id = parent.span_id
        self.end_ns: int | None = None
        self.attributes: dict[str, Any] = {}
        self.events: list[SpanEvent] = []
        self.status = "unset"
        self.error: str | None = None
        tracer.on_start(self)

    # -- adding to a span ---------------------------------------------------------------------

    def attr(self, key: str, value: Any) -> Span:
        """Set an attribute (``span.attr("user.id", 3)``); returns the span."""
        self.attributes[key] = value
        return self

    def event(self, name: str, **attributes: Any) -> SpanEvent:
        """Record that something happened now (``span.event("cache.miss", key=k)``)."""
        event = SpanEvent(name, time.monotonic_ns(), attributes)
        self.events.append(event)
        return event

    def step(self, name: str, **attributes: Any) -> Span:
        """Start a child span; use it with ``with`` or ``async with`` so it ends by itself."""
        child = Span(name, self.tracer, self)
        if attributes:
            child.attributes.update(attributes)
        return child

    def fail(self, exc: BaseException) -> None:
        """Mark the span failed with the exception and its traceback."""
        self.status = "error"
        self.error = "".join(traceback.format_exception(exc))

    def end(self) -> None:
        """End the span (once) and hand it to the tracer."""
        if self.end_ns is not None:
            return
        self.end_ns = time.monotonic_ns()
        if self.status == "unset":
            self.status = "ok"
        self.tracer.on_end(self)

    @property
    def recording(self) -> bool:
        """True: this span is kept and handed to a tracer."""
        return True

    @property
    def wall_start_ns(self) -> int:
        """When the span started, in nanoseconds since the Unix epoch."""
        return self.start_ns + WALL_CLOCK_OFFSET_NS

    @property
    def duration_ns(self) -> int | None:
        """How long the span took, once it has ended."""
        return None if self.end_ns is None else self.end_ns - self.start_ns

    # -- ``with span.step(...)`` ---------------------------------------------------------------

    def __enter__(self) -> Span:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is not None:
            self.fail(exc)
        self.end()

    async def __aenter__(self) -> Span:
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        self.__exit__(exc_type, exc, tb)

    @property
    def traceparent(self) -> str | None:
        """The W3C ``traceparent`` header for a call this span makes to another service, so the
        callee's spans join this trace: ``httpx.get(url, headers={"traceparent": c.span.traceparent})``."""
        return f"00-{self.trace_id:032x}-{self.span_id:016x}-01"

    def continue_trace(self, trace_id: int, remote_parent_id: int) -> None:
        """Make this (root) span part of a caller's trace (from its ``traceparent`` header)."""
        self.trace_id = trace_id
        self.attributes[REMOTE_PARENT] = f"{remote_parent_id:016x}"

    def to_dict(self) -> dict[str, Any]:
        """The span as plain data (ids in hex, times in ns), the one format every tracer writes."""
        start = self.start_ns
        return {
            "name": self.name,
            "trace_id": f"{self.trace_id:032x}",
            "span_id": f"{self.span_id:016x}",
            "parent_id": None if self.parent_id is None else f"{self.parent_id:016x}",
            "start_ns": start + WALL_CLOCK_OFFSET_NS,
            "duration_ns": self.duration_ns,
            "status": self.status,
            "error": self.error,
            "attributes": dict(self.attributes),
            "events": [
                {"name": e.name, "offset_ns": e.time_ns - start, "attributes": dict(e.attributes)} for e in self.events
            ],
        }

    def __repr__(self) -> str:
        return f"<Span {self.name!r} status={self.status} attributes={self.attributes!r}>"


class NonRecordingSpan(Span):
    """The span used when nothing is listening (the `NoopTracer`): every call is accepted and dropped.

    Handlers call ``c.span.attr(...)`` and ``c.span.step(...)`` the same way whatever the tracer;
    with no tracer there is nothing to keep, so this span keeps nothing and costs nothing.
    """

    __slots__ = ()

    def __init__(self) -> None:
        self.name = "non-recording"
        self.tracer = NoopTracer()
        self.span_id = 0
        self.trace_id = 0
        self.parent_id = None
        self.start_ns = 0

    # Writes are dropped and reads give empty values, so the one shared instance never fills up.
    attributes = property(lambda self: {}, lambda self, value: None)
    events = property(lambda self: [], lambda self, value: None)
    status = property(lambda self: "unset", lambda self, value: None)
    error = property(lambda self: None, lambda self, value: None)
    end_ns = property(lambda self: None, lambda self, value: None)

    @property
    def recording(self) -> bool:
        """False: this span records nothing."""
        return False

    def attr(self, key: str, value: Any) -> Span:
        """Drop the attribute."""
        return self

    def event(self, name: str, **attributes: Any) -> SpanEvent:
        """Drop the event."""
        return SpanEvent(name, 0, attributes)

    def step(self, name: str, **attributes: Any) -> Span:
        """A child that records nothing either."""
        return self

    def fail(self, exc: BaseException) -> None:
        """Drop the failure (the app still logs unhandled exceptions)."""

    def end(self) -> None:
        """Nothing to hand over."""

    @property
    def traceparent(self) -> str | None:
        """None: with no tracer recording, there is no trace to continue."""
        return None

    def continue_trace(self, trace_id: int, remote_parent_id: int) -> None:
        """Nothing to continue."""


NON_RECORDING_SPAN = NonRecordingSpan()


def request_span(tracer: Tracer, method: str, path: str, traceparent: bytes | None = None, start_ns: int | None = None) -> Span:
    """A request's root span, ``http.request`` with its method and path, joined to the caller's
    trace when ``traceparent`` (the header's value) is a valid one; started at ``start_ns``
    (monotonic), or now."""
    # Keyword arguments make a slower call: only a span made late passes one.
    span = Span("http.request", tracer) if start_ns is None else Span("http.request", tracer, start_ns=start_ns)
    attributes = span.attributes
    attributes["http.method"] = method  # known now, so live views can show it
    attributes["http.path"] = path
    if traceparent is not None:
        parsed = parse_traceparent(traceparent.decode("latin-1"))
        if parsed is not None:
            span.continue_trace(*parsed)
    return span


def parse_traceparent(value: str) -> tuple[int, int] | None:
    """``(trace_id, parent_span_id)`` from a W3C ``traceparent`` header, or None when it is not a valid one."""
    parts = value.strip().split("-")
    if len(parts) < 4 or len(parts[0]) != 2 or len(parts[1]) != 32 or len(parts[2]) != 16 or len(parts[3]) != 2:
        return None
    if parts[0] == "ff" or (parts[0] == "00" and len(parts) != 4):
        return None
    try:
        trace_id, parent_id = int(parts[1], 16), int(parts[2], 16)
        int(parts[0], 16), int(parts[3], 16)
    except ValueError:
        return None
    if trace_id == 0 or parent_id == 0 or parts[1] != parts[1].lower() or parts[2] != parts[2].lower():
        return None
    return trace_id, parent_id
