"""Lazy tabs: a tab's content is fetched with @get on its first click and patched into its panel."""

import asyncio
import datetime

from stario import Context, HTTPError, Query, Stario, Writer
from stario.datastar import attr, classes, get, on, show, signals
from stario.html import button, div, em, li, nav, p, style, ul
from stario.toys import ToyPage

TABS = {"overview": "Overview", "activity": "Activity", "settings": "Settings"}
FIRST = "overview"


def load_overview():
    return p("Everything at a glance. This tab came with the page; the others load on first click.")


def load_activity():
    now = datetime.datetime.now().strftime("%H:%M:%S")
    return ul(li("Signed in"), li("Changed the avatar"), li(f"Loaded this tab at {now}"))


def load_settings():
    return p("Theme: ", em("system"), ". Notifications: ", em("on"), ".")


LOADERS = {"overview": load_overview, "activity": load_activity, "settings": load_settings}


def panel(name: str, content=None):
    # The same attributes whether empty or filled, so the morph that fills it keeps data-show.
    return div(
        {"id": f"panel-{name}", "class": "panel", "role": "tabpanel", "aria-labelledby": f"tab-{name}"}
        | show(f"$tab == '{name}'"),
        content if content is not None else p({"class": "loading"}, "Loading…"),
    )


def tab_button(name: str, label: str):
    # Select the tab at once; fetch its content only the first time ($loaded remembers).
    click = f"$tab = '{name}'; if (!$loaded.{name}) {{ {get(f'/tabs/{name}')} }}"
    return button(
        {"id": f"tab-{name}", "type": "button", "role": "tab"}
        | on("click", click)
        | classes({"active": f"$tab == '{name}'"})
        | attr({"aria-selected": f"$tab == '{name}' ? 'true' : 'false'"}),
        label,
    )


async def home():
    return ToyPage(
        div(
            signals({"tab": FIRST, "loaded": {name: name == FIRST for name in TABS}}),
            STYLE,
            nav({"class": "tabs", "role": "tablist"}, [tab_button(name, label) for name, label in TABS.items()]),
            [panel(name, load_overview() if name == FIRST else None) for name in TABS],
        ),
        title="Lazy tabs",
    )


async def tab(c: Context, w: Writer) -> None:
    """A Query: the content of one tab, patched into its panel; marks it loaded."""
    name = c.params["name"]
    if name not in TABS:  # checked before the stream opens, so the 404 status still applies
        raise HTTPError(404, f"no tab named {name!r}")
    with c.span.step("tab.load", tab=name):
        await asyncio.sleep(0.15)  # pretend this is slow work worth deferring
        content = LOADERS[name]()
    async with w.sse() as sse:
        await sse.patch_elements(panel(name, content))
        await sse.patch_signals({"loaded": {name: True}})


STYLE = style("""
.tabs { display: flex; gap: .25rem; border-bottom: 1px solid #8884; }
.tabs button { background: none; color: inherit; border: none; border-bottom: 2px solid transparent; border-radius: 0; }
.tabs button.active { border-bottom-color: var(--accent); color: var(--accent); }
.panel { padding: 1rem 0; }
.loading { opacity: .6; }
""")

app = Stario(Query("/", home), Query("/tabs/{name}", tab))
