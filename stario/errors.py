"""Errors a handler raises on purpose, and the pages Stario answers them with.

Raise `HTTPError` to answer with a status and a message::

    if user is None:
        raise HTTPError(404, f"no user with id {c.params['id']}")

Any other exception is a bug: the client gets a plain 500 (with the traceback only when the
app runs with ``debug=True``), and the request's span records the failure.
"""

from __future__ import annotations

import traceback
from http import HTTPStatus

from markupsafe import escape

__all__ = ["HTTPError", "ClientDisconnected", "status_phrase", "debug_page"]


class ClientDisconnected(Exception):
    """The client went away: before its request body was read in full, or while a stream was open."""


class HTTPError(Exception):
    """An error answered with an HTTP status and a message the client may read.

    ``headers`` are added to the response (405 uses it for ``Allow``).
    """

    def __init__(self, status: int, message: str | None = None, headers: dict[str, str] | None = None) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"HTTPError needs a 4xx or 5xx status, got {status}")
        self.status = status
        self.message = message if message is not None else status_phrase(status)
        self.headers = headers or {}
        super().__init__(status, self.message)

    def __str__(self) -> str:
        return f"{self.status} {status_phrase(self.status)}: {self.message}"


def status_phrase(status: int) -> str:
    """The standard reason phrase for a status code ("Not Found" for 404)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Status"


def debug_page(exc: BaseException, method: str, path: str) -> str:
    """An HTML page with the exception and its traceback, for ``debug=True`` only."""
    trace = "".join(traceback.format_exception(exc))
    return (
        "<!doctype html><html><head><meta charset=utf-8><title>500 Internal Server Error</title>"
        "<style>body{font:14px system-ui;margin:2rem}pre{background:#f6f6f6;padding:1rem;overflow:auto}</style>"
        f"</head><body><h1>{escape(type(exc).__name__)}: {escape(str(exc))}</h1>"
        f"<p>while handling <code>{escape(method)} {escape(path)}</code></p>"
        f"<pre>{escape(trace)}</pre>"
        "<p>This page shows because the app runs with <code>debug=True</code>. "
        "Without it, the client sees only \"Internal Server Error\".</p></body></html>"
    )
