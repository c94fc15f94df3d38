"""The preview's door to the learner's app: an ASGI app that forwards each request to the child.

The playground serves `PreviewProxy` on a second loopback port, so the learner's absolute URLs
(``/inc``, ``/_stario/client.js``) work unchanged in the preview iframe. Each request goes to the
current child's Unix socket as HTTP/1.1, spoken by h11 (one connection per request), and the
answer streams back as it arrives, so Server-Sent Events are live. On the way everything is told
to ``report(record)`` for the inspector, as plain dicts:

- ``{"kind": "request", "id", "run", "method", "target", "path", "query", "signals", "intent",
  "dest", "navigation", "request_headers", "request_body", "at"}`` when the request arrives
  (``query``: the decoded parameters; ``signals``: the Datastar signals it carried, decoded;
  ``dest``: ``Sec-Fetch-Dest``, ``"iframe"`` for a page loaded in the preview);
- ``{"kind": "response", "id", "run", "status", "response_headers", "content_type", "streaming", "ms"}``
  when the answer's head arrives (``ms``: time to headers);
- ``{"kind": "event", "id", "run", "n", "type", "raw", "selector", "mode", "signals", "elements",
  "event_id", "retry"}`` for each event of a ``text/event-stream`` answer (``raw``: its exact lines);
- ``{"kind": "end", "id", "run", "ms", "bytes", "body"}`` when the answer ends (``left``: the
  browser went away first; ``error``: what broke; ``body``: the start of a text answer).

Bodies and events are cut to a few kilobytes in the records, never in what is forwarded. When no
child serves the answer is 503 ("Press Run"); when the child refuses or breaks before its head,
502. The playground's own cookie never reaches the child, and the child can never set it.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from html import escape
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import h11

from stario.compression import decoder
from stario.datastar import data_fields
from stario.sse_reader import ReadEvent, SSEParser

from .faults import EventCutter, NetworkFaults
from .security import COOKIE_PREFIX
from .visitors import CookieJar

__all__ = ["PreviewProxy", "BrokenOff", "quiet_broken_off"]

_HOP_BY_HOP = frozenset(
    {
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "trailers", "upgrade",
        "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "expect",  # the ASGI server already answered any 100-continue
        "content-length",  # set again from the body we send
    }
)
_TEXT_LIMIT = 4096  # characters of a body, an event's HTML or its raw text kept in a record
_CONNECT_TIMEOUT = 5.0
_BODY_LIMIT = 32 * 1024 * 1024  # a request body the proxy will hold (the app's own limit is usually 1 MiB)
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


# Click to source: every HTML page the preview loads gets this script at its end (served by the
# proxy, never by the app), which tells the playground which element an Alt+click picked.
PICK_SCRIPT_PATH = "/_stario_playground/pick.js"
_PICK_TAG = f'<script src="{PICK_SCRIPT_PATH}"></script>'.encode()
_PICK_SCRIPT = b"""// Added by the Stario playground's preview (not part of your app): Alt+click (Option+click on a
// Mac) an element to see which request and event last patched it, and the handler behind it.
addEventListener('click', (evt) => {
  if (!evt.altKey || parent === window) return
  evt.preventDefault()
  evt.stopImmediatePropagation()
  const el = evt.target.closest('[id]')
  parent.postMessage({ stario: 'pick', id: el ? el.id : '', tag: evt.target.tagName.toLowerCase() }, '*')
}, true)
"""


class _Upstream(Exception):
    """The child refused, broke off, or answered something that is not HTTP."""


class BrokenOff(Exception):
    """Raised to the ASGI server to break a browser's connection off, as a failing network would.

    ASGI has no message for "drop this connection"; an app that raises after its answer started
    gets its connection closed by uvicorn, which is what the browser must see for a cut stream or
    an offline network: a network error, which its client retries. `quiet_broken_off` keeps
    uvicorn from logging these on purpose."""


def quiet_broken_off(record: Any) -> bool:
    """A logging filter for ``uvicorn.error``: drop the reports of `BrokenOff`, which are on purpose."""
    exc_info = getattr(record, "exc_info", None)
    return not (exc_info and exc_info[0] is BrokenOff)


class PreviewProxy:
    """ASGI app: forwards each request to the runner's current child and reports what passes.

    ``runner`` is anything with ``upstream`` (the child's Unix socket path, or None when nothing
    serves) and ``run_id`` (the run that socket belongs to). ``report`` receives the records.
    """

    def __init__(self, runner: Any, report: Callable[[dict[str, Any]], Any] | None = None, faults: NetworkFaults | None = None,
                 visitor: int = 1) -> None:
        self.runner = runner
        self.report = report
        #: Which visitor this door serves: 1, the browser itself; 2, "Add a visitor", whose
        #: cookies the proxy keeps (see `playground.visitors`).
        self.visitor = visitor
        self.jar = CookieJar() if visitor > 1 else None
        #: What the learner broke of the network (the controls beside the preview; see `playground.faults`).
        self.faults = faults if faults is not None else NetworkFaults()
        self._ids = itertools.count(1)

    def _emit(self, record: dict[str, Any]) -> None:
        if self.report is not None:
            try:
                self.report(record)
            except Exception:  # pragma: no cover - the listener's problem, never the request's
                pass

    # -- ASGI -------------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope.get("type")
        if kind == "http":
            try:
                await self._http(scope, receive, send)
            except BrokenOff:
                raise  # on purpose: uvicorn closes the browser's connection
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
        if scope.get("path") == PICK_SCRIPT_PATH:  # the playground's own helper: not the app's, not reported
            headers = [(b"content-type", b"text/javascript; charset=utf-8"), (b"cache-control", b"no-cache"),
                       (b"content-length", str(len(_PICK_SCRIPT)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": _PICK_SCRIPT})
            return
        exchange = _Exchange(next(self._ids), getattr(self.runner, "upstream", None), getattr(self.runner, "run_id", 0),
                             self._emit, scope, receive, send, self.faults, self.visitor, self.jar)
        await exchange.run()


class _Exchange:
    """One request through the proxy: forward it, stream the answer back, report both."""

    def __init__(self, number: int, upstream: str | None, run_id: int, report: Callable[[dict[str, Any]], None],
                 scope: dict[str, Any], receive: Any, send: Any, faults: NetworkFaults, visitor: int = 1,
                 jar: CookieJar | None = None) -> None:
        self.id = number
        self.faults = faults
        self.visitor = visitor
        self.jar = jar
        self.cut_reason: str | None = None  # set when the learner cut this stream off
        self.upstream = upstream  # the child's socket when the request came (None: no app runs)
        self.run_id = run_id
        self.report = report
        self.scope = scope
        self.receive = receive
        self.send = send
        self.started = time.perf_counter()
        self.left = asyncio.Event()  # the browser went away
        self.finished = False
        self.headers_sent = False
        self.body_bytes = 0
        self.body_text: list[str] = []
        self.error: str | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.too_large = False
        self.events_seen = 0
        self.inject = False  # an HTML page: the pick script goes at its end
        self.unpacked_bytes = 0  # the answer's bytes once decompressed (the same when it was not compressed)
        self.keep_text = False
        self.text: Any = None

    def elapsed(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)

    def emit(self, kind: str, **fields: Any) -> None:
        self.report({"kind": kind, "id": self.id, "run": self.run_id, **fields})

    async def run(self) -> None:
        scope = self.scope
        method = scope.get("method", "GET")
        raw_path = scope.get("raw_path") or quote(scope.get("path", "/")).encode("latin-1")
        query = scope.get("query_string", b"")
        target = raw_path + (b"?" + query if query else b"")
        headers = [(k.lower(), v) for k, v in scope.get("headers", [])]
        if self.jar is not None:
            headers = self.jar.request_headers(headers)  # the second visitor's cookies, not the browser's
        body = await self.read_body()
        if body is None:
            return  # the browser left while sending
        self.report_request(method, target, headers, body)
        try:
            await self.respond(method, target, headers, body)
        finally:
            self.report_end()  # answered, broken off, or left before an answer: the row closes

    async def respond(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Answer: from the child when one serves, else from the proxy (503 no app, 502 a broken one)."""
        if self.too_large:
            await self.answer(413, _error_page("413 Content Too Large", "the preview passes bodies up to 32 MiB"),
                              error="request body over 32 MiB")
            return
        offline = self.faults.offline_for()
        if offline:
            await self.break_off(f"offline: refused ({offline:.0f} s more of Go offline)")
        upstream = self.upstream
        if upstream is None:
            await self.answer(503, _NO_APP, error="no app running: press Run")
            return
        watcher = asyncio.create_task(self.watch(), name=f"preview.watch.{self.id}")
        try:
            await self.forward(upstream, method, target, headers, body)
        except BrokenOff:
            raise
        except _Upstream as exc:
            if not self.left.is_set():
                self.error = str(exc)
                if not self.headers_sent:
                    await self.answer(502, _error_page("502 Bad Gateway", self.error), error=self.error)
                else:
                    with contextlib.suppress(Exception):
                        await self.send({"type": "http.response.body", "body": b"", "more_body": False})
        except Exception as exc:  # our own bug, or the ASGI server gone: answer if we still can
            self.error = f"proxy error: {exc.__class__.__name__}: {exc}"
            with contextlib.suppress(Exception):
                if not self.headers_sent and not self.left.is_set():
                    await self.answer(502, _error_page("502 Bad Gateway", self.error), error=self.error)
                else:
                    await self.send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.finished = True
            watcher.cancel()
            with contextlib.suppress(BaseException):
                await watcher
            if self.writer is not None:
                self.writer.transport.abort()

    async def read_body(self) -> bytes | None:
        """The whole request body (pages and Datastar actions send small ones), or None if the browser left."""
        chunks = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                return None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > _BODY_LIMIT:
                self.too_large = True
                return b"".join(chunks)[:_TEXT_LIMIT]
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def watch(self) -> None:
        # The body is read: from now on, receive() says only "disconnect".
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                break
        if not self.finished:
            self.left.set()
            if self.writer is not None:
                self.writer.transport.abort()  # the child sees the disconnect; its finally runs

    def report_request(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        text_target = target.decode("latin-1")
        path, _, query_text = text_target.partition("?")
        query = parse_qsl(query_text, keep_blank_values=True)
        named = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers}
        self.emit(
            "request",
            method=method,
            target=text_target,
            path=unquote(path, errors="replace"),
            query=[[k, v] for k, v in query if k != "datastar"],
            signals=_signals(method, query, named.get("content-type", ""), body),
            intent="Query" if method in ("GET", "HEAD") else "Command",
            dest=named.get("sec-fetch-dest", ""),
            navigation=named.get("sec-fetch-mode") == "navigate",
            request_headers=[[k.decode("latin-1"), v.decode("latin-1")] for k, v in _without_playground_cookie(headers)],
            request_body=_cut(body.decode("utf-8", "replace")) if body else "",
            at=time.time(),
            visitor=self.visitor,
        )

    def report_end(self) -> None:
        end: dict[str, Any] = {"ms": self.elapsed(), "bytes": self.body_bytes, "unpacked": self.unpacked_bytes or self.body_bytes}
        if self.body_text:
            end["body"] = _cut("".join(self.body_text))
        if self.left.is_set():
            end["left"] = True
        if self.error:
            end["error"] = self.error
        self.emit("end", **end)

    async def break_off(self, reason: str) -> None:
        """Fail this request as a dropped connection would: a head, then the connection closed."""
        self.error = reason
        if not self.headers_sent:
            headers = [(b"cache-control", b"no-store")]
            await self.send({"type": "http.response.start", "status": 200, "headers": headers})
            self.headers_sent = True
        raise BrokenOff(reason)

    def cut_off(self) -> None:
        """Cut the stream (from the controls): close the child's side now; the browser's follows."""
        self.cut_reason = "cut: the stream was broken off (Cut the stream)"
        if self.writer is not None:
            self.writer.transport.abort()

    async def answer(self, status: int, html: str, *, error: str) -> None:
        """Answer from the proxy itself (no app, or a broken one), and report it."""
        body = html.encode()
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})
        self.headers_sent = True
        self.body_bytes = len(body)
        self.error = error
        self.emit("response", status=status, response_headers=_text_headers(headers), content_type="text/html",
                  streaming=False, ms=self.elapsed())

    async def forward(self, upstream: str, method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        try:
            reader, self.writer = await asyncio.wait_for(asyncio.open_unix_connection(upstream, limit=_READ_SIZE * 4), _CONNECT_TIMEOUT)
        except (OSError, asyncio.TimeoutError) as exc:
            raise _Upstream(f"the app did not accept the connection ({exc.__class__.__name__}: {exc})") from None
        connection = h11.Connection(h11.CLIENT)
        request = h11.Request(method=method, target=target, headers=_upstream_headers(headers, body))
        self.writer.write(connection.send(request) + connection.send(h11.Data(data=body)) if body else connection.send(request))
        self.writer.write(connection.send(h11.EndOfMessage()))
        with contextlib.suppress(OSError):
            await self.writer.drain()

        response = await self.until_left(_read_head(connection, reader))
        if response is None:
            return  # the browser left before the child answered
        out_headers = [(k, v) for k, v in response.headers if k.decode("latin-1") not in _HOP_BY_HOP and not _sets_playground_cookie(k, v)]
        if self.jar is not None:
            # kept for the second visitor (the browser's jar is the first's); never the playground's cookie
            self.jar.take([(k, v) for k, v in response.headers if not _sets_playground_cookie(k, v)])
            out_headers = [(k, v) for k, v in out_headers if k != b"set-cookie"]
        content_type = next((v.decode("latin-1") for k, v in response.headers if k == b"content-type"), "")
        streaming = content_type.split(";")[0].strip().lower() == "text/event-stream"
        length = next((v for k, v in response.headers if k == b"content-length"), None)
        encoding = next((v.decode("latin-1") for k, v in response.headers if k == b"content-encoding"), "")
        # An HTML page gets the pick script at its end (so its length changes: sent chunked).
        self.inject = (method == "GET" and not streaming and content_type.split(";")[0].strip().lower() == "text/html"
                       and encoding in ("", "identity") and 200 <= response.status_code < 300)
        if length is not None and not streaming and not self.inject:
            out_headers.append((b"content-length", length))
        await self.send({"type": "http.response.start", "status": response.status_code, "headers": out_headers})
        self.headers_sent = True
        self.emit("response", status=response.status_code, response_headers=_text_headers(response.headers),
                  content_type=content_type, streaming=streaming, ms=self.elapsed())
        await self.stream_body(connection, reader, content_type, streaming, encoding)

    async def until_left(self, awaitable: Any) -> Any:
        """Await ``awaitable`` unless the browser leaves first (then None)."""
        task = asyncio.ensure_future(awaitable)
        leaving = asyncio.ensure_future(self.left.wait())
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

    async def stream_body(
        self, connection: h11.Connection, reader: asyncio.StreamReader, content_type: str, streaming: bool, encoding: str = ""
    ) -> None:
        # The browser gets the bytes as they came (compressed, if the app compresses), less what
        # the learner's faults drop or hold; the inspector reads them decompressed.
        try:
            unzip = decoder(encoding)
        except ValueError:
            unzip = None  # an encoding we cannot read: pass it on, show nothing of it
        parser = SSEParser() if streaming and unzip is not None else None
        self.keep_text = not streaming and _is_text(content_type)
        self.text = codecs.getincrementaldecoder("utf-8")("replace")
        events = self.faults.events() if streaming else None
        by_event = events is not None and encoding in ("", "identity")  # plain SSE: events end at a blank line
        if streaming:
            self.faults.stream_opened(self.id, self.cut_off)
        try:
            async for chunk in _body(connection, reader):
                if self.left.is_set() or self.cut_reason is not None:
                    break
                for piece in events.split(chunk) if by_event else [chunk]:  # type: ignore[union-attr]
                    await self.pass_on(piece, events, unzip, parser, can_drop=by_event)
            if by_event and self.cut_reason is None and not self.left.is_set():
                rest = events.rest()  # type: ignore[union-attr]
                if rest:
                    await self.pass_on(rest, events, unzip, parser, can_drop=True)
        except _Upstream:
            if self.cut_reason is None:
                raise
        finally:
            if streaming:
                self.faults.stream_closed(self.id)
        if self.cut_reason is not None:
            self.error = self.cut_reason
            raise BrokenOff(self.cut_reason)
        if not self.left.is_set():
            if self.inject:
                await self.send({"type": "http.response.body", "body": _PICK_TAG, "more_body": True})
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})

    async def pass_on(self, piece: bytes, events: EventCutter | None, unzip: Any, parser: SSEParser | None, *, can_drop: bool) -> None:
        """Send one piece of the answer on (an event, when the stream is cut into events), unless
        the faults drop it; report it either way."""
        passed = True
        if events is not None:
            passed = await events.admit(piece, can_drop=can_drop)
        if passed:
            await self.faults.throttle(len(piece))
            self.body_bytes += len(piece)
            await self.send({"type": "http.response.body", "body": piece, "more_body": True})
        if unzip is None:
            return
        decoded = unzip.decompress(piece)
        self.unpacked_bytes += len(decoded)
        if parser is not None:
            for event in parser.feed(self.text.decode(decoded)):
                self.events_seen += 1
                fields = _event_fields(event)
                fields["size"] = len(event.raw.encode("utf-8", "replace"))  # as the app wrote it, uncompressed
                fields["ms"] = self.elapsed()  # since the request arrived
                if not passed:
                    fields["dropped"] = True
                self.emit("event", n=self.events_seen, **fields)
        elif self.keep_text and sum(map(len, self.body_text)) < _TEXT_LIMIT:
            self.body_text.append(self.text.decode(decoded))


# -- HTTP/1.1 to the child, through h11 --------------------------------------------------------------


def _upstream_headers(headers: list[tuple[bytes, bytes]], body: bytes) -> list[tuple[bytes, bytes]]:
    """The browser's headers, less hop-by-hop ones and the playground's cookie; the body's length set."""
    connection_tokens = {
        token.strip().lower().encode() for k, v in headers if k == b"connection" for token in v.decode("latin-1").split(",")
    }
    kept = [
        (k, v)
        for k, v in _without_playground_cookie(headers)
        if k.decode("latin-1") not in _HOP_BY_HOP and not k.startswith(b"proxy-") and k not in connection_tokens
    ]
    if not any(k == b"host" for k, _ in kept):
        kept.append((b"host", b"127.0.0.1"))
    if body:
        kept.append((b"content-length", str(len(body)).encode()))
    kept.append((b"connection", b"close"))
    return kept


def _without_playground_cookie(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    out = []
    for name, value in headers:
        if name == b"cookie":
            parts = [part.strip() for part in value.decode("latin-1").split(";")]
            kept = "; ".join(p for p in parts if p and not p.split("=", 1)[0].strip().startswith(COOKIE_PREFIX))
            if not kept:
                continue
            value = kept.encode("latin-1")
        out.append((name, value))
    return out


def _sets_playground_cookie(name: bytes, value: bytes) -> bool:
    """A ``Set-Cookie`` from the learner's app naming the playground's cookie: never passed on."""
    return name == b"set-cookie" and value.decode("latin-1").split("=", 1)[0].strip().startswith(COOKIE_PREFIX)


async def _next_event(connection: h11.Connection, reader: asyncio.StreamReader, doing: str) -> Any:
    """h11's next event, reading from the child as long as h11 needs more (``doing`` names the step
    for the error: the app broke off while doing it)."""
    while True:
        try:
            event = connection.next_event()
        except h11.RemoteProtocolError as exc:
            raise _Upstream(f"the app broke off {doing}, or answered something that is not HTTP ({exc})") from None
        if event is not h11.NEED_DATA:
            return event
        try:
            data = await reader.read(_READ_SIZE)
        except OSError as exc:
            raise _Upstream(f"the app broke off {doing} ({exc.__class__.__name__})") from None
        connection.receive_data(data)  # b"" tells h11 the app closed the connection


async def _read_head(connection: h11.Connection, reader: asyncio.StreamReader) -> h11.Response:
    while True:
        event = await _next_event(connection, reader, "before its answer")
        if isinstance(event, h11.Response):
            return event
        if isinstance(event, h11.ConnectionClosed):
            raise _Upstream("the app closed the connection without answering")
        # an InformationalResponse (100 Continue): the real answer follows


async def _body(connection: h11.Connection, reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """The answer's body, piece by piece as it arrives."""
    while True:
        event = await _next_event(connection, reader, "in the middle of its answer")
        if isinstance(event, h11.Data):
            yield bytes(event.data)
        elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
            return


# -- what the records say -------------------------------------------------------------------------


def _event_fields(event: ReadEvent) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "type": event.type,
        "raw": _cut(event.raw),
        "event_id": event.id,
        "retry": event.retry,
        "selector": None,
        "mode": None,
        "signals": None,
        "elements": None,
    }
    if not event.type.startswith("datastar"):
        return fields
    data = data_fields(event.data)
    fields["selector"] = data.get("selector")
    fields["mode"] = data.get("mode", "outer" if event.type == "datastar-patch-elements" else None)
    if "elements" in data:
        fields["elements"] = _cut(data["elements"])
    if "signals" in data:
        try:
            fields["signals"] = json.loads(data["signals"])
        except ValueError:
            fields["signals"] = None
    if "script" in data:
        fields["elements"] = _cut(data["script"])
    return fields


def _signals(method: str, query: list[tuple[str, str]], content_type: str, body: bytes) -> Any:
    """The Datastar signals a request carried (the ``datastar`` parameter, or a JSON body), decoded."""
    raw: str | None = None
    if method in ("GET", "HEAD", "DELETE"):
        raw = next((v for k, v in query if k == "datastar"), None)
    elif body and "json" in content_type:
        raw = body.decode("utf-8", "replace")
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _text_headers(headers: Any) -> list[list[str]]:
    return [[bytes(k).decode("latin-1"), bytes(v).decode("latin-1")] for k, v in headers]


def _is_text(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith("text/") or kind.endswith(("json", "javascript", "xml"))


def _cut(text: str, limit: int = _TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"
