"""The preview proxy: requests pass through to a real upstream server and are recorded for the inspector."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
import uvicorn

from stario import Command, Query, Stario
from stario.playground.proxy import PreviewProxy
from stario.sse import SSEParser
from stario.playground.security import COOKIE
from stario.testing import TestClient
from tests.servers import free_port

FINISHED: list[str] = []  # what the upstream's generators recorded in their finally


async def home(c, w):
    w.header("X-Upstream", "yes")
    w.cookie("flavour", "mint")
    w.html("<h1>Hello through the proxy</h1>")


async def echo(c, w):
    body = await c.text()
    w.json(
        {
            "body": body,
            "query": dict(c.query.items()),
            "cookies": dict(c.cookies),
            "cookie_header": c.headers.get("cookie"),
            "connection": c.headers.get("connection"),
        }
    )


async def go(c, w):
    w.redirect("/there")


async def ticks(c):
    try:
        n = 0
        while True:
            n += 1
            yield f"<p id='n'>{n}</p>"
            await asyncio.sleep(0.02)
    finally:
        FINISHED.append("ticks")


async def two(c):
    yield "<p id='a'>a</p>"
    yield {"count": 2}


async def slow(c, w):
    try:
        await c.wait_disconnected()
    finally:
        FINISHED.append("slow")


async def finished(c, w):
    w.json(FINISHED)


async def big(c, w):
    w.text("x" * 200_000)


UPSTREAM = Stario(
    Query("/", home),
    Query("/echo", echo),
    Command("/echo", echo),
    Query("/go", go),
    Query("/ticks", ticks),
    Query("/two", two),
    Query("/finished", finished),
    Query("/big", big),
    Query("/slow", slow),
)


@pytest.fixture(scope="module")
def upstream():
    """A real uvicorn serving UPSTREAM on a free loopback port, in a background thread."""
    port = free_port()
    config = uvicorn.Config(UPSTREAM, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the upstream server did not start"
        time.sleep(0.01)
    yield port
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def proxy(upstream):
    return PreviewProxy(SimpleNamespace(port=upstream))


@pytest.fixture
def client(proxy):
    with TestClient(proxy, base_url="http://127.0.0.1:9999", follow_redirects=False, timeout=5) as client:
        yield client


def test_a_page_passes_through_with_status_headers_and_body(client, proxy):
    response = client.get("/")
    assert response.status == 200
    assert response.text == "<h1>Hello through the proxy</h1>"
    assert response.headers["x-upstream"] == "yes"
    assert "flavour=mint" in response.headers["set-cookie"]
    assert response.headers["content-type"].startswith("text/html")
    assert "connection" not in response.headers
    request, end = proxy.records[-2:]
    assert request["kind"] == "request" and request["method"] == "GET" and request["path"] == "/"
    assert request["intent"] == "Query" and request["status"] == 200 and request["streaming"] is False
    assert request["content_type"].startswith("text/html") and request["ms"] >= 0
    assert end == {"kind": "end", "id": request["id"], "ms": end["ms"], "bytes": len(response.body)}


def test_a_redirect_keeps_its_location(client, proxy):
    response = client.get("/go")
    assert response.status == 303
    assert response.headers["location"] == "/there"


def test_a_post_body_and_a_query_string_arrive_upstream(client, proxy):
    response = client.post("/echo?x=1&y=two", content="hello=world")
    assert response.status == 200
    seen = response.json()
    assert seen["body"] == "hello=world"
    assert seen["query"] == {"x": "1", "y": "two"}
    assert seen["connection"] == "close"
    request = [r for r in proxy.records if r["kind"] == "request"][-1]
    assert request["method"] == "POST" and request["intent"] == "Command"
    assert request["path"] == "/echo?x=1&y=two"


def test_a_large_body_passes_whole(client):
    response = client.get("/big")
    assert response.body == b"x" * 200_000


def test_the_playground_cookie_stays_behind_other_cookies_go_on(client):
    seen = client.get("/echo", cookies={COOKIE: "secret-token", "flavour": "mint", "other": "1"}).json()
    assert seen["cookies"] == {"flavour": "mint", "other": "1"}
    assert "secret-token" not in seen["cookie_header"]
    alone = client.get("/echo", cookies={COOKIE: "secret-token"}).json()
    assert alone["cookies"] == {} and alone["cookie_header"] is None


def test_an_sse_stream_passes_live_and_leaving_runs_the_upstream_finally(client, proxy):
    FINISHED.clear()
    with client.stream("GET", "/ticks") as events:
        assert events.status == 200
        assert events.headers["content-type"].startswith("text/event-stream")
        assert next(events).elements == "<p id='n'>1</p>"
        assert next(events).elements == "<p id='n'>2</p>"
    # The proxy closed the upstream connection: the child's generator ends.
    deadline = time.monotonic() + 3
    while client.get("/finished").json() != ["ticks"]:
        assert time.monotonic() < deadline, "the upstream generator's finally did not run"
        time.sleep(0.02)
    mine = [r for r in proxy.records if r.get("id") == _request_id(proxy.records, "/ticks")]
    kinds = [r["kind"] for r in mine]
    assert kinds[0] == "request" and kinds[-1] == "end" and set(kinds[1:-1]) == {"event"}
    assert len(kinds) >= 4
    assert mine[0]["streaming"] is True
    assert mine[1]["type"] == "datastar-patch-elements" and mine[1]["elements"] == "<p id='n'>1</p>"
    assert mine[1]["mode"] == "outer"
    assert mine[-1]["left"] is True
    # The proxy leaves no task behind.
    pending = [t for t in asyncio.all_tasks(client._loop) if t.get_name().startswith("preview.")]
    assert pending == []


def _request_id(records, path):
    return [r for r in records if r["kind"] == "request" and r["path"] == path][-1]["id"]


def test_records_come_in_order_request_events_end_on_a_live_feed(client, proxy):
    async def subscribe():
        return proxy.subscribe()

    feed = client._run(subscribe())
    response = client.get("/two")
    assert [e.type for e in response.events] == ["datastar-patch-elements", "datastar-patch-signals"]

    async def drain():
        got = []
        async with feed:
            async for record in feed:
                got.append(record)
                if record["kind"] == "end":
                    return got

    got = client._run(drain())
    assert [r["kind"] for r in got] == ["request", "event", "event", "end"]
    assert {r["id"] for r in got} == {got[0]["id"]}
    assert got[1]["elements"] == "<p id='a'>a</p>" and got[1]["selector"] is None
    assert got[2]["type"] == "datastar-patch-signals" and got[2]["signals"] == {"count": 2}
    assert got[3]["bytes"] == len(response.body) and "left" not in got[3]
    assert feed.dropped == 0


def test_a_slow_feed_drops_the_oldest_and_counts(client, proxy):
    async def subscribe():
        return proxy.subscribe(size=2)

    feed = client._run(subscribe())
    client.get("/")
    client.get("/")
    assert feed.dropped == 2 and len(feed._queue) == 2
    feed.close()
    assert feed not in proxy._feeds


def test_no_child_answers_503_with_a_hint():
    runner = SimpleNamespace(port=None)
    proxy = PreviewProxy(runner)
    with TestClient(proxy, timeout=5) as client:
        response = client.get("/anything")
    assert response.status == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "Press <b>Run</b>" in response.text
    assert proxy.records[-2]["status"] == 503


def test_a_refused_port_answers_502():
    proxy = PreviewProxy(SimpleNamespace(port=free_port()))
    with TestClient(proxy, timeout=5) as client:
        response = client.post("/inc", content="x")
    assert response.status == 502
    assert "502" in response.text
    request, end = proxy.records[-2:]
    assert request["status"] == 502 and "error" in request and end["kind"] == "end"


def test_a_child_dying_mid_response_ends_the_stream():
    """An upstream that sends headers and part of a body, then closes: the stream ends, recorded."""

    async def serve(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\npartial")
        await writer.drain()
        writer.close()

    port = free_port()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(serve, "127.0.0.1", port))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        proxy = PreviewProxy(SimpleNamespace(port=port))
        with TestClient(proxy, timeout=5) as client:
            response = client.get("/")
        assert response.status == 200 and response.body == b"partial"
        end = proxy.records[-1]
        assert end["kind"] == "end" and end["bytes"] == 7 and "error" in end
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


def test_a_chunked_answer_is_unchunked():
    async def serve(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n")
        writer.write(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
        await writer.drain()
        writer.close()

    port = free_port()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(serve, "127.0.0.1", port))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        proxy = PreviewProxy(SimpleNamespace(port=port))
        with TestClient(proxy, timeout=5) as client:
            response = client.get("/")
        assert response.status == 201 and response.body == b"hello world"
        assert response.headers["x-a"] == "b" and "transfer-encoding" not in response.headers
        assert "error" not in proxy.records[-1]
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


def test_the_event_parser_is_incremental():
    parser = SSEParser()
    assert parser.feed("event: datastar-patch-elements\r\ndata: elements <p>") == []
    assert parser.feed("</p>\r") == []
    events = parser.feed("\n\r\n: comment\n\nid: 7\nretry: 100\ndata: hi\n\n")
    assert events == [
        ("datastar-patch-elements", ["elements <p></p>"], None, None),
        ("message", ["hi"], "7", 100),
    ]


def _serve_in_thread(app):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    return port, server, thread


def test_under_uvicorn_a_browser_leaving_an_sse_stream_reaches_the_child(upstream):
    """The real set-up: uvicorn serves the proxy; a browser reads two events, then closes the tab."""
    import socket

    FINISHED.clear()
    proxy = PreviewProxy(SimpleNamespace(port=upstream))
    port, server, thread = _serve_in_thread(proxy)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
            sock.sendall(b"GET /ticks HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s=t\r\n\r\n" % COOKIE.encode())
            received = b""
            while received.count(b"datastar-patch-elements") < 2:
                chunk = sock.recv(65536)
                assert chunk, "the stream ended early"
                received += chunk
        assert received.startswith(b"HTTP/1.1 200")
        assert b"transfer-encoding: chunked" in received.lower()
        deadline = time.monotonic() + 3
        while FINISHED != ["ticks"] or proxy.records[-1]["kind"] != "end":
            assert time.monotonic() < deadline, f"not cleaned up: {FINISHED}, {proxy.records[-1:]}"
            time.sleep(0.02)
        assert proxy.records[-1]["left"] is True and "error" not in proxy.records[-1]
        # A plain page on the same server still works afterwards.
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3) as response:
            assert response.read() == b"<h1>Hello through the proxy</h1>"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def test_leaving_before_the_headers_closes_the_upstream(client, proxy):
    """A handler that is slow to answer: the browser leaves first; the proxy gives up cleanly."""
    FINISHED.clear()
    records_before = len(proxy.records)

    async def leave_early():
        sent = []
        gone = asyncio.Event()
        messages = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive():
            if messages:
                return messages.pop(0)
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http", "method": "GET", "path": "/slow", "raw_path": b"/slow", "query_string": b"",
            "headers": [(b"host", b"127.0.0.1")],
        }
        task = asyncio.create_task(proxy(scope, receive, send))
        await asyncio.sleep(0.1)
        gone.set()
        await asyncio.wait_for(task, 3)
        return sent

    assert client._run(leave_early()) == []
    assert len(proxy.records) == records_before  # nothing answered, nothing recorded
    deadline = time.monotonic() + 3
    while client.get("/finished").json() != ["slow"]:
        assert time.monotonic() < deadline, "the slow handler was not told the browser left"
        time.sleep(0.02)


def test_head_gets_the_headers_and_no_body(client, proxy):
    response = client.head("/big")
    assert response.status == 200 and response.body == b""
    assert response.headers["content-length"] == "200000"
    request, end = proxy.records[-2:]
    assert request["method"] == "HEAD" and request["intent"] == "Query" and end["bytes"] == 0
