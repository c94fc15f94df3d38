"""A second visitor: the preview seen by another browser, with cookies of its own.

The playground serves the preview a second time, on a port of its own, for "Add a visitor".
Cookies ignore ports, so the browser would share one cookie jar between the two previews; the
second visitor's proxy keeps its cookies itself instead, in a `CookieJar`: it sends the app the
jar's cookies (never the browser's), and keeps each ``Set-Cookie`` the app answers (never
passing it to the browser). The app so sees two browsers: two sessions, two votes, two chatters.
What the second visitor's own JavaScript reads in ``document.cookie`` is the browser's, not
its jar: the one place the two are not apart.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie

__all__ = ["CookieJar"]


class CookieJar:
    """One visitor's cookies, by name (one path, one host: the preview's)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request_headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """``headers`` with the browser's cookies taken out and this jar's put in."""
        kept = [(name, value) for name, value in headers if name != b"cookie"]
        if self.cookies:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            kept.append((b"cookie", cookie.encode("latin-1")))
        return kept

    def take(self, headers: list[tuple[bytes, bytes]]) -> None:
        """Keep (or delete) what each ``Set-Cookie`` of an answer says."""
        for name, value in headers:
            if bytes(name).lower() == b"set-cookie":
                self._set(bytes(value).decode("latin-1"))

    def _set(self, header: str) -> None:
        parsed: SimpleCookie = SimpleCookie()
        try:
            parsed.load(header)
        except CookieError:
            return  # a cookie the browser would not keep either
        for name, morsel in parsed.items():
            if _expired(morsel["max-age"], morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.coded_value


def _expired(max_age: str, expires: str) -> bool:
    if max_age:
        try:
            return int(max_age) <= 0
        except ValueError:
            return False
    if expires:
        try:
            return parsedate_to_datetime(expires) <= datetime.now(timezone.utc)
        except (TypeError, ValueError):
            return False
    return False
