"""The preview's door to the learner's app: an ASGI app that forwards each request to the child.

The playground serves `PreviewProxy` on a second loopback port, so the learner's absolute URLs
(``/inc``, ``/_stario/client.js``) work unchanged in the preview iframe. Each request goes to the
runner's current child over HTTP/1.1 (one connection per request, ``Connection: close``) and the
answer streams back chunk by chunk, so Server-Sent Events arrive live. On the way, everything is
recorded for the inspector as plain dicts:

- ``{"kind": "request", "id", "method", "path", "intent", "status", "ms", "content_type", "streaming", "at"}``
  when the response headers arrive (``ms``: time to headers; ``at``: wall-clock start, seconds);
- ``{"kind": "event", "id", "type", "selector", "mode", "signals", "elements", "event_id", "retry"}``
  for each SSE event of an ``text/event-stream`` response (``elements`` cut to about 2 KB);
- ``{"kind": "end", "id", "ms", "bytes"}`` when the response ends (``"left": True`` when the browser
  went away first, ``"error"`` when the child broke off).

`PreviewProxy.subscribe` gives a live feed of them; `PreviewProxy.records` the latest few hundred.
When no child runs the answer is 503 ("Press Run"); when the child refuses or breaks before its
headers, 502.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import itertools
import json
import time
from collections import deque
from html import escape
from typing import Any
from urllib.parse import quote

from stario.datastar import data_fields
from .security import COOKIE
from stario.sse import ReadEvent, SSEParser

__all__ = ["PreviewProxy", "Feed"]

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "trailers",
        "upgrade",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "expect",  # the ASGI server already answered any 100-continue
    }
)
_ELEMENTS_LIMIT = 2048
_DATA_LIMIT = 2048
_RECORDS_KEPT = 500
_CONNECT_TIMEOUT = 5.0
_READ_SIZE = 65536

_NO_APP = (
    "<!doctype html><html><head><meta charset='utf-8'><title>No app running</title>"
    "<style>body{font:16px system-ui,sans-serif;color:#555;display:grid;place-items:center;"
    "height:90vh;margin:0}</style></head>"
    "<body><p>Press <b>Run</b> to start your app.</p></body></html>"
)


def _error_page(title: str, detail: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{escape(title)}</title><style>body{{font:16px system-ui,sans-serif;color:#555;padding:2em}}"
        f"</style></head><body><h1>{escape(title)}</h1><p>{escape(detail)}</p></body></html>"
    )


class Feed:
    """A live feed of records; bounded (a slow reader loses the oldest, counted in `dropped`).

    Iterate it with ``async for``; stop it with `close` (or use it as an async context manager).
    """

    def __init__(self, proxy: PreviewProxy, size: int) -> None:
        self._proxy = proxy
        self._queue: deque[dict[str, Any]] = deque()
        self._size = max(1, size)
        self._wakeup = asyncio.Event()
        self._closed = False
        #: How many records were dropped because the reader fell behind.
        self.dropped = 0
        proxy._feeds.add(self)

    def _put(self, record: dict[str, Any]) -> None:
        if self._closed:
            return
        if len(self._queue) >= self._size:
            self._queue.popleft()
            self.dropped += 1
        self._queue.append(record)
        self._wakeup.set()

    def __aiter__(self) -> Feed:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while not self._queue:
            if self._closed:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._queue.popleft()

    def close(self) -> None:
        """Stop the feed; iteration ends once what is queued is read."""
        if not self._closed:
            self._closed = True
            self._proxy._feeds.discard(self)
            self._wakeup.set()

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> Feed:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


def _event_record(request_id: int, event: ReadEvent) -> dict[str, Any]:
    kind, lines, event_id, retry = event
    record: dict[str, Any] = {
        "kind": "event",
        "id": request_id,
        "type": kind,
        "selector": None,
        "mode": None,
        "signals": None,
        "elements": None,
        "event_id": event_id,
        "retry": retry,
    }
    if not kind.startswith("datastar"):
        record["data"] = _cut("\n".join(lines), _DATA_LIMIT)
        return record
    data = data_fields(lines)
    record["selector"] = data.get("selector")
    record["mode"] = data.get("mode", "outer" if kind == "datastar-patch-elements" else None)
    if "elements" in data:
        record["elements"] = _cut(data["elements"], _ELEMENTS_LIMIT)
    if "signals" in data:
        try:
            record["signals"] = json.loads(data["signals"])
        except ValueError:
            record["signals"] = None
            record["raw_signals"] = _cut(data["signals"], _DATA_LIMIT)
    for key in ("namespace", "onlyIfMissing", "useViewTransition"):
        if key in data:
            record[key] = data[key]
    return record


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"


class _Upstream(Exception):
    """The child refused, broke off, or answered something that is not HTTP."""


class PreviewProxy:
    """ASGI app: forwards each request to the runner's current child and records what passes.

    ``runner`` is anything with a ``port`` attribute (the child's loopback port, or None when no
    child serves). ``keep`` is how many records `records` holds.
    """

    def __init__(self, runner: Any, *, keep: int = _RECORDS_KEPT) -> None:
        self.runner = runner
        self._records: deque[dict[str, Any]] = deque(maxlen=keep)
        self._feeds: set[Feed] = set()
        self._ids = itertools.count(1)

    # -- records ----------------------------------------------------------------------------------

    @property
    def records(self) -> list[dict[str, Any]]:
        """The latest records (oldest first), for a page that opens late."""
        return list(self._records)

    def subscribe(self, size: int = 10_000) -> Feed:
        """A live feed of the records from now on; subscribed at once."""
        return Feed(self, size)

    def clear(self) -> None:
        """Forget the kept records (a new run, say); feeds go on."""
        self._records.clear()

    def _emit(self, record: dict[str, Any]) -> None:
        self._records.append(record)
        for feed in list(self._feeds):
            feed._put(record)

    # -- ASGI -------------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope.get("type")
        if kind == "http":
            try:
                await self._http(scope, receive, send)
            except Exception:  # pragma: no cover - a last resort: never hand uvicorn an exception
                pass
        elif kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1000})

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        started = time.perf_counter()
        request_id = next(self._ids)
        method = scope.get("method", "GET")
        raw_path = scope.get("raw_path") or quote(scope.get("path", "/")).encode("latin-1")
        query = scope.get("query_string", b"")
        target = raw_path + (b"?" + query if query else b"")
        path = target.decode("latin-1")
        base = {
            "kind": "request",
            "id": request_id,
            "method": method,
            "path": path,
            "intent": "Query" if method in ("GET", "HEAD") else "Command",
            "at": time.time(),
        }

        def elapsed() -> float:
            return round((time.perf_counter() - started) * 1000, 2)

        port = getattr(self.runner, "port", None)
        if port is None:
            sent = await _answer(send, 503, _NO_APP)
            self._emit({**base, "status": 503, "ms": elapsed(), "content_type": "text/html", "streaming": False, "error": "no app running"})
            self._emit({"kind": "end", "id": request_id, "ms": elapsed(), "bytes": sent})
            return

        writer: asyncio.StreamWriter | None = None
        watcher: asyncio.Task[None] | None = None
        left = asyncio.Event()
        headers_sent = False
        finished = False
        body_bytes = 0
        error: str | None = None
        recorded = False

        async def watch() -> None:
            # Only after the request body is read: from then on, receive() says only "disconnect".
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    break
            if not finished:
                left.set()
                if writer is not None:
                    writer.transport.abort()  # the child sees the disconnect; its finally runs

        try:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port, limit=_READ_SIZE * 4), _CONNECT_TIMEOUT
                )
            except (OSError, asyncio.TimeoutError) as exc:
                raise _Upstream(f"the app did not accept the connection ({exc.__class__.__name__}: {exc})") from None
            writer.write(_request_head(method, target, scope.get("headers", []), port))
            ended = await _pump_body(receive, writer, scope.get("headers", []))
            if not ended:  # the browser left while sending its body
                left.set()
                return
            watcher = asyncio.create_task(watch(), name=f"preview.watch.{request_id}")
            head = await _wait_or_leave(_read_head(reader), left)
            if head is None:  # the browser left before the child answered
                return
            status, headers = head
            content_type = next((v for k, v in headers if k == "content-type"), "")
            streaming = content_type.split(";")[0].strip().lower() == "text/event-stream"
            framing = _framing(method, status, headers)
            out_headers = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, v in headers
                if k not in _HOP_BY_HOP and not k.startswith("proxy-")
            ]
            await send({"type": "http.response.start", "status": status, "headers": out_headers})
            headers_sent = True
            self._emit({**base, "status": status, "ms": elapsed(), "content_type": content_type, "streaming": streaming})
            recorded = True

            parser = SSEParser() if streaming else None
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            chunks = _body(reader, framing, headers)
            try:
                while True:
                    # When the browser leaves, the watcher aborts the connection and this read ends.
                    try:
                        chunk = await chunks.__anext__()
                    except StopAsyncIteration:
                        break
                    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                        if not left.is_set():
                            error = f"the app broke off its response ({exc.__class__.__name__})"
                        break
                    if left.is_set():
                        break
                    body_bytes += len(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    if parser is not None:
                        for event in parser.feed(decoder.decode(chunk)):
                            self._emit(_event_record(request_id, event))
            finally:
                await chunks.aclose()
            finished = True
            if not left.is_set():
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except _Upstream as exc:
            if not left.is_set():
                error = str(exc)
            if not headers_sent and not left.is_set():
                body_bytes = await _answer(send, 502, _error_page("502 Bad Gateway", error))
                self._emit({**base, "status": 502, "ms": elapsed(), "content_type": "text/html", "streaming": False, "error": error})
                recorded = True
            elif not left.is_set():
                with contextlib.suppress(Exception):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
        except Exception as exc:  # our own bug, or the ASGI server gone: answer if we still can
            error = f"proxy error: {exc.__class__.__name__}: {exc}"
            if not headers_sent and not left.is_set():
                with contextlib.suppress(Exception):
                    body_bytes = await _answer(send, 502, _error_page("502 Bad Gateway", error))
                    self._emit({**base, "status": 502, "ms": elapsed(), "content_type": "text/html", "streaming": False, "error": error})
                    recorded = True
            else:
                with contextlib.suppress(Exception):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            finished = True
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(BaseException):
                    await watcher
            if writer is not None:
                writer.transport.abort()
            if recorded:
                end: dict[str, Any] = {"kind": "end", "id": request_id, "ms": elapsed(), "bytes": body_bytes}
                if left.is_set():
                    end["left"] = True
                if error:
                    end["error"] = error
                self._emit(end)


# -- HTTP/1.1 to the child ------------------------------------------------------------------------


def _request_head(method: str, target: bytes, headers: list[tuple[bytes, bytes]], port: int) -> bytes:
    lines = [method.encode("latin-1") + b" " + target + b" HTTP/1.1"]
    named = {k.lower().decode("latin-1", "replace").strip() for k, _ in headers}
    connection_tokens = {
        token.strip().lower()
        for k, v in headers
        if k.lower() == b"connection"
        for token in v.decode("latin-1").split(",")
    }
    has_length = False
    for raw_name, value in headers:
        name = raw_name.lower().decode("latin-1", "replace").strip()
        if name in _HOP_BY_HOP or name.startswith("proxy-") or name in connection_tokens:
            continue
        if name == "cookie":
            kept = _without_playground_cookie(value.decode("latin-1"))
            if not kept:
                continue
            value = kept.encode("latin-1")
        if name == "content-length":
            has_length = True
        lines.append(raw_name + b": " + value)
    if "host" not in named:
        lines.append(f"Host: 127.0.0.1:{port}".encode())
    if not has_length and _has_body(headers):
        lines.append(b"Transfer-Encoding: chunked")
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _without_playground_cookie(header: str) -> str:
    parts = [part.strip() for part in header.split(";")]
    return "; ".join(p for p in parts if p and p.split("=", 1)[0].strip() != COOKIE)


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """A request without Content-Length has a body only when it came chunked."""
    return any(k.lower() == b"transfer-encoding" for k, _ in headers)


async def _pump_body(receive: Any, writer: asyncio.StreamWriter, headers: list[tuple[bytes, bytes]]) -> bool:
    """Forward the request body; False when the browser disconnected first."""
    chunked = not any(k.lower() == b"content-length" for k, _ in headers) and _has_body(headers)
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return False
        body = message.get("body", b"")
        if body:
            writer.write(b"%x\r\n%s\r\n" % (len(body), body) if chunked else body)
            with contextlib.suppress(OSError):
                await writer.drain()  # a child that stops reading still gets to answer
        if not message.get("more_body", False):
            if chunked:
                writer.write(b"0\r\n\r\n")
            with contextlib.suppress(OSError):
                await writer.drain()
            return True


async def _wait_or_leave(awaitable: Any, left: asyncio.Event) -> Any:
    """Await ``awaitable`` unless the browser leaves first (then None)."""
    if left.is_set():
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        return None
    task = asyncio.ensure_future(awaitable)
    leaving = asyncio.ensure_future(left.wait())
    try:
        await asyncio.wait((task, leaving), return_when=asyncio.FIRST_COMPLETED)
    finally:
        leaving.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
    if task.cancelled() or not task.done():
        return None
    return task.result()


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]]]:
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except (asyncio.IncompleteReadError, OSError) as exc:
            raise _Upstream(f"the app closed the connection without answering ({exc.__class__.__name__})") from None
        except asyncio.LimitOverrunError:
            raise _Upstream("the app sent an overlong status line") from None
        parts = line.decode("latin-1").strip().split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise _Upstream(f"the app answered something that is not HTTP: {line[:80]!r}")
        status = int(parts[1])
        headers: list[tuple[str, str]] = []
        while True:
            try:
                line = await reader.readuntil(b"\n")
            except (asyncio.IncompleteReadError, OSError, asyncio.LimitOverrunError) as exc:
                raise _Upstream(f"the app broke off its headers ({exc.__class__.__name__})") from None
            text = line.decode("latin-1").rstrip("\r\n")
            if not text:
                break
            name, colon, value = text.partition(":")
            if colon:
                headers.append((name.strip().lower(), value.strip()))
        if 100 <= status < 200 and status != 101:
            continue  # an interim answer (100 Continue): the real one follows
        return status, headers


def _framing(method: str, status: int, headers: list[tuple[str, str]]) -> str | int | None:
    """``None`` (no body), ``"chunked"``, a Content-Length, or ``"close"`` (read to the end)."""
    if method == "HEAD" or 100 <= status < 200 or status in (204, 304):
        return None
    encodings = [v.lower() for k, v in headers if k == "transfer-encoding"]
    if encodings and "chunked" in encodings[-1]:
        return "chunked"
    for name, value in headers:
        if name == "content-length" and value.isdigit():
            return int(value)
    return "close"


async def _body(reader: asyncio.StreamReader, framing: str | int | None, headers: list[tuple[str, str]]) -> Any:
    """The response body, piece by piece as it arrives."""
    if framing is None:
        return
    if framing == "chunked":
        while True:
            line = await reader.readuntil(b"\n")
            size_text = line.split(b";", 1)[0].strip()
            size = int(size_text, 16)  # ValueError on garbage: the caller ends the stream
            if size == 0:
                while (await reader.readuntil(b"\n")).strip():  # trailers, then the last CRLF
                    pass
                return
            remaining = size
            while remaining:
                piece = await reader.read(min(remaining, _READ_SIZE))
                if not piece:
                    raise asyncio.IncompleteReadError(b"", remaining)
                remaining -= len(piece)
                yield piece
            await reader.readexactly(2)  # the CRLF after each chunk
    elif isinstance(framing, int):
        remaining = framing
        while remaining:
            piece = await reader.read(min(remaining, _READ_SIZE))
            if not piece:
                raise asyncio.IncompleteReadError(b"", remaining)
            remaining -= len(piece)
            yield piece
    else:
        while True:
            piece = await reader.read(_READ_SIZE)
            if not piece:
                return
            yield piece


async def _answer(send: Any, status: int, html: str) -> int:
    body = html.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
    return len(body)
