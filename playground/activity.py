"""What the playground's pages show live: the current run's status, output, errors, requests and spans.

The runner (`stario.playground.runner`) and the preview proxy (`stario.playground.proxy`) tell
`Activity.record` what happens, as plain dicts, each tagged with the ``run`` it belongs to. Activity
keeps the current run's share (bounded: the newest requests, events, spans and output), drops what
belongs to an older run, and hands every change to the pages' live streams through `subscribe`.

It also remembers, per owner (``lessons/01-hello-query``, ``toys/chat``), how that owner's last
run and check ended, so a page opened again shows its own last result, or nothing.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from stario.feed import Feed

__all__ = ["Activity", "Exchange", "Last"]

_REQUESTS_KEPT = 300
_EVENTS_KEPT = 500
_SPANS_KEPT = 2000
_ERRORS_KEPT = 20
_OUTPUT_KEPT = 32 * 1024


@dataclass
class Exchange:
    """One request the preview made, as the inspector shows it."""

    request: dict[str, Any]
    response: dict[str, Any] | None = None
    end: dict[str, Any] | None = None
    events: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=_EVENTS_KEPT))
    event_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # what the app raised answering it
    trace_id: str | None = None
    event_bytes: int = 0  # the events' bytes so far, uncompressed
    largest_event: int = 0
    first_event_ms: float | None = None

    @property
    def id(self) -> int:
        """The proxy's number for this request."""
        return int(self.request["id"])

    @property
    def status(self) -> int | None:
        """The answer's status, or None before its head arrived."""
        return None if self.response is None else self.response.get("status")

    @property
    def open(self) -> bool:
        """True until the answer ends (or the browser leaves)."""
        return self.end is None


@dataclass
class Last:
    """How an owner's last run and check ended (kept in memory while the playground runs)."""

    status: dict[str, Any] | None = None
    checks: dict[str, Any] | None = None


class Activity:
    """The current run's activity, kept bounded, and a live feed of every change."""

    def __init__(self) -> None:
        self.run = 0
        self.owner = ""
        self.status: dict[str, Any] = {"state": "idle", "text": ""}
        self.output = ""
        self.errors: deque[dict[str, Any]] = deque(maxlen=_ERRORS_KEPT)
        self.exchanges: OrderedDict[int, Exchange] = OrderedDict()
        self.spans: deque[dict[str, Any]] = deque(maxlen=_SPANS_KEPT)
        self.last: dict[str, Last] = {}
        self._feeds: set[Feed[dict[str, Any]]] = set()
        self._span_ids = itertools.count(1)

    # -- reading --------------------------------------------------------------------------------

    def subscribe(self, size: int = 5000) -> Feed[dict[str, Any]]:
        """A live feed of every change from now on (a slow page loses the oldest)."""
        feed: Feed[dict[str, Any]] = Feed(size, on_close=self._feeds.discard)
        self._feeds.add(feed)
        return feed

    def last_of(self, owner: str) -> Last:
        """What ``owner``'s last run and check said (empty when it has none)."""
        return self.last.setdefault(owner, Last())

    def exchange(self, request_id: int) -> Exchange | None:
        """The request ``request_id`` of the current run, if still kept."""
        return self.exchanges.get(request_id)

    def span(self, number: int) -> dict[str, Any] | None:
        """The span numbered ``number`` (its ``n``) of the current run, if still kept."""
        return next((span for span in self.spans if span.get("n") == number), None)

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        """The kept spans of one trace, in the order they ended."""
        return [span for span in self.spans if span.get("trace_id") == trace_id]

    def cost(self) -> dict[str, float]:
        """What the current run's interactions cost so far (since Run or Clear), by the budgets'
        names (`stario.lessons.loading.BUDGET_NAMES`), plus the answers' bytes unpacked."""
        exchanges = list(self.exchanges.values())
        wire = sum((e.end or {}).get("bytes", e.event_bytes) for e in exchanges)
        firsts = [e.first_event_ms for e in exchanges if e.first_event_ms is not None]
        requests = [s for s in self.spans if s.get("parent_id") is None and s.get("name") == "http.request"]
        return {
            "requests": len(exchanges),
            "events": sum(e.event_count for e in exchanges),
            "wire_bytes": wire,
            "unpacked_bytes": sum((e.end or {}).get("unpacked", e.event_bytes) for e in exchanges),
            "largest_event_bytes": max((e.largest_event for e in exchanges), default=0),
            "first_event_ms": max(firsts, default=0),
            "server_ms": round(sum((s.get("duration_ns") or 0) for s in requests) / 1e6, 1),
            "spans": len(self.spans),
        }

    # -- writing --------------------------------------------------------------------------------

    def record(self, record: dict[str, Any]) -> None:
        """Take one record from the runner or the proxy; keep it if it belongs to the current run."""
        kind = record.get("kind")
        run = record.get("run", 0)
        if kind == "status":
            self._status(record)
            return
        if run != self.run:
            return  # an older run's straggler
        if kind == "output":
            self.output = (self.output + record["text"])[-_OUTPUT_KEPT:]
        elif kind == "error":
            self.errors.append(record)
            exchange = self._answering(record.get("request", ""))
            if exchange is not None:
                exchange.errors.append(record)
                record = {**record, "request_id": exchange.id}
        elif kind == "span":
            span = dict(record.get("span") or {})
            span["n"] = next(self._span_ids)
            self.spans.append(span)
            exchange = self._link(span)
            record = {"kind": "span", "run": run, "span": span, "request_id": exchange.id if exchange else None}
        elif kind == "request":
            self.exchanges[record["id"]] = Exchange(record)
            while len(self.exchanges) > _REQUESTS_KEPT:
                self.exchanges.popitem(last=False)
        elif kind in ("response", "event", "end"):
            exchange = self.exchanges.get(record.get("id", -1))
            if exchange is None:
                return
            if kind == "response":
                exchange.response = record
            elif kind == "event":
                exchange.events.append(record)
                exchange.event_count += 1
                size = record.get("size", 0)
                exchange.event_bytes += size
                exchange.largest_event = max(exchange.largest_event, size)
                if exchange.first_event_ms is None:
                    exchange.first_event_ms = record.get("ms")
            else:
                exchange.end = record
        self._tell(record)

    def record_checks(self, owner: str, checks: dict[str, Any]) -> None:
        """Remember ``owner``'s last check (what the page shows when opened again)."""
        self.last_of(owner).checks = checks

    def clear(self) -> None:
        """Forget the current run's requests, spans, errors and output (the inspector's Clear)."""
        self.exchanges.clear()
        self.spans.clear()
        self.errors.clear()
        self.output = ""
        self._tell({"kind": "clear", "run": self.run, "owner": self.owner})

    def _status(self, record: dict[str, Any]) -> None:
        run = record.get("run", 0)
        if run < self.run:
            return
        if run > self.run:  # a new run: everything of the last one goes
            self.run, self.owner = run, record.get("owner", "")
            self.exchanges.clear()
            self.spans.clear()
            self.errors.clear()
            self.output = ""
            self._tell({"kind": "reset", "run": run, "owner": self.owner})
        self.status = record
        self.last_of(self.owner).status = record
        self._tell(record)

    def _answering(self, request: str) -> Exchange | None:
        """The newest request matching ``"GET /path"`` (what an error report names)."""
        method, _, path = request.partition(" ")
        for exchange in reversed(self.exchanges.values()):
            if exchange.request.get("method") == method and exchange.request.get("path") == path:
                return exchange
        return None

    def _link(self, span: dict[str, Any]) -> Exchange | None:
        """The request whose span this is (a request span names its method and path; a step has
        its trace's request once that is known)."""
        trace = span.get("trace_id")
        for exchange in reversed(self.exchanges.values()):
            if exchange.trace_id == trace:
                return exchange
        attributes = span.get("attributes") or {}
        method, path = attributes.get("http.method"), attributes.get("http.path")
        if span.get("parent_id") is not None or method is None:
            return None
        for exchange in reversed(self.exchanges.values()):
            if exchange.trace_id is None and exchange.request.get("method") == method and exchange.request.get("path") == path:
                exchange.trace_id = trace
                return exchange
        return None

    def _tell(self, record: dict[str, Any]) -> None:
        for feed in list(self._feeds):
            feed.put(record)
