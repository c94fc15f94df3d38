"""What telemetry costs: hello world with each tracer, against no tracer, in the same run.

Run: .venv/bin/python bench/tracers.py [--rounds N] [--seconds S] [--skip-http] [--instructions]

Three measurements:

- over HTTP: the ``stario`` app of `apps` served by uvicorn (httptools, uvloop) on core 0 and
  loaded by wrk on core 1, exactly as `throughput.py` does, once per tracer chosen with
  ``STARIO_TRACER`` (noop, memory, json to a file, sqlite to a file), interleaved round by round.
  Reports requests/s and server CPU per request, each as a ratio to noop. The writer threads of
  the json and sqlite tracers run in the server process, on the server's core, so their cost counts.
- in process: the same app awaited directly (as `dispatch.py` does) with each tracer object, in
  short interleaved runs of 2,000 requests. A run of the json or sqlite tracer lasts until its
  writer has written every span of the run, so the writing is part of the time. "spans only"
  makes every span and keeps none: what the spans cost before any tracer does anything.
- with ``--instructions``: the in-process requests again, under valgrind's callgrind, counting
  the CPU instructions per request (writer threads included); and, unless ``--skip-http``, the
  uvicorn server under callgrind loaded by wrk (noop, memory, sqlite). Slow (two or three
  minutes), but deterministic: on a noisy machine these are the figures to trust.

Budget (DESIGN 9 and the telemetry issue): memory and sqlite >= 0.95 x noop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from callgrind import instructions_of  # noqa: E402
from throughput import instructions_per_request as server_instructions, measure, warn_if_busy  # noqa: E402

from stario import Query, Stario  # noqa: E402
from stario.telemetry import NoopTracer  # noqa: E402
from stario.tracers import JSONTracer, MemoryTracer, SQLiteTracer  # noqa: E402

SCOPE = {
    "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
    "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "headers": [(b"host", b"localhost")],
}  # fmt: skip


async def home(c: Any, w: Any) -> None:
    w.text("Hello, world!")


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: dict[str, Any]) -> None:
    pass


class SpansOnly:
    """Not a tracer to use: it takes every span and keeps none, to show what making the spans costs."""

    def on_start(self, span: Any) -> None:
        pass

    def on_end(self, span: Any) -> None:
        pass


def make_tracer(name: str, folder: Path) -> Any:
    """The tracer object called ``name`` (files go in ``folder``)."""
    makers = {
        "noop": NoopTracer,
        "spans only": SpansOnly,
        "memory": MemoryTracer,
        "json": lambda: JSONTracer(folder / "inproc.jsonl"),
        "sqlite": lambda: SQLiteTracer(folder / "inproc.db"),
    }
    return makers[name]()


IN_PROCESS = ["noop", "spans only", "memory", "json", "sqlite"]


async def serve(app: Stario, tracer: Any, requests: int) -> None:
    """Answer ``requests`` requests, then wait until a background tracer has written their spans."""
    for _ in range(requests):
        await app(dict(SCOPE), receive, send)
    if hasattr(tracer, "flush"):
        tracer.flush(timeout=60)


# -- over HTTP -------------------------------------------------------------------------------------


def http_rounds(rounds: int, seconds: int, folder: Path) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Requests/s and server CPU us/request per tracer over HTTP, ``rounds`` interleaved rounds."""
    settings = {
        "noop": "noop",
        "memory": "memory",
        "json": f"json:{folder / 'spans.jsonl'}",
        "sqlite": f"sqlite:{folder / 'traces.db'}",
    }
    rates: dict[str, list[float]] = {name: [] for name in settings}
    cpu: dict[str, list[float]] = {name: [] for name in settings}
    for round_number in range(1, rounds + 1):
        for name, value in settings.items():
            os.environ["STARIO_TRACER"] = value
            rate, cpu_us = measure("stario", seconds, 1, 64)
            rates[name].append(rate)
            cpu[name].append(cpu_us)
            print(f"  round {round_number}: {name:>7} {rate:10,.0f} requests/s {cpu_us:6.1f} us CPU/request", flush=True)
    os.environ.pop("STARIO_TRACER", None)
    return rates, cpu


# -- in process ------------------------------------------------------------------------------------


def in_process_rounds(rounds: int, folder: Path, requests: int = 2_000) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Microseconds per request per tracer, calling the app directly, in short interleaved runs.

    The order of the tracers rotates from round to round, so none always runs just after
    another's writer.
    """
    tracers = {name: make_tracer(name, folder) for name in IN_PROCESS}
    apps = {name: Stario(Query("/", home), tracer=tracer) for name, tracer in tracers.items()}

    async def run(name: str) -> float:
        start = time.perf_counter()
        await serve(apps[name], tracers[name], requests)
        return (time.perf_counter() - start) / requests * 1e6

    async def all_rounds() -> dict[str, list[float]]:
        times: dict[str, list[float]] = {name: [] for name in apps}
        for name in IN_PROCESS:  # warm up
            await run(name)
        for round_number in range(rounds):
            shift = round_number % len(IN_PROCESS)
            for name in IN_PROCESS[shift:] + IN_PROCESS[:shift]:
                times[name].append(await run(name))
        return times

    times = asyncio.run(all_rounds())
    counts = {}
    for name, tracer in tracers.items():
        if hasattr(tracer, "close"):
            counts[name] = (tracer.written, tracer.dropped)
            tracer.close()
    return times, counts


# -- instructions ----------------------------------------------------------------------------------


def count_instructions(name: str, requests: int, folder: Path) -> int:
    """Instructions callgrind counts for a process that answers ``requests`` requests with tracer ``name``."""
    return instructions_of([sys.executable, __file__, "--serve", name, str(requests), "--folder", str(folder)])


# Requests answered before counting starts. The sqlite writer prepares a statement for each size of
# batch it meets (up to 256 rows), about 10 million instructions for the largest: once in a
# server's life, so the warm-up is as long as a counted run and meets every size first.
WARM_UP = 3_200


def instructions_per_request(folder: Path, requests: int = 3_000) -> dict[str, float]:
    """Per tracer: (instructions for `WARM_UP` + ``requests`` requests - for `WARM_UP`) / ``requests``."""
    counts = {}
    for name in IN_PROCESS:
        base = count_instructions(name, 0, folder)
        counts[name] = (count_instructions(name, requests, folder) - base) / requests
        print(f"  {name:>10}: {counts[name]:,.0f} instructions/request", flush=True)
    return counts


def http_instructions_per_request(folder: Path, seconds: int = 8) -> dict[str, float]:
    """Per tracer: instructions the uvicorn server runs per request under wrk, counted by callgrind
    (`throughput.instructions_per_request`)."""
    counts = {}
    for name, value in [("noop", "noop"), ("memory", "memory"), ("sqlite", f"sqlite:{folder / 'callgrind.db'}")]:
        counts[name], requests = server_instructions("stario", folder, seconds, env={"STARIO_TRACER": value}, label=name)
        print(f"  {name:>10}: {counts[name]:,.0f} instructions/request over HTTP ({requests:,} requests)", flush=True)
    return counts


def least_recording(times: int, record: bool) -> None:
    """The least a recording tracer could do per request: two clock reads and one tuple kept.

    With ``record=False`` the same loop does nothing, so the difference is the recording alone.
    """
    kept: deque[tuple[Any, ...]] = deque(maxlen=1000)
    clock = time.monotonic_ns
    for _ in range(times):
        if record:
            start = clock()
            kept.append((start, clock(), "GET", "/", "/", "query", 200, 13))


def floor_instructions(folder: Path, times: int = 20_000) -> float:
    """Instructions per request of `least_recording`, counted by callgrind."""
    counts = {}
    for name in ("floor-empty", "floor-record"):
        counts[name] = (count_instructions(name, times, folder) - count_instructions(name, 0, folder)) / times
    return counts["floor-record"] - counts["floor-empty"]


def serve_for_callgrind(name: str, requests: int, folder: Path) -> None:
    """The child that callgrind watches: `WARM_UP` requests, then ``requests`` more."""
    if name.startswith("floor-"):
        least_recording(requests, record=name == "floor-record")
        return
    tracer = make_tracer(name, folder)
    app = Stario(Query("/", home), tracer=tracer)
    asyncio.run(serve(app, tracer, WARM_UP))
    asyncio.run(serve(app, tracer, requests))
    if hasattr(tracer, "close"):
        tracer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over HTTP")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run over HTTP (whole seconds)")
    parser.add_argument("--in-process-rounds", type=int, default=40, help="rounds of 2,000 requests per tracer")
    parser.add_argument("--skip-http", action="store_true", help="leave out the measurement over HTTP")
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    parser.add_argument("--serve", nargs=2, metavar=("TRACER", "REQUESTS"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_for_callgrind(args.serve[0], int(args.serve[1]), Path(args.folder))
        return
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_http:
            warn_if_busy("before")
            rates, cpu = http_rounds(args.rounds, args.seconds, Path(folder))
            medians = {name: statistics.median(values) for name, values in rates.items()}
            cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
            print(f"{'over HTTP':>10}  {'requests/s':>10}  {'x noop':>6}  {'server CPU us/request':>21}  {'x noop':>6}")
            for name, value in medians.items():
                print(
                    f"{name:>10}  {value:10,.0f}  {value / medians['noop']:6.2f}  "
                    f"{cpu_medians[name]:21.1f}  {cpu_medians['noop'] / cpu_medians[name]:6.2f}"
                )
        times, counts = in_process_rounds(args.in_process_rounds, Path(folder))
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(f"{'in process':>10}  {'us/request':>10}  {'x noop':>6}")
        for name, value in medians.items():
            print(f"{name:>10}  {value:10.2f}  {medians['noop'] / value:6.2f}")
        for name, (written, dropped) in counts.items():
            print(f"{name}: {written:,} spans written, {dropped:,} dropped")
        if args.instructions:
            if shutil.which("valgrind") is None:
                sys.exit("--instructions needs valgrind (apt-get install valgrind)")
            instructions = instructions_per_request(Path(folder))
            print(f"{'in process':>10}  {'instructions/request':>20}  {'x noop':>6}")
            for name, value in instructions.items():
                print(f"{name:>10}  {value:20,.0f}  {instructions['noop'] / value:6.2f}")
            floor = floor_instructions(Path(folder))
            print(
                f"the least any recording could cost (two clock reads, one tuple kept): {floor:,.0f} instructions, "
                f"{floor / instructions['noop']:.1%} of a noop request"
            )
            if not args.skip_http:
                instructions = http_instructions_per_request(Path(folder))
                print(f"{'over HTTP':>10}  {'instructions/request':>20}  {'x noop':>6}")
                for name, value in instructions.items():
                    print(f"{name:>10}  {value:20,.0f}  {instructions['noop'] / value:6.2f}")


if __name__ == "__main__":
    main()
