"""Datastar actions as JavaScript: ``@get('/url', {options})`` and friends, and `to_js`.

An action is an expression the browser client runs, usually in an event handler::

    on("click", post("/increment"))  # {"data-on:click": "@post('/increment')"}

The action builders (`get`, `post`, `put`, `patch`, `delete`) take Datastar's fetch options in
snake case. `to_js` writes a Python value as a JavaScript literal; a `js` string is written as
it is, for an expression rather than a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["js", "to_js", "get", "post", "put", "patch", "delete"]


class js(str):
    """A raw JavaScript expression, written into an action or helper as it is (not quoted)."""

    __slots__ = ()


def _js_string(value: str) -> str:
    # Single-quoted, so the expression reads naturally inside a double-quoted HTML attribute.
    escaped = (
        value.replace("\\", "\\\\")
        .replace("'", "\\'")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("<", "\\x3c")
    )
    return f"'{escaped}'"


# Used with fullmatch: a "$" anchor would also match before a final newline ("abc\n").
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def to_js(value: Any) -> str:
    """Write a Python value as a JavaScript literal (strings single-quoted, `js` as it is)."""
    if isinstance(value, js):
        return str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _js_string(value)
    if isinstance(value, (int, float)):
        return json.dumps(value, allow_nan=False)
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JavaScript object keys must be strings, got {key!r}")
            name = key if _IDENTIFIER.fullmatch(key) else _js_string(key)
            items.append(f"{name}: {to_js(item)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_js(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JavaScript")


_FETCH_OPTIONS = {
    "content_type": "contentType",
    "selector": "selector",
    "headers": "headers",
    "open_when_hidden": "openWhenHidden",
    "payload": "payload",
    "retry": "retry",
    "retry_interval": "retryInterval",
    "retry_scaler": "retryScaler",
    "retry_max_wait": "retryMaxWait",
    "retry_max_count": "retryMaxCount",
    "request_cancellation": "requestCancellation",
}
_CHOICES = {
    "content_type": ("json", "form"),
    "retry": ("auto", "error", "always", "never"),
    "request_cancellation": ("auto", "cleanup", "disabled"),
}


def _regex(pattern: str) -> js:
    return js(f"new RegExp({_js_string(pattern)})")


def _action(method: str, url: str, options: dict[str, Any]) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"@{method} needs a URL, got {url!r}")
    mapped: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        if name in _CHOICES and not isinstance(value, js) and value not in _CHOICES[name]:
            raise ValueError(f"{name} must be one of {', '.join(_CHOICES[name])}; got {value!r}")
        if name in ("include_signals", "exclude_signals"):
            continue
        mapped[_FETCH_OPTIONS[name]] = value
    if options.get("selector") is not None and options.get("content_type") != "form":
        raise ValueError("selector picks a form, so it needs content_type='form'")
    if options.get("payload") is not None and options.get("content_type") == "form":
        raise ValueError("payload replaces the JSON signals, so it cannot go with content_type='form'")
    filters = {
        key: value if isinstance(value, js) else _regex(value)
        for key, value in (("include", options.get("include_signals")), ("exclude", options.get("exclude_signals")))
        if value is not None
    }
    if filters:
        mapped["filterSignals"] = filters
    target = url if isinstance(url, js) else _js_string(url)
    return f"@{method}({target}{', ' + to_js(mapped) if mapped else ''})"


def _make_action(method: str) -> Callable[..., str]:
    def action(
        url: str,
        *,
        content_type: str | None = None,
        include_signals: str | None = None,
        exclude_signals: str | None = None,
        selector: str | None = None,
        headers: Mapping[str, str] | None = None,
        open_when_hidden: bool | None = None,
        payload: Any = None,
        retry: str | None = None,
        retry_interval: int | None = None,
        retry_scaler: float | None = None,
        retry_max_wait: int | None = None,
        retry_max_count: int | None = None,
        request_cancellation: str | None = None,
    ) -> str:
        # Spelled out rather than taken from locals(): those would also hold ``method``, the
        # enclosing function's variable this closure reads.
        options = {
            "content_type": content_type,
            "include_signals": include_signals,
            "exclude_signals": exclude_signals,
            "selector": selector,
            "headers": headers,
            "open_when_hidden": open_when_hidden,
            "payload": payload,
            "retry": retry,
            "retry_interval": retry_interval,
            "retry_scaler": retry_scaler,
            "retry_max_wait": retry_max_wait,
            "retry_max_count": retry_max_count,
            "request_cancellation": request_cancellation,
        }
        return _action(method, url, options)

    action.__name__ = method
    action.__qualname__ = method
    action.__doc__ = (
        f"The expression ``@{method}('url', {{options}})``: a {method.upper()} request from the browser.\n\n"
        "Options take Datastar's names in snake case (``content_type='form'``, ``retry_interval=500``,\n"
        "``include_signals`` / ``exclude_signals`` as regular expressions); unset ones are left out."
    )
    return action


get = _make_action("get")
"""``@get('url', {options})``: a GET request; the signals go in the ``datastar`` query parameter."""
post = _make_action("post")
"""``@post('url', {options})``: a POST request; the signals go in a JSON body (or a form's fields)."""
put = _make_action("put")
"""``@put('url', {options})``: a PUT request, with the signals as for `post`."""
patch = _make_action("patch")
"""``@patch('url', {options})``: a PATCH request, with the signals as for `post`."""
delete = _make_action("delete")
"""``@delete('url', {options})``: a DELETE request; the signals go in the query, as for `get`."""
