"""Reading the signals a Datastar request carries: `read_signals`.

The browser client sends all its signals (except those starting with ``_``) with every request:
GET and DELETE in the ``datastar`` query parameter, other methods as a JSON body. The request's
`stario.context.Context` calls `read_signals` for you (``await c.signals()``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from stario.client_json import parse_client_json
from stario.errors import HTTPError

__all__ = ["read_signals"]


def read_signals(method: str, query_string: bytes, content_type: str, body: bytes) -> dict[str, Any]:
    """Decode the signals a Datastar request carries; ``{}`` when it carries none.

    Malformed JSON, or JSON that is not an object, is the client's error: `HTTPError` 400 with
    a message naming the problem.
    """
    if method in ("GET", "HEAD", "DELETE"):
        values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("datastar")
        if not values:
            return {}
        raw = values[0]
        where = "the 'datastar' query parameter"
    else:
        if not body or content_type.split(";", 1)[0].strip().lower() != "application/json":
            return {}
        try:
            raw = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPError(400, f"signals in the request body are not UTF-8: {exc}") from None
        where = "the JSON request body"
    value = parse_client_json(raw, f"signals in {where}", plural=True)
    if not isinstance(value, dict):
        raise HTTPError(400, f"signals in {where} must be a JSON object, got {type(value).__name__}")
    return value
