"""The response as a handler writes it: `Writer`.

``w.html(...)``, ``w.text(...)``, ``w.json(...)``, ``w.redirect(...)`` and ``w.empty()`` each set
the one response to send; ``w.status = ...``, ``w.header(...)`` and ``w.cookie(...)`` shape it.
They do not await: the app sends the response when the handler returns, so middleware can still
look at it. ``w.sse()`` is the exception: it opens a stream of Server-Sent Events that goes out
as it is written (see `stario.sse`).
"""

from __future__ import annotations

import json as _json
import re
from http.cookies import SimpleCookie
from urllib.parse import quote
from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from stario.sse import SSEStream
from stario.errors import HTTPError
from stario.urls import check_redirect_target, same_site_target

_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"
_COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~"  # what RFC 6265 allows in a cookie value, less %

if TYPE_CHECKING:
    from stario.context import Context

__all__ = ["Writer"]

_TEXT_HTML = b"text/html; charset=utf-8"
_TEXT_PLAIN = b"text/plain; charset=utf-8"
_JSON = b"application/json"

# Writer states: nothing written yet; a response set in one piece; a body set to be sent in
# pieces (`body_from`); an SSE stream; sent. In this order: `take_whole_response` takes the first two.
_EMPTY, _SET, _PIECES, _STREAMING, _DONE = 0, 1, 2, 3, 4


class Writer:
    """Builds and sends the response to one request (see the module docstring)."""

    __slots__ = (
        "request",
        "_status",
        "headers",
        "_body",
        "_content_type",
        "_state",
        "stream",
        "bytes_sent",
        "_chunks",
    )

    def __init__(self, request: Context) -> None:
        #: The request being answered: its `Context` is also its line to the server (``send``).
        self.request = request
        self._status: int | None = None
        #: Extra response headers, as (name, value) pairs.
        self.headers: list[tuple[str, str]] = []
        self._body = b""
        self._content_type = b""
        self._state = _EMPTY
        #: The SSE stream `sse` opened, if any.
        self.stream: SSEStream | None = None
        self.bytes_sent = 0
        self._chunks: tuple[AsyncIterable[bytes], int | None] | None = None  # a body sent piece by piece, and its length

    @property
    def headers_sent(self) -> bool:
        """True once the status line has been handed to the server (nothing can change after).
        The request keeps the flag: the context reads it too (a session read that late is frozen)."""
        request = self.request
        return request is not None and request.headers_sent

    # -- shaping the response ---------------------------------------------------------------------

    def _check_unsent(self, what: str) -> None:
        if self.headers_sent or (self.stream is not None and self.stream.started):
            raise RuntimeError(
                f"{what} comes too late: the response has started. Set status, headers and cookies "
                "before the first event (a generator handler's stream starts with its first item)"
            )

    @property
    def status(self) -> int | None:
        """The response's status: set it with ``w.status = 201`` (or ``status=`` of `html`,
        `text`, `json`...); None until set, then what was sent."""
        return self._status

    @status.setter
    def status(self, code: int | None) -> None:
        if code is None:  # forgetting it again (the app, before it answers an error)
            self._status = None
            return
        self._check_unsent("w.status = ...")
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
            raise ValueError(f"an HTTP status is an integer from 100 to 599, got {code!r}")
        self._status = code

    def header(self, name: str, value: str) -> Writer:
        """Add a response header; returns the writer. CR, LF and other control characters are refused."""
        self._check_unsent("w.header()")
        _check_header_value(name, value)
        self.headers.append((name, value))
        return self

    def cookie(
        self,
        name: str,
        value: str,
        *,
        max_age: int | None = None,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = True,
        samesite: Literal["lax", "strict", "none"] = "lax",
    ) -> Writer:
        """Set a cookie. Defaults are the safe ones: HttpOnly, SameSite=Lax, Path=/."""
        if name.startswith(("__Secure-", "__Host-")) and not secure:
            raise ValueError(f"browsers only accept a cookie named {name!r} with secure=True")
        if name.startswith("__Host-") and (path != "/" or domain):
            raise ValueError(f"a cookie named {name!r} must have path='/' and no domain")
        for part, label in ((path, "path"), (domain or "", "domain")):
            if ";" in part or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in part):
                raise ValueError(f"a cookie {label} must not contain ';' or control characters: {part!r}")
        if samesite.lower() not in ("lax", "strict", "none"):
            raise ValueError(f"samesite must be 'lax', 'strict' or 'none', got {samesite!r}")
        if samesite.lower() == "none" and not secure:
            raise ValueError("browsers refuse SameSite=None cookies unless they are also Secure")
        jar: SimpleCookie = SimpleCookie()
        try:
            # Percent-encoded, so any text survives the trip (c.cookies decodes it again).
            jar[name] = quote(value, safe=_COOKIE_SAFE)
        except Exception as exc:
            raise ValueError(f"not a valid cookie name: {name!r} ({exc})") from None
        morsel = jar[name]
        morsel["path"] = path
        if max_age is not None:
            morsel["max-age"] = str(int(max_age))
        if domain:
            morsel["domain"] = domain
        if secure:
            morsel["secure"] = True
        if httponly:
            morsel["httponly"] = True
        morsel["samesite"] = samesite.capitalize()
        return self.header("Set-Cookie", morsel.OutputString())

    def delete_cookie(
        self,
        name: str,
        *,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        samesite: Literal["lax", "strict", "none"] = "lax",
    ) -> Writer:
        """Tell the browser to forget a cookie (give the same path, domain and secure it was set with).

        Cookies named ``__Secure-`` or ``__Host-`` are always deleted with ``Secure``, as browsers require.
        """
        secure = secure or name.startswith(("__Secure-", "__Host-"))
        return self.cookie(name, "", max_age=0, path=path, domain=domain, secure=secure, samesite=samesite)

    # -- the one response ---------------------------------------------------------------------

    def _set(self, body: bytes, content_type: bytes, status: int | None) -> None:
        if self._state != _EMPTY:
            raise RuntimeError(
                "this response was already written; a handler writes one response "
                "(use w.sse() to send several updates)"
            )
        if status is not None:
            self.status = status
        self._body = body
        self._content_type = content_type
        self._state = _SET

    def html(self, content: Any, status: int | None = None) -> None:
        """Answer with HTML: a ``str`` (sent as it is) or anything with ``__html__``."""
        if hasattr(content, "__html__"):
            content = content.__html__()
        if not isinstance(content, str):
            raise TypeError(f"w.html() takes a str or something with __html__, got {type(content).__name__}")
        body = content.encode()
        if self._state == _EMPTY and status is None:  # the usual case, set here (see `text`)
            self._body, self._content_type, self._state = body, _TEXT_HTML, _SET
        else:
            self._set(body, _TEXT_HTML, status)

    def text(self, content: str, status: int | None = None) -> None:
        """Answer with plain text."""
        body = str(content).encode()
        if self._state == _EMPTY and status is None:  # the usual case, set here: a call costs as much
            self._body, self._content_type, self._state = body, _TEXT_PLAIN, _SET
        else:
            self._set(body, _TEXT_PLAIN, status)

    def json(self, data: Any, status: int | None = None) -> None:
        """Answer with ``data`` as JSON."""
        self._set(_json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(), _JSON, status)

    def raw(self, content: bytes, content_type: str, status: int | None = None) -> None:
        """Answer with bytes of the given content type (an image, a download...)."""
        _check_header_value("Content-Type", content_type)
        self._set(bytes(content), content_type.encode("latin-1"), status)

    def body_from(
        self, chunks: AsyncIterable[bytes], content_type: str, *, length: int | None = None, status: int | None = None
    ) -> None:
        """Answer with a body sent piece by piece as ``chunks`` yields it (a large file).

        With ``length`` the response says how long it is (``Content-Length``) and the chunks must
        add up to exactly that; without, it is sent chunked. A HEAD request gets the headers only.
        """
        _check_header_value("Content-Type", content_type)
        if length is not None and (not isinstance(length, int) or length < 0):
            raise ValueError(f"length is the body's size in bytes, got {length!r}")
        self._set(b"", content_type.encode("latin-1"), status)
        self._chunks = (chunks, length)
        self._state = _PIECES

    def redirect(
        self,
        location: str,
        status: int = 303,
        *,
        safe: bool = False,
        fallback: str | None = None,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        """Send the browser to ``location`` (303 See Other by default: the next request is a GET).

        ``location`` must be a path or an http(s) URL; other schemes, ``//host`` and CR/LF are
        refused with `ValueError` (a bug in the handler: 500).

        When the target comes from the user (``c.query["next"]``), pass ``safe=True``: only a
        path on this site (or a URL on the request's own host, or one of ``allowed_hosts``) is
        followed. Anything else goes to ``fallback`` when given, and is otherwise answered 400,
        so a link that looks like yours can never send people to another site.
        """
        if status not in (301, 302, 303, 307, 308):
            raise ValueError(f"a redirect status is 301, 302, 303, 307 or 308, got {status}")
        if safe:
            target = same_site_target(location, self._request_host(), allowed_hosts)
            if target is None:
                if fallback is None:
                    raise HTTPError(400, f"refused to redirect to {location!r}: only paths on this site are allowed")
                target = check_redirect_target(fallback)
            location = target
        else:
            check_redirect_target(location)
        self._set(b"", b"", status)
        # Non-ASCII (/users/日本) is percent-encoded as UTF-8, as browsers expect in a Location.
        self.headers.append(("Location", quote(location, safe=_URL_SAFE)))

    def _request_host(self) -> str:
        host = self.request.raw_header(b"host")
        return host.decode("latin-1") if host is not None else ""

    def empty(self, status: int = 204) -> None:
        """Answer with no body (204 No Content by default)."""
        self._set(b"", b"", status)

    def sse(self, *, heartbeat: float | None = 15.0) -> SSEStream:
        """Open a stream of Server-Sent Events (Datastar events) for this response.

        The status line and headers go out on the first write (or at once with ``async with``);
        a ``: ping`` comment goes out after ``heartbeat`` seconds without events.
        """
        if self._state != _EMPTY:
            raise RuntimeError("this response was already written; open the SSE stream before writing anything else")
        self._state = _STREAMING
        self.request.capture_task()  # the handler's task: cancelled if the client leaves the stream
        self.stream = SSEStream(self, self.request, heartbeat=heartbeat)
        return self.stream

    # -- state, read by the app and by middleware ------------------------------------------------

    @property
    def written(self) -> bool:
        """True once a response has been set or a stream opened."""
        return self._state != _EMPTY

    @property
    def streaming(self) -> bool:
        """True when the response is an SSE stream."""
        return self.stream is not None


    @property
    def body(self) -> bytes:
        """The body set so far (empty for a stream)."""
        return self._body

    def reset(self) -> None:
        """Forget what was set (not possible once a stream has started sending)."""
        if self._state >= _STREAMING and self.stream is not None and self.stream.started:
            raise RuntimeError("the stream has started; its response can no longer be replaced")
        self._status = None
        self.headers.clear()
        self._body = b""
        self._content_type = b""
        self._state = _EMPTY
        self.stream = None
        self._chunks = None

    def raw_headers(self, content_type: bytes, content_length: int | None) -> list[tuple[bytes, bytes]]:
        """The response headers as ASGI wants them."""
        headers = []
        if content_type:
            headers.append((b"content-type", content_type))
        if content_length is not None:
            headers.append((b"content-length", str(content_length).encode()))
        for name, value in self.headers:
            headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        session = self.request.loaded_session
        if session is not None:
            if session.changed:
                secure = self.request.scope.get("scheme") == "https"
                headers.append((b"set-cookie", session.cookie_header(secure=secure).encode("latin-1")))
            else:
                session.mark_sent()
        return headers

    def take_whole_response(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Take a response set in one piece, to send: its two ASGI messages, the status line with
        the headers, then the body (204 if nothing was set). None for a stream or a body sent in
        pieces, and once the response was taken: `finish` sends those.

        For the app only (`stario.app.Stario.__call__` sends both at once, so a request's bytes
        are written there): once taken, the response counts as sent, and whoever took it must
        send it. Middleware reads the response with `status`, `headers` and `body` instead.
        """
        state = self._state
        if state > _SET:
            return None
        self._state = _DONE
        status = self._status
        if status is None:
            self._status = status = 200 if state == _SET else 204
        request = self.request
        body = self._body
        if request.app.compression is not None and status not in (204, 206, 304) and self._content_type:
            body = self._compress(body)
        if status == 204 or status == 304:
            body = b""
            headers = self.raw_headers(b"", None)
        elif self.headers or request.loaded_session is not None or not self._content_type:
            headers = self.raw_headers(self._content_type, len(body))
        else:  # the most common answer, written inline: its type and length only
            size = len(body)
            length = _SMALL_LENGTHS[size] if size < _SMALL else (b"content-length", str(size).encode())
            headers = [(b"content-type", self._content_type), length]
        request.headers_sent = True
        if request.method == "HEAD":
            body = b""
        self.bytes_sent = len(body)
        return {"type": "http.response.start", "status": status, "headers": headers}, {"type": "http.response.body", "body": body}

    async def finish(self) -> None:
        """Send the response that was set (204 if none was), or end the stream; called by the app."""
        messages = self.take_whole_response()
        if messages is not None:
            send = self.request.send
            await send(messages[0])
            await send(messages[1])
            return
        state = self._state
        if state == _DONE:
            return
        self._state = _DONE
        if state == _STREAMING:
            if self.stream is not None:
                await self.stream.close()
            return
        if state == _PIECES and self._chunks is not None:
            status = self._status or 200
            self._status = status
            await self._send_chunks(status, *self._chunks)

    def _compress(self, body: bytes) -> bytes:
        """``body`` compressed for this client when it is worth it, with the headers that say so."""
        compression = self.request.app.compression
        assert compression is not None
        if not compression.compressible(self._content_type) or any(name.lower() == "content-encoding" for name, _ in self.headers):
            return body
        self.headers.append(("Vary", "Accept-Encoding"))  # the answer depends on it, compressed or not
        if len(body) < compression.minimum_size:
            return body
        encoding = compression.choose(self.request.scope["headers"])
        if encoding is None:
            return body
        self.headers.append(("Content-Encoding", encoding))
        return compression.compress(encoding, body)

    async def _send_chunks(self, status: int, chunks: AsyncIterable[bytes], length: int | None) -> None:
        headers = self.raw_headers(self._content_type, length)
        self.request.headers_sent = True
        send = self.request.send
        await send({"type": "http.response.start", "status": status, "headers": headers})
        sent = 0
        if self.request.method != "HEAD":
            async for chunk in chunks:
                if chunk:
                    sent += len(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        self.bytes_sent = sent
        if length is not None and sent != length and self.request.method != "HEAD":
            raise RuntimeError(f"the body was to be {length} bytes long but {sent} were sent")
        await send({"type": "http.response.body", "body": b""})


# The Content-Length headers of small bodies, made once: formatting an int costs about as much as
# building both ASGI messages (bench/README.md, "Hello world: where the instructions go").
_SMALL = 2048
_SMALL_LENGTHS = tuple((b"content-length", str(n).encode()) for n in range(_SMALL))

# A header name is an RFC 9110 token: letters, digits and these marks; never a space, a colon
# or a control character (a CR or LF in a name would split the response).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# The body's framing is the server's to write: a second Content-Length, or one beside
# Transfer-Encoding, makes clients and proxies disagree on where the response ends.
_FRAMING_HEADERS = ("content-length", "transfer-encoding")


def _check_header_value(name: str, value: str) -> None:
    if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
        raise ValueError(
            f"not a valid header name: {name!r} (letters, digits and !#$%&'*+-.^_`|~ only; no spaces, colons or control characters)"
        )
    if name.lower() in _FRAMING_HEADERS:
        raise ValueError(
            f"{name} is set by the server from the body it sends; do not set it by hand (send the body with w.raw, w.text...)"
        )
    for ch in value:
        if (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F or ord(ch) > 0xFF:
            raise ValueError(
                f"a header value must be Latin-1 text without control characters (such as CR/LF): {name}: {value!r}"
            )
