"""In-process publish/subscribe: `Relay`, to fan messages out to SSE streams.

::

    relay = Relay()

    async def messages(c):
        async for text in relay.subscribe("chat.room1"):
            yield p({"id": "last"}, text)   # ends when the browser leaves; so does the subscription

    async def send(c, w):
        relay.publish("chat.room1", (await c.signals())["text"])

Topics are dot-separated names (``chat.room1``). A pattern matches topics segment by segment:

- a name matches itself: ``chat.room1`` matches ``chat.room1`` only;
- ``*`` matches exactly one segment: ``chat.*`` matches ``chat.room1``, not ``chat`` or ``chat.room1.typing``;
- ``>``, only as the last segment, matches one or more segments: ``chat.>`` matches ``chat.room1`` and
  ``chat.room1.typing``, not ``chat``. (NATS's notation; not ``**``, which usually also matches nothing.)

Every subscription has a bounded inbox. `Relay.publish` drops the message into each matching inbox and
returns at once. When an inbox is full its oldest message is dropped and counted
(``subscription.dropped``): a slow reader loses old news, and never slows the publisher or makes memory
grow. An inbox holds ``inbox_size`` messages (256 by default), and with ``inbox_bytes`` also at most
that many bytes of them: 256 messages of 100 KB would be 25 MB for every slow reader.

A subscription ends when its ``async for`` loop ends, however it ends (``break``, an exception, the
task cancelled because the browser left, the generator around it closed): it is removed as soon as
nothing refers to it any more. ``async with relay.subscribe(...) as inbox:`` ends it at a known point,
and is the way to subscribe *before* sending a first render, so that no message falls in between.

A relay belongs to one event loop's thread. To publish from another thread, hand the call to the loop:
``loop.call_soon_threadsafe(relay.publish, topic, message)``.

**Across processes.** With ``STARIO_RELAY=redis://host:6379/0`` (or ``postgresql://...``) in the
environment, or ``Relay(backend=...)`` in code, the same relay also reaches every other process
using that broker: several workers, several machines. The code does not change. Messages must
then be JSON-serialisable (HTML arrives as HTML). Every app's lifespan starts the relays'
listeners in each worker (and stops them); see `stario.relay_bridge` for the guarantees.
``Relay(backend="local")`` stays in process whatever the environment says.
"""

from __future__ import annotations

import asyncio
import json
import os
import weakref
from collections import deque
from collections.abc import Awaitable
from typing import Any, NamedTuple

from stario.feed import Feed
from stario.relay_bridge import Backend, Bridge
from stario.telemetry import Span

__all__ = ["Relay", "Subscription", "Message", "DEFAULT_INBOX_SIZE", "message_size", "start_relays", "stop_relays"]

_BRIDGED: weakref.WeakSet[Relay] = weakref.WeakSet()  # the relays with a backend, for the app's lifespan

DEFAULT_INBOX_SIZE = 256
"""How many unread messages a subscription keeps, unless told otherwise."""


class Message(NamedTuple):
    """A message and the topic it was published on, as ``subscribe(..., with_topic=True)`` gives them."""

    topic: str
    data: Any


class Relay:
    """Publish messages on topics; every subscription whose pattern matches gets them in its inbox.

    ``inbox_size`` is the default number of unread messages a subscription keeps before it starts
    dropping the oldest; ``inbox_bytes``, when given, the default number of bytes of them (a
    message's size: its length as bytes or UTF-8 text, of its HTML, its encoded Datastar event,
    or its JSON). A single message bigger than that is kept alone.

    ``backend`` reaches other processes: a URL (``redis://...``, ``postgresql://...``), a backend
    object, or ``"local"`` for this process only. Left out, ``STARIO_RELAY`` decides.
    """

    def __init__(
        self, inbox_size: int = DEFAULT_INBOX_SIZE, *, inbox_bytes: int | None = None, backend: str | Backend | None = None
    ) -> None:
        self.inbox_size = _check_size(inbox_size)
        self._bridge = _bridge_for(self, backend)
        self.inbox_bytes = _check_bytes(inbox_bytes)
        self._sized: tuple[int, int] = (0, 0)  # (publish number, size) of the message being published
        self.closed = False
        # Exact topics are a dict lookup; wildcard patterns are scanned, once per distinct pattern
        # however many subscribe to it. Both hold immutable tuples of inboxes, and `_wild` itself is
        # replaced rather than changed, so a publish in progress never sees the sets change under it
        # (a subscription dropped by the garbage collector may unsubscribe at any moment).
        self._exact: dict[str, tuple[_Inbox, ...]] = {}
        self._wild: dict[str, _Wildcard] = {}
        self._inboxes: set[_Inbox] = set()
        self._sequence = 0

    def publish(self, topic: str, message: Any) -> int:
        """Deliver ``message`` to every subscription matching ``topic``; return how many got it.

        Never blocks and never waits for a reader: a full inbox drops its oldest message instead.
        """
        _check_topic(topic)
        bridge = self._bridge
        if bridge is not None:
            bridge.send(topic, message)  # to the other processes (checked and queued; never waits)
        return self._deliver(topic, message)

    def _deliver(self, topic: str, message: Any) -> int:
        """Deliver to this process's subscriptions (a publish here, or a message from another process)."""
        # A subscription with several patterns may match a topic more than once; the publish's
        # number, stamped on each inbox it reaches, lets an inbox take the message only the first
        # time. (Inline rather than in a method: this loop runs once per subscriber.)
        self._sequence = sequence = self._sequence + 1
        item = (topic, message)  # one tuple, shared by every inbox
        delivered = 0
        for inbox in self._exact.get(topic, ()):
            # An exact pattern is listed once per inbox, and nothing reached it yet this publish.
            inbox.sequence = sequence
            delivered += inbox.put(item)
        wild = self._wild
        if wild:
            segments = topic.split(".")
            for entry in wild.values():
                if entry.matches(segments):
                    for inbox in entry.inboxes:
                        if inbox.sequence != sequence:
                            inbox.sequence = sequence
                            delivered += inbox.put(item)
        return delivered

    def subscribe(
        self,
        *patterns: str,
        with_topic: bool = False,
        inbox_size: int | None = None,
        inbox_bytes: int | None = None,
        span: Span | None = None,
    ) -> Subscription:
        """Subscribe to the topics matching any of ``patterns``, from now on.

        Iterate the result with ``async for`` (or use it with ``async with``). Each item is the
        message as published, or a `Message` (``topic, data``) with ``with_topic=True``.
        ``inbox_size`` and ``inbox_bytes`` override the relay's defaults. With ``span``, lost messages are recorded on
        it: a ``relay.dropped`` event (``topic`` of the first message lost, ``dropped`` how many)
        when the subscription next reads or ends.
        """
        if self.closed:
            raise RuntimeError("this relay is closed; it takes no new subscriptions")
        if not patterns:
            raise TypeError("subscribe() needs at least one pattern, such as 'room.1' or 'room.*'")
        split = {pattern: _split_pattern(pattern) for pattern in patterns}  # also drops repeats
        size = self.inbox_size if inbox_size is None else _check_size(inbox_size)
        max_bytes = self.inbox_bytes if inbox_bytes is None else _check_bytes(inbox_bytes)
        if max_bytes is None:
            inbox = _Inbox(self, tuple(split), size, with_topic, span)
        else:
            inbox = _ByteBoundedInbox(self, tuple(split), size, with_topic, span, max_bytes)
        for pattern, parts in split.items():
            if "*" in parts or ">" in parts:
                self._add_wildcard(pattern, parts, inbox)
            else:
                self._exact[pattern] = self._exact.get(pattern, ()) + (inbox,)
        self._inboxes.add(inbox)
        bridge = self._bridge
        if bridge is not None:
            bridge.watch(inbox.patterns)
            if not bridge.running:
                bridge.start()  # normally started by the app's lifespan; this covers a relay made later
        return Subscription(inbox)

    def subscriber_count(self, topic: str | None = None) -> int:
        """How many subscriptions are open; with ``topic``, how many a publish to it would reach."""
        if topic is None:
            return len(self._inboxes)
        _check_topic(topic)
        reached = set(self._exact.get(topic, ()))
        segments = topic.split(".")
        for entry in self._wild.values():
            if entry.matches(segments):
                reached.update(entry.inboxes)
        return len(reached)

    def close(self) -> None:
        """End every subscription (their ``async for`` loops finish) and refuse new ones.

        For an app's teardown, so that open streams end instead of waiting for messages.
        """
        self.closed = True
        for inbox in tuple(self._inboxes):
            inbox.close()

    def size_of(self, message: Any, sequence: int) -> int:
        """The size of the message of publish number ``sequence``, measured once per publish."""
        measured_for, size = self._sized
        if measured_for != sequence:
            size = message_size(message)
            self._sized = (sequence, size)
        return size

    def _add_wildcard(self, pattern: str, parts: tuple[str, ...], inbox: _Inbox) -> None:
        entry = self._wild.get(pattern)
        if entry is None:
            self._wild = {**self._wild, pattern: _Wildcard(parts, (inbox,))}
        else:
            entry.inboxes += (inbox,)

    @property
    def backend(self) -> Backend | None:
        """The broker this relay reaches other processes through, or None (this process only)."""
        return self._bridge.backend if self._bridge is not None else None

    @property
    def stats(self) -> dict[str, Any]:
        """Counts for the cross-process link: ``failed`` sends, ``missed`` and ``received`` messages."""
        bridge = self._bridge
        if bridge is None:
            return {"backend": "local", "subscriptions": len(self._inboxes)}
        return {
            "backend": bridge.backend.name, "connected": bridge.connected, "subscriptions": len(self._inboxes),
            "failed": bridge.failed, "missed": bridge.missed, "received": bridge.received,
        }  # fmt: skip

    async def start(self, timeout: float = 2.0) -> None:
        """Start listening to the broker and wait (up to ``timeout``) until it answers; the app's
        lifespan does this for every relay with a backend. Nothing to do for a local relay."""
        if self._bridge is not None:
            self._bridge.start()
            await self._bridge.wait_connected(timeout)

    async def stop(self) -> None:
        """Stop listening to the broker (what is queued is sent first, for a moment)."""
        if self._bridge is not None:
            await self._bridge.stop()

    def _report_missed(self, origin: str, count: int) -> None:
        for inbox in self._inboxes:
            if inbox.span is not None:
                inbox.span.event("relay.missed", missed=count, cause="messages from another process never arrived (broker unreachable?)")

    def _remove(self, inbox: _Inbox) -> None:
        if self._bridge is not None and inbox in self._inboxes:
            self._bridge.unwatch(inbox.patterns)
        self._inboxes.discard(inbox)
        for pattern in inbox.patterns:
            exact = self._exact.get(pattern)
            if exact is not None:
                rest = tuple(other for other in exact if other is not inbox)
                if rest:
                    self._exact[pattern] = rest
                else:
                    del self._exact[pattern]
                continue
            entry = self._wild.get(pattern)
            if entry is not None:
                entry.inboxes = tuple(other for other in entry.inboxes if other is not inbox)
                if not entry.inboxes:
                    self._wild = {key: value for key, value in self._wild.items() if key != pattern}

    def __repr__(self) -> str:
        where = self._bridge.backend.name if self._bridge is not None else "local"
        return f"<Relay {where} subscriptions={len(self._inboxes)} inbox_size={self.inbox_size}>"


class Subscription:
    """One subscriber's end of a `Relay`: iterate it for messages.

    It unsubscribes when closed (``close()``, ``aclose()``, the end of ``async with``) or when
    nothing refers to it any more, which is how a plain ``async for`` loop cleans up when it ends.
    One task reads a subscription at a time.
    """

    # The relay holds the inbox, never this handle: dropping the handle is what unsubscribes.
    __slots__ = ("_inbox",)

    def __init__(self, inbox: _Inbox) -> None:
        self._inbox = inbox

    @property
    def patterns(self) -> tuple[str, ...]:
        """The patterns subscribed to."""
        return self._inbox.patterns

    @property
    def dropped(self) -> int:
        """How many messages were lost because the inbox was full."""
        return self._inbox.dropped

    @property
    def pending(self) -> int:
        """How many messages wait in the inbox, unread."""
        return len(self._inbox)

    @property
    def inbox_size(self) -> int:
        """How many unread messages the inbox keeps before dropping the oldest."""
        return self._inbox.size

    @property
    def pending_bytes(self) -> int | None:
        """How many bytes of messages wait unread, when the inbox is bounded in bytes (else None)."""
        return getattr(self._inbox, "held_bytes", None)

    @property
    def closed(self) -> bool:
        """Whether the subscription has ended."""
        return self._inbox.closed

    def close(self) -> None:
        """Unsubscribe now; unread messages are discarded and a waiting ``async for`` ends."""
        self._inbox.close()

    async def aclose(self) -> None:
        """Unsubscribe (the asynchronous spelling, as for a generator)."""
        self._inbox.close()

    def __aiter__(self) -> Subscription:
        return self

    def __anext__(self) -> Awaitable[Any]:
        # A plain method returning the inbox's coroutine: the frame that waits refers to the inbox
        # only, so a traceback kept after a cancellation does not keep this handle alive.
        return self._inbox.get()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._inbox.close()

    def __del__(self) -> None:
        inbox = getattr(self, "_inbox", None)
        if inbox is not None and not inbox.closed:
            inbox.close()

    def __repr__(self) -> str:
        inbox = self._inbox
        state = "closed" if inbox.closed else f"pending={len(inbox)} dropped={inbox.dropped}"
        return f"<Subscription {' '.join(inbox.patterns)} {state}>"


class _Inbox(Feed[tuple[str, Any]]):
    """The bounded queue of one subscription, and what the relay delivers into.

    Its items are ``(topic, message)`` tuples. Beyond a plain `Feed`, it remembers which publish
    reached it last (``sequence``, kept by `Relay.publish`), records lost messages on its span,
    and discards unread messages when it closes.
    """

    __slots__ = ("patterns", "with_topic", "span", "sequence", "unreported", "lost_topic")

    def __init__(self, relay: Relay, patterns: tuple[str, ...], size: int, with_topic: bool, span: Span | None):
        super().__init__(size, on_close=relay._remove)
        self.patterns = patterns
        self.with_topic = with_topic
        self.span = span
        self.sequence = 0  # the number of the last publish that reached this inbox
        self.unreported = 0  # lost since the last read, not yet recorded on the span
        self.lost_topic = ""

    def _dropped_oldest(self, item: tuple[str, Any]) -> None:
        if not self.unreported:
            self.lost_topic = item[0]
        self.unreported += 1

    async def get(self) -> Any:
        """The next message (a `Message` with ``with_topic``); records earlier losses on the span."""
        items = self._items
        while not items:
            await self._wait()
        if self.unreported:
            self.report_drops()
        topic, message = items.popleft()
        return Message(topic, message) if self.with_topic else message

    def report_drops(self) -> None:
        """Record the messages lost since the last read as a ``relay.dropped`` event on the span."""
        if self.span is not None:
            self.span.event("relay.dropped", topic=self.lost_topic, dropped=self.unreported)
        self.unreported = 0

    def close(self) -> None:
        """Unsubscribe, discard the unread messages and wake a waiting reader, which then stops."""
        if self.closed:
            return
        self._items.clear()
        super().close()  # calls Relay._remove
        if self.unreported:
            self.report_drops()


class _ByteBoundedInbox(_Inbox):
    """An inbox that also bounds the bytes it holds: the oldest go until the newest fits."""

    __slots__ = ("relay", "max_bytes", "held_bytes", "_sizes")

    def __init__(self, relay: Relay, patterns: tuple[str, ...], size: int, with_topic: bool, span: Span | None, max_bytes: int):
        super().__init__(relay, patterns, size, with_topic, span)
        self.relay = relay
        self.max_bytes = max_bytes
        self.held_bytes = 0
        self._sizes: deque[int] = deque()

    def put(self, item: tuple[str, Any]) -> bool:
        """Queue ``item``, first dropping the oldest messages while it would not fit (in count or bytes)."""
        if self.closed:
            return False
        size = self.relay.size_of(item[1], self.sequence)
        items, sizes = self._items, self._sizes
        while items and (len(items) >= self._size or self.held_bytes + size > self.max_bytes):
            self._dropped_oldest(items[0])
            items.popleft()
            self.held_bytes -= sizes.popleft()
            self.dropped += 1
        items.append(item)
        sizes.append(size)
        self.held_bytes += size
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return True

    async def get(self) -> Any:
        """The next message; its bytes no longer count against the inbox.

        `_Inbox.get` again, plus the size bookkeeping: kept apart so the plain inbox, read once
        per message per subscriber on every publish, pays for no hook it does not need.
        """
        items = self._items
        while not items:
            await self._wait()
        if self.unreported:
            self.report_drops()
        topic, message = items.popleft()
        self.held_bytes -= self._sizes.popleft()
        return Message(topic, message) if self.with_topic else message

    def close(self) -> None:
        """Unsubscribe and discard the unread messages."""
        self._sizes.clear()
        self.held_bytes = 0
        super().close()


def message_size(message: Any) -> int:
    """About how many bytes ``message`` stands for (for ``inbox_bytes``)."""
    if isinstance(message, (bytes, bytearray, memoryview)):
        return len(message)
    if isinstance(message, str):
        return len(message) if message.isascii() else len(message.encode("utf-8", "replace"))
    encode = getattr(message, "encode", None)
    if callable(encode) and hasattr(message, "type"):  # a Datastar event
        return message_size(encode())
    if hasattr(message, "__html__"):
        return message_size(message.__html__())
    try:
        return len(json.dumps(message, default=str))
    except (TypeError, ValueError):
        return len(repr(message))


class _Wildcard:
    """A pattern with ``*`` or ``>``, pre-split, and the inboxes subscribed to it."""

    __slots__ = ("length", "tail", "literals", "inboxes")

    def __init__(self, parts: tuple[str, ...], inboxes: tuple[_Inbox, ...]) -> None:
        self.tail = parts[-1] == ">"
        self.length = len(parts)
        # Only the named segments need comparing: the wildcards match any segment.
        self.literals = tuple((index, part) for index, part in enumerate(parts) if part not in ("*", ">"))
        self.inboxes = inboxes

    def matches(self, segments: list[str]) -> bool:
        count = len(segments)
        if count != self.length and not (self.tail and count > self.length):
            return False
        for index, part in self.literals:
            if segments[index] != part:
                return False
        return True


def _split_pattern(pattern: str) -> tuple[str, ...]:
    """Check a subscription pattern and return its segments."""
    if not isinstance(pattern, str) or not pattern:
        raise ValueError(f"a pattern is a dot-separated string such as 'room.*', got {pattern!r}")
    parts = tuple(pattern.split("."))
    for index, part in enumerate(parts):
        if not part:
            raise ValueError(f"the pattern {pattern!r} has an empty segment")
        if part == ">" and index != len(parts) - 1:
            raise ValueError(f"'>' matches the rest of a topic, so it can only end a pattern; got {pattern!r}")
        if part not in ("*", ">") and ("*" in part or ">" in part):
            raise ValueError(f"'*' and '>' stand for whole segments ('room.*', not 'room*'); got {pattern!r}")
    return parts


def _check_topic(topic: str) -> None:
    if (
        not isinstance(topic, str)
        or not topic
        or "*" in topic
        or ">" in topic
        or ".." in topic
        or topic[0] == "."
        or topic[-1] == "."
    ):
        raise ValueError(f"a topic is a dot-separated name without wildcards, such as 'room.1'; got {topic!r}")


def _bridge_for(relay: Relay, backend: str | Backend | None) -> Bridge | None:
    if backend is None:
        backend = os.environ.get("STARIO_RELAY") or None
    if backend is None or backend == "local":
        return None
    if isinstance(backend, str):
        from stario.relay_backends import backend_from_url

        backend = backend_from_url(backend)
    _BRIDGED.add(relay)
    return Bridge(backend, relay._deliver, relay._report_missed)


async def start_relays(timeout: float = 2.0) -> None:
    """Start every relay with a backend made in this process (the app's lifespan calls it), and
    wait up to ``timeout`` in all for their brokers to answer (a broker that is down is retried
    in the background: the app starts anyway)."""
    relays = list(_BRIDGED)
    if relays:
        await asyncio.gather(*(relay.start(timeout) for relay in relays))


async def stop_relays() -> None:
    """Stop them (the app's lifespan calls it when the server stops)."""
    for relay in list(_BRIDGED):
        await relay.stop()


def _check_bytes(size: int | None) -> int | None:
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise ValueError(f"inbox_bytes is a number of bytes >= 1 (or None for no byte bound); got {size!r}")
    return size


def _check_size(size: int) -> int:
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"an inbox holds at least one message; got inbox_size={size!r}")
    return size
