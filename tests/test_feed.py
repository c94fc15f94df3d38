"""Feed: bounded, drop-oldest, one reader; closing ends the reader after it drains; puts from threads."""

from __future__ import annotations

import asyncio
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stario.feed import Feed
from stario.tracers import MemoryTracer


def run(coroutine):
    return asyncio.run(coroutine)


async def drain(feed: Feed) -> list:
    """Every item already queued, without waiting for more."""
    return [await feed.get() for _ in range(len(feed))]


# -- size ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, -1, 1.5, "3", None, True])
def test_size_must_be_a_positive_int(size):
    with pytest.raises(ValueError, match="at least one item"):
        Feed(size)


def test_size_is_the_capacity():
    assert Feed(1).size == 1 and Feed(256).size == 256


# -- bounded, oldest dropped -----------------------------------------------------------------------


def test_items_come_out_in_the_order_they_went_in():
    feed: Feed[int] = Feed(10)
    for n in range(5):
        assert feed.put(n) is True
    assert len(feed) == 5
    assert run(drain(feed)) == [0, 1, 2, 3, 4]
    assert len(feed) == 0 and feed.dropped == 0


def test_a_full_feed_drops_the_oldest_and_counts_it():
    feed: Feed[int] = Feed(3)
    for n in range(7):
        assert feed.put(n) is True  # a dropped old item does not make the new one fail
    assert (len(feed), feed.dropped) == (3, 4)
    assert run(drain(feed)) == [4, 5, 6]


def test_subclasses_hear_of_each_dropped_item_before_it_goes():
    class Noted(Feed[int]):
        __slots__ = ("lost", "pending_then")

        def __init__(self, size: int) -> None:
            super().__init__(size)
            self.lost: list[int] = []
            self.pending_then: list[int] = []

        def _dropped_oldest(self, item: int) -> None:
            self.lost.append(item)
            self.pending_then.append(len(self))

    feed = Noted(2)
    for n in range(5):
        feed.put(n)
    assert feed.lost == [0, 1, 2]
    assert feed.pending_then == [2, 2, 2]  # called while the item is still there
    assert feed.dropped == 3


# -- closing ---------------------------------------------------------------------------------------


def test_put_after_close_returns_false_and_queues_nothing():
    feed: Feed[str] = Feed(5)
    feed.put("kept")
    feed.close()
    assert feed.closed
    assert feed.put("late") is False
    assert (len(feed), feed.dropped) == (1, 0)


def test_close_wakes_a_waiting_reader_and_ends_its_loop():
    async def scenario() -> list[str]:
        feed: Feed[str] = Feed(5)
        seen: list[str] = []

        async def reader() -> None:
            async for item in feed:
                seen.append(item)

        task = asyncio.create_task(reader())
        await asyncio.sleep(0)  # the reader waits
        feed.put("one")
        await asyncio.sleep(0)
        feed.close()
        await asyncio.wait_for(task, 1)
        return seen

    assert run(scenario()) == ["one"]


def test_iteration_reads_what_is_queued_before_it_ends():
    async def scenario() -> list[int]:
        feed: Feed[int] = Feed(5)
        for n in range(3):
            feed.put(n)
        feed.close()
        seen = [item async for item in feed]
        with pytest.raises(StopAsyncIteration):
            await feed.get()
        return seen

    assert run(scenario()) == [0, 1, 2]


def test_on_close_is_called_once():
    closed: list[Feed] = []

    async def scenario() -> None:
        async with Feed(3, on_close=closed.append) as feed:
            assert closed == []
        assert closed == [feed] and feed.closed
        feed.close()
        await feed.aclose()
        assert closed == [feed]

    run(scenario())


# -- one reader ------------------------------------------------------------------------------------


def test_a_second_reader_is_an_error():
    async def scenario() -> None:
        feed: Feed[int] = Feed(3)
        first = asyncio.ensure_future(feed.get())
        await asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="already reading"):
            await feed.get()
        feed.put(1)
        assert await first == 1  # the first reader is unharmed

    run(scenario())


def test_a_cancelled_read_leaves_the_feed_usable():
    async def scenario() -> None:
        feed: Feed[str] = Feed(3)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(feed.get(), 0.01)
        feed.put("later")
        assert await feed.get() == "later"

    run(scenario())


# -- from other threads ----------------------------------------------------------------------------


def test_put_threadsafe_from_another_thread():
    async def scenario() -> tuple[list[int], int]:
        feed: Feed[int] = Feed(1000)
        thread = threading.Thread(target=lambda: [feed.put_threadsafe(n) for n in range(200)])
        seen: list[int] = []

        async def reader() -> None:
            async for item in feed:
                seen.append(item)
                if item == 199:
                    return

        task = asyncio.create_task(reader())
        thread.start()
        await asyncio.wait_for(task, 5)
        thread.join()
        return seen, feed.dropped

    assert run(scenario()) == (list(range(200)), 0)


def test_put_threadsafe_on_the_loops_own_thread_is_a_plain_put():
    async def scenario() -> None:
        feed: Feed[str] = Feed(3)
        feed.put_threadsafe("now")
        assert len(feed) == 1  # queued at once, not at the loop's next turn

    run(scenario())


def test_a_feed_made_outside_a_loop_belongs_to_the_one_that_reads_it():
    feed: Feed[int] = Feed(10)

    async def scenario() -> list[int]:
        reading = asyncio.create_task(feed.get())
        await asyncio.sleep(0)  # the first read: the feed is this loop's from now on
        threading.Thread(target=feed.put_threadsafe, args=(1,)).start()
        return [await asyncio.wait_for(reading, 5)]

    assert run(scenario()) == [1]


def test_put_threadsafe_with_no_loop_to_go_to_drops_silently():
    async def make() -> Feed[int]:
        return Feed(3)

    feed = run(make())  # its loop is closed now
    feed.put_threadsafe(1)
    assert (len(feed), feed.dropped) == (0, 1)

    homeless: Feed[int] = Feed(3)  # no loop yet, and none on this thread
    homeless.put_threadsafe(1)
    assert (len(homeless), homeless.dropped) == (0, 1)


# -- the property ----------------------------------------------------------------------------------


@given(size=st.integers(1, 8), steps=st.lists(st.booleans(), max_size=60))
def test_the_reader_sees_the_newest_items_in_order(size: int, steps: list[bool]):
    """Whatever the puts and gets: reads are in order, never older than the last ``size`` put,
    what is left is the newest, and every item put is read, pending or counted as dropped."""

    async def scenario() -> None:
        feed: Feed[int] = Feed(size)
        put = 0
        read: list[int] = []
        for is_put in steps:
            if is_put:
                assert feed.put(put)
                put += 1
            elif len(feed):
                item = await feed.get()
                assert item >= put - size  # one of the newest `size`
                read.append(item)
            assert len(feed) <= size
        assert feed.dropped + len(read) + len(feed) == put
        assert read == sorted(set(read))  # in order, none twice
        pending = len(feed)
        assert await drain(feed) == list(range(put - pending, put))  # the newest are kept

    run(scenario())


# -- the framework's feeds -------------------------------------------------------------------------


def test_the_memory_tracers_feed_is_a_feed_and_closing_it_ends_the_loop():
    tracer = MemoryTracer()

    async def scenario() -> None:
        feed = tracer.subscribe(size=4)
        assert isinstance(feed, Feed) and feed.size == 4
        task = asyncio.create_task(anext(feed, None))
        await asyncio.sleep(0)
        feed.close()
        assert await asyncio.wait_for(task, 1) is None
        assert tracer._feeds == set()

    run(scenario())
