"""Break the network: the faults' rules on a fake clock, then the proxy applying them to a real
upstream (uvicorn on a Unix socket, as the learner's child serves)."""

from __future__ import annotations

import asyncio

import pytest

from stario import Query, Stario
from stario import datastar as ds
from stario.playground.faults import FakeClock, NetworkFaults
from stario.playground.proxy import BrokenOff, PreviewProxy, quiet_broken_off
from tests.test_playground_proxy import FINISHED, Records, Upstream, _uvicorn_on_a_socket, ticks

# -- the rules ----------------------------------------------------------------------------------------


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_delay_holds_each_event_exactly_that_long():
    clock = FakeClock()
    faults = NetworkFaults(clock)
    faults.set(delay_ms=250)
    events = faults.events()
    assert [run(events.admit(b"data: x\n\n")) for _ in range(3)] == [True, True, True]
    assert clock.sleeps == [0.25, 0.25, 0.25] and clock.time == 1000.75


def test_drop_one_in_n_drops_the_nth_event_of_each_stream_and_never_a_compressed_one():
    faults = NetworkFaults(FakeClock())
    faults.set(drop_every=3)
    events = faults.events()
    assert [run(events.admit(b"e")) for _ in range(7)] == [True, True, False, True, True, False, True]
    assert events.dropped == 2
    other = faults.events()  # a second stream counts its own events
    assert [run(other.admit(b"e")) for _ in range(3)] == [True, True, False]
    compressed = faults.events()
    assert all(run(compressed.admit(b"e", can_drop=False)) for _ in range(6))


def test_throttle_waits_as_long_as_the_bytes_take():
    clock = FakeClock()
    faults = NetworkFaults(clock)
    run(faults.throttle(500))
    assert clock.sleeps == []  # not throttled
    faults.set(bytes_per_second=1000)
    run(faults.throttle(250))
    run(faults.throttle(1000))
    assert clock.sleeps == [0.25, 1.0]


def test_offline_lasts_its_seconds_on_the_clock():
    clock = FakeClock()
    faults = NetworkFaults(clock)
    assert faults.offline_for() == 0
    faults.go_offline(10)
    assert faults.offline_for() == 10
    clock.advance(4)
    assert faults.offline_for() == 6 and faults.settings()["offline_seconds"] == 6
    clock.advance(6)
    assert faults.offline_for() == 0
    faults.go_offline(5)
    faults.clear()
    assert faults.offline_for() == 0


def test_cut_breaks_off_every_open_stream_once():
    faults = NetworkFaults(FakeClock())
    cut: list[int] = []
    faults.stream_opened(1, lambda: cut.append(1))
    faults.stream_opened(2, lambda: cut.append(2))
    faults.stream_closed(2)
    assert faults.cut() == 1 and cut == [1] and faults.cuts == 1
    assert faults.cut() == 0 and faults.cuts == 1  # nothing open: nothing cut


def test_events_are_cut_from_the_bytes_at_their_blank_lines():
    events = NetworkFaults().events()
    assert events.split(b"event: a\ndata: 1\n\nevent: b\nda") == [b"event: a\ndata: 1\n\n"]
    assert events.split(b"ta: 2\n\n: ping\r\n\r\n") == [b"event: b\ndata: 2\n\n", b": ping\r\n\r\n"]
    assert events.split(b"data: half") == [] and events.rest() == b"data: half"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"drop_every": 1}, "drop_every is 0 (off) or at least 2"),
        ({"delay_ms": -1}, "delay_ms is from 0 (off) to 10,000, got -1"),
        ({"delay_ms": "soon"}, "delay_ms takes a whole number, got 'soon'"),
        ({"bytes_per_second": 1.5}, "bytes_per_second takes a whole number, got 1.5"),
        ({"delay_ms": True}, "delay_ms takes a whole number, got True"),
    ],
)
def test_a_bad_setting_is_refused_saying_why_and_changes_nothing(change, message):
    faults = NetworkFaults()
    faults.set(delay_ms=100)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        faults.set(**change)
    assert faults.delay_ms == 100 and faults.drop_every == 0


# -- the proxy applying them --------------------------------------------------------------------------


async def five(c):
    for n in range(1, 6):
        yield ds.PatchElements(f"<p id='n'>{n}</p>", event_id=str(n))


UPSTREAM = Stario(Query("/five", five), Query("/ticks", ticks))


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    yield from _uvicorn_on_a_socket(UPSTREAM, tmp_path_factory)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def records():
    return Records()


@pytest.fixture
def proxy(upstream, records, clock):
    return PreviewProxy(Upstream(upstream=upstream, run_id=1), report=records.append, faults=NetworkFaults(clock))


async def call(proxy, path, *, until=None):
    """Ask the proxy for ``path`` as the ASGI server would; the messages it sent, and what it raised."""
    sent: list[dict] = []
    gone = asyncio.Event()
    first = [True]

    async def receive():
        if first[0]:
            first[0] = False
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if until is not None and until(sent):
            until_reached.set()

    until_reached = asyncio.Event()
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:9999")]}  # fmt: skip
    task = asyncio.ensure_future(proxy(scope, receive, send))
    if until is not None:
        await asyncio.wait_for(until_reached.wait(), 10)
        return task, sent
    try:
        await asyncio.wait_for(task, 10)
    except BrokenOff as exc:
        return sent, exc
    finally:
        gone.set()
    return sent, None


def body(sent):
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_one_event_in_two_dropped_reaches_the_browser_and_the_inspector_marks_it(proxy, records):
    proxy.faults.set(drop_every=2)
    sent, raised = run(call(proxy, "/five"))
    assert raised is None
    assert [f"id: {n}" in body(sent).decode() for n in range(1, 6)] == [True, False, True, False, True]
    events = [r for r in records if r["kind"] == "event"]
    assert [e["event_id"] for e in events] == ["1", "2", "3", "4", "5"]
    assert [bool(e.get("dropped")) for e in events] == [False, True, False, True, False]


def test_a_delay_holds_each_event_of_the_answer(proxy, clock):
    proxy.faults.set(delay_ms=300)
    sent, raised = run(call(proxy, "/five"))
    assert raised is None and body(sent).decode().count("event: datastar-patch-elements") == 5
    assert clock.sleeps == [0.3] * 5


def test_throttled_bytes_wait_for_their_time(proxy, clock):
    proxy.faults.set(bytes_per_second=1000)
    sent, _ = run(call(proxy, "/five"))
    pieces = [m["body"] for m in sent if m["type"] == "http.response.body" and m.get("body")]
    assert clock.sleeps == [len(piece) / 1000 for piece in pieces] and len(pieces) == 5


def test_offline_breaks_requests_off_until_its_time_is_up(proxy, clock, records):
    proxy.faults.go_offline(5)
    sent, raised = run(call(proxy, "/five"))
    assert isinstance(raised, BrokenOff) and body(sent) == b""
    assert [m["type"] for m in sent] == ["http.response.start"]  # a head, then the connection goes
    assert records.last("end")["error"].startswith("offline: refused")
    clock.advance(5)
    sent, raised = run(call(proxy, "/five"))
    assert raised is None and body(sent).decode().count("id: ") == 5


def test_cut_breaks_an_open_stream_off_and_the_app_sees_its_client_go(proxy, records):
    FINISHED.clear()

    async def scenario():
        task, sent = await call(proxy, "/ticks", until=lambda sent: body(sent).count(b"event:") >= 3)
        assert proxy.faults.open_streams == 1
        assert proxy.faults.cut() == 1
        with pytest.raises(BrokenOff):
            await asyncio.wait_for(task, 5)
        return sent

    run(scenario())
    assert records.last("end")["error"].startswith("cut: ")
    assert proxy.faults.open_streams == 0
    for _ in range(100):  # the child's generator ran its finally: its client left
        if "ticks" in FINISHED:
            break
        run(asyncio.sleep(0.02))
    assert "ticks" in FINISHED


def test_uvicorn_does_not_log_a_break_on_purpose():
    import logging
    import sys

    try:
        raise BrokenOff("cut")
    except BrokenOff:
        on_purpose = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, "Exception in ASGI application", None, sys.exc_info())
    try:
        raise RuntimeError("a real bug")
    except RuntimeError:
        real = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, "Exception in ASGI application", None, sys.exc_info())
    assert not quiet_broken_off(on_purpose) and quiet_broken_off(real)
