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
import logging
import os
from collections.abc import Callable, Iterable
from time import monotonic_ns
from typing import Any, overload
from urllib.parse import quote, urlsplit

from stario.assets import PREFIX, serve_asset
from stario.compression import Compression
from stario.context import Context, header_value, unknown_attribute_message
from stario.errors import ClientDisconnected, HTTPError, debug_page, status_phrase
from stario.handlers import Handler, Middleware, adapt, answer
from stario.relay import start_relays, stop_relays
from stario.routing import Command, Query, Route, Router
from stario.sessions import SessionCookies, keys_from_env
from stario.shutdown import OpenStreams, chain_stop_signals
from stario.state import State
from stario.staticfiles import StaticFiles
from stario.telemetry import NON_RECORDING_SPAN, NoopTracer, Span, Tracer, request_span
from stario.tracers import tracer_from_env
from stario.writer import Writer

__all__ = ["Stario", "App"]

logger = logging.getLogger("stario")

DEFAULT_MAX_BODY_SIZE = 1024 * 1024


class Stario:
    """A Stario application: routes, middleware, state, and the ASGI entry point.

    ``routes`` are `Query` and `Command` objects. ``bootstrap`` is an async generator function
    ``(app, span)`` that sets the app up before serving and tears it down after (code after its
    one ``yield``). ``debug`` shows tracebacks on 500 pages. ``max_body_size`` bounds request
    bodies (413 past it). ``tracer`` receives every span (default: what ``STARIO_TRACER`` says,
    else none; ``stario serve`` run in a terminal sets ``STARIO_TRACER=tty``). ``secret_key``
    signs ``c.session`` (default: ``STARIO_SECRET_KEY``; a list rotates keys, newest first).
    ``compression=True`` compresses text responses and SSE streams for clients that accept it.
    """

    def __init__(
        self,
        *routes: Route,
        bootstrap: Callable[..., Any] | None = None,
        debug: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        tracer: Tracer | None = None,
        secret_key: str | bytes | list[str | bytes] | None = None,
        compression: bool | Compression = False,
    ) -> None:
        self.router = Router()
        self.state = State()
        self.debug = debug
        self.max_body_size = max_body_size
        self.tracer = tracer if tracer is not None else tracer_from_env()
        keys = secret_key if secret_key is not None else keys_from_env()
        #: Signs and reads ``c.session``'s cookie; None without a secret key (replace it to change
        #: the cookie's name, lifetime or size limit).
        self.session_cookies: SessionCookies | None = SessionCookies(keys) if keys else None
        #: How responses are compressed (see `stario.compression`); None: sent as they are.
        self.compression: Compression | None = Compression() if compression is True else compression or None
        self.middleware: list[Middleware] = []
        self.error_handlers: dict[type[BaseException], Callable[..., Any]] = {}
        self._bootstrap = _check_bootstrap(bootstrap)
        self._teardown: Any = None
        # What this app makes of each route (the route itself stays as it was given):
        self._handlers: dict[Route, Handler] = {}  # its handler in the explicit (c, w) form
        self._mounted: dict[Route, tuple[list[Middleware], ...]] = {}  # middleware of the apps it came from
        self._endpoints: dict[Route, Handler] = {}  # what a request calls: the handler in all its middleware
        self._mounted_apps: list[Stario] = []
        self._mount_roots: set[bytes] = set()  # "/admin" for an app mounted there with a "/" route
        #: The requests whose SSE stream is open: ended at once when the server is told to stop.
        self.open_streams = OpenStreams()
        self._restore_signals: Callable[[], None] | None = None
        self._static: list[StaticFiles] = []  # folders served by app.static, for static_url
        self._frozen = False
        # Every app serves Stario's browser client (and its other files) under /_stario/.
        self.add(Query(f"{PREFIX}/{{path...}}", serve_asset, name="stario.asset"))
        for route in routes:
            self.add(route)

    @property
    def bootstrap(self) -> Callable[..., Any] | None:
        """The bootstrap function given to the constructor, if any."""
        return self._bootstrap[0] if self._bootstrap is not None else None

    @property
    def tracer(self) -> Tracer:
        """Where this app's spans go. With a `NoopTracer`, requests skip span work entirely."""
        return self._tracer

    @tracer.setter
    def tracer(self, tracer: Tracer) -> None:
        plain_requests = getattr(tracer, "takes_plain_requests", False) is True  # see `Tracer`
        if plain_requests and not callable(getattr(tracer, "on_request", None)):
            raise TypeError(
                f"{type(tracer).__name__} says takes_plain_requests = True but has no on_request(request) "
                "method: the app hands it every request no one asked the span of (see stario.telemetry.Tracer)"
            )
        self._tracer = tracer
        self._quiet = type(tracer) is NoopTracer
        self._plain_requests = plain_requests

    # -- building the app ---------------------------------------------------------------------

    def add(self, route: Route) -> Route:
        """Register a `Query` or `Command`; conflicts raise at once, naming both routes."""
        if not isinstance(route, Route):
            raise TypeError(f"Stario takes Query(...) and Command(...) routes, got {route!r}")
        self._check_not_frozen(f"add the route {route.method} {route.pattern}")
        handler = adapt(route.handler, f"{route.method} {route.pattern}")
        self.router.add(route)
        self._handlers[route] = handler
        # Until the app starts, a request calls a stand-in that finishes building it first.
        self._endpoints[route] = self._build_then(route)
        return route

    @overload
    def query(self, pattern: str, handler: None = None, *, name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...

    @overload
    def query(self, pattern: str, handler: Callable[..., Any], *, name: str | None = None) -> Route: ...

    def query(self, pattern: str, handler: Callable[..., Any] | None = None, *, name: str | None = None) -> Any:
        """Add a `Query` (GET and HEAD) and return it; without a handler, return a decorator."""
        if handler is None:
            return lambda fn: (self.add(Query(pattern, fn, name=name)), fn)[1]
        return self.add(Query(pattern, handler, name=name))

    @overload
    def command(
        self, pattern: str, handler: None = None, *, method: str = "POST", name: str | None = None, cross_site: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...

    @overload
    def command(
        self, pattern: str, handler: Callable[..., Any], *, method: str = "POST", name: str | None = None, cross_site: bool = False
    ) -> Route: ...

    def command(
        self,
        pattern: str,
        handler: Callable[..., Any] | None = None,
        *,
        method: str = "POST",
        name: str | None = None,
        cross_site: bool = False,
    ) -> Any:
        """Add a `Command` (POST by default) and return it; without a handler, return a decorator."""
        if handler is None:
            return lambda fn: (self.add(Command(pattern, fn, method=method, name=name, cross_site=cross_site)), fn)[1]
        return self.add(Command(pattern, handler, method=method, name=name, cross_site=cross_site))

    def mount(self, prefix: str, routes: Stario | Iterable[Route]) -> None:
        """Add every route of ``routes`` (another app, or a list of routes) under ``prefix``.

        A request for the prefix itself (``/admin``) is redirected (308, keeping the method)
        to ``/admin/``, where a mounted ``/`` route answers. A mounted app's middleware keeps
        wrapping its own routes, inside this app's middleware
        (added before this app starts, in either order). Its bootstrap does not run: put set-up
        in this app's bootstrap.
        """
        if not prefix.startswith("/"):
            raise ValueError(f"a mount prefix starts with '/', got {prefix!r}")
        if isinstance(routes, Stario):
            routes_list = routes.routes
        else:
            routes = routes_list = list(routes)
        if prefix.rstrip("/") and any(route.pattern == "/" for route in routes_list):
            # "/admin" redirects to "/admin/", where the mounted "/" route answers.
            self._mount_roots.add(quote(prefix.rstrip("/")).encode())
        if isinstance(routes, Stario):
            if routes.bootstrap is not None:
                raise ValueError("a mounted app's bootstrap would never run; move it into the parent app's bootstrap")
            for route in routes.routes:
                if route.handler is serve_asset:
                    continue  # this app serves Stario's files already
                copy = self.add(route.with_prefix(prefix))
                # The list itself, not a copy: middleware the mounted app adds later still counts.
                self._mounted[copy] = (routes.middleware, *routes.mounted_middleware(route))
            self._mounted_apps.append(routes)
            return
        for route in routes:
            self.add(route.with_prefix(prefix))

    def static(self, prefix: str, directory: str | os.PathLike[str], *, name: str | None = None) -> StaticFiles:
        """Serve the files in ``directory`` under ``prefix`` (``app.static("/static", HERE / "static")``).

        See `stario.staticfiles`: caching headers, 304, ranges, and nothing outside the folder.
        """
        if not prefix.startswith("/") or prefix.rstrip("/") == "":
            raise ValueError(f"a static prefix is a path such as '/static', got {prefix!r}")
        files = StaticFiles(directory, prefix)
        self.add(Query(f"{files.prefix}/{{path...}}", files.handle, name=name or f"static:{files.prefix}"))
        self._static.append(files)
        return files

    def static_url(self, path: str) -> str:
        """The fingerprinted URL of a static file (``"style.css"`` -> ``/static/style.<hash>.css``),
        from the first folder given to `static` that has it. Browsers may cache it for a year."""
        for files in self._static:
            try:
                return files.url(path)  # runs for every page that links a file: one lookup, not two
            except FileNotFoundError:
                continue
        folders = ", ".join(f"{files.prefix} -> {files.directory}" for files in self._static) or "none yet: call app.static(...)"
        raise LookupError(f"no static folder has {path!r} (static folders: {folders})")

    def mounted_middleware(self, route: Route) -> tuple[list[Middleware], ...]:
        """The middleware lists of the apps ``route`` was mounted from, outermost first."""
        return self._mounted.get(route, ())

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
        self._check_not_frozen(f"add the middleware {getattr(middleware, '__name__', middleware)!r}")
        self.middleware.append(middleware)

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

    def _check_not_frozen(self, what: str) -> None:
        if self._frozen:
            raise RuntimeError(
                f"cannot {what}: this app is already serving, and its routes and middleware are fixed "
                "once it starts. Add them when building the app, or in its bootstrap before the yield"
            )

    def build(self) -> None:
        """Fix the routes and middleware: wrap each route's handler in its middleware, once.

        Called when the server starts the app (after bootstrap's set-up), or by the first request
        of an app used without lifespan. From then on `add`, `use` and `mount` raise, here and
        in the apps mounted into this one.
        """
        if self._frozen:
            return
        for route, handler in self._handlers.items():
            endpoint = handler
            for middleware in reversed((*self.middleware, *(m for stack in self._mounted.get(route, ()) for m in stack))):
                endpoint = middleware(endpoint)
            self._endpoints[route] = endpoint
        self._frozen = True
        for mounted in self._mounted_apps:
            mounted.freeze_as_mounted()

    def freeze_as_mounted(self) -> None:
        """Fix this app's middleware: the app it is mounted into has started serving its routes."""
        self._frozen = True
        for mounted in self._mounted_apps:
            mounted.freeze_as_mounted()

    def _build_then(self, route: Route) -> Handler:
        """The stand-in endpoint of a route before the app starts: build the app, then answer."""

        async def build_then_answer(c: Context, w: Writer) -> None:
            self.build()
            await self._endpoints[route](c, w)

        return build_then_answer

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
        # The request's span: none with the no-op tracer; made now for a tracer that watches
        # requests as they start, or when a caller's trace is to be joined; for a tracer that
        # takes plain requests, otherwise made only if something asks for it (`Context.span`).
        recording = not self._quiet
        if not recording:
            span = NON_RECORDING_SPAN
        else:
            traceparent = header_value(scope, b"traceparent")
            if self._plain_requests and traceparent is None:
                span = None
            else:
                span = request_span(self._tracer, scope["method"], scope["path"], traceparent)
        c = Context(self, scope, receive, send, span)
        w = Writer(c)  # answers through the context, the request's line to the server
        try:
            # 1. Find the route: by the raw path, so %2F cannot change which route matches.
            raw_path = scope.get("raw_path") or _raw_path(scope).encode()
            # Most paths have no parameters: one dict lookup; the router's trie for the others.
            found = self.router.static_matches.get(raw_path) or self.router.match_raw(raw_path)
            if found is None:
                if raw_path in self._mount_roots:
                    w.redirect(c.url.replace(c.path, c.path + "/", 1), 308)  # /admin -> /admin/
                    await w.finish()
                    return
                raise HTTPError(404, f"nothing here: no route matches {c.path}")
            routes, values = found
            route = routes.get(c.method)
            if route is None:
                allow = ", ".join(sorted(routes))
                raise HTTPError(405, f"{c.method} is not allowed here; try {allow}", {"Allow": allow})
            c.route = route
            c.param_values = values  # c.params names them when first read
            # 2. A Command changes state: refuse it when another site made the browser send it.
            if route.refuses_cross_site:
                _refuse_cross_site(c)
            # 3. Run the handler (wrapped in its middleware).
            result = await self._endpoints[route](c, w)
            if result is not None:
                answer(w, result)  # an explicit handler returned HTML (one that wrote nothing gets 204)
            # 4. Send what it wrote: a response set in one piece is two ASGI messages, sent here;
            #    the writer sends a stream, or a body in pieces, itself.
            messages = w.take_whole_response()
            if messages is not None:
                send = c.send  # through the context, as the writer sends (a middleware may wrap it)
                await send(messages[0])
                await send(messages[1])
            else:
                await w.finish()
        except asyncio.CancelledError:
            if not c.disconnected and not c.stopping:
                c.span.status = "cancelled"
                c.span.event("request.cancelled", cause="the server cancelled it (shutting down?)")
                raise
            # The client left during a stream, or the server is stopping; either way the handler
            # was cancelled so its `finally` blocks ran. Swallow our own cancellation, end quietly.
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            c.span.status = "cancelled"
            await _quietly(w.finish())
        except ClientDisconnected:
            c.span.status = "cancelled"
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                task.uncancel()  # the watcher's cancellation, swallowed by the handler
        except Exception as exc:
            # 5. Errors become responses: HTTPError its status, anything else a 500.
            await self._answer_error(c, w, exc)
        finally:
            if w.stream is not None:
                w.stream.stop_watching()  # whatever happened, leave no task behind
            # 6. The request's span: what was asked, what was answered.
            if recording:
                if span is None:
                    span = c.span_if_made()
                route = c.route
                status = w.status
                if span is None and route is not None and status is not None:  # a plain request: its values only
                    request = (c.started_ns, monotonic_ns(), c.method, c.path, route.pattern, route.kind, status, w.bytes_sent)
                    self._tracer.on_request(request)  # type: ignore[attr-defined]
                    c.span_handed_over()
                else:
                    if span is None:
                        span = c.span  # no route matched (or no answer): the span says what was asked
                    attributes = span.attributes
                    if route is not None:
                        attributes["http.route"] = route.pattern
                        attributes["stario.kind"] = route.kind
                    attributes["http.status"] = status
                    attributes["http.response_bytes"] = w.bytes_sent
                    span.end()

    async def _answer_error(self, c: Context, w: Writer, exc: Exception) -> None:
        status = exc.status if isinstance(exc, HTTPError) else 500
        if isinstance(exc, AttributeError):
            _explain_context_attribute(exc)
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
                if w.status is None:
                    w.status = status  # a 404 page says 404 unless the hook chose otherwise
                if isinstance(exc, HTTPError):
                    _keep_error_headers(w, exc)  # a 405 page still says Allow: ...
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
        """Run the bootstrap up to its ``yield``, inside a ``server.startup`` span.

        Also puts the app's handler in front of the server's for SIGINT and SIGTERM, so open
        streams end at once when the server is told to stop (see `stario.shutdown`).
        """
        self.open_streams.reset()
        self._restore_signals = chain_stop_signals(self.stop_streams)
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
            self.build()
            span.attr("routes", len(self.router.routes))
            # Relays that reach other processes listen from now on, in every worker.
            await start_relays()

    def stop_streams(self) -> int:
        """End every open SSE stream, and any that opens from now on, as for a shutdown; returns
        how many were open. Called on SIGINT/SIGTERM; call it yourself before stopping a server
        some other way."""
        return self.open_streams.stop_all()

    async def shutdown(self) -> None:
        """Run the bootstrap's code after its ``yield``, inside a ``server.shutdown`` span, then
        write what the tracer still holds (the process may be stopped by a signal right after)."""
        if self._restore_signals is not None:
            self._restore_signals()
            self._restore_signals = None
        self.stop_streams()
        try:
            await self._teardown_bootstrap()
        finally:
            await stop_relays()
            _flush_tracer(self.tracer)

    async def _teardown_bootstrap(self) -> None:
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


def _explain_context_attribute(exc: AttributeError) -> None:
    """``c.user = ...`` fails inside Python (Context has fixed slots, for speed): say to use c.locals."""
    text = str(exc)
    prefix = "'Context' object has no attribute '"
    if text.startswith(prefix) and "'" in text[len(prefix) :]:
        # Python 3.13 adds "and no __dict__ for setting new attributes" after the name.
        exc.args = (unknown_attribute_message(text[len(prefix) :].split("'", 1)[0]),)


def _flush_tracer(tracer: Tracer) -> None:
    """Write the spans a background tracer still queues, and say if it had to drop any."""
    flush = getattr(tracer, "flush", None)
    if flush is not None:
        flush()
    report = getattr(tracer, "report_drops", None)
    if report is not None:
        report()


def _keep_error_headers(w: Writer, exc: HTTPError) -> None:
    """Add the error's headers (``Allow``, ``Retry-After``...) that an error hook did not set itself."""
    chosen = {name.lower() for name, _ in w.headers}
    for name, value in exc.headers.items():
        if name.lower() not in chosen:
            w.header(name, value)


async def _quietly(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception as exc:  # the connection is gone; there is nobody to tell
        logger.debug("ignored while ending a response: %r", exc)
