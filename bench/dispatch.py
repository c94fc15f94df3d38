"""In-process dispatch overhead: what each framework adds to one ``GET /``, no server, no socket.

Run: .venv/bin/python bench/dispatch.py [--rounds N] [--seconds S]
     .venv/bin/python bench/dispatch.py --instructions

Each app from `apps.py` (raw ASGI, Stario in its explicit ``(c, w)`` and its return form,
Starlette, and FastAPI when it is installed) is called directly, ``await app(scope, receive,
send)``, many times in a row inside one coroutine on one plain asyncio loop. The scope is a
prebuilt ``GET /`` (with ``raw_path``, a ``host`` header and an empty query string), copied for
each request as a server would build a fresh one; ``receive`` returns an empty ``http.request``
and ``send`` does nothing. The script first checks that every app answers 200 with
``Hello, world!``.

Rounds are interleaved (raw, stario, ..., raw, stario, ...); it reports each app's median
microseconds per request and its overhead over raw ASGI. The budget: Stario <= 4 us over raw.

``--instructions`` counts instead, with valgrind's callgrind, the CPU instructions each app runs
per request called the same way (a process answering 12,000 requests less one answering 2,000,
over 10,000), deterministic where the timings wander. It adds ``shape`` (`apps.shape`): the
``(c, w)`` handler form with nothing checked, the least Stario's form can cost.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's stario, not another

import apps  # noqa: E402
from callgrind import instructions_of  # noqa: E402

SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0", "spec_version": "2.3"},
    "http_version": "1.1",
    "server": ("127.0.0.1", 8000),
    "client": ("127.0.0.1", 50000),
    "scheme": "http",
    "method": "GET",
    "root_path": "",
    "path": "/",
    "raw_path": b"/",
    "query_string": b"",
    "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench"), (b"accept", b"*/*")],
    "state": {},
}


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: dict[str, Any]) -> None:
    pass


async def check(name: str, app: Any) -> None:
    """Fail loudly unless ``app`` answers 200 with the hello-world body."""
    sent: list[dict[str, Any]] = []

    async def keep(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(dict(SCOPE), receive, keep)
    status = sent[0].get("status")
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert status == 200 and body == apps.BODY, f"{name} answered {status} {body!r}"


async def per_request_us(app: Any, seconds: float) -> float:
    """Call ``app`` in batches for about ``seconds``; return microseconds per request."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(200):
            await app(dict(SCOPE), receive, send)
        count += 200
        now = time.perf_counter()
        if now >= deadline:
            return (now - start) / count * 1e6


async def run(rounds: int, seconds: float) -> dict[str, float]:
    contenders: dict[str, Any] = {
        "raw": apps.raw,
        "stario": apps.stario,
        "stario_return": apps.stario_return,
        "starlette": apps.starlette,
    }
    fastapi = apps.fastapi_app()
    if fastapi is not None:
        contenders["fastapi"] = fastapi
    for name, app in contenders.items():
        await check(name, app)
        await per_request_us(app, 0.05)  # warm up: first-request set-up, caches
    results: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, app in contenders.items():
            results[name].append(await per_request_us(app, seconds))
    return {name: statistics.median(times) for name, times in results.items()}


# -- instructions ----------------------------------------------------------------------------------

COUNTED = ("raw", "shape", "stario", "stario_return", "starlette")


async def answer_many(name: str, requests: int) -> None:
    """What the process callgrind watches does: check app ``name``, then answer ``requests`` requests."""
    app = getattr(apps, name)
    await check(name, app)
    for _ in range(requests):
        await app(dict(SCOPE), receive, send)


def count_instructions(name: str, requests: int) -> int:
    """Instructions callgrind counts for a whole process that answers ``requests`` with app ``name``."""
    return instructions_of([sys.executable, __file__, "--answer", name, str(requests)])


def instructions_per_request(name: str, before: int = 2_000, after: int = 12_000) -> float:
    """(instructions for ``after`` requests - for ``before``) / the difference: start-up taken off.

    A run without callgrind comes first, so any module compiled to bytecode on first import is
    compiled before counting, not in one of the two counts only."""
    subprocess.run([sys.executable, __file__, "--answer", name, "1"], check=True)
    return (count_instructions(name, after) - count_instructions(name, before)) / (after - before)


def print_instructions() -> None:
    """Count every app of `COUNTED` and print instructions per request, over raw ASGI."""
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    counts = {}
    for name in COUNTED:
        counts[name] = instructions_per_request(name)
        print(f"{name:>14}  {counts[name]:10,.0f} instructions/request  {counts[name] - counts['raw']:+9,.0f} over raw", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=0.2, help="time per app per round")
    parser.add_argument("--instructions", action="store_true", help="count instructions per request with callgrind instead")
    parser.add_argument("--answer", nargs=2, metavar=("APP", "REQUESTS"), help=argparse.SUPPRESS)  # the counted child
    args = parser.parse_args()
    if args.answer:
        name, requests = args.answer
        asyncio.run(answer_many(name, int(requests)))
        return
    if args.instructions:
        print_instructions()
        return
    medians = asyncio.run(run(args.rounds, args.seconds))
    raw = medians["raw"]
    print(f"{'app':>14}  {'us/request':>10}  {'over raw':>9}")
    for name, value in medians.items():
        print(f"{name:>14}  {value:10.2f}  {value - raw:+9.2f}")
    for name in ("stario", "stario_return"):
        over = medians[name] - raw
        verdict = "ok" if over <= 4.0 else "OVER BUDGET"
        print(f"{name} overhead over raw: {over:.2f} us (budget <= 4 us): {verdict}")


if __name__ == "__main__":
    main()
