"""The SSE fan-out apps `sse.py` compares, in one module (served by uvicorn: ``sse_apps:raw`` ...).

Both answer ``GET /stream`` with an SSE stream that first sends a ``ready`` event, then every
message published, and ``POST /start?rate=R&seconds=S`` with 204, starting a publisher inside
the server process: ``R`` messages a second for ``S`` seconds, each a ~100-byte Datastar patch
event stamped with the time it was published (``<p id="tick">N STAMP_NS</p>``).

- ``raw``: a bare ASGI app; the publisher encodes each message's frame once and puts the same
  bytes in one `asyncio.Queue` per stream, each stream's task sends what its queue holds. The
  floor for Python.
- ``stario``: a `Relay` and a generator handler that subscribes and yields each message, as the
  lessons and toys write it (``STARIO_TRACER`` chooses the tracer, noop by default).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qs

from stario import Command, Context, Query, Relay, Stario, Writer
from stario.datastar import PatchElements

READY = '<p id="ready">ready</p>'
_PAD = "x" * 20  # brings an event to about 100 bytes


def tick(n: int) -> str:
    """The HTML of message ``n``, stamped now (ns since the epoch)."""
    return f'<p id="tick" class="{_PAD}">{n} {time.time_ns()}</p>'


async def publisher(rate: float, seconds: float, publish: Any) -> None:
    """Call ``publish(html)`` ``rate`` times a second for ``seconds``, in 10-ms batches."""
    started = time.perf_counter()
    sent = 0
    while True:
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return
        due = int(elapsed * rate) + 1
        while sent < due:
            publish(tick(sent))
            sent += 1
        await asyncio.sleep(0.01)


def _start_args(query_string: bytes) -> tuple[float, float]:
    query = parse_qs(query_string.decode())
    return float(query["rate"][0]), float(query["seconds"][0])


# -- raw ASGI ---------------------------------------------------------------------------------------

_queues: set[asyncio.Queue[bytes]] = set()
_tasks: set[asyncio.Task[None]] = set()
_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


def _raw_publish(html: str) -> None:
    frame = PatchElements(html).encode().encode()  # once per message, shared by every stream
    for queue in _queues:
        queue.put_nowait(frame)


async def raw(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The raw ASGI fan-out app (see the module docstring)."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/start":
        rate, seconds = _start_args(scope["query_string"])
        task = asyncio.get_running_loop().create_task(publisher(rate, seconds, _raw_publish))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    _queues.add(queue)
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": PatchElements(READY).encode().encode(), "more_body": True})

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.ensure_future(watch())
    try:
        while not watcher.done():
            frame = await queue.get()
            await send({"type": "http.response.body", "body": frame, "more_body": True})
    finally:
        _queues.discard(queue)
        watcher.cancel()


# -- Stario ------------------------------------------------------------------------------------------

relay = Relay(backend="local")


async def stream(c: Context):
    """Subscribe, say ready, then yield every message: what the lessons teach."""
    async with relay.subscribe("ticks") as inbox:
        yield READY
        async for html in inbox:
            yield html


async def start(c: Context, w: Writer) -> None:
    rate, seconds = _start_args(c.scope["query_string"])
    task = asyncio.get_running_loop().create_task(publisher(rate, seconds, lambda html: relay.publish("ticks", html)))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    w.empty()


stario = Stario(Query("/stream", stream), Command("/start", start, cross_site=True))
