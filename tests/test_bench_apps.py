"""The hello-world apps `bench/` compares answer alike, so a benchmark compares like with like.

`bench/dispatch.py` checks this too before it times anything (with the same request); here a
change to Stario that broke one of them (or the floor shape's own answer) fails the suite
instead of a benchmark run.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import apps  # noqa: E402
from dispatch import SCOPE, receive  # noqa: E402  the request every benchmark app is called with


def answer(app: Any) -> tuple[int, dict[bytes, bytes], bytes]:
    """Call ``app`` with ``GET /``: its status, headers and body."""
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(dict(SCOPE), receive, send))
    headers = {name.lower(): value for name, value in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(message.get("body", b"") for message in sent[1:])


@pytest.mark.parametrize("name", ["raw", "shape", "stario", "stario_1000", "starlette"])
def test_each_plain_text_app_answers_hello_world_with_the_same_headers(name: str) -> None:
    status, headers, body = answer(getattr(apps, name))
    assert (status, body) == (200, b"Hello, world!"), f"{name} answered {status} {body!r}"
    assert headers[b"content-type"] == b"text/plain; charset=utf-8", f"{name}: {headers}"
    assert headers[b"content-length"] == b"13", f"{name}: {headers}"


def test_the_return_form_answers_hello_world_as_html() -> None:
    status, headers, body = answer(apps.stario_return)
    assert (status, body, headers[b"content-type"]) == (200, b"Hello, world!", b"text/html; charset=utf-8")


@pytest.mark.parametrize("app", ["raw", "stario"])
def test_the_sse_benchmark_reads_every_message_each_app_sends(app: str) -> None:
    """`bench/sse.py` end to end, small: uvicorn serving the app, the client process reading 20
    streams, 20 messages published to each. Every delivery is counted and timed."""
    import sse

    result = sse.measure(app, clients=20, offered=400, seconds=1.0)
    assert result["expected"] == 400
    assert result["delivered"] == 400, f"{app}: {result['delivered']} of 400 deliveries arrived"
    assert result["p99"] is not None and 0 < result["p50"] <= result["p99"] <= result["max"]
