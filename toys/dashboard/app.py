"""A live dashboard: numbers and an inline SVG chart of a random walk, streamed every 500 ms.

Run it with ``stario serve toys.dashboard.app:app``.
"""

import asyncio
import random
from collections import deque

from stario import Context, Query, Stario
from stario.datastar import get, init
from stario.html import dd, div, dl, dt, h2, polyline, svg
from stario.toys import ToyPage

TICK_SECONDS = 0.5
POINTS = 40  # how many readings the chart shows
WIDTH, HEIGHT = 400, 120


def chart(values: list[float]) -> str:
    low, high = min(values), max(values)
    spread = (high - low) or 1.0
    step = WIDTH / (POINTS - 1)
    points = " ".join(
        f"{i * step:.1f},{HEIGHT - 5 - (value - low) / spread * (HEIGHT - 10):.1f}" for i, value in enumerate(values)
    )
    return div(
        {"id": "chart"},
        svg(
            {"viewBox": f"0 0 {WIDTH} {HEIGHT}", "width": "100%", "height": HEIGHT, "role": "img",
             "aria-label": f"the last {len(values)} readings"},
            polyline({"points": points, "fill": "none", "stroke": "currentColor", "stroke-width": 2}),
        ),
    )


def stats(values: list[float], ticks: int) -> str:
    return dl(
        {"id": "stats", "style": "display: grid; grid-template-columns: repeat(4, auto); gap: 0 1rem"},
        dt("Now"), dd({"id": "now"}, f"{values[-1]:.1f}"),
        dt("Min"), dd({"id": "min"}, f"{min(values):.1f}"),
        dt("Max"), dd({"id": "max"}, f"{max(values):.1f}"),
        dt("Ticks"), dd({"id": "ticks"}, ticks),
    )


async def home():
    return ToyPage(
        div(
            h2("Live dashboard"),
            div(
                {"id": "live"} | init(get("/live")),
                dl({"id": "stats"}, dt("Connecting...")),
                div({"id": "chart"}),
            ),
        ),
        title="Live dashboard",
    )


async def live(c: Context):
    """A Query that streams: one random walk per viewer, a reading every TICK_SECONDS."""
    rng = random.Random()
    values: deque = deque([100.0], maxlen=POINTS)
    ticks = 0
    while True:
        with c.span.step("dashboard.render", ticks=ticks):
            snapshot = list(values)
            yield stats(snapshot, ticks)
            yield chart(snapshot)
        await asyncio.sleep(TICK_SECONDS)
        values.append(values[-1] + rng.gauss(0, 3))
        ticks += 1


app = Stario(Query("/", home), Query("/live", live))
