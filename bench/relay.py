"""Relay delivery across processes: latency and throughput, Redis and Postgres beside in-process.

Run: .venv/bin/python bench/relay.py [--subscribers 1000] [--messages 200] [--rate 50]

A publisher sends ``--messages`` small JSON messages (a timestamp and a counter) on one topic.
``--subscribers`` subscriptions read them:

- **in-process**: one process holds the publisher and every subscription (a plain `Relay`);
- **redis** / **postgres**: two subscriber processes hold half the subscriptions each, with
  ``Relay(backend=URL)``; the publisher is a third process. The brokers are started by the script
  (as the tests start them: a redis-server and a Postgres cluster in temporary folders).

Two runs per transport: **paced** (``--rate`` messages per second, so each message's latency,
publish stamp to a subscriber's read, is measured without a queue in front of it) and **burst**
(every message at once: how many deliveries per second the whole path sustains). Reports p50,
p99 and max latency of the paced run and the deliveries per second of the burst, per transport.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stario.relay import Relay  # noqa: E402

TOPIC = "bench.ticks"


async def subscribe_and_measure(relay: Relay, subscribers: int, messages: int, timeout: float) -> list[tuple[float, float]]:
    """(published, received) wall times of every delivery to ``subscribers`` subscriptions, until each has ``messages``."""
    deliveries: list[tuple[float, float]] = []
    subscriptions = [relay.subscribe(TOPIC, inbox_size=messages + 1) for _ in range(subscribers)]

    async def read(subscription) -> None:
        for _ in range(messages):
            message = await subscription.__anext__()
            deliveries.append((message["t"], time.time()))

    try:
        await asyncio.wait_for(asyncio.gather(*(read(s) for s in subscriptions)), timeout)
    except TimeoutError:
        pass
    finally:
        for subscription in subscriptions:
            subscription.close()
    return deliveries


async def publish(relay: Relay, messages: int, rate: float | None) -> float:
    """Publish ``messages`` (paced at ``rate`` per second, or all at once); returns when the last went."""
    started = time.perf_counter()
    for n in range(messages):
        if rate:
            wait = started + n / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
        relay.publish(TOPIC, {"t": time.time(), "n": n})
        if not rate and n % 50 == 0:
            await asyncio.sleep(0)  # let the sender task run
    return time.perf_counter() - started


def child(url: str, subscribers: int, messages: int, timeout: float) -> None:
    """A subscriber process: print its latencies as JSON once every subscription has every message."""

    async def main() -> None:
        relay = Relay(backend=url)
        await relay.start()
        measuring = asyncio.create_task(subscribe_and_measure(relay, subscribers, messages, timeout))
        await asyncio.sleep(0.5)
        print("ready", flush=True)
        deliveries = await measuring
        await relay.stop()
        print(json.dumps(deliveries), flush=True)

    asyncio.run(main())


def across_processes(url: str, subscribers: int, messages: int, rate: float | None) -> list[tuple[float, float]]:
    """Two subscriber processes, a publisher here; (published, received) of every delivery."""
    per_child = subscribers // 2
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", url, "--subscribers", str(per_child), "--messages", str(messages)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    for process in children:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"

    async def main() -> None:
        relay = Relay(backend=url)
        await relay.start()
        await publish(relay, messages, rate)
        await relay.stop()

    asyncio.run(main())
    deliveries: list[tuple[float, float]] = []
    for process in children:
        out, _ = process.communicate(timeout=120)
        deliveries += [tuple(pair) for pair in json.loads(out.strip().splitlines()[-1])]
    return deliveries


def in_process(subscribers: int, messages: int, rate: float | None) -> list[tuple[float, float]]:
    async def main() -> list[tuple[float, float]]:
        relay = Relay(backend="local")
        measuring = asyncio.create_task(subscribe_and_measure(relay, subscribers, messages, 120))
        await asyncio.sleep(0.1)
        await publish(relay, messages, rate)
        return await measuring

    return asyncio.run(main())


def report(name: str, paced: list[tuple[float, float]], burst: list[tuple[float, float]], expected: int) -> None:
    ms = sorted((received - published) * 1000 for published, received in paced)
    # The burst's rate: every delivery, from the first message published to the last one read.
    seconds = max(r for _, r in burst) - min(p for p, _ in burst) if burst else float("nan")
    p50 = statistics.median(ms) if ms else float("nan")
    p99 = ms[int(len(ms) * 0.99) - 1] if ms else float("nan")
    print(
        f"{name:>11}  {len(paced):>8}/{expected:<8} {p50:8.2f} {p99:8.2f} {max(ms, default=float('nan')):8.2f}"
        f"  {len(burst):>8}/{expected:<8} {len(burst) / seconds:12,.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0, help="messages per second in the paced run")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.subscribers, args.messages, 120)
        return
    from tests.brokers import postgres_server, redis_server  # started and stopped here

    expected = args.subscribers * args.messages
    print(f"{args.subscribers} subscribers, {args.messages} messages: paced at {args.rate:g}/s, then a burst")
    print(f"{'transport':>11}  {'paced delivered':>17} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  {'burst delivered':>17} {'deliveries/s':>12}")
    report("in-process", in_process(args.subscribers, args.messages, args.rate), in_process(args.subscribers, args.messages, None), expected)
    for name, start in (("redis", redis_server), ("postgres", postgres_server)):
        with start() as server:
            paced = across_processes(server.url, args.subscribers, args.messages, args.rate)
            burst = across_processes(server.url, args.subscribers, args.messages, None)
        report(name, paced, burst, expected)


if __name__ == "__main__":
    main()
