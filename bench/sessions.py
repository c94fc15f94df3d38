"""What a session costs per request, in process: four Stario apps side by side, no server.

Run: .venv/bin/python bench/sessions.py [--rounds N] [--seconds S]

All four answer ``GET /`` with ``Hello, world!`` from an explicit ``(c, w)`` handler:

- ``no session``: the handler never touches ``c.session`` (the baseline);
- ``empty session``: it reads ``c.session.get("user")`` with no cookie sent (a first visit);
- ``read session``: it reads ``c.session.get("user")`` from a signed cookie (verify, decode);
- ``write session``: it reads the cookie and sets a counter (verify, decode, sign, Set-Cookie).

Each is called as ``await app(scope, receive, send)`` in batches inside one coroutine, rounds
interleaved; the script reports median microseconds per request and the ratio of each to
``no session`` (requests per second relative to the baseline: 1.00 means free).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from dispatch import SCOPE, receive, send  # the same prebuilt GET / as dispatch.py
from stario import Query, Stario
from stario.testing import TestClient

KEY = "bench-key-" + "x" * 32
BODY = b"Hello, world!"



async def plain(c, w) -> None:
    w.text("Hello, world!")


async def read_session(c, w) -> None:
    c.session.get("user")
    w.text("Hello, world!")


async def write_session(c, w) -> None:
    c.session["n"] = c.session.get("n", 0) + 1
    w.text("Hello, world!")


def signed_cookie() -> bytes:
    """A real session cookie (``{"user": "ada"}``) as the app itself signs it."""

    async def login(c, w) -> None:
        c.session["user"] = "ada"
        w.text("ok")

    with TestClient(Stario(Query("/", login), secret_key=KEY)) as client:
        client.get("/")
        return f"stario_session={client.cookies['stario_session']}".encode()


async def check(name: str, app: Any, scope: dict[str, Any]) -> None:
    sent: list[dict[str, Any]] = []

    async def keep(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(dict(scope), receive, keep)
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert sent[0]["status"] == 200 and body == BODY, f"{name} answered {sent[0]['status']} {body!r}"


async def per_request_us(app: Any, scope: dict[str, Any], seconds: float) -> float:
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(200):
            await app(dict(scope), receive, send)
        count += 200
        now = time.perf_counter()
        if now >= deadline:
            return (now - start) / count * 1e6


async def run(rounds: int, seconds: float) -> dict[str, float]:
    with_cookie = dict(SCOPE, headers=[*SCOPE["headers"], (b"cookie", signed_cookie())])
    contenders = {
        "no session": (Stario(Query("/", plain), secret_key=KEY), SCOPE),
        "empty session": (Stario(Query("/", read_session), secret_key=KEY), SCOPE),
        "read session": (Stario(Query("/", read_session), secret_key=KEY), with_cookie),
        "write session": (Stario(Query("/", write_session), secret_key=KEY), with_cookie),
    }
    for name, (app, scope) in contenders.items():
        app.build()
        await check(name, app, scope)
        await per_request_us(app, scope, 0.05)
    results: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, (app, scope) in contenders.items():
            results[name].append(await per_request_us(app, scope, seconds))
    return {name: statistics.median(times) for name, times in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seconds", type=float, default=0.2, help="time per app per round")
    args = parser.parse_args()
    medians = asyncio.run(run(args.rounds, args.seconds))
    base = medians["no session"]
    print(f"{'app':>14}  {'us/request':>10}  {'over base':>9}  {'ratio':>6}")
    for name, value in medians.items():
        print(f"{name:>14}  {value:10.2f}  {value - base:+9.2f}  {base / value:6.2f}")


if __name__ == "__main__":
    main()
