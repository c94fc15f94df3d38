"""Bytes on the wire of a live dashboard's SSE stream, with and without compression.

Run: .venv/bin/python bench/compression.py [--seconds 60]

The `dashboard` toy streams two Datastar morphs per tick (its stats and its SVG chart), a tick
every 0.5 s: a 60-second stream is 120 ticks, 240 events. The script runs the toy's own app in
process (stario.testing.TestClient), with its ticks made instant and its random walk seeded so
every run streams the same events, once with compression off and once per encoding installed.
It reports the bytes that crossed the wire, the ratio to uncompressed, and the CPU time of the
whole process per event (app, compression and the test client reading the stream: a rough
figure, to show compression is not where the time goes).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stario.compression import Compression, available_encodings  # noqa: E402
from stario.testing import TestClient  # noqa: E402

TICK_SECONDS = 0.5


def stream_once(encoding: str | None, events: int) -> tuple[int, int, float]:
    """(wire bytes, decoded bytes, CPU seconds) of ``events`` events of a fresh dashboard stream."""
    spec = importlib.util.spec_from_file_location(f"dashboard_{encoding}", ROOT / "toys" / "dashboard" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.TICK_SECONDS = 0  # instant ticks: the same events, sooner
    module.random = SimpleNamespace(Random=lambda: random.Random(7))  # the same walk every run
    app = module.app
    app.compression = Compression(encodings=(encoding,)) if encoding else None
    accept = encoding or "identity"
    with TestClient(app) as client:
        started = time.process_time()
        with client.stream("GET", "/live", headers={"accept-encoding": accept}) as stream:
            for _ in range(events):
                stream.next(timeout=10)
            cpu = time.process_time() - started
            return stream.raw_bytes, len(stream.body), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the stream, in the toy's time")
    args = parser.parse_args()
    events = int(args.seconds / TICK_SECONDS) * 2
    print(f"dashboard stream of {args.seconds:g} s: {events} events")
    plain, _, plain_cpu = stream_once(None, events)
    print(f"{'encoding':>10}  {'bytes':>9}  {'ratio':>6}  {'x smaller':>9}  {'us CPU/event*':>13}")
    print(f"{'none':>10}  {plain:9d}  {1:6.3f}  {1:9.1f}  {plain_cpu / events * 1e6:13.1f}")
    for encoding in reversed(available_encodings()):
        wire, decoded, cpu = stream_once(encoding, events)
        assert decoded == plain, f"{encoding}: decoded {decoded} bytes, expected {plain}"
        print(f"{encoding:>10}  {wire:9d}  {wire / plain:6.3f}  {plain / wire:9.1f}  {cpu / events * 1e6:13.1f}")


if __name__ == "__main__":
    main()
