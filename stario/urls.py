"""Small URL rules shared by the writer and the Datastar events: what a redirect may point at."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["check_redirect_target", "same_site_target"]

_ALLOWED_SCHEMES = ("http", "https")


def check_redirect_target(location: str) -> str:
    """Return ``location`` if it is a safe redirect target, else raise `ValueError` saying why.

    Allowed: a path on this site (``/users/3``, ``../up``, ``?page=2``) or an absolute
    ``http``/``https`` URL. Refused: other schemes (``javascript:``, ``data:``), control
    characters such as CR/LF (header injection), and ``//host`` or ``/\\host`` (which browsers
    treat as another site).
    """
    if not isinstance(location, str) or not location:
        raise ValueError("a redirect needs a non-empty URL string")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in location):
        raise ValueError(f"a redirect URL must not contain control characters (such as CR/LF): {location!r}")
    if location != location.strip():
        raise ValueError(f"a redirect URL must not start or end with spaces: {location!r}")
    normalized = location.replace("\\", "/")
    if normalized.startswith("//"):
        raise ValueError(f"a redirect URL must not start with '//' (a scheme-relative link to another host): {location!r}")
    scheme = urlsplit(normalized).scheme
    if scheme and scheme.lower() not in _ALLOWED_SCHEMES:
        raise ValueError(f"a redirect URL must be a path or an http(s) URL, not {scheme!r}: {location!r}")
    if scheme and not urlsplit(normalized).netloc:
        raise ValueError(f"an absolute redirect URL needs a host: {location!r}")
    return location


def same_site_target(location: str, host: str, allowed_hosts: Iterable[str] = ()) -> str | None:
    """``location`` if it stays on this site (or goes to one of ``allowed_hosts``), else None.

    For redirects to a target the user chose (``?next=/polls/3`` after a login): a path such as
    ``/polls/3`` or ``?page=2``, or an http(s) URL whose host is ``host`` (the request's ``Host``)
    or one of ``allowed_hosts``. Everything `check_redirect_target` refuses is None here too,
    and so is any other site (``https://evil.example``, ``//evil.example``): an open redirect
    would let a link that looks like yours send people anywhere.
    """
    try:
        check_redirect_target(location)
    except ValueError:
        return None
    parts = urlsplit(location.replace("\\", "/"))
    if not parts.scheme and not parts.netloc:
        return location
    allowed = {host.lower(), *(name.lower() for name in allowed_hosts)}
    return location if parts.netloc.lower() in allowed else None
