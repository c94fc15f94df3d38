"""What telemetry costs: hello world with each tracer, against no tracer, in the same run.

Run: .venv/bin/python bench/tracers.py [--rounds N] [--seconds S] [--skip-http]

Two measurements, both interleaved round by round:

- over HTTP: the ``stario`` app of `apps` served by uvicorn (httptools, uvloop) on core 0 and
  loaded by wrk on core 1, exactly as `throughput.py` does, once per tracer chosen with
  ``STARIO_TRACER`` (noop, memory, json to a file, sqlite to a file). Reports requests/s and
  the ratio to noop. The writer threads of the json and sqlite tracers run in the server
  process, on the server's core, so their cost is counted.
- in process: the same app awaited directly (as `dispatch.py` does) with each tracer object,
  microseconds per request and the ratio to noop. The json and sqlite writers run on their
  own threads here too.

Budget (DESIGN 9): memory and sqlite >= 0.95 x noop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from throughput import measure, warn_if_busy  # noqa: E402

from stario import Query, Stario  # noqa: E402
from stario.telemetry import NoopTracer  # noqa: E402
from stario.tracers import JSONTracer, MemoryTracer, SQLiteTracer  # noqa: E402


async def home(c: Any, w: Any) -> None:
    w.text("Hello, world!")


def http_rounds(rounds: int, seconds: int, folder: Path) -> dict[str, list[float]]:
    """Requests/s per tracer over HTTP, ``rounds`` interleaved rounds."""
    settings = {
        "noop": "noop",
        "memory": "memory",
        "json": f"json:{folder / 'spans.jsonl'}",
        "sqlite": f"sqlite:{folder / 'traces.db'}",
    }
    rates: dict[str, list[float]] = {name: [] for name in settings}
    for round_number in range(1, rounds + 1):
        for name, value in settings.items():
            os.environ["STARIO_TRACER"] = value
            rate, cpu_us = measure("stario", seconds, 1, 64)
            rates[name].append(rate)
            print(f"  round {round_number}: {name:>7} {rate:10,.0f} requests/s {cpu_us:6.1f} us CPU/request", flush=True)
    os.environ.pop("STARIO_TRACER", None)
    return rates


def in_process_rounds(rounds: int, folder: Path, requests: int = 20_000) -> dict[str, list[float]]:
    """Microseconds per request per tracer, calling the app directly."""
    tracers = {
        "noop": NoopTracer(),
        "memory": MemoryTracer(),
        "json": JSONTracer(folder / "inproc.jsonl"),
        "sqlite": SQLiteTracer(folder / "inproc.db"),
    }
    apps = {name: Stario(Query("/", home), tracer=tracer) for name, tracer in tracers.items()}
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "headers": [(b"host", b"localhost")],
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    async def run(app: Stario) -> float:
        start = time.perf_counter()
        for _ in range(requests):
            await app(dict(scope), receive, send)
        return (time.perf_counter() - start) / requests * 1e6

    times: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            times[name].append(asyncio.run(run(app)))
            if hasattr(tracers[name], "flush"):
                tracers[name].flush()
    for tracer in tracers.values():
        if hasattr(tracer, "close"):
            tracer.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--skip-http", action="store_true", help="only the in-process measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_http:
            warn_if_busy("before")
            rates = http_rounds(args.rounds, args.seconds, Path(folder))
            medians = {name: statistics.median(values) for name, values in rates.items()}
            print(f"{'over HTTP':>10}  {'requests/s':>10}  {'x noop':>6}")
            for name, value in medians.items():
                print(f"{name:>10}  {value:10,.0f}  {value / medians['noop']:6.2f}")
        times = in_process_rounds(max(args.rounds, 5), Path(folder))
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(f"{'in process':>10}  {'us/request':>10}  {'x noop':>6}")
        for name, value in medians.items():
            print(f"{name:>10}  {value:10.2f}  {medians['noop'] / value:6.2f}")


if __name__ == "__main__":
    main()
