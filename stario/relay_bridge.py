"""Carrying a `Relay`'s messages between processes: `Bridge`, and the `Backend` protocol brokers follow.

A `Relay` with a backend (``Relay(backend="redis://...")``, or ``STARIO_RELAY``) still delivers
every message to its own process's subscriptions at once, as an in-process relay does. Its bridge
also sends the message to the broker, and a listener task hands the messages other processes sent
to the local subscriptions. So a message reaches every matching subscription in every process,
exactly once:

- **Not twice in the publisher's process.** Each message carries its relay's ``origin`` (a random
  id per relay per process); a listener skips its own.
- **Not twice anywhere.** Each message carries its origin's sequence number; a listener remembers
  the last one per origin and drops a repeat (a broker may hand the same message over once per
  matching subscription pattern).
- **What was missed is said.** A jump in an origin's sequence means messages were lost (the
  broker was unreachable for a while, from the publisher or from here): the listener logs how
  many and records a ``relay.missed`` event on the span of every open subscription that has one.
- **Publishing never blocks.** `Relay.publish` queues the message (bounded: 10,000) and returns.
  A sender task writes the queue to the broker, each write bounded by ``timeout`` seconds; a
  write that fails or times out is counted in ``failed``, and logged once per outage.
- **The listener comes back.** When the broker goes away it reconnects with back-off (0.1 s,
  doubling up to 5 s), subscribes again, and says how long it was away.

Messages travel as JSON: a message must be JSON-serialisable (`TypeError` at `publish`
otherwise), and one published as HTML (anything with ``__html__``) arrives as `stario.html.HTML`,
not as text to escape again.

A backend is a small class (see `Backend`): connect, subscribe to patterns, yield payloads,
publish a payload, close. `stario.relay_backends` has Redis and Postgres; NATS or others can follow.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, Protocol

from stario.html import HTML

__all__ = ["Backend", "Bridge", "encode_envelope", "decode_envelope"]

logger = logging.getLogger("stario.relay")

_QUEUE_LIMIT = 10_000
_ORIGINS_KEPT = 1_000


class Backend(Protocol):
    """A message broker, as a `Bridge` uses it. One instance serves one relay in one process.

    ``max_payload`` is the largest payload in bytes the broker carries (None: no limit worth
    checking). Patterns are Stario's (``chat.*``, ``chat.>``): a backend may subscribe to more
    than they match (the relay matches exactly on arrival), never to less.
    """

    name: str
    max_payload: int | None

    async def connect(self) -> None:
        """Open the connections; raise if the broker cannot be reached."""

    async def subscribe(self, patterns: Iterable[str]) -> None:
        """Start receiving the messages of these patterns (on top of those already subscribed)."""

    async def unsubscribe(self, patterns: Iterable[str]) -> None:
        """Stop receiving the messages of these patterns."""

    def payloads(self) -> AsyncIterator[bytes]:
        """The payloads that arrive, until the connection is lost (then it raises)."""
        ...

    async def publish(self, topic: str, payload: bytes) -> None:
        """Send one payload on ``topic``; raise if it could not be sent."""

    async def close(self) -> None:
        """Close the connections (never raises)."""


def encode_envelope(origin: str, sequence: int, topic: str, message: Any) -> bytes:
    """The JSON a message travels in. `TypeError` when the message is not JSON-serialisable."""
    if hasattr(message, "__html__"):
        kind, data = "html", str(message.__html__())
    else:
        kind, data = "json", message
    try:
        return json.dumps({"o": origin, "s": sequence, "t": topic, "k": kind, "d": data}, separators=(",", ":"), ensure_ascii=False).encode()
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"a message published across processes must be JSON-serialisable (str, numbers, lists, dicts, None) "
            f"or HTML; {type(message).__name__} is not: {exc}"
        ) from None


def decode_envelope(payload: bytes | str) -> tuple[str, int, str, Any]:
    """``(origin, sequence, topic, message)`` from a payload; `ValueError` if it is not one of ours."""
    try:
        envelope = json.loads(payload)
        origin, sequence, topic, kind, data = envelope["o"], envelope["s"], envelope["t"], envelope["k"], envelope["d"]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"not a Stario relay message: {exc}") from None
    return origin, int(sequence), topic, HTML(data) if kind == "html" else data


class Bridge:
    """One relay's link to a broker (see the module docstring). Made by `stario.relay.Relay`."""

    def __init__(self, backend: Backend, deliver: Callable[[str, Any], int], report_missed: Callable[[str, int], None], *, timeout: float = 1.0) -> None:
        self.backend = backend
        self.origin = uuid.uuid4().hex[:16]
        self.timeout = timeout
        #: Messages that could not be handed to the broker (down, too slow, queue full).
        self.failed = 0
        #: Messages from other processes that never arrived (gaps in their sequence numbers).
        self.missed = 0
        #: Messages from other processes delivered here.
        self.received = 0
        self.connected = False
        self._deliver = deliver
        self._report_missed = report_missed
        self._sequence = 0
        self._last_seen: OrderedDict[str, int] = OrderedDict()  # origin -> last sequence, oldest first
        self._patterns: dict[str, int] = {}  # pattern -> how many local subscriptions use it
        self._outgoing: asyncio.Queue[tuple[str, bytes]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Event | None = None  # set once connected the first time
        self._up: asyncio.Event | None = None  # set while connected
        self._helpers: set[asyncio.Task[None]] = set()
        self._down_since: float | None = None
        self._failing = False

    # -- called by the relay -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the listener and sender tasks run, on the event loop running now."""
        if not self._tasks:
            return False
        try:
            return self._loop is asyncio.get_running_loop()
        except RuntimeError:
            return True  # asked from outside any loop: they run on theirs

    def start(self) -> None:
        """Start the listener and the sender on the running event loop (once per loop).

        Tasks left on another loop (one that has closed: an app served again, as tests do) are
        dropped: a relay belongs to the loop that serves it now.
        """
        if self._tasks and self._loop is asyncio.get_running_loop():
            return
        self._tasks = []
        self.connected = False
        self._loop = asyncio.get_running_loop()
        self._outgoing = asyncio.Queue(_QUEUE_LIMIT)
        self._ready = asyncio.Event()
        self._up = asyncio.Event()
        name = f"stario.relay.{self.backend.name}"
        self._tasks = [
            self._loop.create_task(self._listen(), name=f"{name}.listen"),
            self._loop.create_task(self._send(), name=f"{name}.send"),
        ]

    async def wait_connected(self, timeout: float) -> bool:
        """Wait until the listener is connected and subscribed; False if ``timeout`` passed first."""
        if self._ready is None or not self.running:
            return False
        try:
            async with asyncio.timeout(timeout):
                await self._ready.wait()
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        """Send what is queued (bounded by ``timeout``), stop the tasks, close the broker's connections."""
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        if self._loop is not asyncio.get_running_loop():
            return  # they ran on a loop that is gone (or not this one): nothing to await here
        listener, sender = tasks
        listener.cancel()
        if self._outgoing is not None and not self._outgoing.empty():
            try:
                async with asyncio.timeout(self.timeout):
                    await self._outgoing.join()
            except TimeoutError:
                pass
        sender.cancel()
        for task in tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        await self.backend.close()
        self.connected = False

    def send(self, topic: str, message: Any) -> None:
        """Queue a message for the other processes; returns at once (see the module docstring)."""
        self._sequence += 1
        payload = encode_envelope(self.origin, self._sequence, topic, message)
        limit = self.backend.max_payload
        if limit is not None and len(payload) > limit:
            raise ValueError(
                f"this message is {len(payload)} bytes once encoded; {self.backend.name} carries at most {limit}. "
                "Publish something small (an id), and let the subscribers read the rest from the database"
            )
        if self._outgoing is None:
            self.start()
        assert self._outgoing is not None
        try:
            self._outgoing.put_nowait((topic, payload))
        except asyncio.QueueFull:
            self._fail(f"its queue of {_QUEUE_LIMIT} messages is full")

    def watch(self, patterns: Iterable[str]) -> None:
        """A local subscription uses these patterns: receive their messages from the broker too."""
        added = []
        for pattern in patterns:
            count = self._patterns.get(pattern, 0)
            self._patterns[pattern] = count + 1
            if count == 0:
                added.append(pattern)
        if added and self.connected:
            self._spawn(self.backend.subscribe(added))

    def unwatch(self, patterns: Iterable[str]) -> None:
        """A local subscription ended."""
        removed = []
        for pattern in patterns:
            count = self._patterns.get(pattern, 0) - 1
            if count <= 0:
                self._patterns.pop(pattern, None)
                removed.append(pattern)
            else:
                self._patterns[pattern] = count
        if removed and self.connected:
            self._spawn(self.backend.unsubscribe(removed))

    # -- the tasks -----------------------------------------------------------------------------------

    async def _listen(self) -> None:
        delay = 0.1
        while True:
            try:
                await self.backend.connect()
                subscribed = set(self._patterns)
                await self.backend.subscribe(subscribed)
                self.connected = True
                assert self._up is not None
                self._up.set()
                late = set(self._patterns) - subscribed  # subscriptions made while we connected
                if late:
                    await self.backend.subscribe(late)
                if self._down_since is not None:
                    logger.warning(
                        "relay: reconnected to %s after %.1f s; messages sent meanwhile are reported as missed when their senders' next ones arrive",
                        self.backend.name, time.monotonic() - self._down_since,
                    )
                    self._down_since = None
                delay = 0.1
                assert self._ready is not None
                self._ready.set()
                async for payload in self.backend.payloads():
                    self._arrived(payload)
                raise ConnectionError("the subscription ended")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.connected = False
                if self._up is not None:
                    self._up.clear()
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    logger.warning("relay: lost %s (%s: %s); reconnecting", self.backend.name, type(exc).__name__, exc)
                await self.backend.close()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _send(self) -> None:
        # Bounded with asyncio.timeout, not wait_for: on Python 3.11 wait_for drops a cancellation
        # that arrives as the write completes, and this task would go on waiting for ever.
        queue = self._outgoing
        assert queue is not None
        while True:
            topic, payload = await queue.get()
            try:
                if not self.connected:
                    if self._down_since is not None:  # a known outage: fail now, do not queue behind it
                        raise ConnectionError(f"{self.backend.name} is unreachable")
                    assert self._up is not None  # starting up: wait a little for the first connection
                    async with asyncio.timeout(self.timeout):
                        await self._up.wait()
                async with asyncio.timeout(self.timeout):
                    await self.backend.publish(topic, payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._fail(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            else:
                if self._failing:
                    self._failing = False
                    logger.warning("relay: publishing to %s works again (%d messages could not be sent)", self.backend.name, self.failed)
            finally:
                queue.task_done()

    def _fail(self, why: str) -> None:
        self.failed += 1
        if not self._failing:
            self._failing = True
            logger.warning("relay: a message could not be sent to %s (%s); other processes miss it", self.backend.name, why)

    def _arrived(self, payload: bytes) -> None:
        try:
            origin, sequence, topic, message = decode_envelope(payload)
        except ValueError as exc:
            logger.warning("relay: ignored a message on %s: %s", self.backend.name, exc)
            return
        if origin == self.origin:
            return  # ours: delivered in this process when it was published
        last = self._last_seen.get(origin)
        if last is not None and sequence <= last:
            return  # a repeat (the broker matched it to two of our patterns)
        if last is not None and sequence > last + 1:
            gap = sequence - last - 1
            self.missed += gap
            logger.warning("relay: missed %d messages from another process on %s", gap, self.backend.name)
            self._report_missed(origin, gap)
        self._last_seen[origin] = sequence
        self._last_seen.move_to_end(origin)
        if len(self._last_seen) > _ORIGINS_KEPT:
            self._last_seen.popitem(last=False)
        self.received += 1
        self._deliver(topic, message)

    def _spawn(self, awaitable: Any) -> None:
        async def run() -> None:
            try:
                await awaitable
            except Exception as exc:  # the listener reconnects and subscribes afresh
                logger.debug("relay: subscription change failed: %r", exc)

        task = asyncio.get_running_loop().create_task(run())
        self._helpers.add(task)  # held until done: the loop keeps only weak references to tasks
        task.add_done_callback(self._helpers.discard)
