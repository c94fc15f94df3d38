"""The Relay across processes, on a real Redis and a real Postgres started by the tests.

Two relays in one event loop stand for two processes: each has its own origin, so each is to the
other what another worker would be. (A browser test runs two real uvicorn processes.)
"""

from __future__ import annotations

import asyncio
import contextlib
import gc

import pytest

from stario.html import HTML, p
from stario.relay import Relay
from stario.relay_backends import backend_from_url
from stario.relay_backends.redis_backend import redis_glob
from tests.brokers import postgres_server, redis_server


@pytest.fixture(autouse=True)
def no_relay_outlives_its_test():
    """A Relay with a backend stays in a weak set that every app's start-up reads until it is
    collected (it refers to itself through its bridge): collect it, or the next app in this
    process waits up to 2 s for a broker this module has stopped."""
    yield
    gc.collect()


@pytest.fixture(scope="module")
def redis():
    with redis_server() as server:
        yield server


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["redis", "postgres"])
def broker_url(request):
    return request.getfixturevalue(request.param).url


async def _next(subscription, timeout: float = 3.0):
    return await asyncio.wait_for(subscription.__anext__(), timeout)


async def _nothing_more(subscription, wait: float = 0.3) -> None:
    with contextlib.suppress(TimeoutError):
        extra = await asyncio.wait_for(subscription.__anext__(), wait)
        raise AssertionError(f"a message arrived that should not have: {extra!r}")


async def _two_processes(url: str) -> tuple[Relay, Relay]:
    here, there = Relay(backend=url), Relay(backend=url)
    await here.start()
    await there.start()
    return here, there


def test_redis_globs_receive_at_least_what_a_pattern_matches():
    assert redis_glob("chat.room1") == "stario:chat.room1"
    assert redis_glob("chat.*") == "stario:chat.*"
    assert redis_glob("chat.>") == "stario:chat.*"
    assert redis_glob("odd[1]?.*") == "stario:odd\\[1\\]\\?.*"


def test_an_unknown_url_says_what_is_expected():
    with pytest.raises(ValueError, match="redis://host:port/db or postgresql://"):
        backend_from_url("amqp://x")


def test_a_message_reaches_every_process_exactly_once_and_patterns_match_as_in_process(broker_url):
    async def main():
        here, there = await _two_processes(broker_url)
        try:
            star = there.subscribe("chat.*")
            tail = there.subscribe("chat.>")
            both = there.subscribe("chat.*", "chat.>")
            mine = here.subscribe("chat.*")
            await asyncio.sleep(0.2)  # the subscriptions reach the broker
            assert here.publish("chat.a.b", "deep") == 0
            assert here.publish("chat.a", "shallow") == 1  # this process: its own subscription, once
            assert await _next(tail) == "deep"
            assert await _next(tail) == "shallow"
            assert await _next(star) == "shallow"  # never "deep": chat.* is one segment, as in process
            assert await _next(both) == "deep" and await _next(both) == "shallow"
            assert await _next(mine) == "shallow"
            for subscription in (star, tail, both, mine):
                await _nothing_more(subscription)
            assert there.stats["received"] >= 2 and here.stats["failed"] == 0
        finally:
            await here.stop()
            await there.stop()

    asyncio.run(main())


def test_html_arrives_as_html_and_other_values_as_json(broker_url):
    async def main():
        here, there = await _two_processes(broker_url)
        try:
            inbox = there.subscribe("news")
            await asyncio.sleep(0.2)
            here.publish("news", p("<b>escaped</b> once"))
            here.publish("news", {"n": 1, "tags": ["a"]})
            html = await _next(inbox)
            assert isinstance(html, HTML) and html == "<p>&lt;b&gt;escaped&lt;/b&gt; once</p>"
            assert await _next(inbox) == {"n": 1, "tags": ["a"]}
            with pytest.raises(TypeError, match="JSON-serialisable"):
                here.publish("news", object())
        finally:
            await here.stop()
            await there.stop()

    asyncio.run(main())


def test_postgres_refuses_a_payload_over_its_limit_clearly(postgres):
    async def main():
        relay = Relay(backend=postgres.url)
        await relay.start()
        try:
            with pytest.raises(ValueError, match="postgres carries at most 7999"):
                relay.publish("big", "x" * 9000)
        finally:
            await relay.stop()

    asyncio.run(main())


@pytest.mark.parametrize("which", ["redis", "postgres"])
def test_a_broker_going_away_is_survived_and_what_was_missed_is_reported(which, request, caplog):
    """The broker is killed with subscriptions open, messages are published meanwhile, and it comes
    back: the subscriptions recover, the lost messages are counted as missed (on the subscription's
    span too), and nothing arrives twice."""
    from stario.telemetry import NoopTracer, Span

    broker = request.getfixturevalue(which)

    async def main():
        here, there = await _two_processes(broker.url)
        span = Span("stream", NoopTracer())
        inbox = there.subscribe("ticks", span=span)
        try:
            await asyncio.sleep(0.2)
            here.publish("ticks", 1)
            assert await _next(inbox) == 1
            broker.stop()
            for _ in range(50):  # both relays notice (the listener's connection drops)
                if not here.stats["connected"] and not there.stats["connected"]:
                    break
                await asyncio.sleep(0.1)
            for n in (2, 3, 4):
                here.publish("ticks", n)  # returns at once; the sends fail fast while the broker is away
            await asyncio.sleep(0.5)
            broker.start()
            for _ in range(100):  # both relays reconnect (back-off from 0.1 s to 5 s)
                if here.stats["connected"] and there.stats["connected"]:
                    break
                await asyncio.sleep(0.1)
            assert here.stats["connected"] and there.stats["connected"], "the relays did not reconnect"
            await asyncio.sleep(0.3)  # resubscribed
            here.publish("ticks", 5)
            assert await _next(inbox, 5) == 5
            await _nothing_more(inbox)
            assert here.stats["failed"] == 3
            assert there.stats["missed"] == 3
            assert [e.attributes["missed"] for e in span.events if e.name == "relay.missed"] == [3]
        finally:
            inbox.close()
            await here.stop()
            await there.stop()

    asyncio.run(main())
    assert f"relay: lost {which}" in caplog.text and f"reconnected to {which}" in caplog.text


def test_an_apps_lifespan_starts_and_stops_its_relays_listener(redis):
    """The listener belongs to the app's lifespan, in every worker: started before any subscription."""
    from stario import Query, Stario
    from stario.testing import TestClient

    relay = Relay(backend=redis.url)

    async def home(c):
        return "hi"

    with TestClient(Stario(Query("/", home))) as client:
        assert relay.stats["connected"] and relay.stats["subscriptions"] == 0
        client.get("/")
    assert not relay.stats["connected"]


def test_stario_relay_in_the_environment_chooses_the_backend(monkeypatch):
    import gc

    monkeypatch.setenv("STARIO_RELAY", "redis://127.0.0.1:6379/0")
    assert Relay().backend.name == "redis"
    assert Relay(backend="local").backend is None
    monkeypatch.setenv("STARIO_RELAY", "postgresql://app@db/app")
    assert Relay().backend.name == "postgres"
    monkeypatch.delenv("STARIO_RELAY")
    assert Relay().backend is None and Relay().stats == {"backend": "local", "subscriptions": 0}
    gc.collect()  # the relays above point at brokers that are not there: let no later app start them


def test_a_relay_served_again_on_a_new_loop_starts_afresh(redis):
    """An app served twice (two test clients, one after the other) gets its relay's listener on
    each loop, never a task or an event left on the closed one."""
    from stario import Query, Stario
    from stario.testing import TestClient

    relay = Relay(backend=redis.url)

    async def home(c):
        return "hi"

    app = Stario(Query("/", home))
    for _ in range(2):
        with TestClient(app) as client:
            assert relay.stats["connected"]
            assert client.get("/").text == "hi"
