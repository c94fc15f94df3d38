"""Datastar on the server: the events Stario sends, the signals it reads, and the helpers that
write Datastar's attributes and actions.

Import from the package (``from stario import datastar as ds``, ``from stario.datastar import
PatchElements``); each name lives in one of these modules:

- `stario.datastar.events`: the SSE events, one class each (`PatchElements`, `RemoveElements`,
  `PatchSignals`, `ExecuteScript`, `Redirect`), the functions with datastar-py's names that
  format them (`patch_elements`, ...) as `EventText`, `to_event` (what a streaming handler
  yields, as event text) and `data_fields` (an event's data lines read back);
- `stario.datastar.request_signals`: `read_signals`, the signals a request carries;
- `stario.datastar.actions`: ``@get(...)`` and the other actions, `js` and `to_js`;
- `stario.datastar.attributes`: the ``data-*`` helpers (`signals`, `bind`, `on`, `text`, ...);
- `stario.datastar.client`: `script`, the tag that loads the browser client.

The modules import nothing of Stario's request handling (the app, the context, the writer, the
SSE stream): those import this package, never the other way round.
"""

from __future__ import annotations

from stario.datastar.actions import delete, get, js, patch, post, put, to_js
from stario.datastar.attributes import (
    attr,
    bind,
    classes,
    computed,
    effect,
    ignore,
    ignore_morph,
    indicator,
    init,
    json_signals,
    on,
    on_interval,
    on_intersect,
    preserve_attr,
    ref,
    show,
    signals,
    style,
    text,
)
from stario.datastar.client import script
from stario.datastar.events import (
    DEFAULT_RETRY_MS,
    MODES,
    NAMESPACES,
    Event,
    EventText,
    ExecuteScript,
    PatchElements,
    PatchSignals,
    Redirect,
    RemoveElements,
    data_fields,
    execute_script,
    patch_elements,
    patch_signals,
    redirect,
    remove_elements,
    to_event,
)
from stario.datastar.request_signals import read_signals

__all__ = [
    "MODES",
    "NAMESPACES",
    "DEFAULT_RETRY_MS",
    "PatchElements",
    "PatchSignals",
    "ExecuteScript",
    "RemoveElements",
    "Redirect",
    "Event",
    "EventText",
    "patch_elements",
    "patch_signals",
    "execute_script",
    "remove_elements",
    "redirect",
    "to_event",
    "read_signals",
    "data_fields",
    "js",
    "to_js",
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
