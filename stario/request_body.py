"""Reading a request's body from the ASGI server: `read_body`.

The server hands the body over in pieces through ``receive``: ``http.request`` messages until
one says ``more_body: False``, or ``http.disconnect`` when the client leaves first. The app
bounds the size (``Stario(max_body_size=...)``): a declared ``Content-Length`` over the limit
is refused before a byte is read, and a body that grows past it while being read is refused
as soon as it does, so a client cannot make the server hold more than the limit in memory.
`stario.context.Context.body` reads it once and keeps it.
"""

from __future__ import annotations

from typing import Any

from stario.errors import ClientDisconnected, HTTPError

__all__ = ["read_body"]


async def read_body(scope: dict[str, Any], receive: Any, limit: int) -> bytes:
    """The whole body of the request ``scope`` describes, read from ``receive``.

    Raises `HTTPError` 400 for a ``Content-Length`` that is not a number, 413 for a body over
    ``limit`` bytes, and `ClientDisconnected` when the client leaves before the body's end.
    """
    declared = _content_length(scope)
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
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected("the client left while its request body was being read")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _content_length(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length" or name.lower() == b"content-length":
            return value.decode("latin-1")
    return None
