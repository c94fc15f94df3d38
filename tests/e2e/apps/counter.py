"""A counter, twice: once answered with patch-elements, once with patch-signals.

Also serves the client's own file at /other/datastar.js, so a test can point
STARIO_DATASTAR_URL there and check that pages load the client from that URL.
"""

from pathlib import Path

import stario
from stario import Command, Context, Query, Stario, Writer
from tests.e2e.apps.common import page

CLIENT = Path(stario.__file__).parent / "static" / "client.js"

count = 0
signal_count = 0


async def home():
    return page(
        """
        <h1>Counter</h1>
        <section>
          <button id="inc" data-on:click="@post('/inc')">+1 (elements)</button>
          <p id="count">0</p>
        </section>
        <section data-signals:count="0">
          <button id="inc-signals" data-on:click="@post('/inc-signals')">+1 (signals)</button>
          <p id="signal-count" data-text="$count">0</p>
        </section>
        """
    )


async def inc():
    global count
    count += 1
    yield f'<p id="count">{count}</p>'  # patch-elements, morph by id


async def inc_signals():
    global signal_count
    signal_count += 1
    yield {"count": signal_count}  # patch-signals


async def other_client(c: Context, w: Writer) -> None:
    w.raw(CLIENT.read_bytes(), "text/javascript")


app = Stario(
    Query("/", home),
    Command("/inc", inc),
    Command("/inc-signals", inc_signals),
    Query("/other/datastar.js", other_client),
)
