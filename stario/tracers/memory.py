"""`MemoryTracer`: the last spans in memory, and a live feed of them for async readers.

The playground's inspector and tests read spans from here::

    tracer = MemoryTracer(capacity=500)
    app = Stario(..., tracer=tracer)

    tracer.spans                      # the kept spans, oldest first
    async with tracer.subscribe(starts=True) as feed:
        async for kind, span in feed:  # kind is "start" or "end"
            ...

A feed is a `stario.feed.Feed`: bounded, and a reader that falls behind loses the oldest spans
(counted in ``feed.dropped``), so a slow reader never slows a request down.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from stario.feed import Feed
from stario.telemetry import Span

__all__ = ["MemoryTracer", "SpanFeed"]


class SpanFeed(Feed[tuple[str, Span]]):
    """A live feed of spans from a `MemoryTracer`: ``async for kind, span in feed``.

    ``kind`` is ``"start"`` or ``"end"`` (starts only when asked for). The feed holds at most
    ``size`` spans; a consumer that falls behind loses the oldest and ``dropped`` counts them.
    Closing it (``close()``, the end of ``async with``) stops the spans; the loop ends once the
    ones already queued are read.
    """

    __slots__ = ("starts",)

    def __init__(self, starts: bool, size: int, on_close: Callable[[SpanFeed], None]) -> None:
        super().__init__(size, on_close=on_close)
        self.starts = starts

    def push(self, kind: str, span: Span) -> None:
        """Deliver a span (from any thread)."""
        self.put_threadsafe((kind, span))


class MemoryTracer:
    """Keeps the last ``capacity`` finished spans, and feeds them live to async subscribers."""

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._spans: deque[Span] = deque(maxlen=capacity)
        self._feeds: set[SpanFeed] = set()

    def on_start(self, span: Span) -> None:
        """Tell the feeds that asked for starts."""
        if self._feeds:
            for feed in list(self._feeds):
                if feed.starts:
                    feed.push("start", span)

    def on_end(self, span: Span) -> None:
        """Keep the span and tell the feeds."""
        self._spans.append(span)
        if self._feeds:
            for feed in list(self._feeds):
                feed.push("end", span)

    @property
    def spans(self) -> list[Span]:
        """The kept spans, oldest first."""
        return list(self._spans)

    def trace(self, trace_id: int) -> list[Span]:
        """The kept spans of one trace, in the order they ended."""
        return [span for span in self._spans if span.trace_id == trace_id]

    def clear(self) -> None:
        """Forget the kept spans."""
        self._spans.clear()

    def subscribe(self, *, starts: bool = False, size: int = 1000) -> SpanFeed:
        """A live feed of spans as they end (and start, with ``starts=True``); call in a coroutine."""
        asyncio.get_running_loop()  # the feed is read on this loop: without one, fail here, not later
        feed = SpanFeed(starts, size, on_close=self._feeds.discard)
        self._feeds.add(feed)
        return feed
