"""SSE fan-out: Stario against raw ASGI sending identical frames, in one run, interleaved.

Run: .venv/bin/python bench/sse.py [--seconds 5] [--rounds 1] [--quick] [--instructions]

Each measurement serves one app of `sse_apps.py` with uvicorn (httptools, uvloop) pinned to core
0, and a raw-socket client (asyncio with uvloop, one process) pinned to core 1 opens the streams,
waits until every one has its ``ready`` event, then asks the server to publish for ``--seconds``.
A message is one ~100-byte Datastar patch event stamped when it was published; a delivery is one
stream reading one message. Reported per app and scenario:

- delivered/s, and the share of the offered deliveries that arrived;
- latency p50, p99 and max, publish stamp to the client's read (both on this machine's clock);
- server CPU per delivery (user + system, from ``/proc``), the kernel's (system) share of it, and
  the server's CPU use;
- the client's CPU use while the messages flow (its core must not be the bottleneck: it reads
  with a protocol callback per read, nothing more);
- RSS per open stream (the server's RSS with the streams open, less before, over their number);
- the ratio of Stario's CPU per delivery to raw's.

Scenarios: 1,000 clients at 40k, 80k and 120k deliveries/s offered, and 5,000 clients with 10
messages/s each (50k/s). Apps: ``raw``, ``stario`` (noop tracer) and ``stario+memory``
(``STARIO_TRACER=memory``: every SSE event recorded on its span).

``--instructions`` counts instead, with valgrind's callgrind, the CPU instructions each app's
Python side spends per delivery: the app awaited in process (no sockets, no uvicorn) by 200
streams, once with 10 messages published and once with 60, the difference over the 10,000 more
deliveries. Deterministic, so on a noisy machine these are the ratios to trust (a minute or two).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from tests.servers import launch  # noqa: E402

SERVER_CORE, CLIENT_CORE = "0", "1"
SCENARIOS = [(1000, 40_000), (1000, 80_000), (1000, 120_000), (5000, 50_000)]
APPS = {"raw": ("raw", None), "stario": ("stario", "noop"), "stario+memory": ("stario", "memory")}
_TICK = re.compile(rb'id="tick"[^>]*>(\d+) (\d+)<')


# -- the client (its own process, on core 1) -----------------------------------------------------------


class _Stream(asyncio.Protocol):
    """One SSE stream read by the client: a protocol's callback per read, no coroutine or timer per
    read, so that the client, not the server, is the cheap side (a streams-and-`wait_for` client
    used 75% of its core at 40k deliveries/s and fell behind the server above that)."""

    def __init__(self, on_ready: Any, latencies: list[int]) -> None:
        self.on_ready = on_ready
        self.latencies = latencies
        self.ready = False
        self.buffer = b""
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: Any) -> None:
        transport.write(b"GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        buffer = self.buffer + data
        if not self.ready:
            if b'id="ready"' in buffer:
                self.ready = True
                self.on_ready()
                buffer = b""
            self.buffer = buffer
            return
        end = 0
        for match in _TICK.finditer(buffer):
            self.latencies.append(now - int(match.group(2)))
            end = match.end()
        self.buffer = buffer[end:] if end else buffer[-200:]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


async def _client(port: int, clients: int, seconds: float) -> dict:
    loop = asyncio.get_running_loop()
    latencies: list[int] = []
    ready = 0
    all_ready = asyncio.Event()

    def on_ready() -> None:
        nonlocal ready
        ready += 1
        if ready == clients:
            all_ready.set()

    streams: list[tuple[Any, _Stream]] = []
    for _ in range(clients):
        streams.append(await loop.create_connection(lambda: _Stream(on_ready, latencies), "127.0.0.1", port))
    await asyncio.wait_for(all_ready.wait(), 60)
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)  # "go": the publisher starts
    cpu_at_go, wall_at_go = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds + 1.0)  # the publishing, and the last messages' grace
    client_cpu_share = (time.process_time() - cpu_at_go) / (time.monotonic() - wall_at_go)
    for transport, _ in streams:
        transport.close()
    await asyncio.gather(*(stream.closed for _, stream in streams))
    latencies.sort()
    ms = [value / 1e6 for value in latencies]
    return {
        "delivered": len(latencies),
        "p50": statistics.median(ms) if ms else None,
        "p99": ms[max(int(len(ms) * 0.99) - 1, 0)] if ms else None,
        "max": ms[-1] if ms else None,
        "client_cpu": client_cpu_share,
    }


def client_main(port: int, clients: int, seconds: float) -> None:
    import uvloop

    print(json.dumps(uvloop.run(_client(port, clients, seconds))), flush=True)


# -- the orchestrator ---------------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """The process's CPU time so far: (user, system) seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(app: str, clients: int, offered: int, seconds: float) -> dict:
    target, tracer = APPS[app]
    command = [
        "taskset", "-c", SERVER_CORE, sys.executable, "-m", "uvicorn", f"sse_apps:{target}", "--app-dir", str(BENCH_DIR),
        "--host", "127.0.0.1", "--port", "{port}", "--http", "httptools", "--loop", "uvloop",
        "--log-level", "warning", "--no-access-log", "--backlog", "8192",
    ]  # fmt: skip
    env = {"STARIO_TRACER": tracer} if tracer else {}
    with launch(command, name=app, env=env, ready_path="/start?rate=0&seconds=0", timeout=20, stop_timeout=5) as server:
        pid = server.process.pid
        rss_before = _rss_kb(pid)
        client = subprocess.Popen(
            ["taskset", "-c", CLIENT_CORE, sys.executable, __file__, "--client", str(server.port), str(clients), str(seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert client.stdout is not None and client.stdin is not None
        line = client.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"the client did not get ready: {line!r}")
        rss_per_stream = (_rss_kb(pid) - rss_before) / clients
        cpu_before = _cpu_seconds(pid)
        rate = offered / clients
        started = time.monotonic()
        client.stdin.write("go\n")
        client.stdin.flush()
        request = urllib.request.Request(f"{server.url}/start?rate={rate}&seconds={seconds}", method="POST")
        urllib.request.urlopen(request, timeout=5).read()
        out, _ = client.communicate(timeout=seconds + 60)
        elapsed = time.monotonic() - started
        user_after, system_after = _cpu_seconds(pid)
        user, system = user_after - cpu_before[0], system_after - cpu_before[1]
        result = json.loads(out.strip().splitlines()[-1])
    delivered = result["delivered"]
    cpu = user + system
    expected = int(rate * seconds) * clients
    return {
        **result,
        "offered": offered, "clients": clients, "expected": expected,
        "per_second": delivered / seconds,
        "cpu_us": cpu / delivered * 1e6 if delivered else float("nan"),
        "system_us": system / delivered * 1e6 if delivered else float("nan"),
        "cpu_share": cpu / elapsed,
        "rss_kb": rss_per_stream,
    }  # fmt: skip


# -- instructions, in process (under callgrind) -----------------------------------------------------------

STREAMS = 200


async def _fan_out(app: Any, publish: Any, messages: int) -> None:
    """Open `STREAMS` streams on ``app``, publish ``messages`` messages, wait until each is delivered."""
    import sse_apps

    sent = [0]
    gone = asyncio.Event()

    def make_receive() -> Any:
        first = [True]

        async def receive() -> dict:
            if first[0]:
                first[0] = False
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        return receive

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            sent[0] += 1

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/stream", "raw_path": b"/stream", "query_string": b"", "root_path": "", "headers": [(b"host", b"x")],
    }  # fmt: skip
    tasks = [asyncio.ensure_future(app(dict(scope), make_receive(), send)) for _ in range(STREAMS)]
    while sent[0] < STREAMS:  # every stream has sent its ready event
        await asyncio.sleep(0.001)
    for n in range(messages):
        publish(sse_apps.tick(n))
        while sent[0] < STREAMS * (n + 2):
            await asyncio.sleep(0)
    gone.set()
    for task in tasks:
        task.cancel()  # the raw app waits on its queue until cancelled
    await asyncio.gather(*tasks, return_exceptions=True)


def fan_out_in_process(app_name: str, messages: int) -> None:
    """The child callgrind watches: one app of `APPS` fanning ``messages`` messages out in process."""
    import sse_apps
    import uvloop

    from stario.tracers import tracer_from_env

    target, tracer = APPS[app_name]
    if target == "raw":
        app, publish = sse_apps.raw, sse_apps._raw_publish
    else:
        sse_apps.stario.tracer = tracer_from_env(tracer)
        app, publish = sse_apps.stario, lambda html: sse_apps.relay.publish("ticks", html)
    uvloop.run(_fan_out(app, publish, messages))


def instructions_per_delivery(app_name: str) -> float:
    """Instructions per delivery of one app: (60 messages - 10 messages) / (50 x `STREAMS`)."""
    counts = []
    for messages in (10, 60):
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, "--fan-out", app_name, str(messages)]
        result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=BENCH_DIR)
        found = re.search(r"Collected : (\d+)", result.stderr)
        if found is None:
            raise RuntimeError(f"no instruction count in callgrind's output:\n{result.stderr[-2000:]}")
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / (50 * STREAMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="1,000 clients at 80k/s only")
    parser.add_argument("--instructions", action="store_true", help="count instructions per delivery with callgrind instead")
    parser.add_argument("--client", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--fan-out", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client_main(int(args.client[0]), int(args.client[1]), float(args.client[2]))
        return
    if args.fan_out:
        fan_out_in_process(args.fan_out[0], int(args.fan_out[1]))
        return
    if args.instructions:
        print(f"SSE fan-out in process, {STREAMS} streams, instructions per delivery (callgrind)")
        counts = {}
        for app in APPS:
            counts[app] = instructions_per_delivery(app)
            print(f"{app:>14} {counts[app]:10,.0f}  x raw {counts[app] / counts['raw']:5.2f}", flush=True)
        print(f"memory tracer: {counts['stario'] / counts['stario+memory']:.2f} x noop deliveries per instruction")
        return
    scenarios = [(1000, 80_000)] if args.quick else SCENARIOS
    print(f"SSE fan-out, {args.seconds:g} s per measurement, {args.rounds} round(s), apps interleaved")
    header = f"{'scenario':>22} {'app':>14} {'delivered/s':>12} {'arrived':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'us CPU/dlv':>10} {'of it sys':>9} {'CPU':>5} {'client':>6} {'KB/stream':>9} {'x raw':>6}"
    print(header)
    for clients, offered in scenarios:
        results: dict[str, list[dict]] = {app: [] for app in APPS}
        for _ in range(args.rounds):
            for app in APPS:
                results[app].append(measure(app, clients, offered, args.seconds))
        raw_cpu = statistics.median(r["cpu_us"] for r in results["raw"])
        label = f"{clients} x {offered // clients}/s ({offered // 1000}k/s)"
        for app, runs in results.items():
            best = sorted(runs, key=lambda r: r["cpu_us"])[len(runs) // 2]
            print(
                f"{label:>22} {app:>14} {best['per_second']:12,.0f} {best['delivered'] / best['expected']:8.1%}"
                f" {best['p50'] or 0:8.1f} {best['p99'] or 0:8.1f} {best['max'] or 0:8.1f} {best['cpu_us']:10.2f}"
                f" {best['system_us']:9.2f} {best['cpu_share']:5.0%} {best['client_cpu']:6.0%} {best['rss_kb']:9.1f} {best['cpu_us'] / raw_cpu:6.2f}"
            )


if __name__ == "__main__":
    main()
