"""The application: `Stario`, an ASGI 3 app.

Two ways to build one, which can be mixed::

    app = Stario(Query("/", home), Command("/todos", add_todo))

    async def bootstrap(app: Stario, span: Span):
        app.query("/", home)
        app.state.db = await open_db()
        yield                      # the server serves requests here
        await app.state.db.close()

    app = Stario(bootstrap=bootstrap)

The path of a request, from the ASGI call to the bytes written, is all in `Stario.__call__`:
find the route, check a Command's origin, call the handler with a `Context` and a `Writer`,
send what it wrote, turn errors into responses, end the request's span.
"""

from __future__ import annotations

import asyncio
import inspect
from asyncio import current_task
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from stario.assets import PREFIX, serve_asset
from stario.context import ClientDisconnected, Context
from stario.errors import HTTPError, debug_page, status_phrase
from stario.handlers import Handler, Middleware, adapt, answer
from stario.routing import Command, Query, Route, Router
from stario.telemetry import NON_RECORDING_SPAN, NoopTracer, Span, Tracer
from stario.tracers import tracer_from_env
from stario.writer import Writer

__all__ = ["Stario", "App", "State"]

logger = logging.getLogger("stario")

DEFAULT_MAX_BODY_SIZE = 1024 * 1024


class State:
    """A namespace for what the app keeps between requests (``app.state.db = ...``)."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"app.state has no {name!r}; set it first (for example in bootstrap: app.state.{name} = ...)"
        )

    def __repr__(self) -> str:
        return f"State({vars(self)!r})"


class Stario:
    """A Stario application: routes, middleware, state, and the ASGI entry point.

    ``routes`` are `Query` and `Command` objects. ``bootstrap`` is an async generator function
    ``(app, span)`` that sets the app up before serving and tears it down after (code after its
    one ``yield``). ``debug`` shows tracebacks on 500 pages. ``max_body_size`` bounds request
    bodies (413 past it). ``tracer`` receives every span (default: what ``STARIO_TRACER`` says,
    else the terminal view when run in a terminal, else none).
    """

    def __init__(
        self,
        *routes: Route,
        bootstrap: Callable[..., Any] | None = None,
        debug: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        tracer: Tracer | None = None,
    ) -> None:
        self.router = Router()
        self.state = State()
        self.debug = debug
        self.max_body_size = max_body_size
        self.tracer = tracer if tracer is not None else tracer_from_env()
        self.middleware: list[Middleware] = []
        self.error_handlers: dict[type[BaseException], Callable[..., Any]] = {}
        self._bootstrap = _check_bootstrap(bootstrap)
        self._teardown: Any = None
        self._stale = True
        # Every app serves Stario's browser client (and its other files) under /_stario/.
        self.add(Query(f"{PREFIX}/{{path...}}", serve_asset, name="stario.asset"))
        for route in routes:
            self.add(route)

    @property
    def tracer(self) -> Tracer:
        """Where this app's spans go. With a `NoopTracer`, requests skip span work entirely."""
        return self._tracer

    @tracer.setter
    def tracer(self, tracer: Tracer) -> None:
        self._tracer = tracer
        self._quiet = type(tracer) is NoopTracer

    # -- building the app ---------------------------------------------------------------------

    def add(self, route: Route) -> Route:
        """Register a `Query` or `Command`; conflicts raise at once, naming both routes."""
        if not isinstance(route, Route):
            raise TypeError(f"Stario takes Query(...) and Command(...) routes, got {route!r}")
        if route.base is None:
            route.base = adapt(route.handler, f"{route.method} {route.pattern}")
        route.endpoint = route.base
        self.router.add(route)
        self._stale = True
        return route

    def query(self, pattern: str, handler: Callable[..., Any] | None = None, *, name: str | None = None) -> Any:
        """Add a `Query` (GET and HEAD); without a handler, return a decorator."""
        if handler is None:
            return lambda fn: (self.add(Query(pattern, fn, name=name)), fn)[1]
        return self.add(Query(pattern, handler, name=name))

    def command(
        self,
        pattern: str,
        handler: Callable[..., Any] | None = None,
        *,
        method: str = "POST",
        name: str | None = None,
        cross_site: bool = False,
    ) -> Any:
        """Add a `Command` (POST by default); without a handler, return a decorator."""
        if handler is None:
            return lambda fn: (self.add(Command(pattern, fn, method=method, name=name, cross_site=cross_site)), fn)[1]
        return self.add(Command(pattern, handler, method=method, name=name, cross_site=cross_site))

    def mount(self, prefix: str, routes: Stario | Iterable[Route]) -> None:
        """Add every route of ``routes`` (another app, or a list of routes) under ``prefix``.

        A mounted app's middleware keeps wrapping its own routes, inside this app's middleware.
        Its bootstrap does not run: put set-up in this app's bootstrap.
        """
        if not prefix.startswith("/"):
            raise ValueError(f"a mount prefix starts with '/', got {prefix!r}")
        if isinstance(routes, Stario):
            if routes._bootstrap is not None:
                raise ValueError("a mounted app's bootstrap would never run; move it into the parent app's bootstrap")
            inner: tuple[list[Middleware], ...] = (routes.middleware,)  # the list itself: later use() counts
            source: Iterable[Route] = routes.router.routes
        else:
            inner = ()
            source = routes
        for route in source:
            if route.handler is serve_asset:
                continue  # this app serves Stario's files already
            copy = route.with_prefix(prefix)
            copy.middleware = inner + route.middleware
            self.add(copy)

    def use(self, middleware: Middleware) -> None:
        """Wrap every handler with ``middleware``, a function ``Handler -> Handler``.

        The first middleware added is the outermost::

            def timing(next: Handler) -> Handler:
                async def handler(c, w):
                    with c.span.step("timed"):
                        await next(c, w)
                return handler
        """
        if not callable(middleware):
            raise TypeError(f"middleware is a function taking a handler and returning one, got {middleware!r}")
        self.middleware.append(middleware)
        self._stale = True

    def on_error(self, exc_type: type[BaseException], handler: Callable[..., Any]) -> None:
        """Answer exceptions of ``exc_type`` (and subclasses) with ``async handler(c, w, exc)``.

        It may write with ``w`` or return HTML, like a handler; the status is the error's own
        (404, 500...) unless the hook sets one. `HTTPError` can be handled too, to give 404 or 405
        pages your own look.
        """
        if not (inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(getattr(handler, "__call__", None))):
            raise TypeError(f"an error handler must be 'async def handler(c, w, exc)', got {handler!r}")
        self.error_handlers[exc_type] = handler

    def span(self, name: str, **attributes: Any) -> Span:
        """A new root span for work outside a request (a background job): ``with app.span("job"):``."""
        span = Span(name, self.tracer)
        span.attributes.update(attributes)
        return span

    def url_for(self, name: str, /, **params: Any) -> str:
        """The path of the route named ``name`` (by default its handler's name), parameters escaped."""
        return self.router.url_for(name, **params)

    @property
    def routes(self) -> list[Route]:
        """Every registered route, in order."""
        return list(self.router.routes)

    def _compile(self) -> None:
        # Wrap each route's handler in its middleware, once, after the routes or middleware change.
        for route in self.router.routes:
            endpoint: Handler = route.base  # type: ignore[assignment]
            inner = [middleware for stack in route.middleware for middleware in stack]
            for middleware in reversed((*self.middleware, *inner)):
                endpoint = middleware(endpoint)
            route.endpoint = endpoint
        self._stale = False

    # -- ASGI --------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The ASGI entry point. An HTTP request goes from here to the bytes written, in this method."""
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self._lifespan(receive, send)
            else:
                # WebSockets are not part of Stario: refuse the handshake.
                await send({"type": "websocket.close", "code": 1000})
            return
        if self._stale:
            self._compile()
        recording = not self._quiet
        span = Span("http.request", self.tracer) if recording else NON_RECORDING_SPAN
        c = Context(self, scope, receive, span, current_task())
        w = Writer(send, c)
        if recording:
            span.attributes["http.method"] = c.method  # known now, so live views can show it
            span.attributes["http.path"] = c.path
        try:
            # 1. Find the route: by the raw path, so %2F cannot change which route matches.
            found = self.router.match_raw(scope.get("raw_path") or _raw_path(scope).encode())
            if found is None:
                raise HTTPError(404, f"nothing here: no route matches {c.path}")
            routes, values = found
            route = routes.get(c.method)
            if route is None:
                allow = ", ".join(sorted(routes))
                raise HTTPError(405, f"{c.method} is not allowed here; try {allow}", {"Allow": allow})
            c.route = route
            c.param_values = values  # c.params names them when first read
            # 2. A Command changes state: refuse it when another site made the browser send it.
            if route.kind == "command" and not route.cross_site:
                _refuse_cross_site(c)
            # 3. Run the handler (wrapped in its middleware), then send what it wrote.
            result = await route.endpoint(c, w)  # type: ignore[misc]
            if result is not None:
                answer(w, result)  # an explicit handler returned HTML (one that wrote nothing gets 204)
            await w.finish()
        except asyncio.CancelledError:
            if not c._disconnected:
                span.status = "cancelled"
                span.event("request.cancelled", cause="the server cancelled it (shutting down?)")
                raise
            # The client left during a stream; the SSE watcher cancelled the handler so its
            # `finally` blocks ran. Swallow our own cancellation and end quietly.
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            span.status = "cancelled"
            await _quietly(w.finish())
        except ClientDisconnected:
            span.status = "cancelled"
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                task.uncancel()  # the watcher's cancellation, swallowed by the handler
        except Exception as exc:
            # 4. Errors become responses: HTTPError its status, anything else a 500.
            await self._answer_error(c, w, exc)
        finally:
            if w._stream is not None:
                w._stream.stop_watching()  # whatever happened, leave no task behind
            # 5. The request's span: what was asked, what was answered.
            if recording:
                attributes = span.attributes
                if c.route is not None:
                    attributes["http.route"] = c.route.pattern
                    attributes["stario.kind"] = c.route.kind
                attributes["http.status"] = w.status_code
                attributes["http.response_bytes"] = w.bytes_sent
                span.end()

    async def _answer_error(self, c: Context, w: Writer, exc: Exception) -> None:
        status = exc.status if isinstance(exc, HTTPError) else 500
        if status >= 500:
            c.span.fail(exc)
            logger.error("%s %s failed", c.method, c.path, exc_info=exc)
        else:
            c.span.attr("http.error", exc.message)  # type: ignore[union-attr]
        if w.headers_sent:
            # The status line is gone already: all we can do is end the response.
            if w.streaming:
                await _quietly(w.finish())
            return
        w.reset()
        hook = self._error_hook(type(exc))
        if hook is not None:
            try:
                answer(w, await hook(c, w, exc))
                if w.status_code is None:
                    w.status_code = status  # a 404 page says 404 unless the hook chose otherwise
                await w.finish()
                return
            except Exception as hook_exc:
                logger.error("the error handler for %s failed", type(exc).__name__, exc_info=hook_exc)
                c.span.fail(hook_exc)
                w.reset()
                status = 500
        if isinstance(exc, HTTPError) and status == exc.status:
            for name, value in exc.headers.items():
                w.header(name, value)
            w.text(exc.message, status=exc.status)
        elif self.debug:
            w.html(debug_page(exc, c.method, c.path), status=500)
        else:
            w.text(status_phrase(500), status=500)
        await w.finish()

    def _error_hook(self, exc_type: type[BaseException]) -> Callable[..., Any] | None:
        for klass in exc_type.__mro__:
            hook = self.error_handlers.get(klass)
            if hook is not None:
                return hook
        return None

    # -- lifespan: bootstrap and teardown ----------------------------------------------------------

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except BaseException as exc:
                    logger.error("start-up failed", exc_info=exc)
                    await send({"type": "lifespan.startup.failed", "message": f"{type(exc).__name__}: {exc}"})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.shutdown()
                except BaseException as exc:
                    logger.error("shutdown failed", exc_info=exc)
                    await send({"type": "lifespan.shutdown.failed", "message": f"{type(exc).__name__}: {exc}"})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def startup(self) -> None:
        """Run the bootstrap up to its ``yield``, inside a ``server.startup`` span."""
        with Span("server.startup", self.tracer) as span:
            if self._bootstrap is not None:
                fn, arity = self._bootstrap
                result = fn(self, span) if arity == 2 else fn(self)
                if inspect.isasyncgen(result):
                    try:
                        await result.__anext__()
                    except StopAsyncIteration:
                        raise RuntimeError("bootstrap must yield once (serving happens at the yield)") from None
                    self._teardown = result
                else:
                    await result
            self._compile()
            span.attr("routes", len(self.router.routes))

    async def shutdown(self) -> None:
        """Run the bootstrap's code after its ``yield``, inside a ``server.shutdown`` span."""
        teardown, self._teardown = self._teardown, None
        if teardown is None:
            return
        with Span("server.shutdown", self.tracer):
            try:
                await teardown.__anext__()
            except StopAsyncIteration:
                return
            await teardown.aclose()
            raise RuntimeError("bootstrap must yield only once")


App = Stario
"""Another name for `Stario`."""


def _check_bootstrap(bootstrap: Callable[..., Any] | None) -> tuple[Callable[..., Any], int] | None:
    if bootstrap is None:
        return None
    if not (inspect.isasyncgenfunction(bootstrap) or inspect.iscoroutinefunction(bootstrap)):
        raise TypeError("bootstrap must be 'async def bootstrap(app, span):' with one 'yield' (or none)")
    params = [
        p for p in inspect.signature(bootstrap).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(params) not in (1, 2):
        raise TypeError(f"bootstrap takes (app, span) or (app); it takes {len(params)} parameters")
    return bootstrap, len(params)


def _raw_path(scope: dict[str, Any]) -> str:
    """The path percent-encoded again, for servers that give no ``raw_path``."""
    return quote(scope["path"], safe="/:@!$&'()*+,;=-._~")


def _refuse_cross_site(c: Context) -> None:
    """Commands change state, so a request another site made a browser send is refused (403)."""
    headers = c.headers
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site in ("same-origin", "none"):
            return
        raise HTTPError(403, f"cross-site request refused (Sec-Fetch-Site: {fetch_site})")
    origin = headers.get("origin")
    if origin is None:
        return  # not a browser's cross-origin request (curl, a server, an old browser's same-origin POST)
    host = headers.get("host", "")
    if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
        raise HTTPError(403, f"cross-site request refused (Origin {origin} is not {host})")


async def _quietly(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception as exc:  # the connection is gone; there is nobody to tell
        logger.debug("ignored while ending a response: %r", exc)
