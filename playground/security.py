"""The playground runs code, so it guards its door. Every request must:

1. name a loopback host (``127.0.0.1``, ``localhost``, ``[::1]``) in ``Host``, which stops DNS
   rebinding: a web page whose domain resolves to 127.0.0.1 still sends its own name;
2. carry the token: the URL ``stario playground`` prints has ``?token=...``; a browser's first
   visit trades it for an HttpOnly, SameSite=Strict cookie and is redirected to a clean URL. A
   client that is not a browser may keep sending ``?token=``, or the URL's credentials as curl
   sends them (``http://stario:TOKEN@127.0.0.1:8801/``, the form the lessons' curl lines take in
   the playground); those credentials are taken off before the request goes on;
3. not come from another site, nor from another page on this machine: ``Sec-Fetch-Site`` must be
   ``same-origin`` or ``none``; the preview also takes ``same-site`` requests, but only from the
   playground's own pages (their ``Origin`` or ``Referer``), since cookies, and "sites", ignore
   ports: any local server's page is "same-site". A browser too old to send ``Sec-Fetch-Site``
   must at least send this server's own ``Origin`` (or none).

The cookie's name carries the playground's port (``stario_playground_8800``), and the preview
never lets the learner's app read or set a cookie whose name starts with ``stario_playground``.
The token lives in the data folder (``token``, mode 0600), so the printed URL, and the cookie of
an open tab, still work after a restart.

`Guard` wraps an ASGI app and refuses anything else with 403 and a reason.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

__all__ = ["Guard", "new_token", "load_token", "cookie_name", "COOKIE_PREFIX", "LOOPBACK_HOSTS"]

COOKIE_PREFIX = "stario_playground"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def load_token(folder: Path, *, fresh: bool = False) -> str:
    """The token kept in ``folder/token`` (made, readable by this user alone, when missing or ``fresh``)."""
    path = folder / "token"
    if not fresh:
        try:
            token = path.read_text(encoding="ascii").strip()
            if len(token) >= 32 and token.replace("-", "").replace("_", "").isalnum():
                return token
        except (OSError, UnicodeDecodeError):
            pass
    token = new_token()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(token + "\n")
    os.chmod(path, 0o600)  # an older file may have had other modes
    return token


def cookie_name(port: int) -> str:
    """The cookie that carries the token for the playground on ``port``."""
    return f"{COOKIE_PREFIX}_{port}"


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same(offered: str, token: str) -> bool:
    """A constant-time comparison that takes any text (a non-ASCII value is simply wrong)."""
    return hmac.compare_digest(offered.encode("utf-8", "surrogateescape"), token.encode())


def _origin_port(url: str) -> int | None:
    """The port of an ``Origin`` or ``Referer`` value, or None when it has none (or a false one)."""
    try:
        return urlsplit(url).port
    except ValueError:
        return None


def _cookie_values(header: str, name: str) -> list[str]:
    """Every value the ``Cookie`` header gives ``name`` (another page may have added its own)."""
    values = []
    for part in header.split(";"):
        key, equals, value = part.strip().partition("=")
        if equals and key.strip() == name:
            values.append(value.strip().strip('"'))
    return values


class Guard:
    """ASGI middleware: loopback Host, the token (query once, then cookie), no cross-site requests.

    ``cookie`` is the cookie's name (`cookie_name` of the playground's port). ``allow_any_host``
    is for ``--allow-remote``: the Host check is skipped (the token and the cross-site check
    still apply). ``framed_by`` is for the preview: the port of the playground whose pages may
    frame it and open it in a new tab (``same-site`` requests from there).
    """

    def __init__(self, app: Any, token: str, *, cookie: str, allow_any_host: bool = False, framed_by: int | None = None) -> None:
        self.app = app
        self.token = token
        self.cookie = cookie
        self.allow_any_host = allow_any_host
        self.framed_by = framed_by

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self.app(scope, receive, send)
            return
        if kind != "http":  # a websocket: nothing here speaks it, so nothing gets past unchecked
            await send({"type": "websocket.close", "code": 1008})
            return
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for key, value in scope.get("headers", []):
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            if name == "cookie":
                cookies.append(text)
            else:
                headers.setdefault(name, text)
        host = headers.get("host", "")
        if not self.allow_any_host and _host_name(host).lower() not in LOOPBACK_HOSTS:
            await _refuse(send, f"the playground answers only on a loopback address, not {host or 'no Host'}")
            return
        refusal = self._site_refusal(headers)
        if refusal:
            await _refuse(send, refusal)
            return
        if any(_same(value, self.token) for header in cookies for value in _cookie_values(header, self.cookie)):
            await self.app(scope, receive, send)  # a browser with the cookie: any ?token= is the app's own
            return
        password = _basic_password(headers.get("authorization", ""))
        if password is not None:
            if not _same(password, self.token):
                await _refuse(send, "wrong token in the URL's credentials: copy the line from the lesson again")
                return
            # curl with http://stario:TOKEN@host/...: served, without the credentials the app never asked for
            kept = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"authorization"]
            await self.app({**scope, "headers": kept}, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        offered = dict(query).get("token")
        if offered is None:
            await _refuse(send, "no token: open the URL that 'stario playground' printed (it ends in ?token=...)")
            return
        if not _same(offered, self.token):
            await _refuse(send, "wrong token: open the URL that 'stario playground' printed")
            return
        rest = urlencode([(k, v) for k, v in query if k != "token"])
        if headers.get("sec-fetch-mode") == "navigate":
            await self._welcome(send, _safe_path(scope) + (f"?{rest}" if rest else ""))
            return
        # Not a browser finding its way in (curl, a script): served as it is, less the token.
        await self.app({**scope, "query_string": rest.encode("latin-1")}, receive, send)

    def _site_refusal(self, headers: dict[str, str]) -> str | None:
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is None:
            # An older browser, or not a browser. A browser that names where it comes from must
            # name this playground (or, for the preview, the page framing it).
            origin = headers.get("origin")
            if origin is None or origin == "null" or self._ours(origin, headers.get("host", "")):
                return None
            return f"a request from another page refused (Origin: {origin})"
        if fetch_site in ("same-origin", "none"):
            return None
        if fetch_site == "same-site" and self.framed_by is not None:
            source = headers.get("origin") or headers.get("referer") or ""
            if self._ours(source, "", framing_only=True):
                return None
            return f"a request from another page on this machine refused ({source or 'no Origin or Referer'})"
        return f"cross-site request refused (Sec-Fetch-Site: {fetch_site})"

    def _ours(self, url: str, host: str, *, framing_only: bool = False) -> bool:
        """Whether ``url`` (an Origin or Referer) is this server's own, or the playground framing it."""
        name = (urlsplit(url).hostname or "").lower()
        port = _origin_port(url)
        if name not in LOOPBACK_HOSTS and not self.allow_any_host:
            return False
        if self.framed_by is not None and port == self.framed_by:
            return True
        if framing_only:
            return False
        own = urlsplit(f"http://{host}")
        try:
            return port is not None and port == own.port and name == (own.hostname or "").lower()
        except ValueError:
            return False

    async def _welcome(self, send: Any, location: str) -> None:
        """Trade the token in the URL for the cookie, and go to the same page without it."""
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode("latin-1", "replace")),
                    (b"set-cookie", f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()),
                    (b"content-length", b"0"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _safe_path(scope: dict[str, Any]) -> str:
    """The request's path as sent (still percent-encoded), never one that names another host."""
    raw = scope.get("raw_path") or scope.get("path", "/").encode("utf-8")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    path = "".join(ch if 0x20 < ord(ch) < 0x7F else quote(ch) for ch in path)
    return "/" + path.lstrip("/\\")


def _basic_password(header: str) -> str | None:
    """The password of ``Authorization: Basic ...`` (what curl sends for ``http://user:pass@host``)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""
    return decoded.partition(":")[2]


async def _refuse(send: Any, reason: str) -> None:
    body = f"403 Forbidden: {reason}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
