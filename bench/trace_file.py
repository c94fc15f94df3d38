"""The SQLite tracer as its file grows: what writing one span costs at 0, 100,000, 200,000... rows.

Run: .venv/bin/python bench/trace_file.py [--rows N] [--slice N] [--keep]

`bench/tracers.py` measures the tracer on a fresh file of a few thousand rows. A server left
running fills its file, and the cost of adding a row to an index depends on where in the index
the row lands. This script writes request spans straight to two `SQLiteTracer` files side by
side, batch by batch (256 spans, as the tracer's thread writes them), interleaved so machine
noise touches both alike:

- **ordered**: spans as Stario makes them, whose trace ids begin with the time (a new id sorts
  after every earlier one, so it goes at the end of the ``spans_by_trace`` index);
- **random**: the same spans given 128 random bits as trace id, as Stario made them before
  (and as many tracing libraries do), which land anywhere in the index.

Only `SQLiteTracer.write` is timed (making the spans is not). It prints, for each slice of rows,
the microseconds of CPU time one span's write took in each file, their ratio, and the files'
sizes at the end.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stario.telemetry import NoopTracer, Span  # noqa: E402
from stario.tracers.sqlite import SQLiteTracer  # noqa: E402

BATCH = 256


def request_spans(count: int) -> list[Span]:
    """``count`` ended spans with a plain request's six attributes, as the app records them."""
    nobody = NoopTracer()  # the file tracers are handed the spans directly
    spans = []
    for number in range(count):
        span = Span("http.request", nobody)
        span.attributes.update({
            "http.method": "GET", "http.path": f"/items/{number}", "http.route": "/items/{id}",
            "stario.kind": "query", "http.status": 200, "http.response_bytes": 1_234,
        })  # fmt: skip
        span.end()
        spans.append(span)
    return spans


def with_random_trace_ids(spans: list[Span]) -> list[Span]:
    """The same spans (the same objects) with 128 random bits as trace ids."""
    for span in spans:
        span.trace_id = random.getrandbits(128)
    return spans


def timed_write(tracer: SQLiteTracer, spans: list[Span]) -> float:
    """CPU seconds `tracer.write` took for ``spans`` (SQLite's own work included: it runs in this thread)."""
    start = time.process_time()
    tracer.write(spans)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000, help="rows written to each file")
    parser.add_argument("--slice", type=int, default=50_000, help="rows per line of the report")
    parser.add_argument("--keep", action="store_true", help="keep the two files (they are deleted otherwise)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="trace-file-"))
    tracers = {kind: SQLiteTracer(folder / f"{kind}.db") for kind in ("ordered", "random")}
    for tracer in tracers.values():
        tracer.open()
    print(f"{'rows':>19}  {'ordered us/span':>15}  {'random us/span':>14}  {'random / ordered':>16}")
    written = slice_start = 0
    spent = {kind: 0.0 for kind in tracers}
    while written < args.rows:
        spans = request_spans(BATCH)
        spent["ordered"] += timed_write(tracers["ordered"], spans)
        spent["random"] += timed_write(tracers["random"], with_random_trace_ids(spans))
        written += BATCH
        if written - slice_start >= args.slice or written >= args.rows:
            ordered, random_ = (spent[kind] / (written - slice_start) * 1e6 for kind in ("ordered", "random"))
            print(f"{slice_start:>8,} - {written:>8,}  {ordered:15.2f}  {random_:14.2f}  {random_ / ordered:16.2f}", flush=True)
            slice_start = written
            spent = {kind: 0.0 for kind in tracers}
    for kind, tracer in tracers.items():
        tracer.shut()
        size = sum(path.stat().st_size for path in folder.glob(f"{kind}.db*"))
        print(f"{kind} file: {size / 1e6:.1f} MB")
    if args.keep:
        print(f"kept in {folder}")
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
