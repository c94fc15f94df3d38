"""The request being answered: `Context`.

A handler gets ``c`` (the context) and ``w`` (the writer). The context carries what came in:

- ``c.method``, ``c.path``, ``c.query``, ``c.headers``, ``c.cookies``;
- ``await c.body()``, ``await c.json()``, ``await c.form()``, ``await c.signals()``;
- ``c.params`` (the route's parameters), ``c.route``, ``c.app``, ``c.state`` (the app's state);
- ``c.locals`` (values a middleware sets for the handler), ``c.session`` (the signed-cookie session);
- ``c.span`` (this request's span) and ``c.disconnected`` / ``await c.wait_disconnected()``.

Everything is read lazily: a handler that never looks at the headers never pays for parsing them.
The body is read at most once, and never past the app's size limit (`stario.request_body`);
cookies are read by `stario.cookies`, forms by `stario.forms`.

The context is also the request's line to the ASGI server: it holds ``scope``, ``receive`` and
``send``, and what the parts answering the request share. The `Writer` and its `SSEStream`
send through it (``send``, ``headers_sent``, ``loaded_session``), a stream registers with the
app's open streams through it, and a client leaving cancels the task it noted. One object
holds all of that, not two, because every object a request makes is paid for on every request
(bench/README.md, "Hello world: where the instructions go").
"""

from __future__ import annotations

import asyncio
import time
from asyncio import current_task  # by name, so a test can count the calls (see capture_task)
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from stario.client_json import parse_client_json
from stario.cookies import parse_cookie_header
from stario.datastar import read_signals
from stario.datastructures import FormData, Headers, Locals, QueryParams
from stario.errors import ClientDisconnected, HTTPError
from stario.forms import parse_form
from stario.request_body import read_body
from stario.sessions import MISSING_KEY_MESSAGE, Session
from stario.state import State
from stario.telemetry import NON_RECORDING_SPAN, Span, request_span

if TYPE_CHECKING:
    from stario.routing import Route

__all__ = ["Context", "ClientDisconnected", "header_value"]

_NO_VALUES: list[str] = []  # shared and never mutated: most routes have no parameters


class Context:
    """Everything about the request being answered (see the module docstring)."""

    __slots__ = (
        "app",
        "scope",
        "receive",
        "send",
        "method",
        "path",
        "_span",
        "started_ns",
        "route",
        "param_values",
        "_task",
        "disconnected",
        "stopping",
        "headers_sent",
        "loaded_session",
        "_body",
        "_reading",
        "_params",
        "_headers",
        "_query",
        "_cookies",
        "_signals",
        "_locals",
    )

    def __init__(
        self,
        app: Any,
        scope: dict[str, Any],
        receive: Any,
        send: Any,
        span: Span | None,
    ) -> None:
        #: The `Stario` app answering (typed loosely: the app module imports this one).
        self.app = app
        #: What the ASGI server gave: the request (``scope``) and its two channels.
        self.scope = scope
        self.receive = receive
        self.send = send
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        # This request's span (`span`), or None until something asks for it: see `span`.
        self._span = span
        if span is None:
            # When the request began (monotonic ns): set only when its span is made if asked for.
            self.started_ns = time.monotonic_ns()
        #: The route that matched, and its parameter values in pattern order (set by the app).
        self.route: Route | None = None
        self.param_values: list[str] = _NO_VALUES
        self._task: asyncio.Task[Any] | None = None  # noted when a stream starts: see `capture_task`
        #: True once the client is known to have gone (a closed tab, a dropped connection).
        self.disconnected = False
        #: True once the server, stopping, ended this request's stream.
        self.stopping = False
        #: True once the status line was handed to the server (a session loaded later cannot change).
        self.headers_sent = False
        #: The request's `stario.sessions.Session` once ``c.session`` was read (the writer sends its cookie).
        self.loaded_session: Session | None = None
        self._body: bytes | None = None
        self._reading: asyncio.Lock | None = None
        self._params: dict[str, str] | None = None
        self._headers: Headers | None = None
        self._query: QueryParams | None = None
        self._cookies: dict[str, str] | None = None
        self._signals: dict[str, Any] | None = None
        self._locals: Locals | None = None

    # -- its span -----------------------------------------------------------------------------------

    @property
    def span(self) -> Span:
        """This request's span (see `stario.telemetry`): add to it with ``c.span.attr(...)``,
        ``c.span.event(...)`` and ``with c.span.step(...)``.

        With a tracer that takes plain requests without a span (the SQLite and JSON ones: see
        `stario.telemetry.Tracer`), it is made the first time it is read, timed from the
        request's start; a request nobody asked the span of costs its tracer a few values only.
        (A request carrying a caller's ``traceparent`` has its span from the start.)
        """
        span = self._span
        if span is None:
            span = request_span(self.app.tracer, self.method, self.path, None, self.started_ns)
            self._span = span
        return span

    def span_if_made(self) -> Span | None:
        """The request's span if it exists (with every tracer but those taking plain requests, it
        always does); None if it is made only when asked for, and nothing asked."""
        return self._span

    def span_handed_over(self) -> None:
        """The request went to its tracer as a plain request (its record is written): `span`,
        read after that (work the handler left running), is `NON_RECORDING_SPAN`, which keeps
        nothing, rather than a second span of the same request that nothing would end."""
        self._span = NON_RECORDING_SPAN

    # -- what came with the request line and headers ---------------------------------------------

    @property
    def params(self) -> dict[str, str]:
        """The route's parameters by name: ``/users/{id}`` gives ``c.params["id"]``, decoded."""
        if self._params is None:
            route = self.route
            values = self.param_values
            self._params = dict(zip(route.param_names, values)) if route is not None and values else {}
        return self._params

    @property
    def state(self) -> State:
        """The app's state (``c.state.db``), shared by every request."""
        return self.app.state

    @property
    def locals(self) -> Locals:
        """Values for this request only, set by middleware and read by handlers:
        ``c.locals.user = user``, then ``c.locals.user`` (see `stario.datastructures.Locals`)."""
        if self._locals is None:
            self._locals = Locals()
        return self._locals

    @property
    def session(self) -> Session:
        """The signed-cookie session, a dict (see `stario.sessions`): read when first used,
        re-sent when changed. Needs the app's secret key (``Stario(secret_key=...)`` or
        ``STARIO_SECRET_KEY``)."""
        session = self.loaded_session
        if session is None:
            cookies = self.app.session_cookies
            if cookies is None:
                raise RuntimeError(MISSING_KEY_MESSAGE)
            # Most first visits send no cookie at all: skip parsing the headers then.
            value = None
            if self._cookies is not None or self.raw_header(b"cookie") is not None:
                value = self.cookies.get(cookies.cookie_name)
            session = cookies.load(value)
            if self.headers_sent:
                session.mark_sent()  # read for the first time in a stream already under way
            self.loaded_session = session
        return session

    @property
    def headers(self) -> Headers:
        """Request headers; names are case-insensitive."""
        if self._headers is None:
            self._headers = Headers(self.scope["headers"])
        return self._headers

    @property
    def query(self) -> QueryParams:
        """Decoded query parameters: ``c.query["q"]``, ``c.query.getall("tag")``."""
        if self._query is None:
            raw = self.scope.get("query_string", b"").decode("latin-1")
            self._query = QueryParams(parse_qsl(raw, keep_blank_values=True))
        return self._query

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies the browser sent, by name. A malformed pair is skipped; the others still count."""
        if self._cookies is None:
            jar: dict[str, str] = {}
            for header in self.headers.getall("cookie"):
                jar.update(parse_cookie_header(header))
            self._cookies = jar
        return self._cookies

    @property
    def is_datastar(self) -> bool:
        """True when the request came from a Datastar action (it carries ``Datastar-Request``)."""
        return "datastar-request" in self.headers

    @property
    def url(self) -> str:
        """The path with its query string, as the client asked for it."""
        query = self.scope.get("query_string", b"")
        return self.path + ("?" + query.decode("latin-1") if query else "")

    # -- the body ----------------------------------------------------------------------------------

    async def body(self) -> bytes:
        """The whole request body (read once, then cached).

        Raises `HTTPError` 413 when it is larger than the app's ``max_body_size``, as soon as
        that is known (from ``Content-Length``, or while reading) and without reading the rest,
        and `ClientDisconnected` when the client leaves first. Two tasks asking at once (a
        handler, and a stream opening) share one read.
        """
        if self._body is not None:
            return self._body
        if self._reading is None:
            self._reading = asyncio.Lock()
        async with self._reading:
            if self._body is None:
                try:
                    self._body = await read_body(self.scope, self.receive, self.app.max_body_size)
                except ClientDisconnected:
                    self.disconnected = True
                    raise
        self._reading = None  # read: a stream may stay open for hours, keep no lock for it
        return self._body

    async def text(self) -> str:
        """The body decoded as UTF-8 (400 if it is not)."""
        try:
            return (await self.body()).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPError(400, f"the request body is not valid UTF-8: {exc}") from None

    async def json(self) -> Any:
        """The body parsed as JSON; malformed JSON is answered 400 with what is wrong."""
        body = await self.body()
        if not body:
            raise HTTPError(400, "expected a JSON body, but the request body is empty")
        return parse_client_json(body, "the request body")

    async def form(self) -> FormData:
        """The submitted form, urlencoded or multipart (files become `UploadedFile`)."""
        content_type = self.headers.get("content-type", "")
        body = await self.body()
        # A GET form (and Datastar's contentType: 'form' on GET) sends its fields in the query
        # string; it may still say it is urlencoded, with an empty body.
        if self.method in ("GET", "HEAD", "DELETE") and not body and (
            not content_type or content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"
        ):
            return FormData(parse_qsl(self.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        return parse_form(content_type, body)

    async def signals(self) -> dict[str, Any]:
        """The Datastar signals the browser sent (``{}`` when there are none).

        GET and DELETE carry them in the ``datastar`` query parameter, other methods in a JSON
        body. Malformed signals are answered 400 with what is wrong.
        """
        if self._signals is None:
            body = b"" if self.method in ("GET", "HEAD", "DELETE") else await self.body()
            self._signals = read_signals(
                self.method, self.scope.get("query_string", b""), self.headers.get("content-type", ""), body
            )
        return self._signals

    # -- the client going away, and the line to the server -------------------------------------------

    @property
    def task(self) -> asyncio.Task[Any] | None:
        """The task answering this request (cancelled when a streaming client leaves)."""
        self.capture_task()
        return self._task

    async def wait_disconnected(self) -> None:
        """Wait until the client goes away (reads, and keeps, the body first)."""
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

    def raw_header(self, name: bytes) -> bytes | None:
        """The first value of request header ``name`` (lowercase, as ASGI gives names), or None.

        For the few places that need one header without `headers` parsing them all.
        """
        return header_value(self.scope, name)

    def capture_task(self) -> None:
        """Note the task answering this request; called from that task, before a stream starts.

        A client that leaves a stream, or a server that stops, cancels that task (from another
        task). Noted when a stream starts rather than for every request: asking asyncio for the
        current task costs a system call on Python 3.11 (``getpid``, to check the loop's process).
        """
        if self._task is None:
            self._task = current_task()

    def client_left(self, **details: Any) -> None:
        """Note that the client has gone (on the span too), and cancel the task answering it."""
        self.disconnected = True
        self.span.event("client.disconnected", cause="the client closed the connection", **details)
        self._cancel_task()

    def stream_opened(self) -> None:
        """The response became an open stream: the app ends it if the server stops."""
        self.app.open_streams.add(self)

    def stream_closed(self) -> None:
        """The stream ended."""
        self.app.open_streams.discard(self)

    def stop_for_shutdown(self) -> None:
        """End this request's stream because the server is stopping: cancel the task answering it
        (its ``finally`` blocks run; the app then closes the stream quietly)."""
        self.stopping = True
        self.span.event("server.stopping", cause="the server is shutting down; the stream was ended")
        self._cancel_task()

    def _cancel_task(self) -> None:
        task = self._task
        if task is not None and not task.done():
            task.cancel()

    def __repr__(self) -> str:
        return f"<Context {self.method} {self.path}>"


def unknown_attribute_message(name: str) -> str:
    """What to say when code reads or sets ``c.<name>``, which `Context` does not have."""
    return (
        f"Context has no attribute {name!r}. Values for one request go in c.locals: "
        f"c.locals.{name} = ... in a middleware, c.locals.{name} in the handler"
    )


def header_value(scope: dict[str, Any], name: bytes) -> bytes | None:
    """The first value of header ``name`` (lowercase bytes, as ASGI gives names) in an ASGI
    ``scope``, or None: `Context.raw_header`, for the app before it has a context."""
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None
