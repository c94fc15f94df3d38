"""The playground runs code, so it guards its door. Every request must:

1. name a loopback host (``127.0.0.1``, ``localhost``, ``[::1]``) in ``Host``, which stops DNS
   rebinding: a web page whose domain resolves to 127.0.0.1 still sends its own name;
2. carry the token: the URL ``stario playground`` prints has ``?token=...``; the first visit
   trades it for an HttpOnly, SameSite=Strict cookie and is redirected to a clean URL;
3. not come from another site (``Sec-Fetch-Site`` other than ``same-origin`` or ``none``).

`Guard` wraps the playground's ASGI app and refuses anything else with 403 and a reason.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode

from stario.context import parse_cookie_header

__all__ = ["Guard", "new_token", "COOKIE", "LOOPBACK_HOSTS"]

COOKIE = "stario_playground"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """ASGI middleware: loopback Host, the token (query once, then cookie), no cross-site requests.

    ``allow_any_host`` is for ``--allow-remote``: the Host check is skipped (the token and the
    cross-site check still apply). ``allow_same_site`` lets in requests from another port of the
    same host: the preview, served on its own port, is framed by the playground's page.
    """

    def __init__(self, app: Any, token: str, *, allow_any_host: bool = False, allow_same_site: bool = False) -> None:
        self.app = app
        self.token = token
        self.allow_any_host = allow_any_host
        self.allowed_sites = (None, "same-origin", "none", "same-site") if allow_same_site else (None, "same-origin", "none")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if not self.allow_any_host and _host_name(host).lower() not in LOOPBACK_HOSTS:
            await _refuse(send, f"the playground answers only on a loopback address, not {host or 'no Host'}")
            return
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site not in self.allowed_sites:
            await _refuse(send, f"cross-site request refused (Sec-Fetch-Site: {fetch_site})")
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        offered = dict(query).get("token")
        if offered is not None:
            if not hmac.compare_digest(offered, self.token):
                await _refuse(send, "wrong token: open the URL that 'stario playground' printed")
                return
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = scope.get("path", "/") + (f"?{rest}" if rest else "")
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [
                        (b"location", location.encode("latin-1", "replace")),
                        (b"set-cookie", f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()),
                        (b"content-length", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        cookie = parse_cookie_header(headers.get("cookie", "")).get(COOKIE, "")
        if not hmac.compare_digest(cookie, self.token):
            await _refuse(send, "no token: open the URL that 'stario playground' printed (it ends in ?token=...)")
            return
        await self.app(scope, receive, send)


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
