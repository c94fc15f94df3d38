"""The ``data-*`` attribute helpers: each returns a dict of attributes to merge into an element's.

::

    div({"id": "n"} | text("$count"), ...)
    input_({"id": "q"} | bind("q") | on("input", get("/search"), debounce=300))

Names follow Datastar's attributes (``data-on:click`` is `on`, ``data-bind:name`` is `bind`);
modifiers are keyword arguments, times in milliseconds or as strings such as ``"1s"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from stario.datastar.actions import to_js

__all__ = [
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
]


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


def _object(mapping: Mapping[str, str]) -> str:
    # Keys are always string literals (str() drops a `js` marker); values are expressions.
    return "{" + ", ".join(f"{to_js(str(key))}: {value}" for key, value in mapping.items()) + "}"


def signals(values: Mapping[str, Any], *, only_if_missing: bool = False) -> dict[str, str]:
    """``data-signals``: define signals with initial values (JSON).

    ``only_if_missing`` (the ``__ifmissing`` modifier) keeps the value of a signal that already
    exists, as the option of the same name does for `stario.datastar.PatchSignals`.
    """
    key = "data-signals" + ("__ifmissing" if only_if_missing else "")
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
    return {"data-class": _object(mapping)}


def attr(mapping: Mapping[str, str]) -> dict[str, str]:
    """``data-attr``: set each attribute to its expression's value."""
    return {"data-attr": _object(mapping)}


def style(mapping: Mapping[str, str]) -> dict[str, str]:
    """``data-style``: set each inline style property to its expression's value."""
    return {"data-style": _object(mapping)}


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
