"""Clock: a live clock, streamed from the server every second; the page starts it with data-init.

Run it with ``stario serve toys.clock.app:app`` (or ``stario serve app:app`` next to this file).
"""

import asyncio
from datetime import datetime, timezone

from stario import Context, Query, Stario
from stario.datastar import get, init
from stario.html import div, fragment, h1, p, style, time
from stario.toys import ToyPage

INTERVAL = 1.0  # seconds between ticks

STYLE = """
#clock { font: 600 3rem/1.2 ui-monospace, Menlo, Consolas, monospace; letter-spacing: 0.05em; }
"""

def clock_view(now: datetime):
    """The clock. A stable id: each tick morphs it in place."""
    return time({"id": "clock", "datetime": now.isoformat(timespec="seconds")}, now.strftime("%H:%M:%S"))


async def home():
    """Query: the page. ``data-init`` opens the stream as soon as the client sees the element."""
    return ToyPage(
        fragment(
            style(STYLE),
            h1("Clock"),
            div(init(get("/clock")), clock_view(datetime.now(timezone.utc))),
            p("UTC, streamed from the server once a second over one Server-Sent Events response."),
        ),
        title="Clock",
    )


async def clock(c: Context):
    """Query that streams: each ``yield`` is one patch event. When the browser goes away the
    generator is closed, so ``finally`` runs and the request span ends with the tick count."""
    ticks = 0
    try:
        while True:
            yield clock_view(datetime.now(timezone.utc))
            ticks += 1
            await asyncio.sleep(INTERVAL)
    finally:
        c.span.attr("clock.ticks", ticks)


app = Stario(Query("/", home), Query("/clock", clock))
