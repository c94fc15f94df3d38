"""Testing a Stario app in process: `TestClient`.

::

    from stario.testing import TestClient

    def test_home():
        with TestClient(app) as client:          # runs bootstrap, and teardown at the end
            response = client.get("/")
            assert response.status == 200
            assert "Hello" in response.text

            with client.stream("GET", "/online-counter") as events:
                first = next(events)
                assert first.type == "datastar-patch-elements"
                assert 'id="online-counter"' in first.elements

The client speaks ASGI to the app directly (no sockets), on an event loop of its own in a
background thread, so tests stay plain synchronous functions. It keeps cookies between
requests, follows redirects within the app, and parses Datastar streams into `DatastarEvent`
objects, so tests assert on meaning (type, selector, mode, elements, signals) rather than bytes.
"""

from __future__ import annotations

import asyncio
import codecs
import contextvars
import json as _json
import queue
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import unquote, urlencode, urljoin, urlsplit

from stario.compression import available_encodings, decoder
from stario.datastar import data_fields
from stario.datastructures import Headers
from stario.sse_reader import SSEParser
from stario.telemetry import NoopTracer, Span

__all__ = ["TestClient", "Response", "DatastarEvent", "EventStream", "parse_events"]

_CHUNK = 64 * 1024


class Response:
    """A response as the test client received it."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes, url: str) -> None:
        self.status = status
        self.headers = Headers(headers)
        #: The body as it came over the wire (compressed when ``Content-Encoding`` says so).
        self.raw_body = body
        #: The body, decompressed (as a browser reads it).
        self.body = decoder(self.headers.get("content-encoding")).decompress(body) if body else body
        self.url = url
        self.history: list[Response] = []
        #: The spans the request produced (its ``http.request`` span and every step in it).
        self.spans: list[Span] = []

    @property
    def span(self) -> Span | None:
        """The request's own span (``http.request``)."""
        return next((s for s in self.spans if s.name == "http.request"), None)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return _json.loads(self.body)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header (empty when absent)."""
        return self.headers.get("content-type", "")

    @property
    def events(self) -> list[DatastarEvent]:
        """The Datastar events of an SSE body."""
        return parse_events(self.text)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.url}>"


class DatastarEvent:
    """One Server-Sent Event, with its Datastar data lines decoded.

    ``data`` maps each data key to its value (repeated keys joined with ``\\n``, as the browser
    joins them). The properties read the common keys with Datastar's defaults. ``raw`` is the
    event exactly as it came over the wire (its ``event:``, ``id:``, ``retry:`` and ``data:`` lines).
    """

    def __init__(
        self, type: str, data: dict[str, str], id: str | None = None, retry: int | None = None, raw: str = ""
    ) -> None:
        self.type = type
        self.data = data
        self.id = id
        self.retry = retry
        self.raw = raw

    @property
    def selector(self) -> str | None:
        """The ``selector`` line, if any."""
        return self.data.get("selector")

    @property
    def mode(self) -> str:
        """The patch mode (``outer`` when the event leaves it out)."""
        return self.data.get("mode", "outer")

    @property
    def namespace(self) -> str:
        """The namespace (``html`` when left out)."""
        return self.data.get("namespace", "html")

    @property
    def use_view_transition(self) -> bool:
        """Whether the patch asks for a view transition."""
        return self.data.get("useViewTransition", "").strip() == "true"

    @property
    def elements(self) -> str:
        """The HTML of a patch-elements event (lines rejoined with ``\\n``)."""
        return self.data.get("elements", "")

    @property
    def signals(self) -> Any:
        """The parsed JSON of a patch-signals event (``None`` for other events)."""
        raw = self.data.get("signals")
        return None if raw is None else _json.loads(raw)

    @property
    def only_if_missing(self) -> bool:
        """Whether a patch-signals event sets only missing signals."""
        return self.data.get("onlyIfMissing", "").strip() == "true"

    def __repr__(self) -> str:
        return f"DatastarEvent({self.type!r}, {self.data!r})"


class _EventParser:
    """The stream's events, keeping only Datastar's, as `DatastarEvent` objects."""

    def __init__(self) -> None:
        self._sse = SSEParser()

    def feed(self, text: str) -> list[DatastarEvent]:
        return [
            DatastarEvent(event.type, data_fields(event.data), event.id, event.retry, event.raw)
            for event in self._sse.feed(text)
            if event.type.startswith("datastar")
        ]


def parse_events(text: str) -> list[DatastarEvent]:
    """Parse a whole SSE body into Datastar events (other events and comments are dropped)."""
    return _EventParser().feed(text if text.endswith("\n\n") else text + "\n\n")


# Which test request the running code belongs to: spans started in a request's task (and the
# tasks it starts) inherit it, so each response gets exactly its own spans.
_current_request: contextvars.ContextVar[object | None] = contextvars.ContextVar("stario_test_request", default=None)


class _CapturingTracer:
    """Wraps the app's tracer during a test and sorts the spans by the request that made them."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.spans: dict[object, list[Span]] = {}

    def on_start(self, span: Span) -> None:
        if self.inner is not None:
            self.inner.on_start(span)

    def on_end(self, span: Span) -> None:
        token = _current_request.get()
        if token is not None:
            self.spans.setdefault(token, []).append(span)
        if self.inner is not None:
            self.inner.on_end(span)

    def take(self, token: object) -> list[Span]:
        return self.spans.pop(token, [])


class EventStream:
    """An open SSE response in a test: iterate it for events; leaving the ``with`` disconnects."""

    def __init__(self, client: TestClient, future: Future, chunks: queue.Queue, started: Future, disconnect) -> None:
        self._client = client
        self._future = future
        self._chunks = chunks
        self._disconnect = disconnect
        self._parser = _EventParser()
        self._decoder = codecs.getincrementaldecoder("utf-8")()  # a character may span two chunks
        self._pending: list[DatastarEvent] = []
        self._ended = False
        #: The spans of the request, once the stream is closed.
        self.spans: list[Span] = []
        start = started.result(timeout=client.timeout)
        self.status: int = start["status"]
        self.headers = Headers(start.get("headers", []))
        self._unzip = decoder(self.headers.get("content-encoding"))
        #: The stream's bytes so far, decompressed; ``raw_bytes`` counts them as they came over the wire.
        self.body = b""
        self.raw_bytes = 0

    def next(self, timeout: float | None = None) -> DatastarEvent:
        """The next event; `TimeoutError` if none comes in time, `StopIteration` at the end."""
        wait = self._client.timeout if timeout is None else timeout
        while not self._pending:
            if self._ended:
                raise StopIteration
            try:
                chunk = self._chunks.get(timeout=wait)
            except queue.Empty:
                raise TimeoutError(f"no event arrived within {wait} s") from None
            if chunk is None:
                self._ended = True
                continue
            self.raw_bytes += len(chunk)
            chunk = self._unzip.decompress(chunk)
            self.body += chunk
            self._pending.extend(self._parser.feed(self._decoder.decode(chunk)))
        return self._pending.pop(0)

    def __iter__(self) -> Iterator[DatastarEvent]:
        return self

    def __next__(self) -> DatastarEvent:
        return self.next()

    def close(self) -> None:
        """Disconnect, as a browser closing the tab does, and wait until the app has finished."""
        self._client._loop.call_soon_threadsafe(self._disconnect)
        try:
            self.spans = self._future.result(timeout=self._client.timeout).spans
        except TimeoutError:
            raise AssertionError(
                f"the handler was still running {self._client.timeout} s after the client disconnected"
            ) from None

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class TestClient:
    """Call an ASGI app in process (lifespan included). Use it as a context manager.

    ``timeout`` bounds how long any call waits for the app, so a hung handler fails the test
    instead of hanging it.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: Any,
        base_url: str = "http://testserver",
        *,
        follow_redirects: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.app = app
        self.base_url = base_url.rstrip("/")
        self.follow_redirects = follow_redirects
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._lifespan: Future | None = None
        self._lifespan_queue: asyncio.Queue | None = None
        self._lifespan_replies: queue.Queue = queue.Queue()
        self._capture: _CapturingTracer | None = None
        self._original_tracer: Any = None

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> TestClient:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def start(self) -> None:
        """Start the event loop and run the app's start-up (bootstrap). Done on first use too."""
        if self._thread is not None:
            return
        if self._loop.is_closed():  # used again after close(): start afresh
            self._loop = asyncio.new_event_loop()
        if hasattr(self.app, "tracer") and self._capture is None:
            # Record spans for the test, passing them on to the app's own tracer too.
            self._original_tracer = self.app.tracer
            inner = None if isinstance(self._original_tracer, NoopTracer) else self._original_tracer
            self._capture = _CapturingTracer(inner)
            self.app.tracer = self._capture
        self._thread = threading.Thread(target=self._loop.run_forever, name="stario-testclient", daemon=True)
        self._thread.start()
        self._lifespan_queue = self._run(self._make_queue())
        self._lifespan = asyncio.run_coroutine_threadsafe(self._run_lifespan(), self._loop)
        self._lifespan_message({"type": "lifespan.startup"}, "startup")

    def close(self) -> None:
        """Run the app's shutdown (teardown) and stop the event loop."""
        if self._thread is None:
            return
        try:
            if self._lifespan is not None and not self._lifespan.done():
                self._lifespan_message({"type": "lifespan.shutdown"}, "shutdown")
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=self.timeout)
            self._thread = None
            self._loop.close()
            if self._capture is not None:
                self.app.tracer = self._original_tracer
                self._capture = None

    async def _make_queue(self) -> asyncio.Queue:
        return asyncio.Queue()

    async def _run_lifespan(self) -> None:
        async def receive() -> dict[str, Any]:
            return await self._lifespan_queue.get()  # type: ignore[union-attr]

        async def send(message: dict[str, Any]) -> None:
            self._lifespan_replies.put(message)

        try:
            await self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        except Exception as exc:  # an app without lifespan support
            self._lifespan_replies.put({"type": "error", "exc": exc})
        else:  # returned without answering: treat it as not speaking lifespan either
            self._lifespan_replies.put({"type": "error", "exc": None})

    def _lifespan_message(self, message: dict[str, Any], phase: str) -> None:
        self._loop.call_soon_threadsafe(self._lifespan_queue.put_nowait, message)  # type: ignore[union-attr]
        reply = self._lifespan_replies.get(timeout=self.timeout)
        if reply["type"].endswith(".failed"):
            raise RuntimeError(f"the app's {phase} failed: {reply.get('message', '')}")
        if reply["type"] == "error":
            self._lifespan = None  # the app does not speak lifespan; serve requests anyway

    def _run(self, coroutine: Any, what: str = "the app") -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=self.timeout)
        except TimeoutError:
            future.cancel()
            raise AssertionError(
                f"{what} did not finish within {self.timeout} s (for a stream that goes on, use client.stream())"
            ) from None

    # -- requests -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
        files: Mapping[str, tuple[str, bytes, str] | tuple[str, bytes]] | None = None,
        content: bytes | str | None = None,
        signals: Mapping[str, Any] | None = None,
        follow_redirects: bool | None = None,
    ) -> Response:
        """Send one request and return the whole `Response`."""
        self.start()
        method = method.upper()
        scope, body = self._build(method, path, params, headers, cookies, json, data, files, content, signals)
        response = self._run(self._exchange(scope, body), f"{method} {path}")
        follow = self.follow_redirects if follow_redirects is None else follow_redirects
        history: list[Response] = []
        while follow and response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
            location = urljoin(response.url, response.headers["location"])
            if not location.startswith(self.base_url + "/"):
                break  # another site: stop here, the test can look at the Location
            history.append(response)
            if len(history) > 20:
                raise AssertionError("more than 20 redirects: a redirect loop?")
            keep = response.status in (307, 308)
            next_method = method if keep else "GET"
            scope, body = self._build(
                next_method, location[len(self.base_url) :], None, headers, None,
                json if keep else None, data if keep else None, files if keep else None,
                content if keep else None, signals if keep else None,
            )
            response = self._run(self._exchange(scope, body))
        response.history = history
        return response

    def get(self, path: str, **kwargs: Any) -> Response:
        """A GET request."""
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> Response:
        """A HEAD request."""
        return self.request("HEAD", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Response:
        """A POST request."""
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Response:
        """A PUT request."""
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Response:
        """A PATCH request."""
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        """A DELETE request."""
        return self.request("DELETE", path, **kwargs)

    def stream(self, method: str, path: str, **kwargs: Any) -> EventStream:
        """Open a streaming request; iterate the result for `DatastarEvent` objects.

        Leaving the ``with`` block disconnects, as a closed browser tab does, and waits for the
        handler to finish, so a test can then check that its ``finally`` ran.
        """
        self.start()
        method = method.upper()
        scope, body = self._build(
            method, path, kwargs.pop("params", None), kwargs.pop("headers", None), kwargs.pop("cookies", None),
            kwargs.pop("json", None), kwargs.pop("data", None), kwargs.pop("files", None),
            kwargs.pop("content", None), kwargs.pop("signals", None),
        )
        if kwargs:
            raise TypeError(f"unexpected arguments: {', '.join(kwargs)}")
        chunks: queue.Queue = queue.Queue()
        started: Future = Future()
        holder: dict[str, Any] = {}

        def ready(disconnect: asyncio.Event) -> None:
            holder["disconnect"] = disconnect

        future = asyncio.run_coroutine_threadsafe(self._exchange(scope, body, chunks, started, ready), self._loop)
        try:
            stream = EventStream(self, future, chunks, started, lambda: holder["disconnect"].set())
        except TimeoutError:
            future.cancel()
            raise AssertionError(f"{method} {path} sent no response headers within {self.timeout} s") from None
        except BaseException:
            if future.done() and future.exception() is not None:
                raise future.exception()  # type: ignore[misc]
            raise
        return stream

    # -- plumbing -------------------------------------------------------------------------------

    def _build(self, method, path, params, headers, cookies, json, data, files, content, signals):
        url = urlsplit(path)
        query = url.query
        extra: list[tuple[str, str]] = []
        if params:
            extra.extend((key, str(value)) for key, value in params.items())
        # Like a browser (and httpx), ask for every encoding this installation can read.
        header_list: list[tuple[str, str]] = [
            ("host", urlsplit(self.base_url).netloc),
            ("accept-encoding", ", ".join(available_encodings())),
        ]
        body = b""
        if signals is not None:
            header_list.append(("datastar-request", "true"))
            encoded = _json.dumps(signals, separators=(",", ":"))
            if method in ("GET", "HEAD", "DELETE"):
                extra.append(("datastar", encoded))
            else:
                body = encoded.encode()
                header_list.append(("content-type", "application/json"))
        if json is not None:
            body = _json.dumps(json).encode()
            header_list.append(("content-type", "application/json"))
        elif files:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, data or {}, files)
            header_list.append(("content-type", f"multipart/form-data; boundary={boundary}"))
        elif data is not None:
            pairs = list(data.items()) if isinstance(data, Mapping) else list(data)
            body = urlencode(pairs, doseq=True).encode()
            header_list.append(("content-type", "application/x-www-form-urlencoded"))
        elif content is not None:
            body = content.encode() if isinstance(content, str) else content
        if extra:
            query = (query + "&" if query else "") + urlencode(extra)
        if body or method in ("POST", "PUT", "PATCH"):
            header_list.append(("content-length", str(len(body))))
        jar = dict(self.cookies)
        if cookies:
            jar.update(cookies)
        if jar:
            header_list.append(("cookie", "; ".join(f"{k}={v}" for k, v in jar.items())))
        for name, value in (headers or {}).items():
            # Headers given by the test replace the client's own of the same name.
            header_list = [(k, v) for k, v in header_list if k != name.lower()]
            header_list.append((name.lower(), value))
        raw_path = url.path or "/"
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": urlsplit(self.base_url).scheme or "http",
            "path": unquote(raw_path),
            "raw_path": raw_path.encode("ascii", "strict") if raw_path.isascii() else raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in header_list],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        return scope, body

    async def _exchange(self, scope, body, chunks=None, started=None, ready=None) -> Response:
        token = object()
        _current_request.set(token)  # this task's context only
        disconnect = asyncio.Event()
        if ready is not None:
            ready(disconnect)
        pieces = [body[i : i + _CHUNK] for i in range(0, len(body), _CHUNK)] or [b""]
        start: dict[str, Any] = {}
        received: list[bytes] = []

        async def receive() -> dict[str, Any]:
            if pieces:
                piece = pieces.pop(0)
                return {"type": "http.request", "body": piece, "more_body": bool(pieces)}
            await disconnect.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                if started is not None and not started.done():
                    started.set_result(message)
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                received.append(chunk)
                if chunks is not None and chunk:
                    chunks.put(chunk)
                if not message.get("more_body", False):
                    disconnect.set()

        try:
            await self.app(scope, receive, send)
        except BaseException as exc:
            if started is not None and not started.done():
                started.set_exception(exc)
            raise
        finally:
            if chunks is not None:
                chunks.put(None)
        if started is not None and not started.done():
            started.set_exception(AssertionError(f"the app sent no response to {scope['method']} {scope['path']}"))
        if not start:
            raise AssertionError(f"the app sent no response to {scope['method']} {scope['path']}")
        response = Response(start["status"], start.get("headers", []), b"".join(received), self._url(scope))
        if self._capture is not None:
            response.spans = self._capture.take(token)
        self._keep_cookies(response)
        return response

    def _url(self, scope: dict[str, Any]) -> str:
        query = scope["query_string"].decode()
        return self.base_url + scope["raw_path"].decode() + (f"?{query}" if query else "")

    def _keep_cookies(self, response: Response) -> None:
        for header in response.headers.getall("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel["expires"] and "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value  # sent back exactly as it was set


def _multipart(boundary: str, data: Mapping[str, Any] | Iterable[tuple[str, Any]], files: Mapping[str, tuple]) -> bytes:
    lines: list[bytes] = []
    for name, value in data.items() if isinstance(data, Mapping) else data:
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            str(value).encode(),
        ]
    for name, spec in files.items():
        filename, content = spec[0], spec[1]
        content_type = spec[2] if len(spec) > 2 else "application/octet-stream"
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(),
            f"Content-Type: {content_type}".encode(),
            b"",
            content,
        ]
    lines += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(lines)
