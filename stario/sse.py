"""A stream of Server-Sent Events carrying Datastar events: `SSEStream`, from ``w.sse()``.

::

    async def clock(c: Context, w: Writer) -> None:
        async with w.sse() as sse:
            while True:
                await sse.patch_elements(f'<p id="now">{time.strftime("%X")}</p>')
                await asyncio.sleep(1)

What it does for you, and why:

- The status line and the SSE headers (``Content-Type: text/event-stream``,
  ``Cache-Control: no-cache``, ``X-Accel-Buffering: no``) go out first, then each event is
  flushed as one chunk the moment it is written (a generator handler's items: see below).
- While the stream is open, a watcher listens for the client going away. When it does, the
  handler is cancelled: its ``finally`` blocks run, and nothing is left running. That is how a
  ``while True`` loop ends when the tab closes.
- After ``heartbeat`` seconds without an event the watcher writes ``: ping``, a comment the
  browser ignores, so proxies do not time the idle connection out.
- The request's span counts every event and its bytes (``sse.events``, ``sse.bytes``), records
  the first `SSE_EVENTS_IN_FULL` events in full, then one in `SSE_EVENT_SAMPLE`: a stream that
  runs for hours keeps a span of bounded size, and costs little per event.
- A message fanned out to many streams is encoded once (`SSEStream.hold_item`).
- A generator handler's items that are ready without waiting (a subscription that fell behind
  holds several messages) go out together, in one write: one system call for many events when a
  stream lags, which is when it counts (`SSEStream.hold_item`, `stario.handlers`).
"""

from __future__ import annotations

import asyncio
import time
import types
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Protocol

from stario import datastar
from stario.datastar import Event
from stario.errors import ClientDisconnected
from stario.telemetry import NON_RECORDING_SPAN

if TYPE_CHECKING:
    from stario.compression import Encoder
    from stario.context import Context

__all__ = ["SSEStream", "SSE_HEADERS"]

SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]
"""The headers of every SSE response (as datastar-py sends them)."""

_PING = b": ping\n\n"


class ResponseHead(Protocol):
    """What a stream needs of the `Writer` that opened it: the status and headers it set, and
    the count it keeps (a protocol, so this module and the writer's need not import each other)."""

    status: int | None
    bytes_sent: int

    def raw_headers(self, content_type: bytes, content_length: int | None) -> list[tuple[bytes, bytes]]: ...


class SSEStream:
    """An open SSE response. Write events with its methods; ``close()`` (or ``async with``) ends it."""

    __slots__ = (
        "writer", "request", "span", "heartbeat", "started", "closed", "events_sent", "held_bytes",
        "_watcher", "_last_write", "_opening", "_encoder", "_writing", "_held",
    )  # fmt: skip

    def __init__(self, writer: ResponseHead, request: Context, *, heartbeat: float | None = 15.0) -> None:
        self.writer = writer
        self.request = request
        #: The request's span, read once: the stream records its events on it.
        self.span = request.span
        self.heartbeat = heartbeat
        self.started = False
        self.closed = False
        self.events_sent = 0
        self.held_bytes = 0  # of events taken by `hold_item`, not sent yet
        self._held: list[bytes] = []
        self._watcher: asyncio.Task[None] | None = None
        self._last_write = 0.0
        self._opening: asyncio.Future[None] | None = None
        self._encoder: Encoder | None = None  # the stream's compressor, when the app compresses
        self._writing: asyncio.Future[None] | None = None  # a write waiting for a slow client (see `_start_write`)

    # -- opening and closing ------------------------------------------------------------------

    async def open(self) -> SSEStream:
        """Send the status line and headers now, and start watching for the client leaving.

        A HEAD request gets the headers and an empty body at once: there is nobody to stream to.
        Two tasks opening at once (a generator's first item, and its grace period running out)
        share one opening.
        """
        if self.started:
            return self
        if self._opening is not None:
            await asyncio.shield(self._opening)
            return self
        self._opening = asyncio.get_running_loop().create_future()
        try:
            await self._start(watch=True)
        except BaseException as exc:
            self._opening.set_exception(exc)
            self._opening.exception()  # retrieved: the other opener, if any, sees it when it awaits
            raise
        self._opening.set_result(None)
        self._opening = None  # `started` answers from now on (another opener holds its own reference)
        if self.request.method == "HEAD":
            await self.close()
        return self

    async def _start(self, *, watch: bool) -> None:
        writer, request = self.writer, self.request
        # Read the request body first: once the stream is open, the watcher owns `receive`.
        await request.body()
        headers = list(SSE_HEADERS)
        headers.extend(writer.raw_headers(b"", None))
        compression = request.app.compression
        if compression is not None:
            # One compressor for the whole stream, flushed after each write (see `_start_write`).
            headers.append((b"vary", b"Accept-Encoding"))
            encoding = compression.choose(request.scope["headers"])
            if encoding is not None:
                headers.append((b"content-encoding", encoding.encode()))
                self._encoder = compression.encoder(encoding)
        if writer.status is None:
            writer.status = 200
        request.headers_sent = True
        await request.send({"type": "http.response.start", "status": writer.status, "headers": headers})
        self.started = True
        self._last_write = time.monotonic()
        if watch and request.method != "HEAD":
            request.stream_opened()
            self._watcher = asyncio.create_task(self._watch(), name=f"stario.sse.watch {request.scope.get('path')}")

    async def close(self) -> None:
        """End the stream (the response's last, empty chunk) and stop the watcher."""
        if self.closed:
            return
        self.closed = True
        self.request.stream_closed()
        watcher = self._watcher
        if watcher is not None and not watcher.done():
            watcher.cancel()
            try:
                await watcher
            except asyncio.CancelledError:
                pass
        opening = self._opening
        if opening is not None and not opening.done():
            await asyncio.wait([opening])  # another task is sending the head: let it finish first
        if not self.started:
            await self._start(watch=False)
        try:
            await self._wait_for_writes()
        except Exception:  # that write failed: the client is gone, and the last chunk goes nowhere
            pass
        body = self._take_held(b"")  # events held until now go out with the last chunk
        if self._encoder is not None:
            body = self._encoder.compress(body) + self._encoder.finish() if body else self._encoder.finish()
        await self.request.send({"type": "http.response.body", "body": body, "more_body": False})

    def stop_watching(self) -> None:
        """Cancel the watcher task if it still runs (the app calls this when a request ends)."""
        self.request.stream_closed()
        if self._watcher is not None and not self._watcher.done():
            self._watcher.cancel()

    async def __aenter__(self) -> SSEStream:
        return await self.open()

    async def __aexit__(self, exc_type, exc, tb) -> None:
        # The app closes the stream after the handler; closing here too ends it at the block's end.
        if exc_type is None:
            await self.close()

    # -- writing ------------------------------------------------------------------------------

    async def send(self, event: Event | str) -> None:
        """Send one event: an `Event` object or already formatted event text.

        Raises `ClientDisconnected` once the client has gone (or for HEAD, which wants no body),
        so a loop that writes forever ends even if it swallowed the cancellation.
        """
        if isinstance(event, Event):
            text = event.encode()
            await self._send_encoded(text.encode("utf-8"), event.type, event)
        else:
            await self._send_encoded(event.encode("utf-8"), _event_type(event), None)

    def send_item(self, item: Any) -> Awaitable[None]:
        """Send what a generator handler yielded (HTML, a dict of signals, an event: see
        `stario.datastar.to_event`); ``None`` sends nothing. Await the result."""
        self.hold_item(item)
        return self.flush() if self._held else _nothing()

    def hold_item(self, item: Any) -> None:
        """Take what a generator handler yielded, to send with the next write: `flush`, or any
        other write of this stream, sends held events first, so the order never changes.

        This is how a generator handler's items go out (`stario.handlers`): held, then flushed
        when the generator has to wait for its next item, so items it has ready at once share
        one write. Counted and recorded on the span now; raises `ClientDisconnected` once the
        client has gone, as `send` does.

        When many streams take the same object (a message fanned out by a `Relay`), it is encoded
        once: the bytes of the last `_ENCODED_KEPT` immutable items (``str``, HTML) are kept, and a
        stream that takes one of those very objects takes the bytes. Many are kept, not one: a
        stream that fell behind works through several messages before the next stream runs.
        """
        known = _encoded.get(id(item))
        if known is not None and known[0] is item:
            data, kind, event = known[1], known[2], None
        elif isinstance(item, Event):
            data, kind, event = item.encode().encode("utf-8"), item.type, item
        else:
            text = datastar.to_event(item)
            if text is None:
                return
            data, kind, event = text.encode("utf-8"), _event_type(text), None
            if isinstance(item, str):  # immutable: the same object always encodes the same way
                _remember(item, data, kind)
        # `_count`, inline: this runs once per event per subscriber
        request = self.request
        if request.disconnected or self.closed or request.method == "HEAD":
            self._check_open()  # raises, saying which
        self.events_sent = count = self.events_sent + 1
        self.writer.bytes_sent += len(data)
        self._held.append(data)
        self.held_bytes += len(data)
        if self.span is not NON_RECORDING_SPAN:
            self._record(data, kind, event, count)

    async def flush(self) -> None:
        """Send the events `hold_item` took, in one write (opening the stream first if need be)."""
        if not self.started:
            await self.open()
        if self._held:
            await self._write(b"")

    def flush_soon(self) -> None:
        """Start sending the held events without waiting for the write (`_start_write`).

        For a generator handler's pump, which calls it while the generator waits for its next
        item: nothing of the stream's own then runs inside the generator's wait, so a timeout or
        a cancellation meant for what the generator awaits reaches it, and cuts no write short.
        A write that fails is kept, and the stream's next write raises its error.
        """
        if self._held and self._writing is None:
            try:
                self._start_write(b"")
            except Exception as exc:
                self._writing = _failed(exc)

    async def _send_encoded(self, data: bytes, kind: str, event: Event | None) -> None:
        if not self.started:
            await self.open()
        self._count(data, kind, event)
        await self._write(data)

    def _count(self, data: bytes, kind: str, event: Event | None) -> None:
        """Check the stream can still take an event, then count it, and record it on the span."""
        request = self.request
        if request.disconnected or self.closed or request.method == "HEAD":
            self._check_open()  # raises, saying which
        self.events_sent = count = self.events_sent + 1
        self.writer.bytes_sent += len(data)
        if self.span is not NON_RECORDING_SPAN:
            self._record(data, kind, event, count)

    def _record(self, data: bytes, kind: str, event: Event | None, count: int) -> None:
        """Put event number ``count`` on the request's span: its count and bytes always, the
        first events in full, after that one in `SSE_EVENT_SAMPLE`."""
        span = self.span
        attributes = span.attributes
        attributes["sse.events"] = count
        attributes["sse.bytes"] = attributes.get("sse.bytes", 0) + len(data)
        if count <= SSE_EVENTS_IN_FULL or count % SSE_EVENT_SAMPLE == 0:
            details = _describe(event) if event is not None else {}
            span.event("sse", type=kind, bytes=len(data), n=count, **details)

    def _take_held(self, data: bytes) -> bytes:
        """The held events' bytes followed by ``data``; nothing is held afterwards."""
        held = self._held
        if not held:
            return data
        if data or len(held) > 1:
            held.append(data)
            data = b"".join(held)
        else:
            data = held[0]  # one event, as most writes are: no copy
        held.clear()
        self.held_bytes = 0
        return data

    def _check_open(self) -> None:
        if self.request.disconnected or self.request.method == "HEAD":
            raise ClientDisconnected("the client has gone; nothing more can be sent")
        if self.closed:
            raise RuntimeError("this SSE stream is closed")

    async def patch_elements(
        self,
        elements: Any = None,
        *,
        selector: str | None = None,
        mode: str | None = None,
        use_view_transition: bool | None = None,
        view_transition_selector: str | None = None,
        namespace: str | None = None,
        event_id: str | int | None = None,
        retry_duration: int | None = None,
    ) -> None:
        """Send ``datastar-patch-elements``: morph by id, or ``mode`` at ``selector``."""
        await self.send(
            datastar.PatchElements(
                elements,
                selector=selector,
                mode=mode,
                use_view_transition=use_view_transition,
                view_transition_selector=view_transition_selector,
                namespace=namespace,
                event_id=event_id,
                retry_duration=retry_duration,
            )
        )

    async def remove_elements(
        self, selector: str, *, event_id: str | int | None = None, retry_duration: int | None = None
    ) -> None:
        """Remove every element matching ``selector``."""
        await self.send(datastar.RemoveElements(selector, event_id=event_id, retry_duration=retry_duration))

    async def patch_signals(
        self,
        signals: dict[str, Any] | str,
        *,
        only_if_missing: bool | None = None,
        event_id: str | int | None = None,
        retry_duration: int | None = None,
    ) -> None:
        """Send ``datastar-patch-signals`` (a JSON merge patch; ``None`` deletes a signal)."""
        await self.send(
            datastar.PatchSignals(signals, only_if_missing=only_if_missing, event_id=event_id, retry_duration=retry_duration)
        )

    async def execute_script(
        self,
        script: str,
        *,
        auto_remove: bool = True,
        attributes: dict[str, str] | list[str] | None = None,
        event_id: str | int | None = None,
        retry_duration: int | None = None,
    ) -> None:
        """Run a script in the browser."""
        await self.send(
            datastar.ExecuteScript(
                script, auto_remove=auto_remove, attributes=attributes, event_id=event_id, retry_duration=retry_duration
            )
        )

    async def redirect(self, location: str) -> None:
        """Send the browser to another URL."""
        await self.send(datastar.Redirect(location))

    async def comment(self, text: str = "ping") -> None:
        """Send an SSE comment line, which the browser ignores (a keep-alive)."""
        if not self.started:
            await self.open()
        self._check_open()
        lines = "".join(f": {line}\n" for line in (text.splitlines() or [""]))
        await self._write((lines + "\n").encode())

    async def _write(self, data: bytes) -> None:
        """Send bytes of the stream, after the held events, once any write under way is done."""
        if self._writing is not None:
            await self._wait_for_writes()
        self._start_write(data)
        if self._writing is not None:
            await asyncio.shield(self._writing)  # cancelling this task does not cut the write short

    def _start_write(self, data: bytes) -> None:
        """Begin the write of the held events and ``data`` (compressed, when the app compresses).

        Most writes finish at once: the server hands the bytes to the socket. One that must wait
        for a slow client's socket to drain goes on in a task of its own, `_writing`, which every
        other write of the stream waits for first; so bytes never go out of order (a compressed
        stream depends on it) and the writer's task is not tied up by the slow client.
        """
        data = self._take_held(data)
        if self._encoder is not None:
            data = self._encoder.compress(data)  # and flushed: the browser gets every event now
        self._last_write = time.monotonic()
        awaitable = self.request.send({"type": "http.response.body", "body": data, "more_body": True})
        sending = awaitable.__await__()
        if type(awaitable) is types.CoroutineType:
            # A `for` drives it: a send that finishes at once ends the loop without the
            # StopIteration object (and traceback) that `next` would make for every write.
            for blocked_on in sending:
                break
            else:
                return
        else:  # another awaitable (a Future; an extension's object, maybe without `__iter__`)
            try:
                blocked_on = next(sending)
            except StopIteration:
                return
        self._writing = writing = asyncio.ensure_future(self._finish_write(sending, blocked_on))
        writing.add_done_callback(_retrieve)

    async def _wait_for_writes(self) -> None:
        """Wait until no write of the stream is under way; raises a failed write's error."""
        while self._writing is not None:
            await asyncio.shield(self._writing)

    async def _finish_write(self, sending: Any, blocked_on: Any) -> None:
        await _resume(sending, blocked_on)
        self._writing = None
        if not self.closed:
            self.flush_soon()  # what was held meanwhile follows

    # -- the watcher ----------------------------------------------------------------------------

    async def _watch(self) -> None:
        request = self.request
        receive = request.receive
        heartbeat = self.heartbeat
        while True:
            try:
                if heartbeat:
                    wait = max(0.0, self._last_write + heartbeat - time.monotonic())
                    async with asyncio.timeout(wait):
                        message = await receive()
                else:
                    message = await receive()
            except TimeoutError:
                if time.monotonic() - self._last_write >= heartbeat and not self.closed:
                    await self._write(_PING)
                continue
            if message["type"] == "http.disconnect":
                if self.closed:
                    request.disconnected = True
                else:
                    request.client_left(events_sent=self.events_sent)  # the handler's `finally` runs
                return


SSE_EVENTS_IN_FULL = 10
"""How many of a stream's first events are recorded on its span, each as an ``sse`` event."""

SSE_EVENT_SAMPLE = 100
"""After those, one event in this many is recorded (with ``n``, its number in the stream). The
span's ``sse.events`` and ``sse.bytes`` attributes always count every event."""

_ENCODED_KEPT = 512
_encoded: dict[int, tuple[Any, bytes, str]] = {}  # id(item) -> (item, its bytes, its type): see hold_item


async def _nothing() -> None:
    """What `SSEStream.send_item` hands back for ``None``: nothing to send."""


@types.coroutine
def _resume(sending: Any, blocked_on: Any) -> Any:
    """Finish a write `SSEStream._start_write` began: wait for what it waits for, then go on with it."""
    yield blocked_on
    return (yield from sending)


def _failed(exc: Exception) -> asyncio.Future[None]:
    failed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    failed.set_exception(exc)
    failed.exception()  # retrieved: the next write raises it, or nobody needs to hear of it
    return failed


def _retrieve(writing: asyncio.Future[None]) -> None:
    if not writing.cancelled():
        writing.exception()  # the next write raises it; never logged as "never retrieved"


def _remember(item: Any, data: bytes, kind: str) -> None:
    # The item itself is kept with its bytes, so its id cannot be reused while the entry lives;
    # the oldest entry goes first (dicts keep insertion order).
    if len(_encoded) >= _ENCODED_KEPT:
        try:
            del _encoded[next(iter(_encoded))]
        except (StopIteration, KeyError, RuntimeError):  # another thread's loop changed it meanwhile
            pass
    _encoded[id(item)] = (item, data, kind)


def _event_type(text: str) -> str:
    return text[7 : text.find("\n")] if text.startswith("event: ") else ""


def _describe(event: Event) -> dict[str, Any]:
    details: dict[str, Any] = {}
    selector = getattr(event, "selector", None)
    if selector:
        details["selector"] = selector
    mode = getattr(event, "mode", None)
    if mode:
        details["mode"] = mode
    if isinstance(event, datastar.RemoveElements):
        details["mode"] = "remove"
    return details
