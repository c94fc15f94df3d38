"""`Feed`: a bounded async queue for one reader, where a put never waits: when full, the oldest goes.

Stario uses it wherever a producer must not be slowed down by a slow consumer: a `Relay`
subscription's inbox, the live span feed of a `MemoryTracer`, the playground's feeds. ::

    feed: Feed[str] = Feed(100)
    feed.put("hello")                 # on the event loop's thread; never blocks
    feed.put_threadsafe("from afar")  # from any thread

    async for item in feed:           # ends once the feed is closed and drained
        ...

A reader that falls behind loses the oldest items, and ``feed.dropped`` counts them, so memory
stays bounded however slow it is. This module imports nothing from Stario.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Self, TypeVar

__all__ = ["Feed"]

T = TypeVar("T")


class Feed(Generic[T]):
    """A bounded async queue for one reader: when full, a put drops the oldest item (counted).

    ``size`` is how many unread items it keeps (at least one). ``on_close``, if given, is called
    with the feed once, when it closes: the place to unregister it from whatever feeds it.

    A feed belongs to one event loop: the one running when it is created, or else the first one
    it is read on (or `put_threadsafe` is called on). `put`, `get` and `close` are called on that
    loop's thread, `put_threadsafe` from any thread. One task reads a feed at a time: a second
    one waiting at the same time is a mistake, and raises `RuntimeError`.

    Subclasses may override `_dropped_oldest`, called with each item about to be pushed out.
    """

    # The relay creates thousands of these and puts into all of them on every publish: slots keep
    # them small and their attributes quick to reach.
    __slots__ = ("_items", "_size", "_waiter", "_loop", "_on_close", "dropped", "closed", "__weakref__")

    def __init__(self, size: int, *, on_close: Callable[[Feed[T]], None] | None = None) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"a feed holds at least one item: size must be an int >= 1, got {size!r}")
        self._items: deque[T] = deque(maxlen=size)
        self._size = size  # the deque's maxlen too, kept in a slot: quicker to read on every put
        self._waiter: asyncio.Future[None] | None = None  # what the reader awaits, or last awaited
        self._loop: asyncio.AbstractEventLoop | None = _running_loop()
        self._on_close = on_close
        self.dropped = 0
        """How many items were lost because the reader fell behind (or could not be handed over)."""
        self.closed = False
        """Whether the feed is closed: it takes no more items."""

    @property
    def size(self) -> int:
        """How many unread items the feed keeps before it drops the oldest."""
        return self._size

    def put(self, item: T) -> bool:
        """Queue ``item``, dropping the oldest if the feed is full; False (nothing queued) once closed.

        Call it on the feed's event loop thread (from elsewhere, use `put_threadsafe`).
        """
        if self.closed:
            return False
        items = self._items
        if len(items) == self._size:
            # The deque's maxlen pushes the oldest item out on append; let it be counted first.
            self._dropped_oldest(items[0])
            self.dropped += 1
        items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return True

    def put_threadsafe(self, item: T) -> None:
        """Queue ``item`` from any thread: the put is handed to the feed's event loop.

        On the loop's own thread this is just `put`. An item with no loop to go to (the loop has
        closed, or the feed has none yet and this thread runs none) is lost, and counted in
        `dropped`. Nothing is queued once the feed is closed.
        """
        if self.closed:
            return
        running = _running_loop()
        loop = self._loop
        if loop is None:
            if running is None:
                self.dropped += 1
                return
            self._loop = loop = running  # the first loop to touch the feed owns it
        if loop is running:
            self.put(item)
            return
        try:
            loop.call_soon_threadsafe(self.put, item)
        except RuntimeError:  # the loop is closed: nobody will ever read the item
            self.dropped += 1

    def __len__(self) -> int:
        """How many items wait, unread."""
        return len(self._items)

    async def get(self) -> T:
        """The oldest unread item, waiting for one if need be.

        Raises `StopAsyncIteration` once the feed is closed and every queued item has been read,
        and `RuntimeError` if another task is already waiting on the feed.
        """
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        items = self._items
        while not items:
            await self._wait()
        return items.popleft()

    def _wait(self) -> asyncio.Future[None]:
        """A future to await while the feed is empty: done once an item is put or the feed closes.

        For `get` and the subclasses that override it. A plain method, not a coroutine, so that
        waiting costs the reader no second coroutine. Raises `StopAsyncIteration` if the feed is
        closed (and so will stay empty).
        """
        if self.closed:
            raise StopAsyncIteration
        waiter = self._waiter
        # A done waiter is left over from an earlier wait (answered, or cancelled with its reader).
        if waiter is not None and not waiter.done():
            raise RuntimeError("another task is already reading this feed; a feed has one reader")
        loop = asyncio.get_running_loop()
        if self._loop is None:  # a subclass's get may not have noted it
            self._loop = loop
        self._waiter = waiter = loop.create_future()
        return waiter

    def _dropped_oldest(self, item: T) -> None:
        """Called with the oldest item just before a put pushes it out; does nothing unless overridden."""

    def __aiter__(self) -> Self:
        return self

    def __anext__(self) -> Awaitable[T]:
        # A plain method handing back get()'s coroutine: no second coroutine per item.
        return self.get()

    def close(self) -> None:
        """Take no more items and wake a waiting reader; what is queued can still be read.

        Calls ``on_close`` the first time; closing again does nothing.
        """
        if self.closed:
            return
        self.closed = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)  # the reader wakes, and stops once it has read what is left
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close(self)

    async def aclose(self) -> None:
        """Close the feed (the asynchronous spelling, as for a generator)."""
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<{type(self).__name__} {state} pending={len(self._items)}/{self.size} dropped={self.dropped}>"


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop running on this thread, if any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
