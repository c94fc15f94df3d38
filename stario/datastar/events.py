"""The Datastar events Stario sends, one class each, and datastar-py's functions that format them.

The wire format is Datastar 1.0's (see DATASTAR.md in the design notes). Every event formatted
here is, for the same arguments, exactly the bytes datastar-py 1.0.3 gives; the test suite
checks that with datastar-py as an oracle.

An event is text like this, ended by a blank line::

    event: datastar-patch-elements
    data: selector #feed
    data: elements <div id="feed">new</div>

Two ways to make one: an event object (`PatchElements`, `PatchSignals`, `ExecuteScript`,
`RemoveElements`, `Redirect`), which a handler may ``yield`` or pass to an SSE stream, or a
function with datastar-py's name (`patch_elements`, `patch_signals`, ...) that returns the text.
`to_event` turns whatever a streaming handler yields into event text; `data_fields` reads an
event's data lines back as the browser does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stario.urls import check_redirect_target

__all__ = [
    "MODES",
    "NAMESPACES",
    "DEFAULT_RETRY_MS",
    "Event",
    "PatchElements",
    "RemoveElements",
    "PatchSignals",
    "ExecuteScript",
    "Redirect",
    "patch_elements",
    "remove_elements",
    "patch_signals",
    "execute_script",
    "redirect",
    "to_event",
    "data_fields",
]

MODES = ("outer", "inner", "replace", "prepend", "append", "before", "after", "remove")
"""The patch modes of Datastar 1.0; ``outer`` (morph the element itself) is the default."""

NAMESPACES = ("html", "svg", "mathml")
"""The namespaces a patch can parse its elements in; ``html`` is the default."""

DEFAULT_RETRY_MS = 1000
"""The reconnection delay browsers use when an event names none; a ``retry`` equal to it is not sent."""


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
