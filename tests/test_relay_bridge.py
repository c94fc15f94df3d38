"""The `Bridge` between a relay and a broker, with a broker kept in memory: the races a real
broker only shows once in dozens of runs, made to happen every time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from stario.relay_bridge import Bridge


class MemoryBackend:
    """A broker in a list. ``on_publish`` runs inside `publish`, just before it returns."""

    name = "memory"
    max_payload = None

    def __init__(self) -> None:
        self.published: list[tuple[str, bytes]] = []
        self.closed = False
        self.on_publish = lambda: None
        self._arrivals: asyncio.Queue[bytes] = asyncio.Queue()

    async def connect(self) -> None:
        self.closed = False

    async def subscribe(self, patterns: Iterable[str]) -> None:
        pass

    async def unsubscribe(self, patterns: Iterable[str]) -> None:
        pass

    async def payloads(self) -> AsyncIterator[bytes]:
        while True:
            yield await self._arrivals.get()

    async def publish(self, topic: str, payload: bytes) -> None:
        self.published.append((topic, payload))
        self.on_publish()

    async def close(self) -> None:
        self.closed = True


def _sender_task() -> asyncio.Task:
    (task,) = [t for t in asyncio.all_tasks() if t.get_name() == "stario.relay.memory.send"]
    return task


def test_a_stop_that_arrives_as_a_publish_finishes_still_stops_the_sender():
    """The sender is cancelled at the moment the broker's write completes (as `stop` does when a
    publish is under way). The cancellation must end the sender, not be lost while it goes back to
    waiting for the next message: `stop` awaits it and would wait for ever."""

    async def main() -> None:
        backend = MemoryBackend()
        bridge = Bridge(backend, deliver=lambda topic, message: 0, report_missed=lambda origin, gap: None)
        bridge.start()
        assert await bridge.wait_connected(2.0)
        sender = _sender_task()
        backend.on_publish = sender.cancel
        bridge.send("chat", "hello")
        for _ in range(20):  # let the write happen and the sender see its cancellation
            await asyncio.sleep(0)
        assert backend.published, "the message was not handed to the broker"
        assert sender.done(), "the sender was cancelled as its write finished, yet it went on waiting for the next message"
        await asyncio.wait_for(bridge.stop(), 2.0)
        assert backend.closed

    asyncio.run(main())


def test_stop_sends_what_is_queued_then_closes_the_broker():
    async def main() -> None:
        backend = MemoryBackend()
        bridge = Bridge(backend, deliver=lambda topic, message: 0, report_missed=lambda origin, gap: None)
        bridge.start()
        assert await bridge.wait_connected(2.0)
        for n in range(3):
            bridge.send("chat", n)
        await asyncio.wait_for(bridge.stop(), 2.0)
        assert [topic for topic, _ in backend.published] == ["chat"] * 3
        assert backend.closed
        assert not bridge.running

    asyncio.run(main())
