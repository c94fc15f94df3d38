"""The request as a handler sees it: `Context`.

A handler gets ``c`` (the context) and ``w`` (the writer). The context carries what came in:

- ``c.method``, ``c.path``, ``c.query``, ``c.headers``, ``c.cookies``;
- ``await c.body()``, ``await c.json()``, ``await c.form()``, ``await c.signals()``;
- ``c.params`` (the route's parameters), ``c.route``, ``c.app``, ``c.state`` (the app's state);
- ``c.span`` (this request's span) and ``c.disconnected`` / ``await c.wait_disconnected()``.

Everything is read lazily: a handler that never looks at the headers never pays for parsing them.
The body is read at most once, and never past the app's size limit.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from stario.datastar import read_signals
from stario.datastructures import FormData, Headers, QueryParams, UploadedFile
from stario.errors import HTTPError

if TYPE_CHECKING:
    from stario.app import Stario, State
    from stario.routing import Route
    from stario.telemetry import Span

__all__ = ["Context", "ClientDisconnected"]


class ClientDisconnected(Exception):
    """The client went away before the request was read in full."""


_NO_VALUES: list[str] = []  # shared and never mutated: most routes have no parameters


class Context:
    """Everything about the request being answered (see the module docstring)."""

    __slots__ = (
        "app",
        "scope",
        "receive",
        "method",
        "path",
        "param_values",
        "_params",
        "route",
        "span",
        "_headers",
        "_query",
        "_cookies",
        "_body",
        "_signals",
        "_disconnected",
        "task",
    )

    def __init__(
        self, app: Stario, scope: dict[str, Any], receive: Any, span: Span, task: asyncio.Task[Any] | None = None
    ) -> None:
        self.app = app
        self.scope = scope
        self.receive = receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        #: The route's parameter values in pattern order, as the router found them.
        self.param_values: list[str] = _NO_VALUES
        self._params: dict[str, str] | None = None
        self.route: Route | None = None
        self.span = span
        self._headers: Headers | None = None
        self._query: QueryParams | None = None
        self._cookies: dict[str, str] | None = None
        self._body: bytes | None = None
        self._signals: dict[str, Any] | None = None
        self._disconnected = False
        #: The task answering this request (cancelled when a streaming client leaves).
        self.task = task

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
        that is known (from ``Content-Length``, or while reading) and without reading the rest.
        """
        if self._body is not None:
            return self._body
        limit = self.app.max_body_size
        declared = self.headers.get("content-length")
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
                self._disconnected = True
                raise ClientDisconnected("the client left while its request body was being read")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise HTTPError(413, f"the request body is over the limit of {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        self._body = b"".join(chunks)
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
        try:
            return json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise HTTPError(400, f"the request body is not valid JSON: {exc}") from None

    async def form(self) -> FormData:
        """The submitted form, urlencoded or multipart (files become `UploadedFile`)."""
        content_type = self.headers.get("content-type", "")
        kind = content_type.split(";", 1)[0].strip().lower()
        if self.method in ("GET", "HEAD", "DELETE") and not kind:
            return FormData(parse_qsl(self.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        body = await self.body()
        if kind == "application/x-www-form-urlencoded" or (not kind and not body):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise HTTPError(400, f"the form body is not valid UTF-8: {exc}") from None
            return FormData(parse_qsl(text, keep_blank_values=True))
        if kind == "multipart/form-data":
            return _parse_multipart(content_type, body)
        raise HTTPError(
            415,
            f"expected a form (application/x-www-form-urlencoded or multipart/form-data), got {content_type or 'no Content-Type'}",
        )

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

    # -- the client going away -------------------------------------------------------------------

    @property
    def disconnected(self) -> bool:
        """True once the client is known to have gone (a closed tab, a dropped connection)."""
        return self._disconnected

    async def wait_disconnected(self) -> None:
        """Wait until the client goes away (reads, and keeps, the body first)."""
        if self._disconnected:
            return
        try:
            await self.body()
        except HTTPError:
            pass
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                self._disconnected = True
                return

    def __repr__(self) -> str:
        return f"<Context {self.method} {self.path}>"


def parse_cookie_header(header: str) -> dict[str, str]:
    """Parse a ``Cookie`` header as browsers send it: ``name=value`` pairs separated by ``;``.

    Linear in the header's length, and forgiving: a pair without ``=`` or with an empty name is
    skipped rather than spoiling the rest (the standard library's parser drops every cookie when
    one is odd). Surrounding double quotes are removed from a value.
    """
    jar: dict[str, str] = {}
    for pair in header.split(";"):
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        jar.setdefault(name, unquote(value) if "%" in value else value)
    return jar


def _parse_multipart(content_type: str, body: bytes) -> FormData:
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise HTTPError(400, "a multipart/form-data body needs a boundary in its Content-Type")
    items: list[tuple[str, str | UploadedFile]] = []
    part: dict[str, Any] = {}
    finished: list[bool] = []

    def on_part_begin() -> None:
        part.clear()
        part.update(headers=[], field=b"", value=b"", data=[])

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part["value"] += data[start:end]

    def on_header_end() -> None:
        part["headers"].append((part["field"].decode("latin-1").lower(), part["value"].decode("latin-1")))
        part["field"] = b""
        part["value"] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part["data"].append(data[start:end])

    def on_part_end() -> None:
        headers = dict(part["headers"])
        _, disposition = parse_options_header(headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        data = b"".join(part["data"])
        if b"filename" in disposition:
            filename = disposition[b"filename"].decode("utf-8", "replace")
            items.append((name, UploadedFile(filename, headers.get("content-type", "application/octet-stream"), data)))
        else:
            items.append((name, data.decode("utf-8", "replace")))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": lambda: finished.append(True),
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except Exception as exc:  # the parser's own error types vary by version
        raise HTTPError(400, f"the multipart form is malformed: {exc}") from None
    if not finished:
        raise HTTPError(400, "the multipart form is cut short: its closing boundary is missing")
    return FormData(items)
