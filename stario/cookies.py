"""Reading the ``Cookie`` header a browser sends: `parse_cookie_header`."""

from __future__ import annotations

from urllib.parse import unquote

__all__ = ["parse_cookie_header"]


def parse_cookie_header(header: str) -> dict[str, str]:
    """Parse a ``Cookie`` header as browsers send it: ``name=value`` pairs separated by ``;``.

    Linear in the header's length, and forgiving: a pair without ``=`` or with an empty name is
    skipped rather than spoiling the rest (the standard library's parser drops every cookie when
    one is odd). Surrounding double quotes are removed from a value; the first value of a name
    wins, as browsers send the most specific cookie first.
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
