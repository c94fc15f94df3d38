"""Helpers for small apps and experiments, kept from Stario 0.1: `ToyPage` and `ToyInspector`.

::

    from stario.toys import ToyInspector, ToyPage

    async def home():
        return ToyPage(f'''
            <div data-signals="{{count: 0}}">
              <button data-on:click="$count++">+1</button> <span data-text="$count"></span>
            </div>
            {ToyInspector()}
        ''', title="Counter")

`ToyPage` wraps a fragment in a whole page that loads the browser client, with a plain stylesheet
so a toy looks tidy without any CSS of its own. `ToyInspector` is a floating panel showing the
page's signals as they change.
"""

from __future__ import annotations

from typing import Any

from stario import html as h
from stario.datastar import script as client_script
from stario.html import HTML

__all__ = ["ToyPage", "ToyInspector"]

_PAGE_STYLE = """
:root { color-scheme: light dark; --accent: #6d4aff; --line: #8884; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 2rem 1.25rem; max-width: 46rem;
  font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1d1d22; background: #fbfbfd;
}
h1, h2, h3 { line-height: 1.2; margin: 1.5em 0 0.5em; }
a { color: var(--accent); }
button, input, select, textarea { font: inherit; padding: 0.4em 0.7em; border: 1px solid var(--line); border-radius: 0.4em; }
button { cursor: pointer; background: var(--accent); border-color: var(--accent); color: #fff; }
button:hover { filter: brightness(1.1); }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { padding: 0.75rem 1rem; overflow: auto; border-radius: 0.4em; background: #8881; }
@media (prefers-color-scheme: dark) {
  body { color: #e8e8ee; background: #16161b; }
  :root { --accent: #a08bff; }
}
"""


def ToyPage(body: Any, title: str = "Stario") -> HTML:
    """A complete HTML page around ``body``, loading the browser client in its head.

    ``body`` may be HTML built with `stario.html`, or a plain string, which is trusted and
    inserted as it is (as in Stario 0.1's examples): never put user input in it unescaped.
    The ``title`` is escaped. Return the page from a handler as it is.
    """
    content = h.safe(body) if type(body) is str else body
    page = h.html(
        {"lang": "en"},
        h.head(
            h.meta({"charset": "utf-8"}),
            h.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
            h.title(title),
            h.link({"rel": "icon", "href": "data:,"}),  # no favicon request, so no 404 in the logs
            h.style(_PAGE_STYLE),
            client_script(),
        ),
        h.body(content),
    )
    return h.DOCTYPE + page


_INSPECTOR_STYLE = """
.stario-inspector {
  position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483647; min-width: 14rem; max-width: min(28rem, 90vw);
  font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; color: #e8e8ee; background: #1d1d22ee;
  border-radius: 0.5rem; box-shadow: 0 0.5rem 1.5rem #0005;
}
.stario-inspector header {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: 0.35rem 0.6rem; cursor: move; user-select: none; touch-action: none;
}
.stario-inspector button { font: inherit; padding: 0 0.4rem; color: inherit; background: none; border: 1px solid #fff4; border-radius: 0.3rem; cursor: pointer; }
.stario-inspector pre { margin: 0; padding: 0.5rem 0.6rem; max-height: 50vh; overflow: auto; border-top: 1px solid #fff2; }
"""

# Dragging by the header. Pointer capture keeps the events coming to the header even when the
# pointer outruns the panel; the position is clamped so the panel never leaves the window.
_INSPECTOR_DRAG = """
(() => {
  const panel = document.currentScript.parentElement;
  const grip = panel.querySelector("header");
  let dx = 0, dy = 0;
  grip.addEventListener("pointerdown", (e) => {
    if (e.target.closest("button")) return;
    const box = panel.getBoundingClientRect();
    dx = e.clientX - box.left;
    dy = e.clientY - box.top;
    grip.setPointerCapture(e.pointerId);
  });
  grip.addEventListener("pointermove", (e) => {
    if (!grip.hasPointerCapture(e.pointerId)) return;
    const x = Math.min(Math.max(0, e.clientX - dx), innerWidth - panel.offsetWidth);
    const y = Math.min(Math.max(0, e.clientY - dy), innerHeight - panel.offsetHeight);
    Object.assign(panel.style, { left: x + "px", top: y + "px", right: "auto", bottom: "auto" });
  });
})();
"""


def ToyInspector() -> HTML:
    """A small floating panel showing the page's live signals as JSON; collapsible, draggable.

    Its only signal of its own, ``_inspector`` (open or not), starts with ``_``, so it stays in
    the browser: requests do not send it, and the panel does not list it. It starts folded in a
    small window (under 720 by 600 pixels, such as the playground's preview), so it never covers
    the page it inspects. The panel is left out of morphs, so a patch of the page keeps it where
    it was dragged.
    """
    return h.div(
        {
            "class": "stario-inspector",
            "data-signals__ifmissing": '{"_inspector": innerWidth >= 720 && innerHeight >= 600}',
            "data-ignore-morph": True,
        },
        h.style(_INSPECTOR_STYLE),
        h.header(
            h.strong("signals"),
            h.button(
                {
                    "type": "button",
                    "title": "show or hide the signals",
                    "data-on:click": "$_inspector = !$_inspector",
                    "data-text": "$_inspector ? '\u2212' : '+'",
                },
                "\u2212",
            ),
        ),
        h.pre({"data-show": "$_inspector", "data-json-signals": "{exclude: /^_inspector$/}"}),
        h.script(_INSPECTOR_DRAG),
    )
