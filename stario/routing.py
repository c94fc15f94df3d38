"""Routes and the router: which handler answers which method and path.

A route pairs a path pattern with a handler, and says its intent: a `Query` reads (GET, and
HEAD for free), a `Command` changes something (POST by default; PUT, PATCH or DELETE on
request). Patterns are made of segments between slashes:

- ``users``: a static segment, matched exactly;
- ``{id}``: a parameter, matching one non-empty segment (``c.params["id"]``);
- ``{path...}``: a catch-all, last only, matching the rest of the path, slashes included.

The router is a trie over segments, so finding a route costs one dictionary step per segment,
however many routes there are. Static segments win over parameters, parameters over
catch-alls; when a static branch leads nowhere the router backtracks and tries the others.

Paths are matched segment by segment *before* percent-decoding each segment, so an encoded
slash (``%2F``) stays inside its segment and can never change which route matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote

from stario.errors import HTTPError

__all__ = ["Route", "Query", "Command", "Router", "RouteConflict", "COMMAND_METHODS"]

COMMAND_METHODS = ("POST", "PUT", "PATCH", "DELETE")
"""The methods a `Command` may use."""

_NO_VALUES: list[str] = []  # shared by every static match; never mutated
_PARAM = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}$")
_SAFE_STATIC = "!$&'()*+,;=:@-._~"


class RouteConflict(ValueError):
    """Two routes would answer the same method and path."""


class Route:
    """A method and path pattern answered by a handler. Build one with `Query` or `Command`.

    A route is a value: the pattern, the method, the handler and its options, nothing an app
    adds. The same route may be added to several apps; each keeps what it makes of it (the
    handler in its explicit form, wrapped in that app's middleware) in its own table.
    """

    kind = "route"

    __slots__ = (
        "pattern",
        "handler",
        "method",
        "name",
        "segments",
        "param_names",
        "cross_site",
        "refuses_cross_site",
    )

    def __init__(
        self,
        pattern: str,
        handler: Callable[..., Any],
        method: str,
        *,
        name: str | None = None,
        cross_site: bool = False,
    ) -> None:
        if not callable(handler):
            raise TypeError(f"the handler for {pattern!r} must be an async function, got {handler!r}")
        self.pattern = pattern
        self.handler = handler
        self.method = method
        self.name = name or getattr(handler, "__name__", None)
        self.segments, self.param_names = parse_pattern(pattern)
        self.cross_site = cross_site
        #: True for a Command that other sites may not make a browser send (the app checks, see `Command`).
        self.refuses_cross_site = type(self).kind == "command" and not cross_site

    @property
    def methods(self) -> tuple[str, ...]:
        """The HTTP methods this route answers."""
        return ("GET", "HEAD") if self.method == "GET" else (self.method,)

    def href(self, **params: Any) -> str:
        """The path of this route with its parameters filled in and percent-encoded.

        ``Query("/users/{id}", show).href(id="a b")`` gives ``/users/a%20b``. A parameter value
        cannot add a slash (``/`` becomes ``%2F``) except in a catch-all.
        """
        missing = [name for name in self.param_names if name not in params]
        if missing:
            raise TypeError(f"{self.pattern!r} needs a value for {', '.join(missing)}")
        extra = [name for name in params if name not in self.param_names]
        if extra:
            raise TypeError(f"{self.pattern!r} has no parameter {', '.join(extra)}")
        parts = []
        for kind, text in self.segments:
            if kind == "static":
                parts.append(quote(text, safe=_SAFE_STATIC))
                continue
            value = str(params[text])
            pieces = value.split("/") if kind == "catchall" else [value]
            if not value or any(piece in (".", "..") for piece in pieces):
                raise ValueError(f"parameter {text!r} of {self.pattern!r} cannot be {value!r} (empty, '.' or '..')")
            encoded = quote(value, safe=_SAFE_STATIC + ("/" if kind == "catchall" else ""))
            # A leading slash would make "//host": a link to another site.
            parts.append("%2F" + encoded[1:] if encoded.startswith("/") else encoded)
        return "/" + "/".join(parts)

    def with_prefix(self, prefix: str) -> Route:
        """A copy of this route with ``prefix`` in front of its pattern (for ``app.mount``)."""
        copy = type(self).__new__(type(self))
        copy.pattern = prefix.rstrip("/") + self.pattern
        copy.handler = self.handler
        copy.method = self.method
        copy.name = self.name
        copy.segments, copy.param_names = parse_pattern(copy.pattern)
        copy.cross_site = self.cross_site
        copy.refuses_cross_site = self.refuses_cross_site
        return copy

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.pattern!r}, {self.name})"


class Query(Route):
    """A route that reads: answers GET (and HEAD) at ``pattern`` with ``handler``."""

    kind = "query"
    __slots__ = ()

    def __init__(self, pattern: str, handler: Callable[..., Any], *, name: str | None = None) -> None:
        super().__init__(pattern, handler, "GET", name=name)


class Command(Route):
    """A route that changes something: answers ``method`` (POST by default) at ``pattern``.

    Commands refuse cross-site requests (judged by ``Sec-Fetch-Site`` and ``Origin``) unless
    ``cross_site=True``, for a route that other sites are meant to call (a webhook, say).
    """

    kind = "command"
    __slots__ = ()

    def __init__(
        self,
        pattern: str,
        handler: Callable[..., Any],
        *,
        method: str = "POST",
        name: str | None = None,
        cross_site: bool = False,
    ) -> None:
        method = method.upper()
        if method not in COMMAND_METHODS:
            raise ValueError(
                f"a Command changes something, so its method is one of {', '.join(COMMAND_METHODS)}; "
                f"got {method!r} for {pattern!r} (use a Query to read)"
            )
        super().__init__(pattern, handler, method, name=name, cross_site=cross_site)


def parse_pattern(pattern: str) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    """Split a pattern into (kind, text) segments and the parameter names, checking its shape."""
    if not isinstance(pattern, str) or not pattern.startswith("/"):
        raise ValueError(f"a route pattern starts with '/', got {pattern!r}")
    segments: list[tuple[str, str]] = []
    names: list[str] = []
    raw = pattern[1:].split("/") if pattern != "/" else []
    for index, text in enumerate(raw):
        match = _PARAM.match(text)
        if match:
            name, rest = match.groups()
            if name in names:
                raise ValueError(f"parameter {name!r} appears twice in {pattern!r}")
            if rest and index != len(raw) - 1:
                raise ValueError(f"the catch-all {{{name}...}} must be the last segment of {pattern!r}")
            names.append(name)
            segments.append(("catchall" if rest else "param", name))
        elif "{" in text or "}" in text:
            raise ValueError(
                f"segment {text!r} of {pattern!r} is not a parameter: write {{name}} or {{name...}} "
                "alone between slashes"
            )
        else:
            segments.append(("static", text))
    return segments, tuple(names)


class _Node:
    __slots__ = ("static", "param", "catchall", "routes")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.catchall: dict[str, Route] | None = None
        self.routes: dict[str, Route] | None = None


class Router:
    """A trie of routes. `match` finds the routes for a path; `add` checks for conflicts."""

    __slots__ = ("_root", "_static", "static_matches", "routes", "_names")

    def __init__(self) -> None:
        self._root = _Node()
        # Fully static paths are also kept in one dict, with their answer made in advance: the
        # common case is one lookup.
        self._static: dict[str, tuple[dict[str, Route], list[str]]] = {}
        #: What `match_raw` answers for each path without parameters (as the ASGI server sends
        #: the path: bytes), made when the route is added. The app looks a request's path up
        #: here first: one dict lookup and no call, for most requests.
        self.static_matches: dict[bytes, tuple[dict[str, Route], list[str]]] = {}
        self.routes: list[Route] = []
        self._names: dict[str, list[Route]] = {}

    def add(self, route: Route) -> None:
        """Register a route; raise `RouteConflict` naming both routes if one already answers it."""
        node = self._root
        for kind, text in route.segments:
            if kind == "static":
                node = node.static.setdefault(text, _Node())
            elif kind == "param":
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                if node.catchall is None:
                    node.catchall = {}
                self._put(node.catchall, route)
                break
        else:
            if node.routes is None:
                node.routes = {}
            self._put(node.routes, route)
            if not route.param_names:
                found = (node.routes, _NO_VALUES)  # later routes for this path join node.routes
                self._static[route.pattern] = found
                self.static_matches[route.href().encode("ascii")] = found
        self.routes.append(route)
        if route.name:
            self._names.setdefault(route.name, []).append(route)

    @staticmethod
    def _put(table: dict[str, Route], route: Route) -> None:
        for method in route.methods:
            existing = table.get(method)
            if existing is not None:
                raise RouteConflict(
                    f"{type(route).__name__}({route.pattern!r}, {route.name}) conflicts with "
                    f"{type(existing).__name__}({existing.pattern!r}, {existing.name}): "
                    f"both answer {method} for the same paths"
                )
        for method in route.methods:
            table[method] = route

    def match_raw(self, raw_path: bytes) -> tuple[dict[str, Route], list[str]] | None:
        """`match` for the path bytes an ASGI server gives (``scope["raw_path"]``)."""
        found = self.static_matches.get(raw_path)
        if found is not None:
            return found
        if raw_path.isascii():
            return self.match(raw_path.decode("ascii"))
        # A client sent bytes that should have been percent-encoded: encode them, then match.
        return self.match(quote(raw_path, safe="/%:@!$&'()*+,;=-._~"))

    def match(self, raw_path: str) -> tuple[dict[str, Route], list[str]] | None:
        """The routes (by method) for a raw, still percent-encoded path, and the parameter values.

        Returns ``None`` when no route has this path.
        """
        encoded = "%" in raw_path
        if not encoded:
            found = self._static.get(raw_path)
            if found is not None:
                return found
        if raw_path[:1] != "/":
            return None
        parts = raw_path[1:].split("/") if raw_path != "/" else []
        if encoded:
            try:
                parts = [unquote(part, errors="strict") if "%" in part else part for part in parts]
            except UnicodeDecodeError:
                raise HTTPError(400, "the path has percent-escapes that are not UTF-8") from None
        # First the greedy walk (static, else parameter), which is what a full search tries
        # first; it settles nearly every path in one loop without recursion.
        node = self._root
        values: list[str] = []
        for part in parts:
            child = node.static.get(part)
            if child is None:
                child = node.param
                if child is None or not part:
                    break
                values.append(part)
            node = child
        else:
            if node.routes is not None:
                return node.routes, values
        # It led nowhere: search every branch, backtracking, catch-alls included.
        values = []
        found = _find(self._root, parts, 0, values)
        if found is None:
            return None
        return found, values

    def url_for(self, name: str, /, **params: Any) -> str:
        """The path of the route called ``name`` (by default its handler's name), filled in."""
        routes = self._names.get(name)
        if not routes:
            known = ", ".join(sorted(self._names)) or "none"
            raise LookupError(f"no route is named {name!r} (known names: {known})")
        patterns = {route.pattern for route in routes}
        if len(patterns) > 1:
            raise LookupError(
                f"the name {name!r} belongs to several routes ({', '.join(sorted(patterns))}); "
                "give them distinct names with name=..."
            )
        return routes[0].href(**params)

    def __iter__(self) -> Iterable[Route]:
        return iter(self.routes)


def _find(node: _Node, parts: list[str], index: int, values: list[str]) -> dict[str, Route] | None:
    """Walk the trie from ``node``; static first, then parameter, then catch-all (backtracking)."""
    if index == len(parts):
        return node.routes
    part = parts[index]
    child = node.static.get(part)
    if child is not None:
        found = _find(child, parts, index + 1, values)
        if found is not None:
            return found
    if node.param is not None and part:
        values.append(part)
        found = _find(node.param, parts, index + 1, values)
        if found is not None:
            return found
        values.pop()
    if node.catchall is not None:
        values.append("/".join(parts[index:]))
        return node.catchall
    return None
