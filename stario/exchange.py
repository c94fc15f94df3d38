"""One request's line to the server: `Exchange`.

The ASGI server hands the app a ``scope`` (what was asked), ``receive`` (the body, then "the
client has gone") and ``send`` (the answer). `Context` reads the request through the exchange,
`Writer` and `SSEStream` answer through it, and the app ends it; none of them reaches into
another. It holds what they share and nothing else:

- ``scope``, ``receive``, ``send``, the request's ``method``;
- ``task``: the task answering the request (cancelled when a streaming client leaves);
- ``span``: the request's span;
- ``compression``: the app's compression settings, which the writer and the stream apply;
- ``streams``: the app's open streams (`stario.shutdown`), and ``stopping`` once the server ended this one;
- ``session``: the session, once ``c.session`` loaded it (the writer sends its cookie);
- the body, read at most once and never past ``max_body_size``, and whether the client has gone.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from stario.errors import ClientDisconnected, HTTPError

if TYPE_CHECKING:
    from stario.compression import Compression
    from stario.sessions import Session
    from stario.shutdown import OpenStreams
    from stario.telemetry import Span

__all__ = ["Exchange"]


class Exchange:
    """What the parts answering one request share (see the module docstring)."""

    __slots__ = ("scope", "receive", "send", "method", "task", "span", "max_body_size", "disconnected", "session", "headers_sent", "compression", "streams", "stopping", "_body", "_reading")

    def __init__(
        self,
        scope: dict[str, Any],
        receive: Any,
        send: Any,
        span: Span,
        max_body_size: int,
        compression: Compression | None = None,
        streams: OpenStreams | None = None,
    ) -> None:
        self.scope = scope
        self.receive = receive
        self.send = send
        self.method: str = scope["method"]
        self.span = span
        self.max_body_size = max_body_size
        #: The task answering this request once a stream needs it (see `capture_task`).
        self.task: asyncio.Task[Any] | None = None
        #: True once the client is known to have gone.
        self.disconnected = False
        #: The request's `stario.sessions.Session` once ``c.session`` was read (the writer sends its cookie).
        self.session: Session | None = None
        #: True once the status line was handed to the server (`Writer.headers_sent` reads it; a
        #: session loaded later cannot change).
        self.headers_sent = False
        #: The app's `stario.compression.Compression` settings, or None (bodies sent as they are).
        self.compression = compression
        #: The app's open streams, which this one joins while it is open (see `stario.shutdown`).
        self.streams = streams
        #: True once the server, stopping, ended this request's stream.
        self.stopping = False
        self._body: bytes | None = None
        self._reading: asyncio.Lock | None = None

    async def body(self) -> bytes:
        """The whole request body, read once (then cached), refused past ``max_body_size``.

        Raises `HTTPError` 413 as soon as the size is known to be over the limit (from
        ``Content-Length``, or while reading), and `ClientDisconnected` when the client leaves
        first. Two tasks asking at once (a handler, and a stream opening) share one read.
        """
        if self._body is not None:
            return self._body
        if self._reading is None:
            self._reading = asyncio.Lock()
        async with self._reading:
            if self._body is None:
                self._body = await self._read()
        return self._body

    async def _read(self) -> bytes:
        limit = self.max_body_size
        declared = _content_length(self.scope)
        if declared is not None:
            try:
                declared_size = int(declared)
            except ValueError:
                raise HTTPError(400, f"Content-Length is not a number: {declared!r}") from None
            if declared_size > limit:
                raise HTTPError(413, f"the request body is {declared_size} bytes; the limit is {limit}")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                raise ClientDisconnected("the client left while its request body was being read")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise HTTPError(413, f"the request body is over the limit of {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def wait_disconnected(self) -> None:
        """Wait until the client goes away (the body is read, and kept, first)."""
        if self.disconnected:
            return
        try:
            await self.body()
        except HTTPError:
            pass
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return

    def capture_task(self) -> None:
        """Note the task answering this request; call it from that task, before a stream starts.

        A client that leaves a stream, or a server that stops, cancels that task (from another
        task). Noted when a stream starts rather than for every request: asking asyncio for the
        current task costs a system call on Python 3.11 (``getpid``, to check the loop's process).
        """
        if self.task is None:
            self.task = asyncio.current_task()

    def client_left(self, **details: Any) -> None:
        """Note that the client has gone (on the span too), and cancel the task answering it."""
        self.disconnected = True
        self.span.event("client.disconnected", cause="the client closed the connection", **details)
        task = self.task
        if task is not None and not task.done():
            task.cancel()

    def raw_header(self, name: bytes) -> bytes | None:
        """The first value of request header ``name`` (lowercase, as ASGI gives names), or None.

        For the few places that need one header without `Context.headers` parsing them all.
        """
        for key, value in self.scope["headers"]:
            if key == name:
                return value
        return None

    def stream_opened(self) -> None:
        """The response became an open stream: the app ends it if the server stops."""
        if self.streams is not None:
            self.streams.add(self)

    def stream_closed(self) -> None:
        """The stream ended."""
        if self.streams is not None:
            self.streams.discard(self)

    def stop_for_shutdown(self) -> None:
        """End this request's stream because the server is stopping: cancel the task answering it
        (its ``finally`` blocks run; the app then closes the stream quietly)."""
        self.stopping = True
        self.span.event("server.stopping", cause="the server is shutting down; the stream was ended")
        task = self.task
        if task is not None and not task.done():
            task.cancel()

    def __repr__(self) -> str:
        return f"<Exchange {self.method} {self.scope.get('path')}>"


def _content_length(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length" or name.lower() == b"content-length":
            return value.decode("latin-1")
    return None
