"""The hello-world apps the benchmarks compare, in one module.

Not a benchmark itself: `dispatch.py` imports these apps and calls them in-process;
`throughput.py` serves them with uvicorn (``uvicorn --app-dir bench apps:raw`` and so on).

Every app answers ``GET /`` with 200 and the body ``Hello, world!``:

- ``raw``: a bare ASGI 3 callable, the floor nothing can beat;
- ``stario``: ``Stario(Query("/", home))`` with the explicit ``(c, w)`` handler, ``text/plain``;
- ``stario_return``: the return form, ``async def home(): return "Hello, world!"`` (``text/html``);
- ``stario_1000``: like ``stario``, with 1,000 other routes registered before ``/``;
- ``shape``: not a framework: the least the ``(c, w)`` handler form can cost (see `shape`);
- ``starlette``: ``Starlette(routes=[Route("/", ...)])`` answering a ``PlainTextResponse``;
- ``fastapi_app()``: FastAPI with a ``PlainTextResponse``, or ``None`` when FastAPI is not installed.

`route_patterns` makes the realistic route table that `routing.py` and ``stario_1000`` use.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route as StarletteRoute

from stario import Query, Stario

BODY = b"Hello, world!"


# -- raw ASGI ------------------------------------------------------------------------------------


async def raw(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A bare ASGI app: the least work an ASGI server can ask of Python per request."""
    if scope["type"] == "lifespan":
        # Answer the lifespan protocol so uvicorn treats every app the same way.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"13")],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


# -- Stario --------------------------------------------------------------------------------------


async def home(c: Any, w: Any) -> None:
    """The explicit handler form: write the response with the writer."""
    w.text("Hello, world!")


async def home_returning() -> str:
    """The return form: a returned str is sent as text/html."""
    return "Hello, world!"


def route_patterns(count: int) -> list[str]:
    """``count`` distinct, realistic route patterns, five per section, static and parametrised.

    Section ``i`` holds, in this order: ``/section{i}/items``, ``/section{i}/items/{id}``,
    ``/section{i}/about``, ``/section{i}/items/{id}/comments/{comment_id}`` and
    ``/section{i}/items/{id}/edit``. With a count divisible by ten, the middle pattern is a
    static ``/section{i}/items`` and the last one a parametrised ``.../items/{id}/edit``.
    """
    patterns: list[str] = []
    section = 0
    while len(patterns) < count:
        base = f"/section{section}"
        patterns += [
            f"{base}/items",
            f"{base}/items/{{id}}",
            f"{base}/about",
            f"{base}/items/{{id}}/comments/{{comment_id}}",
            f"{base}/items/{{id}}/edit",
        ]
        section += 1
    return patterns[:count]


async def other(c: Any, w: Any) -> None:
    """The handler of the 1,000 extra routes (never called by the benchmarks)."""
    w.text("other")


stario = Stario(Query("/", home))
stario_return = Stario(Query("/", home_returning))
stario_1000 = Stario(*[Query(pattern, other) for pattern in route_patterns(1000)], Query("/", home))


# -- the (c, w) shape with nothing checked ---------------------------------------------------------


_LENGTHS = tuple(str(n).encode() for n in range(2048))  # Content-Length values made once, as Stario does


class _ShapeContext:
    __slots__ = ("app", "scope", "receive", "send", "method")

    def __init__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.app = None
        self.scope = scope
        self.receive = receive
        self.send = send
        self.method = scope["method"]


class _ShapeWriter:
    __slots__ = ("body", "content_type")

    def __init__(self) -> None:
        self.body = b""
        self.content_type = b""

    def text(self, content: str) -> None:
        self.body = content.encode()
        self.content_type = b"text/plain; charset=utf-8"


async def shape(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The floor of Stario's handler form: a context of five fields and a writer of two are made,
    `home` is awaited with them and writes its text, and the two messages are sent. No route is
    looked up and nothing is checked (no 404, HEAD, session, compression or span), so it is not a
    framework: it shows what the ``(c, w)`` shape itself costs over raw ASGI (bench/README.md,
    "What 0.90 would take"). For `dispatch.py` only; it answers every HTTP request the same."""
    c = _ShapeContext(scope, receive, send)
    w = _ShapeWriter()
    await home(c, w)
    headers = [(b"content-type", w.content_type), (b"content-length", _LENGTHS[len(w.body)])]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": w.body})


# -- Starlette and FastAPI -------------------------------------------------------------------------


async def starlette_home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


starlette = Starlette(routes=[StarletteRoute("/", starlette_home)])


def fastapi_app() -> Any | None:
    """A FastAPI hello world, or ``None`` when FastAPI is not installed."""
    try:
        from fastapi import FastAPI
    except ImportError:
        return None
    app = FastAPI()

    @app.get("/", response_class=PlainTextResponse)
    async def fastapi_home() -> PlainTextResponse:
        return PlainTextResponse("Hello, world!")

    return app
