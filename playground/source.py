"""Click to source: from an element Alt+clicked in the preview back to where it came from.

`find_patch` looks through the current run's requests, newest first, for the last event that
patched the element (an event whose selector is ``#id``, or a morph whose HTML holds an element
with that id); when none did, the element came with the page. `handler_for` reads the learner's
code (with `ast`, never running it) for the route the request took, ``Query("/path", handler)``
or ``Command(...)``, and gives the handler's name and lines, which the editor then bands.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import Any

from .activity import Exchange

__all__ = ["find_patch", "handler_for", "routes_in"]


def find_patch(exchanges: Iterable[Exchange], element_id: str) -> tuple[Exchange | None, dict[str, Any] | None]:
    """The request and event that last patched ``element_id``; ``(page, None)`` when no event
    did (``page``: the newest page the preview loaded); ``(None, None)`` when there is none."""
    newest_first = list(exchanges)[::-1]
    if element_id:
        by_id = re.compile(r"""\bid\s*=\s*["']?""" + re.escape(element_id) + r"""["'\s>/]""")
        for exchange in newest_first:
            for event in reversed(exchange.events):
                if event.get("type") == "datastar-patch-elements" and not event.get("dropped") and _patches(event, element_id, by_id):
                    return exchange, event
    page = next((e for e in newest_first if e.request.get("dest") == "iframe" and e.request.get("navigation")), None)
    return page, None


def _patches(event: dict[str, Any], element_id: str, by_id: re.Pattern[str]) -> bool:
    if event.get("selector"):
        return event["selector"].strip() == f"#{element_id}"
    return bool(by_id.search(event.get("elements") or ""))  # a morph by id


def routes_in(code: str) -> list[tuple[frozenset[str], str, str]]:
    """``(methods, pattern, handler name)`` for each ``Query(...)`` and ``Command(...)`` in ``code``
    whose pattern is a string and whose handler is a name; [] when the code does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    routes = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        kind = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
        pattern, handler = node.args[0], node.args[1]
        if kind not in ("Query", "Command") or not isinstance(pattern, ast.Constant) or not isinstance(pattern.value, str):
            continue
        if not isinstance(handler, ast.Name):
            continue
        methods = {"GET", "HEAD"} if kind == "Query" else {"POST"}
        for keyword in node.keywords:
            if keyword.arg == "method" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                methods = {keyword.value.value.upper()}
        routes.append((frozenset(methods), pattern.value, handler.id))
    return routes


def handler_for(code: str, method: str, path: str) -> tuple[str, tuple[int, int] | None] | None:
    """The handler ``code`` routes ``method path`` to, and its lines (first, last); None when no route matches."""
    for methods, pattern, name in routes_in(code):
        if method.upper() in methods and _matches(pattern, path):
            return name, _lines_of(code, name)
    return None


def _matches(pattern: str, path: str) -> bool:
    regex = ""
    for part in re.split(r"(\{[^{}]*\})", pattern):
        if part.startswith("{") and part.endswith("}"):
            regex += ".+" if part.endswith("...}") else "[^/]+"
        else:
            regex += re.escape(part)
    return re.fullmatch(regex, path) is not None


def _lines_of(code: str, name: str) -> tuple[int, int] | None:
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return first, node.end_lineno or node.lineno
    return None
