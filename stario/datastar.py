"""Datastar on the server: the SSE events Stario sends, the signals it reads, and attribute helpers.

The wire format is Datastar 1.0's (see DATASTAR.md in the design notes). Every function that
formats an event gives, for the same arguments, exactly the bytes datastar-py 1.0.3 gives; the
test suite checks that with datastar-py as an oracle.

An event is text like this, ended by a blank line::

    event: datastar-patch-elements
    data: selector #feed
    data: elements <div id="feed">new</div>

Three kinds of names live here:

- event objects (`PatchElements`, `PatchSignals`, `ExecuteScript`, `RemoveElements`, `Redirect`),
  which a handler may ``yield`` or pass to an SSE stream, and their ``encode()``;
- formatting functions with datastar-py's names (`patch_elements`, `patch_signals`, ...);
- attribute and action helpers (`on`, `bind`, `signals`, `get`, `post`, ...) that return the
  ``data-*`` attributes and ``@action(...)`` expressions the browser client understands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from stario.errors import HTTPError
from stario.urls import check_redirect_target

__all__ = [
    "MODES",
    "NAMESPACES",
    "PatchElements",
    "PatchSignals",
    "ExecuteScript",
    "RemoveElements",
    "Redirect",
    "Event",
    "patch_elements",
    "patch_signals",
    "execute_script",
    "remove_elements",
    "redirect",
    "to_event",
    "read_signals",
    "data_fields",
    "js",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "signals",
    "computed",
    "bind",
    "text",
    "show",
    "classes",
    "attr",
    "style",
    "on",
    "init",
    "effect",
    "on_interval",
    "on_intersect",
    "indicator",
    "ref",
    "json_signals",
    "ignore",
    "ignore_morph",
    "preserve_attr",
    "script",
]

MODES = ("outer", "inner", "replace", "prepend", "append", "before", "after", "remove")
"""The patch modes of Datastar 1.0; ``outer`` (morph the element itself) is the default."""

NAMESPACES = ("html", "svg", "mathml")
"""The namespaces a patch can parse its elements in; ``html`` is the default."""

DEFAULT_RETRY_MS = 1000


# --------------------------------------------------------------------------------------------
# Framing: one event is "event:", optional "id:" and "retry:", then "data:" lines, then a blank
# line. Multi-line values are split with str.splitlines(), exactly as datastar-py does, so a
# newline in HTML or JSON can never start a new field or a new event.
# --------------------------------------------------------------------------------------------


def _frame(event_type: str, data_lines: list[str], event_id: str | None, retry: int | None) -> str:
    lines = [f"event: {event_type}"]
    if event_id:
        _check_single_line("event_id", event_id)
        lines.append(f"id: {event_id}")
    if retry and retry != DEFAULT_RETRY_MS:
        lines.append(f"retry: {int(retry)}")
    for line in data_lines:
        lines.append(f"data: {line}")
    return "\n".join(lines) + "\n\n"


def _check_single_line(name: str, value: str) -> None:
    # Any character str.splitlines() breaks on counts, even at the end: the same rule that
    # splits elements and signals into data lines.
    if value.splitlines() != [value]:
        raise ValueError(f"{name} must be a single line, got {value!r}")


def _js_bool(value: bool) -> str:
    return "true" if value else "false"


def patch_elements(
    elements: Any = None,
    selector: str | None = None,
    mode: str | None = None,
    use_view_transition: bool | None = None,
    view_transition_selector: str | None = None,
    namespace: str | None = None,
    event_id: str | None = None,
    retry_duration: int | None = None,
) -> str:
    """Format a ``datastar-patch-elements`` event.

    ``elements`` is HTML: a ``str`` (sent as it is, so build it safely) or anything with
    ``__html__`` (such as what `stario.html` builds). ``mode`` is one of `MODES`; every mode but
    ``outer`` and ``replace`` needs a ``selector``.
    """
    if elements is not None and hasattr(elements, "__html__"):
        elements = elements.__html__()
    if mode is not None:
        mode = str(getattr(mode, "value", mode))
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    if namespace is not None:
        namespace = str(getattr(namespace, "value", namespace))
        if namespace not in NAMESPACES:
            raise ValueError(f"namespace must be one of {', '.join(NAMESPACES)}; got {namespace!r}")
    data: list[str] = []
    if mode and mode != "outer":
        data.append(f"mode {mode}")
    if selector:
        _check_single_line("selector", selector)
        data.append(f"selector {selector}")
    if use_view_transition is not None and use_view_transition:
        data.append(f"useViewTransition {_js_bool(use_view_transition)}")
    if view_transition_selector:
        _check_single_line("view_transition_selector", view_transition_selector)
        data.append(f"viewTransitionSelector {view_transition_selector}")
    if namespace and namespace != "html":
        data.append(f"namespace {namespace}")
    if elements:
        data.extend(f"elements {line}" for line in elements.splitlines())
    return _frame("datastar-patch-elements", data, event_id, retry_duration)


def remove_elements(selector: str, event_id: str | None = None, retry_duration: int | None = None) -> str:
    """Format a patch that removes every element matching ``selector``."""
    if not selector:
        raise ValueError("remove_elements needs a selector (the 1.0 client rejects a remove without one)")
    return patch_elements(selector=selector, mode="remove", event_id=event_id, retry_duration=retry_duration)


def patch_signals(
    signals: Mapping[str, Any] | str,
    event_id: str | None = None,
    only_if_missing: bool | None = None,
    retry_duration: int | None = None,
) -> str:
    """Format a ``datastar-patch-signals`` event: a JSON merge patch of the browser's signals.

    A ``None`` value deletes that signal in the browser; ``only_if_missing`` sets only signals
    that do not exist yet. A dict is sent as compact JSON (ASCII only, as datastar-py does).
    """
    data: list[str] = []
    if only_if_missing:
        data.append(f"onlyIfMissing {_js_bool(only_if_missing)}")
    text = signals if isinstance(signals, str) else json.dumps(signals, separators=(",", ":"))
    data.extend(f"signals {line}" for line in text.splitlines())
    return _frame("datastar-patch-signals", data, event_id, retry_duration)


def execute_script(
    script: str,
    auto_remove: bool = True,
    attributes: Mapping[str, str] | list[str] | None = None,
    event_id: str | None = None,
    retry_duration: int | None = None,
) -> str:
    """Format a patch that appends a ``<script>`` to ``body`` so the browser runs it.

    With ``auto_remove`` (the default) the tag carries ``data-effect="el.remove()"`` and removes
    itself once it has run. ``attributes`` adds attributes to the tag (escaped when a mapping).
    """
    attrs = ""
    if auto_remove:
        attrs += ' data-effect="el.remove()"'
    if attributes:
        if isinstance(attributes, Mapping):
            attrs += " " + " ".join(f'{_attr_escape(k)}="{_attr_escape(v)}"' for k, v in attributes.items())
        else:
            attrs += " " + " ".join(attributes)
    return patch_elements(
        f"<script{attrs}>{script}</script>",
        selector="body",
        mode="append",
        event_id=event_id,
        retry_duration=retry_duration,
    )


def _attr_escape(value: str) -> str:
    # The same five replacements datastar-py makes, in its order, so the bytes agree.
    return (
        value.replace("&", "&amp;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
    )


def redirect(location: str, event_id: str | None = None, retry_duration: int | None = None) -> str:
    """Format a script patch that sends the browser to ``location``.

    Unlike datastar-py, the URL is checked (no other schemes, no ``//host``, no CR/LF) and
    written into the script as an escaped JavaScript string, so it cannot break out of it.
    """
    check_redirect_target(location)
    target = json.dumps(location).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return execute_script(
        f"setTimeout(() => window.location = {target})", event_id=event_id, retry_duration=retry_duration
    )


# --------------------------------------------------------------------------------------------
# Event objects: what a generator handler yields, or what a stream sends.
# --------------------------------------------------------------------------------------------


class Event:
    """Base of the event objects: anything with ``encode() -> str`` can be sent on a stream."""

    __slots__ = ()
    type: str = ""

    def encode(self) -> str:  # pragma: no cover - every subclass overrides it
        """The event's bytes as text, ready to write to the stream."""
        raise NotImplementedError


@dataclass(slots=True)
class PatchElements(Event):
    """Patch HTML into the page: morph by id (the default), or insert, replace or remove at a selector."""

    elements: Any = None
    selector: str | None = None
    mode: str | None = None
    namespace: str | None = None
    use_view_transition: bool | None = None
    view_transition_selector: str | None = None
    event_id: str | None = None
    retry: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> str:
        """The ``datastar-patch-elements`` event as text."""
        return patch_elements(
            self.elements,
            selector=self.selector,
            mode=self.mode,
            use_view_transition=self.use_view_transition,
            view_transition_selector=self.view_transition_selector,
            namespace=self.namespace,
            event_id=self.event_id,
            retry_duration=self.retry,
        )


@dataclass(slots=True)
class RemoveElements(Event):
    """Remove every element matching ``selector``."""

    selector: str
    event_id: str | None = None
    retry: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> str:
        """The removing ``datastar-patch-elements`` event as text."""
        return remove_elements(self.selector, event_id=self.event_id, retry_duration=self.retry)


@dataclass(slots=True)
class PatchSignals(Event):
    """Merge ``signals`` into the browser's signals (``None`` deletes one)."""

    signals: Mapping[str, Any] | str
    only_if_missing: bool | None = None
    event_id: str | None = None
    retry: int | None = None
    type = "datastar-patch-signals"

    def encode(self) -> str:
        """The ``datastar-patch-signals`` event as text."""
        return patch_signals(
            self.signals, event_id=self.event_id, only_if_missing=self.only_if_missing, retry_duration=self.retry
        )


@dataclass(slots=True)
class ExecuteScript(Event):
    """Run a script in the browser (appended to ``body``, removed after it ran)."""

    script: str
    auto_remove: bool = True
    attributes: Mapping[str, str] | list[str] | None = None
    event_id: str | None = None
    retry: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> str:
        """The script-appending ``datastar-patch-elements`` event as text."""
        return execute_script(
            self.script,
            auto_remove=self.auto_remove,
            attributes=self.attributes,
            event_id=self.event_id,
            retry_duration=self.retry,
        )


@dataclass(slots=True)
class Redirect(Event):
    """Send the browser to another URL (checked, and escaped into the script)."""

    location: str
    event_id: str | None = None
    retry: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> str:
        """The redirecting script patch as text."""
        return redirect(self.location, event_id=self.event_id, retry_duration=self.retry)


def to_event(item: Any) -> str | None:
    """Turn what a generator handler yielded into event text.

    HTML (a ``str`` or anything with ``__html__``) becomes a patch-elements event that morphs by
    id; a ``dict`` becomes a patch-signals event; an `Event` is encoded as it is; ``None`` is
    skipped. Anything else is a mistake, reported with what was yielded.
    """
    if isinstance(item, str):
        return patch_elements(item)
    if isinstance(item, Event):
        return item.encode()
    if isinstance(item, Mapping):
        return patch_signals(item)
    if hasattr(item, "__html__"):
        return patch_elements(item.__html__())
    if item is None:
        return None
    raise TypeError(
        f"a streaming handler yielded {type(item).__name__!r}; yield HTML (str or __html__), "
        "a dict of signals, or a stario.datastar event such as PatchElements"
    )


def data_fields(lines: list[str]) -> dict[str, str]:
    """An event's ``data`` lines as the client reads them: each ``key value`` split at the first
    space, repeated keys joined with newlines (so multi-line HTML comes back whole)."""
    fields: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(" ")
        fields[key] = fields[key] + "\n" + value if key in fields else value
    return fields


# --------------------------------------------------------------------------------------------
# Reading signals: GET and DELETE carry them in ?datastar=, other methods in a JSON body.
# --------------------------------------------------------------------------------------------


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
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise HTTPError(400, f"signals in {where} are not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise HTTPError(400, f"signals in {where} must be a JSON object, got {type(value).__name__}")
    return value


# --------------------------------------------------------------------------------------------
# Actions: @get('/url', {options}) and friends, as JavaScript expressions.
# --------------------------------------------------------------------------------------------


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


def _make_action(method: str):
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
post = _make_action("post")
put = _make_action("put")
patch = _make_action("patch")
delete = _make_action("delete")


# --------------------------------------------------------------------------------------------
# Attribute helpers: each returns a dict of data-* attributes, to merge into an element's
# attributes: div({"id": "n"} | text("$count"), ...).
# --------------------------------------------------------------------------------------------


def _time(value: int | float | str) -> str:
    return f"{value}ms" if isinstance(value, (int, float)) else str(value)


def _modifiers(**mods: Any) -> str:
    parts = []
    for name, value in mods.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f"__{name}")
        else:
            parts.append(f"__{name}.{_time(value) if name in ('debounce', 'throttle', 'delay', 'duration') else value}")
    return "".join(parts)


def signals(values: Mapping[str, Any], *, if_missing: bool = False) -> dict[str, str]:
    """``data-signals``: define signals with initial values (JSON), optionally only if missing."""
    key = "data-signals" + ("__ifmissing" if if_missing else "")
    return {key: json.dumps(values, separators=(",", ":"))}


def computed(name: str, expression: str) -> dict[str, str]:
    """``data-computed:name``: a read-only signal derived from an expression."""
    return {f"data-computed:{name}": expression}


def bind(name: str) -> dict[str, str]:
    """``data-bind``: two-way binding between an input and the signal ``name``."""
    return {f"data-bind:{name}": ""}


def text(expression: str) -> dict[str, str]:
    """``data-text``: keep the element's text equal to the expression (``"$count"``)."""
    return {"data-text": expression}


def show(expression: str) -> dict[str, str]:
    """``data-show``: hide the element while the expression is falsy."""
    return {"data-show": expression}


def classes(mapping: Mapping[str, str]) -> dict[str, str]:
    """``data-class``: toggle each class while its expression is truthy."""
    return {"data-class": "{" + ", ".join(f"{_js_string(k)}: {v}" for k, v in mapping.items()) + "}"}


def attr(mapping: Mapping[str, str]) -> dict[str, str]:
    """``data-attr``: set each attribute to its expression's value."""
    return {"data-attr": "{" + ", ".join(f"{_js_string(k)}: {v}" for k, v in mapping.items()) + "}"}


def style(mapping: Mapping[str, str]) -> dict[str, str]:
    """``data-style``: set each inline style property to its expression's value."""
    return {"data-style": "{" + ", ".join(f"{_js_string(k)}: {v}" for k, v in mapping.items()) + "}"}


def on(
    event: str,
    expression: str,
    *,
    once: bool = False,
    passive: bool = False,
    capture: bool = False,
    window: bool = False,
    document: bool = False,
    outside: bool = False,
    prevent: bool = False,
    stop: bool = False,
    delay: int | str | None = None,
    debounce: int | str | None = None,
    throttle: int | str | None = None,
    viewtransition: bool = False,
) -> dict[str, str]:
    """``data-on:event``: run the expression on a DOM event, with Datastar's modifiers.

    Times are milliseconds as numbers, or strings such as ``"1s"``:
    ``on("input", post("/search"), debounce=200)`` gives ``data-on:input__debounce.200ms``.
    """
    mods = _modifiers(
        once=once,
        passive=passive,
        capture=capture,
        window=window,
        document=document,
        outside=outside,
        prevent=prevent,
        stop=stop,
        delay=delay,
        debounce=debounce,
        throttle=throttle,
        viewtransition=viewtransition,
    )
    return {f"data-on:{event}{mods}": expression}


def init(expression: str, *, delay: int | str | None = None) -> dict[str, str]:
    """``data-init``: run the expression once, when the element appears."""
    return {f"data-init{_modifiers(delay=delay)}": expression}


def effect(expression: str) -> dict[str, str]:
    """``data-effect``: re-run the expression whenever a signal it reads changes."""
    return {"data-effect": expression}


def on_interval(expression: str, *, duration: int | str | None = None, leading: bool = False) -> dict[str, str]:
    """``data-on-interval``: run the expression every ``duration`` (default 1 s).

    ``leading`` also runs it once straight away; it is a tag of the duration modifier, so it
    spells out the default duration when none is given.
    """
    mods = ""
    if duration is not None or leading:
        mods = f"__duration.{_time(1000 if duration is None else duration)}" + (".leading" if leading else "")
    return {f"data-on-interval{mods}": expression}


def on_intersect(
    expression: str, *, once: bool = False, half: bool = False, full: bool = False, exit: bool = False
) -> dict[str, str]:
    """``data-on-intersect``: run the expression when the element scrolls into view."""
    return {f"data-on-intersect{_modifiers(once=once, half=half, full=full, exit=exit)}": expression}


def indicator(name: str) -> dict[str, str]:
    """``data-indicator``: the signal ``name`` is true while this element's request runs."""
    return {f"data-indicator:{name}": ""}


def ref(name: str) -> dict[str, str]:
    """``data-ref``: keep this element in the signal ``name`` (start it with ``_`` to keep it local)."""
    return {f"data-ref:{name}": ""}


def json_signals(*, terse: bool = False) -> dict[str, str]:
    """``data-json-signals``: show the current signals as JSON in the element."""
    return {"data-json-signals" + ("__terse" if terse else ""): ""}


def ignore(*, self_only: bool = False) -> dict[str, bool]:
    """``data-ignore``: the client leaves this element (and, unless ``self_only``, its children) alone."""
    return {"data-ignore" + ("__self" if self_only else ""): True}


def ignore_morph() -> dict[str, bool]:
    """``data-ignore-morph``: morphing leaves this element and its subtree as they are."""
    return {"data-ignore-morph": True}


def preserve_attr(names: str | Iterable[str]) -> dict[str, str]:
    """``data-preserve-attr``: these attributes keep their browser-side values during a morph."""
    return {"data-preserve-attr": names if isinstance(names, str) else " ".join(names)}



def script() -> str:
    """The ``<script>`` tag that loads the browser client, for a page's ``<head>``.

    It loads the client every Stario app serves at ``/_stario/client.js`` (with a version in
    the URL, so browsers cache it); set ``STARIO_DATASTAR_URL`` to load another build, such as
    the official Datastar bundle, instead.
    """
    from markupsafe import Markup, escape

    from stario.assets import client_url

    return Markup(f'<script type="module" src="{escape(client_url())}"></script>')
