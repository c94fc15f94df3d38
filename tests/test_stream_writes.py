"""How a generator handler's items become writes: one write per item while the generator waits
between items, and the items it has ready at once held and sent together (`stario.handlers`).

Each test calls the app in process with a `send` that records every ASGI message, so it sees the
writes themselves, which a client reading the stream cannot tell apart.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from stario import HTTPError, Query, Stario
from stario.handlers import HOLD_BYTES


def frame(html: str) -> bytes:
    """The SSE event Stario writes for a yielded HTML string."""
    return f"event: datastar-patch-elements\ndata: elements {html}\n\n".encode()


class Exchange:
    """One ``GET /`` to an app of the single route ``handler``, in process: its task, the messages
    it sent, and the way to end it."""

    def __init__(self, handler: Any, *, block_body: int | None = None) -> None:
        self.app = Stario(Query("/", handler))
        self.sent: list[dict[str, Any]] = []
        self.gone = asyncio.Event()
        self.block_body = block_body  # the number of the body message whose send waits for `unblock`
        self.blocked = asyncio.Event()
        self.unblock = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        scope = {
            "type": "http", "method": "GET", "path": "/", "raw_path": b"/",
            "query_string": b"", "headers": [],
        }  # fmt: skip
        self.task = asyncio.ensure_future(self.app(scope, self.receive, self.send))

    async def receive(self) -> dict[str, Any]:
        if not self.sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and len(self.bodies) + 1 == self.block_body:
            # A client that stopped reading: as uvicorn does, wait for its socket to drain, then
            # write; a write cancelled meanwhile never reaches the client.
            self.blocked.set()
            await self.unblock.wait()
        self.sent.append(message)

    @property
    def bodies(self) -> list[bytes]:
        """The body of every write, in order (the last one ends the response)."""
        return [message["body"] for message in self.sent if message["type"] == "http.response.body"]

    async def writes_reach(self, count: int) -> None:
        for _ in range(1000):
            if len(self.bodies) >= count:
                return
            await asyncio.sleep(0.001)
        raise AssertionError(f"expected {count} writes, saw {self.bodies}")


async def run_to_end(handler: Any) -> Exchange:
    """The whole exchange with ``handler``, which ends by itself."""
    exchange = Exchange(handler)
    exchange.start()
    await exchange.task
    return exchange


def test_items_ready_at_once_share_one_write_and_go_out_before_the_generator_waits():
    release = asyncio.Event()

    async def feed(c):
        yield "<p id='a'>a</p>"
        yield "<p id='b'>b</p>"
        yield "<p id='c'>c</p>"
        await release.wait()
        yield "<p id='d'>d</p>"

    async def run() -> list[bytes]:
        exchange = Exchange(feed)
        exchange.start()
        await exchange.writes_reach(2)
        await asyncio.sleep(0.01)  # the generator waits now: b and c must be out already
        assert exchange.bodies == [frame("<p id='a'>a</p>"), frame("<p id='b'>b</p>") + frame("<p id='c'>c</p>")]
        release.set()
        await exchange.task
        return exchange.bodies

    bodies = asyncio.run(run())
    # d is held when the generator ends, and goes out with the response's last chunk
    assert bodies[2:] == [frame("<p id='d'>d</p>")]
    assert len(bodies) == 3


def test_a_generator_that_waits_between_items_gets_one_write_per_item():
    async def ticks(c):
        for n in range(3):
            yield f"<p id='n'>{n}</p>"
            await asyncio.sleep(0.001)

    assert asyncio.run(run_to_end(ticks)).bodies == [frame(f"<p id='n'>{n}</p>") for n in range(3)] + [b""]


def test_a_long_run_of_ready_items_is_written_in_pieces_of_bounded_size():
    item = "<p id='big'>" + "x" * 1000 + "</p>"

    async def flood(c):
        for _ in range(200):
            yield item

    bodies = asyncio.run(run_to_end(flood)).bodies
    assert b"".join(bodies) == frame(item) * 200  # every item, in order
    assert 4 <= len(bodies) <= 10, [len(body) for body in bodies]
    assert max(len(body) for body in bodies) <= HOLD_BYTES + len(frame(item))


def test_an_event_written_on_the_stream_itself_follows_the_held_items():
    async def mixed(c, w):
        yield "<p id='a'>a</p>"
        yield "<p id='b'>b</p>"
        await w.stream.patch_signals({"after": True})
        yield "<p id='c'>c</p>"

    bodies = asyncio.run(run_to_end(mixed)).bodies
    joined = b"".join(bodies)
    assert joined.index(b"id='b'") < joined.index(b'"after":true') < joined.index(b"id='c'"), joined
    assert bodies[1].startswith(frame("<p id='b'>b</p>")), "b went out with the direct write, not after it"


def test_cancelled_while_sending_held_items_the_generator_is_closed_where_it_waits(caplog):
    """The server stops the request while a write of held items hangs (a client that stopped
    reading): the generator, waiting for its next item meanwhile, gets the cancellation where it
    waits, its `finally` runs, and nothing is left running or complaining."""
    state: dict[str, Any] = {}

    async def feed(c):
        try:
            yield "<p id='a'>a</p>"
            yield "<p id='b'>b</p>"
            await asyncio.Event().wait()
            yield "<p id='never'>never</p>"
        except BaseException as exc:
            state["raised"] = type(exc).__name__
            raise
        finally:
            state["finally"] = True

    async def run() -> Exchange:
        exchange = Exchange(feed, block_body=2)
        exchange.start()
        await asyncio.wait_for(exchange.blocked.wait(), 5)
        assert exchange.task is not None
        exchange.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await exchange.task
        return exchange

    with caplog.at_level(logging.DEBUG):
        exchange = asyncio.run(run())
    assert state == {"raised": "CancelledError", "finally": True}
    assert exchange.bodies[0] == frame("<p id='a'>a</p>")
    assert "already running" not in caplog.text and "never awaited" not in caplog.text


def test_the_client_leaving_while_the_generator_waits_runs_its_finally():
    state: dict[str, Any] = {}

    async def feed(c):
        try:
            yield "<p id='a'>a</p>"
            yield "<p id='b'>b</p>"
            await asyncio.Event().wait()
        finally:
            state["finally"] = c.disconnected

    async def run() -> Exchange:
        exchange = Exchange(feed)
        exchange.start()
        await exchange.writes_reach(2)
        exchange.gone.set()
        await asyncio.wait_for(exchange.task, 5)
        return exchange

    exchange = asyncio.run(run())
    assert state == {"finally": True}
    assert exchange.bodies[:2] == [frame("<p id='a'>a</p>"), frame("<p id='b'>b</p>")]


def test_a_timeout_inside_the_generator_cuts_no_write_short():
    """The generator times out its own wait while a write of its held items waits for a slow
    client: the timeout reaches the generator, and every event still arrives, in order."""

    async def feed(c):
        yield "<p id='a'>a</p>"
        yield "<p id='b'>b</p>"
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(5)
        except TimeoutError:
            yield "<p id='timed-out'>timed out</p>"

    async def run() -> list[bytes]:
        exchange = Exchange(feed, block_body=2)
        exchange.start()
        await asyncio.wait_for(exchange.blocked.wait(), 5)
        await asyncio.sleep(0.05)  # the generator's timeout fires while the write waits
        exchange.unblock.set()
        await asyncio.wait_for(exchange.task, 5)
        return exchange.bodies

    joined = b"".join(asyncio.run(run()))
    assert joined == frame("<p id='a'>a</p>") + frame("<p id='b'>b</p>") + frame("<p id='timed-out'>timed out</p>")


def test_cancelled_while_a_write_waits_what_the_generator_awaits_is_cancelled_too():
    state: dict[str, Any] = {}

    async def feed(c):
        yield "<p id='a'>a</p>"
        yield "<p id='b'>b</p>"
        state["inner"] = inner = asyncio.ensure_future(asyncio.sleep(5))
        await inner
        yield "<p id='never'>never</p>"

    async def run() -> None:
        exchange = Exchange(feed, block_body=2)
        exchange.start()
        await asyncio.wait_for(exchange.blocked.wait(), 5)
        await asyncio.sleep(0.01)
        assert exchange.task is not None
        exchange.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await exchange.task
        await asyncio.sleep(0)
        assert state["inner"].cancelled()

    asyncio.run(run())


def test_yielding_none_first_opens_nothing_so_a_later_error_keeps_its_status():
    async def feed(c):
        yield None
        raise HTTPError(404, "no such feed")

    exchange = asyncio.run(run_to_end(feed))
    assert exchange.sent[0]["status"] == 404


class ExtensionAwaitable:
    """What a server written as an extension may give back from ``send``: an awaitable whose
    iterator has ``__next__`` but no ``__iter__`` nor ``send`` (``await`` needs no more)."""

    def __await__(self):
        return self

    def __next__(self):
        raise StopIteration


def test_a_send_that_returns_another_kind_of_awaitable_still_writes_every_event():
    async def feed(c):
        for n in range(3):
            yield f"<p id='n'>{n}</p>"
            await asyncio.sleep(0)

    app = Stario(Query("/", feed))
    sent: list[dict] = []

    async def receive():
        if not sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(60)

    def send(message):
        sent.append(message)
        return ExtensionAwaitable()

    scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"", "headers": []}
    asyncio.run(app(scope, receive, send))
    bodies = [m["body"] for m in sent if m["type"] == "http.response.body"]
    assert bodies == [frame(f"<p id='n'>{n}</p>") for n in range(3)] + [b""]
