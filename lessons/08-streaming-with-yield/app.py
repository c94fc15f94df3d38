import asyncio
import time

from stario import Context, Query, SSEStream, Stario, Writer
from stario.toys import ToyPage

watching = 0  # how many online counters are open right now


async def home():
    return ToyPage(
        """
        <h2>Realtime responses!</h2>
        <div data-init="@get('/online-counter')">
            This shows how long the connection has been open.
        </div>
        <div id="online-counter"></div>
        <div data-init="@get('/clock')"><p id="clock"></p></div>
        """,
        title="Streaming with yield",
    )


async def online_counter():
    duration = 0.0
    interval = 0.1
    while True:
        yield f"<div id='online-counter'>Online since: {duration:.1f}s</div>"
        duration += interval
        await asyncio.sleep(interval)


async def clock(c: Context, w: Writer) -> None:
    stream: SSEStream = w.sse(heartbeat=15)
    async with stream as sse:
        while True:
            await sse.patch_elements(f'<p id="clock">{time.strftime("%X")}</p>')
            await asyncio.sleep(1)


async def watchers():
    return f"<p id='watchers'>{watching} watching</p>"


app = Stario(
    Query("/", home),
    Query("/online-counter", online_counter),
    Query("/clock", clock),
    Query("/watchers", watchers),
)
