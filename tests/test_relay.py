"""The relay: pattern matching, fan-out, bounded inboxes, unsubscribing, and streams fed by a Command."""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc

import pytest

from stario import Command, Query, Span, Stario
from stario.html import p
from stario.relay import Message, Relay
from stario.testing import TestClient


def run(coroutine):
    return asyncio.run(coroutine)


async def drain(subscription) -> list:
    """Every message already in the subscription's inbox, without waiting for more."""
    return [await anext(subscription) for _ in range(subscription.pending)]


# -- patterns ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, topic, matches",
    [
        ("room.1", "room.1", True),
        ("room.1", "room.2", False),
        ("room.1", "room.1.x", False),
        ("room", "room.1", False),
        ("room.*", "room.1", True),
        ("room.*", "room", False),
        ("room.*", "room.1.x", False),
        ("room.*", "hall.1", False),
        ("*.1", "room.1", True),
        ("*.1", "room.2", False),
        ("*", "room", True),
        ("*", "room.1", False),
        ("room.*.typing", "room.1.typing", True),
        ("room.*.typing", "room.1.joined", False),
        ("room.>", "room.1", True),
        ("room.>", "room.1.x.y", True),
        ("room.>", "room", False),
        ("room.>", "hall.1", False),
        (">", "room", True),
        (">", "room.1.x", True),
        ("*.*.>", "a.b", False),
        ("*.*.>", "a.b.c", True),
    ],
)
def test_pattern_matching(pattern, topic, matches):
    relay = Relay()
    subscription = relay.subscribe(pattern)
    assert relay.publish(topic, "hello") == int(matches)
    assert relay.subscriber_count(topic) == int(matches)
    assert subscription.pending == int(matches)


@pytest.mark.parametrize("pattern", ["", "room.", ".room", "room..1", "room*", "room.>.x", "room.1>", 3])
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(ValueError):
        Relay().subscribe(pattern)


@pytest.mark.parametrize("topic", ["", "room.*", "room.>", "room..1", ".room", "room.", None])
def test_bad_topics_are_refused(topic):
    with pytest.raises(ValueError, match="topic"):
        Relay().publish(topic, "x")


def test_subscribe_needs_a_pattern_and_a_positive_inbox():
    with pytest.raises(TypeError):
        Relay().subscribe()
    with pytest.raises(ValueError):
        Relay(inbox_size=0)
    with pytest.raises(ValueError):
        Relay().subscribe("a", inbox_size=-1)


def test_several_patterns_matching_one_topic_deliver_once():
    relay = Relay()
    subscription = relay.subscribe("room.1", "room.*", "room.>", "room.*")
    assert subscription.patterns == ("room.1", "room.*", "room.>")
    assert relay.publish("room.1", "hi") == 1
    assert relay.publish("room.2", "there") == 1
    assert run(drain(subscription)) == ["hi", "there"]


def test_with_topic_gives_messages_with_their_topic():
    relay = Relay()
    subscription = relay.subscribe("room.*", with_topic=True)
    relay.publish("room.1", {"text": "hi"})
    relay.publish("room.2", "yo")
    messages = run(drain(subscription))
    assert messages == [Message("room.1", {"text": "hi"}), Message("room.2", "yo")]
    assert messages[0].topic == "room.1" and messages[0].data == {"text": "hi"}


# -- fan-out -------------------------------------------------------------------------------------


def test_fan_out_to_many_subscribers():
    async def scenario():
        relay = Relay()
        received: list[list[str]] = [[] for _ in range(50)]

        async def reader(index: int, pattern: str) -> None:
            async for message in relay.subscribe(pattern):
                received[index].append(message)
                if message == "last":
                    return

        tasks = [asyncio.create_task(reader(i, "news" if i % 2 else "*")) for i in range(50)]
        await asyncio.sleep(0)  # every reader subscribes and waits
        assert relay.subscriber_count() == 50
        assert relay.subscriber_count("news") == 50
        assert relay.subscriber_count("sport") == 25
        assert relay.publish("news", "first") == 50
        assert relay.publish("sport", "goal") == 25
        assert relay.publish("news", "last") == 50
        await asyncio.wait_for(asyncio.gather(*tasks), 5)
        assert relay.subscriber_count() == 0
        return received

    received = run(scenario())
    assert received[1] == ["first", "last"]
    assert received[0] == ["first", "goal", "last"]


def test_publish_without_subscribers_reaches_nobody():
    assert Relay().publish("room.1", "anyone?") == 0


# -- bounded inboxes -----------------------------------------------------------------------------


def test_full_inbox_drops_the_oldest_and_counts_it():
    relay = Relay(inbox_size=3)
    subscription = relay.subscribe("ticks")
    for n in range(5):
        assert relay.publish("ticks", n) == 1  # a dropped old message does not make the new one fail
    assert subscription.pending == 3
    assert subscription.dropped == 2
    assert run(drain(subscription)) == [2, 3, 4]


def test_inbox_size_per_subscription():
    relay = Relay(inbox_size=10)
    small = relay.subscribe("a", inbox_size=1)
    large = relay.subscribe("a")
    for n in range(4):
        relay.publish("a", n)
    assert (small.pending, small.dropped, small.inbox_size) == (1, 3, 1)
    assert (large.pending, large.dropped, large.inbox_size) == (4, 0, 10)


def test_publisher_never_blocks_and_memory_stays_bounded():
    relay = Relay(inbox_size=100)
    subscription = relay.subscribe("flood")  # never read
    payload = "x" * 1000
    tracemalloc.start()
    try:
        for n in range(1_000):
            relay.publish("flood", payload + str(n))
        before, _ = tracemalloc.get_traced_memory()
        started = time.perf_counter()
        for n in range(10_000):
            relay.publish("flood", payload + str(n))
        elapsed = time.perf_counter() - started
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert subscription.pending == 100
    assert subscription.dropped == 10_900
    # Ten thousand 1 KB messages would be about 10 MB if kept; the inbox keeps a hundred.
    assert after - before < 200_000
    assert elapsed < 2.0  # publishing is synchronous: it returned, so it never waited for a reader


def test_drops_are_recorded_on_the_span():
    class Collect:
        def on_start(self, span): pass

        def on_end(self, span): pass

    span = Span("http.request", Collect())
    relay = Relay(inbox_size=2)
    subscription = relay.subscribe("room.*", span=span)
    for n in range(5):
        relay.publish(f"room.{n}", n)  # room.0, room.1 and room.2 are lost
    assert span.events == []  # recorded once the reader notices, not once per lost message
    assert run(anext(subscription)) == 3
    [event] = span.events
    assert (event.name, event.attributes) == ("relay.dropped", {"topic": "room.0", "dropped": 3})
    relay.publish("room.9", 9)
    relay.publish("room.10", 10)  # drops room.4
    subscription.close()
    assert [e.attributes for e in span.events[1:]] == [{"topic": "room.4", "dropped": 1}]


# -- unsubscribing -------------------------------------------------------------------------------


@pytest.fixture
def no_gc():
    """Turn the cycle collector off, so unsubscribing is shown not to depend on it."""
    gc.disable()
    yield
    gc.enable()


def test_break_unsubscribes(no_gc):
    async def scenario(relay: Relay) -> None:
        relay.publish("a", 1)  # nobody yet
        asyncio.get_running_loop().call_soon(relay.publish, "a", 2)
        async for message in relay.subscribe("a"):
            assert message == 2
            break

    relay = Relay()
    run(scenario(relay))
    assert relay.subscriber_count() == 0
    assert relay.publish("a", 3) == 0


def test_exception_in_the_loop_unsubscribes(no_gc):
    async def scenario(relay: Relay) -> None:
        asyncio.get_running_loop().call_soon(relay.publish, "a", "boom")
        async for message in relay.subscribe("a"):
            raise ValueError(message)

    relay = Relay()
    with pytest.raises(ValueError, match="boom"):
        run(scenario(relay))
    assert relay.subscriber_count() == 0


def test_cancelling_the_reading_task_unsubscribes(no_gc):
    async def scenario(relay: Relay) -> None:
        async def reader() -> None:
            async for _ in relay.subscribe("a", "b.*"):
                pass

        task = asyncio.create_task(reader())
        await asyncio.sleep(0)
        assert relay.subscriber_count() == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert relay.subscriber_count() == 0

    run(scenario(Relay()))


def test_closing_the_generator_around_the_loop_unsubscribes(no_gc):
    async def scenario(relay: Relay) -> None:
        async def stream():
            async for message in relay.subscribe("a"):
                yield message

        generator = stream()
        first = asyncio.ensure_future(anext(generator))
        await asyncio.sleep(0)
        relay.publish("a", "one")
        assert await first == "one"
        assert relay.subscriber_count() == 1
        await generator.aclose()
        assert relay.subscriber_count() == 0

    run(scenario(Relay()))


def test_async_with_and_close_end_the_loop():
    async def scenario(relay: Relay) -> list:
        async with relay.subscribe("a") as subscription:
            relay.publish("a", 1)
            assert await anext(subscription) == 1
        assert subscription.closed and relay.subscriber_count() == 0

        other = relay.subscribe("a")
        received = []

        async def reader() -> None:
            async for message in other:
                received.append(message)

        task = asyncio.create_task(reader())
        await asyncio.sleep(0)
        relay.publish("a", 2)
        await asyncio.sleep(0)
        other.close()  # a waiting reader is woken and its loop ends
        await asyncio.wait_for(task, 1)
        return received

    assert run(scenario(Relay())) == [2]


def test_closing_the_relay_ends_every_subscription():
    async def scenario(relay: Relay) -> None:
        async def reader(pattern: str) -> str:
            async for _ in relay.subscribe(pattern):
                pass
            return "ended"

        tasks = [asyncio.create_task(reader(pattern)) for pattern in ("a", "b.*", "c.>")]
        await asyncio.sleep(0)
        relay.close()
        assert await asyncio.wait_for(asyncio.gather(*tasks), 1) == ["ended"] * 3
        assert relay.subscriber_count() == 0
        assert relay.publish("a", "late") == 0
        with pytest.raises(RuntimeError, match="closed"):
            relay.subscribe("a")

    run(scenario(Relay()))


def test_one_reader_at_a_time():
    async def scenario(relay: Relay) -> None:
        subscription = relay.subscribe("a")
        first = asyncio.ensure_future(anext(subscription))
        await asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="already reading"):
            await anext(subscription)
        first.cancel()

    run(scenario(Relay()))


def test_a_timed_out_read_keeps_the_subscription():
    async def scenario(relay: Relay) -> None:
        subscription = relay.subscribe("a")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(subscription), 0.01)
        assert relay.subscriber_count() == 1
        relay.publish("a", "later")
        assert await anext(subscription) == "later"

    run(scenario(Relay()))


# -- end to end: a Command publishes, streams receive ----------------------------------------------


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def test_a_command_publishes_and_every_open_stream_receives_it(no_gc):
    relay = Relay()

    async def messages(c):
        async for text in relay.subscribe("chat.room1"):
            yield p({"id": "last"}, text)

    async def messages_with_a_first_render(c):
        # Subscribe first, then render: nothing published in between is missed.
        async with relay.subscribe("chat.*") as inbox:
            yield p({"id": "last"}, "welcome")
            async for text in inbox:
                yield p({"id": "last"}, text)

    async def send(c, w):
        relay.publish("chat.room1", (await c.signals())["text"])

    app = Stario(
        Query("/messages", messages),
        Query("/messages/all", messages_with_a_first_render),
        Command("/send", send),
    )
    with TestClient(app) as client:
        with client.stream("GET", "/messages") as one, client.stream("GET", "/messages/all") as two:
            assert next(two).elements == '<p id="last">welcome</p>'
            wait_until(lambda: relay.subscriber_count("chat.room1") == 2)

            assert client.post("/send", signals={"text": "hello <all>"}).status == 204
            for stream in (one, two):
                event = stream.next(timeout=2)
                assert event.type == "datastar-patch-elements"
                assert event.elements == '<p id="last">hello &lt;all&gt;</p>'
        # Both clients left: their streams ended and took their subscriptions with them.
        assert relay.subscriber_count() == 0


# -- inboxes bounded in bytes (issue 13) ----------------------------------------------------------------


def test_an_inbox_bounded_in_bytes_keeps_the_newest_that_fit():
    import asyncio

    from stario.relay import Relay

    async def main():
        relay = Relay(inbox_bytes=1_000_000)
        subscription = relay.subscribe("big")
        for n in range(256):
            relay.publish("big", f"{n:04d}" + "x" * 99_996)  # 100 KB each
        assert subscription.pending == 10 and subscription.pending_bytes == 1_000_000
        assert subscription.dropped == 246
        first = await subscription.__anext__()
        assert first.startswith("0246") and subscription.pending_bytes == 900_000
        subscription.close()

    asyncio.run(main())


def test_byte_bounds_per_subscription_and_a_message_too_big_is_kept_alone():
    import asyncio

    from stario.html import p
    from stario.relay import Relay, message_size

    async def main():
        relay = Relay()
        small = relay.subscribe("t", inbox_bytes=50)
        unbounded = relay.subscribe("t")
        relay.publish("t", "a" * 30)
        relay.publish("t", "b" * 30)
        assert small.pending == 1 and small.dropped == 1 and unbounded.pending == 2
        relay.publish("t", "c" * 500)
        assert small.pending == 1 and await small.__anext__() == "c" * 500
        assert unbounded.pending_bytes is None
        assert message_size("é") == 2 and message_size(b"abc") == 3 and message_size(p("hi")) == len("<p>hi</p>")
        assert message_size({"a": 1}) == len('{"a": 1}')

    asyncio.run(main())


def test_inbox_bytes_must_be_positive():
    from stario.relay import Relay

    with pytest.raises(ValueError, match="inbox_bytes"):
        Relay(inbox_bytes=0)
