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
The functions build the object and encode it, so each event is formatted in one place.

Both take what the event is about (the HTML, the signals, the script...) first, and every option
by keyword, named as datastar-py names it, in one order: the event's own options, then
``event_id`` and ``retry_duration``::

    PatchElements(html, selector="#feed", mode="append", event_id="42", retry_duration=5000)
    patch_signals({"count": 1}, only_if_missing=True)

The text is an `EventText`: a ``str`` that says it is a whole event, not HTML, as datastar-py's
``DatastarEvent`` does. `to_event` turns whatever a streaming handler yields into event text
(sending such text as it is); `data_fields` reads an event's data lines back as the browser does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any

from stario.html import script_text
from stario.urls import check_redirect_target

__all__ = [
    "MODES",
    "NAMESPACES",
    "DEFAULT_RETRY_MS",
    "EventText",
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
"""The reconnection delay browsers use when an event names none; a ``retry_duration`` equal to it is not sent."""


class EventText(str):
    """The text of one whole event, ``event: ...`` to its blank line, as the functions here return it.

    A ``str`` in every way (it compares, joins and writes as one), whose type says it is an event
    rather than HTML: a streaming handler that yields it sends it as it is (see `to_event`).
    """

    __slots__ = ()


# --------------------------------------------------------------------------------------------
# Framing: one event is "event:", optional "id:" and "retry:", then "data:" lines, then a blank
# line. Multi-line values are split with str.splitlines(), exactly as datastar-py does, so a
# newline in HTML or JSON can never start a new field or a new event.
# --------------------------------------------------------------------------------------------


def _frame(
    event_type: str, data_lines: list[str], event_id: str | int | None, retry_duration: int | None
) -> EventText:
    lines = [f"event: {event_type}"]
    if event_id:  # as in datastar-py, "" and 0 send no id line
        lines.append(f"id: {_event_id_text(event_id)}")
    if retry_duration and retry_duration != DEFAULT_RETRY_MS:
        lines.append(f"retry: {int(retry_duration)}")
    lines.extend(f"data: {line}" for line in data_lines)
    return EventText("\n".join(lines) + "\n\n")


def _event_id_text(event_id: str | int) -> str:
    # Written as datastar-py writes it (an f-string), so 5 and "5" both give "id: 5".
    if isinstance(event_id, bool) or not isinstance(event_id, (str, int)):
        raise TypeError(f"event_id must be a str or an int, got {type(event_id).__name__}: {event_id!r}")
    text = f"{event_id}"
    _check_single_line("event_id", text)
    return text


def _check_single_line(name: str, value: str) -> None:
    # Any character str.splitlines() breaks on counts, even at the end: the same rule that
    # splits elements and signals into data lines.
    if value.splitlines() != [value]:
        raise ValueError(f"{name} must be a single line, got {value!r}")


def _js_bool(value: bool) -> str:
    return "true" if value else "false"


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    # datastar-py's enums (ElementPatchMode.APPEND...) are accepted as their values.
    text = str(getattr(value, "value", value))
    if text not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return text


def _attr_escape(value: str) -> str:
    # The same five replacements datastar-py makes, in its order, so the bytes agree.
    return (
        value.replace("&", "&amp;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
    )


# --------------------------------------------------------------------------------------------
# Event objects: what a generator handler yields, or what a stream sends. Each one's encode()
# is the only place its event is formatted.
# --------------------------------------------------------------------------------------------


class Event:
    """Base of the event objects: each one's ``encode()`` gives its text, to send on a stream."""

    __slots__ = ()
    type: str = ""

    def encode(self) -> EventText:  # pragma: no cover - every subclass overrides it
        """The event's bytes as text, ready to write to the stream."""
        raise NotImplementedError


@dataclass(slots=True)
class PatchElements(Event):
    """Patch HTML into the page: morph by id (the default), or insert, replace or remove at a selector.

    ``elements`` is HTML: a ``str`` (sent as it is, so build it safely) or anything with
    ``__html__`` (such as what `stario.html` builds). ``mode`` is one of `MODES`; every mode but
    ``outer`` and ``replace`` needs a ``selector``. ``namespace`` (one of `NAMESPACES`) parses
    the elements as SVG or MathML.
    """

    elements: Any = None
    _: KW_ONLY
    selector: str | None = None
    mode: str | None = None
    use_view_transition: bool | None = None
    view_transition_selector: str | None = None
    namespace: str | None = None
    event_id: str | int | None = None
    retry_duration: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> EventText:
        """The ``datastar-patch-elements`` event as text."""
        elements = self.elements
        if elements is not None and hasattr(elements, "__html__"):
            elements = elements.__html__()
        mode = None if self.mode is None else _choice("mode", self.mode, MODES)
        namespace = None if self.namespace is None else _choice("namespace", self.namespace, NAMESPACES)
        data: list[str] = []
        if mode and mode != "outer":
            data.append(f"mode {mode}")
        if self.selector:
            _check_single_line("selector", self.selector)
            data.append(f"selector {self.selector}")
        if self.use_view_transition:
            data.append(f"useViewTransition {_js_bool(self.use_view_transition)}")
        if self.view_transition_selector:
            _check_single_line("view_transition_selector", self.view_transition_selector)
            data.append(f"viewTransitionSelector {self.view_transition_selector}")
        if namespace and namespace != "html":
            data.append(f"namespace {namespace}")
        if elements:
            data.extend(f"elements {line}" for line in elements.splitlines())
        return _frame(self.type, data, self.event_id, self.retry_duration)


@dataclass(slots=True)
class RemoveElements(Event):
    """Remove every element matching ``selector`` (a patch in mode ``remove``)."""

    selector: str
    _: KW_ONLY
    event_id: str | int | None = None
    retry_duration: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> EventText:
        """The removing ``datastar-patch-elements`` event as text."""
        if not self.selector:
            raise ValueError("removing elements needs a selector (the 1.0 client rejects a remove without one)")
        patch = PatchElements(
            selector=self.selector, mode="remove", event_id=self.event_id, retry_duration=self.retry_duration
        )
        return patch.encode()


@dataclass(slots=True)
class PatchSignals(Event):
    """Merge ``signals`` into the browser's signals: a JSON merge patch, where ``None`` deletes one.

    ``only_if_missing`` sets only signals that do not exist yet. A dict is sent as compact JSON
    (ASCII only, as datastar-py does); a ``str`` is sent as it is, so it must be JSON.
    """

    signals: Mapping[str, Any] | str
    _: KW_ONLY
    only_if_missing: bool | None = None
    event_id: str | int | None = None
    retry_duration: int | None = None
    type = "datastar-patch-signals"

    def encode(self) -> EventText:
        """The ``datastar-patch-signals`` event as text."""
        data: list[str] = []
        if self.only_if_missing:
            data.append(f"onlyIfMissing {_js_bool(self.only_if_missing)}")
        signals = self.signals
        text = signals if isinstance(signals, str) else json.dumps(signals, separators=(",", ":"))
        data.extend(f"signals {line}" for line in text.splitlines())
        return _frame(self.type, data, self.event_id, self.retry_duration)


@dataclass(slots=True)
class ExecuteScript(Event):
    """Run a script in the browser: a ``<script>`` appended to ``body``.

    With ``auto_remove`` (the default) the tag carries ``data-effect="el.remove()"`` and removes
    itself once it has run. ``attributes`` adds attributes to the tag (escaped when a mapping,
    written as they are when a list).

    The script may carry user data safely: write values into it with `stario.datastar.to_js`
    (``f"show({to_js(name)})"``), which quotes them as JavaScript with ``<`` escaped; and any
    ``</script`` left in the text is escaped too, so it cannot end the tag early.
    """

    script: str
    _: KW_ONLY
    auto_remove: bool = True
    attributes: Mapping[str, str] | list[str] | None = None
    event_id: str | int | None = None
    retry_duration: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> EventText:
        """The script-appending ``datastar-patch-elements`` event as text."""
        attrs = ""
        if self.auto_remove:
            attrs += ' data-effect="el.remove()"'
        attributes = self.attributes
        if attributes:
            if isinstance(attributes, Mapping):
                attrs += " " + " ".join(f'{_attr_escape(k)}="{_attr_escape(v)}"' for k, v in attributes.items())
            else:
                attrs += " " + " ".join(attributes)
        patch = PatchElements(
            f"<script{attrs}>{script_text(self.script)}</script>",
            selector="body",
            mode="append",
            event_id=self.event_id,
            retry_duration=self.retry_duration,
        )
        return patch.encode()


@dataclass(slots=True)
class Redirect(Event):
    """Send the browser to ``location``, with a script.

    Unlike datastar-py, the URL is checked (no other schemes, no ``//host``, no CR/LF) and
    written into the script as an escaped JavaScript string, so it cannot break out of it.
    """

    location: str
    _: KW_ONLY
    event_id: str | int | None = None
    retry_duration: int | None = None
    type = "datastar-patch-elements"

    def encode(self) -> EventText:
        """The redirecting script patch as text."""
        check_redirect_target(self.location)
        target = json.dumps(self.location).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        script = ExecuteScript(
            f"setTimeout(() => window.location = {target})",
            event_id=self.event_id,
            retry_duration=self.retry_duration,
        )
        return script.encode()


# --------------------------------------------------------------------------------------------
# datastar-py's functions, each the text of the event object of the same arguments.
# --------------------------------------------------------------------------------------------


def patch_elements(
    elements: Any = None,
    *,
    selector: str | None = None,
    mode: str | None = None,
    use_view_transition: bool | None = None,
    view_transition_selector: str | None = None,
    namespace: str | None = None,
    event_id: str | int | None = None,
    retry_duration: int | None = None,
) -> EventText:
    """The text of a `PatchElements` event: HTML to morph by id, or to put at ``selector``."""
    return PatchElements(
        elements,
        selector=selector,
        mode=mode,
        use_view_transition=use_view_transition,
        view_transition_selector=view_transition_selector,
        namespace=namespace,
        event_id=event_id,
        retry_duration=retry_duration,
    ).encode()


def remove_elements(
    selector: str, *, event_id: str | int | None = None, retry_duration: int | None = None
) -> EventText:
    """The text of a `RemoveElements` event: remove every element matching ``selector``."""
    return RemoveElements(selector, event_id=event_id, retry_duration=retry_duration).encode()


def patch_signals(
    signals: Mapping[str, Any] | str,
    *,
    only_if_missing: bool | None = None,
    event_id: str | int | None = None,
    retry_duration: int | None = None,
) -> EventText:
    """The text of a `PatchSignals` event: merge ``signals`` into the browser's (``None`` deletes)."""
    return PatchSignals(
        signals, only_if_missing=only_if_missing, event_id=event_id, retry_duration=retry_duration
    ).encode()


def execute_script(
    script: str,
    *,
    auto_remove: bool = True,
    attributes: Mapping[str, str] | list[str] | None = None,
    event_id: str | int | None = None,
    retry_duration: int | None = None,
) -> EventText:
    """The text of an `ExecuteScript` event: run ``script`` in the browser."""
    return ExecuteScript(
        script, auto_remove=auto_remove, attributes=attributes, event_id=event_id, retry_duration=retry_duration
    ).encode()


def redirect(
    location: str, *, event_id: str | int | None = None, retry_duration: int | None = None
) -> EventText:
    """The text of a `Redirect` event: send the browser to ``location`` (checked and escaped)."""
    return Redirect(location, event_id=event_id, retry_duration=retry_duration).encode()


# --------------------------------------------------------------------------------------------
# What a streaming handler yields, and events read back.
# --------------------------------------------------------------------------------------------


def to_event(item: Any) -> str | None:
    """Turn what a generator handler yielded into event text.

    - an `Event` is encoded;
    - event text made by a library, such as datastar-py's ``DatastarEvent`` or an `EventText`
      (a subclass of ``str`` starting with ``event: ``), is sent as it is;
    - HTML (a plain ``str``, or anything with ``__html__``) becomes a patch that morphs by id;
    - a ``dict`` becomes a patch of signals;
    - ``None`` is skipped.

    Anything else is a mistake, reported with what was yielded.
    """
    if isinstance(item, Event):
        return item.encode()
    if _is_event_text(item):
        if not item.endswith("\n\n"):
            raise ValueError(
                f"a streaming handler yielded event text that does not end with a blank line, so it "
                f"would run into the next event: {str(item)[-60:]!r}"
            )
        return str(item)
    if isinstance(item, str) or hasattr(item, "__html__"):
        return PatchElements(item).encode()
    if isinstance(item, Mapping):
        return PatchSignals(item).encode()
    if item is None:
        return None
    raise TypeError(
        f"a streaming handler yielded {type(item).__name__!r}; yield HTML (str or __html__), "
        "a dict of signals, or a stario.datastar event such as PatchElements"
    )


def _is_event_text(item: Any) -> bool:
    # Told apart by type, without importing datastar-py: a plain str is always HTML (whatever it
    # says), and so is a str with __html__ (markupsafe's Markup); a subclass of str starting with
    # an event line is what datastar-py's functions, and this module's, return.
    return (
        isinstance(item, str)
        and type(item) is not str
        and not hasattr(item, "__html__")
        and item.startswith("event: ")
    )


def data_fields(lines: list[str]) -> dict[str, str]:
    """An event's ``data`` lines as the client reads them: each ``key value`` split at the first
    space, repeated keys joined with newlines (so multi-line HTML comes back whole)."""
    fields: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(" ")
        fields[key] = fields[key] + "\n" + value if key in fields else value
    return fields
