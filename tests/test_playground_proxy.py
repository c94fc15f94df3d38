"""The preview proxy: requests pass through to a real upstream server (uvicorn on a Unix socket, as the
learner's child serves) and are reported for the inspector."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
import uvicorn

from stario import Command, Query, Stario
from stario import datastar as ds
from stario.playground.proxy import PICK_SCRIPT_PATH, PreviewProxy
from stario.playground.security import cookie_name
from stario.sse_reader import SSEParser
from stario.testing import TestClient
from tests.servers import free_port

COOKIE = cookie_name(8800)
PICK_TAG = f'<script src="{PICK_SCRIPT_PATH}"></script>'

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


async def numbered(c):
    yield ds.PatchElements("<p id='a'>1</p>", event_id="7", retry_duration=5000)


async def sets_cookies(c, w):
    w.cookie(COOKIE, "learner-set")
    w.cookie("stario_playground_9999", "also")
    w.cookie("flavour", "mint")
    w.text("cookies")


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
    Query("/numbered", numbered),
    Query("/sets-cookies", sets_cookies),
)


class Upstream(SimpleNamespace):
    """What the proxy asks of the runner: the socket to forward to, and the run it belongs to."""


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """A real uvicorn serving UPSTREAM on a Unix socket, in a background thread."""
    yield from _uvicorn_on_a_socket(UPSTREAM, tmp_path_factory)


def _uvicorn_on_a_socket(app, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("upstream") / "app.sock")
    config = uvicorn.Config(app, uds=path, log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the upstream server did not start"
        time.sleep(0.01)
    yield path
    server.should_exit = True
    thread.join(timeout=5)


class Records(list):
    """What the proxy reported, with helpers to pick some out."""

    def of(self, request_id):
        return [r for r in self if r.get("id") == request_id]

    def last(self, kind):
        return [r for r in self if r["kind"] == kind][-1]


@pytest.fixture
def records():
    return Records()


@pytest.fixture
def proxy(upstream, records):
    return PreviewProxy(Upstream(upstream=upstream, run_id=1), report=records.append)


@pytest.fixture
def client(proxy):
    with TestClient(proxy, base_url="http://127.0.0.1:9999", follow_redirects=False, timeout=5) as client:
        yield client


def _serve_raw(handler):
    """A hand-written upstream on a Unix socket (for answers uvicorn would never give); its path and a stop."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="stario-proxy-test-")
    path = f"{folder}/raw.sock"
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_unix_server(handler, path))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def stop():
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)

    return path, stop


def test_a_page_passes_through_with_status_headers_and_body(client, records):
    response = client.get("/")
    assert response.status == 200
    assert response.text == "<h1>Hello through the proxy</h1>" + PICK_TAG  # the playground's pick script, at the end
    assert response.headers["x-upstream"] == "yes"
    assert "flavour=mint" in response.headers["set-cookie"]
    assert response.headers["content-type"].startswith("text/html")
    assert "connection" not in response.headers
    request, answer, end = records[-3:]
    assert request["kind"] == "request" and request["method"] == "GET" and request["path"] == "/" and request["run"] == 1
    assert request["intent"] == "Query" and answer["status"] == 200 and answer["streaming"] is False
    assert answer["content_type"].startswith("text/html") and answer["ms"] >= 0
    assert ["x-upstream", "yes"] in answer["response_headers"]
    page = "<h1>Hello through the proxy</h1>"  # the app's answer, as the inspector shows it
    assert end["kind"] == "end" and end["bytes"] == len(page) and end["body"] == page


def test_a_redirect_keeps_its_location(client):
    response = client.get("/go")
    assert response.status == 303
    assert response.headers["location"] == "/there"


def test_a_post_body_and_a_query_string_arrive_upstream_and_are_reported_decoded(client, records):
    response = client.post("/echo?x=1&y=t%C3%BC", content="hello=world")
    assert response.status == 200
    seen = response.json()
    assert seen["body"] == "hello=world"
    assert seen["query"] == {"x": "1", "y": "tü"}
    assert seen["connection"] == "close"
    request = records.last("request")
    assert request["method"] == "POST" and request["intent"] == "Command"
    assert request["target"] == "/echo?x=1&y=t%C3%BC" and request["path"] == "/echo"
    assert request["query"] == [["x", "1"], ["y", "tü"]]
    assert request["request_body"] == "hello=world"


def test_the_signals_a_request_carries_are_reported_decoded(client, records):
    client.get("/echo", signals={"name": "Ada", "count": 2})
    get = records.last("request")
    assert get["signals"] == {"name": "Ada", "count": 2} and get["query"] == []
    client.post("/echo", signals={"text": "hi"})
    assert records.last("request")["signals"] == {"text": "hi"}


def test_a_large_body_passes_whole(client):
    response = client.get("/big")
    assert response.body == b"x" * 200_000


def test_the_playground_cookie_stays_behind_other_cookies_go_on(client, records):
    seen = client.get("/echo", cookies={COOKIE: "secret-token", "stario_playground_1": "x", "flavour": "mint", "other": "1"}).json()
    assert seen["cookies"] == {"flavour": "mint", "other": "1"}
    assert "secret-token" not in seen["cookie_header"]
    assert "secret-token" not in str(records.last("request")["request_headers"])
    alone = client.get("/echo", cookies={COOKIE: "secret-token"}).json()
    assert alone["cookies"] == {} and alone["cookie_header"] is None


def test_the_learners_app_cannot_set_the_playground_cookie(client):
    response = client.get("/sets-cookies")
    cookies = response.headers.getall("set-cookie")
    assert len(cookies) == 1 and cookies[0].startswith("flavour=mint"), cookies


def test_an_sse_stream_passes_live_and_leaving_runs_the_upstream_finally(client, records):
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
    mine = records.of(_request_id(records, "/ticks"))
    kinds = [r["kind"] for r in mine]
    assert kinds[:2] == ["request", "response"] and kinds[-1] == "end" and set(kinds[2:-1]) == {"event"}
    assert len(kinds) >= 5
    assert mine[1]["streaming"] is True
    first = mine[2]
    assert first["type"] == "datastar-patch-elements" and first["elements"] == "<p id='n'>1</p>" and first["n"] == 1
    assert first["mode"] == "outer" and first["raw"] == "event: datastar-patch-elements\ndata: elements <p id='n'>1</p>\n"
    assert mine[-1]["left"] is True
    # The proxy leaves no task behind.
    pending = [t for t in asyncio.all_tasks(client._loop) if t.get_name().startswith("preview.")]
    assert pending == []


def _request_id(records, path):
    return [r for r in records if r["kind"] == "request" and r["path"] == path][-1]["id"]


def test_an_events_id_and_retry_lines_are_reported_as_sent(client, records):
    response = client.get("/numbered")
    assert response.events[0].id == "7"
    event = records.last("event")
    assert event["event_id"] == "7" and event["retry"] == 5000
    assert event["raw"] == "event: datastar-patch-elements\nid: 7\nretry: 5000\ndata: elements <p id='a'>1</p>\n"


def test_records_come_in_order_request_response_events_end(client, records):
    response = client.get("/two")
    assert [e.type for e in response.events] == ["datastar-patch-elements", "datastar-patch-signals"]
    got = records.of(_request_id(records, "/two"))
    assert [r["kind"] for r in got] == ["request", "response", "event", "event", "end"]
    assert got[2]["elements"] == "<p id='a'>a</p>" and got[2]["selector"] is None
    assert got[3]["type"] == "datastar-patch-signals" and got[3]["signals"] == {"count": 2}
    assert got[4]["bytes"] == len(response.body) and "left" not in got[4]


def test_no_child_answers_503_with_a_hint(records):
    proxy = PreviewProxy(Upstream(upstream=None, run_id=0), report=records.append)
    with TestClient(proxy, timeout=5) as client:
        response = client.get("/anything")
    assert response.status == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "Press <b>Run</b>" in response.text
    assert records.last("response")["status"] == 503 and "Run" in records.last("end")["error"]


def test_a_socket_nobody_serves_answers_502(records, tmp_path):
    proxy = PreviewProxy(Upstream(upstream=str(tmp_path / "nobody.sock"), run_id=1), report=records.append)
    with TestClient(proxy, timeout=5) as client:
        response = client.post("/inc", content="x")
    assert response.status == 502
    assert "502" in response.text
    assert records.last("response")["status"] == 502 and "did not accept" in records.last("end")["error"]


def test_a_child_dying_mid_response_ends_the_stream(records):
    """An upstream that sends headers and part of a body, then closes: the stream ends, reported."""

    async def serve(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\npartial")
        await writer.drain()
        writer.close()

    path, stop = _serve_raw(serve)
    try:
        proxy = PreviewProxy(Upstream(upstream=path, run_id=1), report=records.append)
        with TestClient(proxy, timeout=5) as client:
            response = client.get("/")
        assert response.status == 200 and response.body == b"partial"
        end = records.last("end")
        assert end["bytes"] == 7 and "broke off" in end["error"]
    finally:
        stop()


def test_a_chunked_answer_is_unchunked(records):
    async def serve(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n")
        writer.write(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
        await writer.drain()
        writer.close()

    path, stop = _serve_raw(serve)
    try:
        proxy = PreviewProxy(Upstream(upstream=path, run_id=1), report=records.append)
        with TestClient(proxy, timeout=5) as client:
            response = client.get("/")
        assert response.status == 201 and response.body == b"hello world"
        assert response.headers["x-a"] == "b" and "transfer-encoding" not in response.headers
        assert "error" not in records.last("end")
    finally:
        stop()


def test_an_answer_that_is_not_http_is_a_502(records):
    async def serve(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"hello, I am not HTTP\r\n\r\n")
        await writer.drain()
        writer.close()

    path, stop = _serve_raw(serve)
    try:
        proxy = PreviewProxy(Upstream(upstream=path, run_id=1), report=records.append)
        with TestClient(proxy, timeout=5) as client:
            response = client.get("/")
        assert response.status == 502 and "not HTTP" in records.last("end")["error"]
    finally:
        stop()


def test_the_event_parser_is_incremental():
    parser = SSEParser()
    assert parser.feed("event: datastar-patch-elements\r\ndata: elements <p>") == []
    assert parser.feed("</p>\r") == []
    events = parser.feed("\n\r\n: comment\n\nid: 7\nretry: 100\ndata: hi\n\n")
    assert [tuple(e[:4]) for e in events] == [
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


def test_under_uvicorn_a_browser_leaving_an_sse_stream_reaches_the_child(upstream, records):
    """The real set-up: uvicorn serves the proxy; a browser reads two events, then closes the tab."""
    import socket
    import urllib.request

    FINISHED.clear()
    proxy = PreviewProxy(Upstream(upstream=upstream, run_id=1), report=records.append)
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
        while FINISHED != ["ticks"] or records[-1]["kind"] != "end":
            assert time.monotonic() < deadline, f"not cleaned up: {FINISHED}, {records[-1:]}"
            time.sleep(0.02)
        assert records[-1]["left"] is True and "error" not in records[-1]
        # A plain page on the same server still works afterwards.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3) as response:
            assert response.read() == b"<h1>Hello through the proxy</h1>" + PICK_TAG.encode()
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def test_leaving_before_the_headers_closes_the_upstream(client, proxy, records):
    """A handler that is slow to answer: the browser leaves first; the proxy gives up cleanly."""
    FINISHED.clear()

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
    slow = records.of(_request_id(records, "/slow"))
    assert [r["kind"] for r in slow] == ["request", "end"] and slow[-1]["left"] is True  # asked, never answered
    deadline = time.monotonic() + 3
    while client.get("/finished").json() != ["slow"]:
        assert time.monotonic() < deadline, "the slow handler was not told the browser left"
        time.sleep(0.02)


def test_head_gets_the_headers_and_no_body(client, records):
    response = client.head("/big")
    assert response.status == 200 and response.body == b""
    assert response.headers["content-length"] == "200000"
    request, end = records.last("request"), records.last("end")
    assert request["method"] == "HEAD" and request["intent"] == "Query" and end["bytes"] == 0


# -- an app that compresses: the browser gets the compressed bytes, the inspector reads them ----------------


async def long_page(c):
    return "<ul>" + "".join(f"<li>item {i}</li>" for i in range(300)) + "</ul>"


@pytest.fixture(scope="module")
def compressing_upstream(tmp_path_factory):
    yield from _uvicorn_on_a_socket(Stario(Query("/ticks", ticks), Query("/long", long_page), compression=True), tmp_path_factory)


def test_a_compressed_stream_passes_on_compressed_and_is_reported_decoded(compressing_upstream, records):
    proxy = PreviewProxy(Upstream(upstream=compressing_upstream, run_id=1), report=records.append)
    with TestClient(proxy, base_url="http://127.0.0.1:9999", follow_redirects=False, timeout=5) as client:
        with client.stream("GET", "/ticks", headers={"accept-encoding": "gzip"}) as events:
            assert events.headers["content-encoding"] == "gzip"
            assert next(events).elements == "<p id='n'>1</p>"  # decoded by the test client, as by a browser
            assert next(events).elements == "<p id='n'>2</p>"
        page = client.get("/long", headers={"accept-encoding": "gzip"})
        assert page.headers["content-encoding"] == "gzip" and page.text.startswith("<ul><li>item 0</li>")
        assert len(page.raw_body) < len(page.body)
    reported = [r for r in records if r["kind"] == "event"]
    assert [r["elements"] for r in reported[:2]] == ["<p id='n'>1</p>", "<p id='n'>2</p>"]


def test_an_html_page_gets_the_pick_script_and_nothing_else_does(client, records):
    page = client.get("/")
    assert page.text.endswith(f'<script src="{PICK_SCRIPT_PATH}"></script>') and "content-length" not in page.headers
    assert PICK_SCRIPT_PATH not in client.get("/big").text  # text/plain
    assert PICK_SCRIPT_PATH not in client.get("/two").text  # a stream
    assert PICK_SCRIPT_PATH not in client.post("/echo", content="x").text
    script = client.get(PICK_SCRIPT_PATH)
    assert script.status == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "altKey" in script.text and "postMessage" in script.text
    assert not any(r.get("path") == PICK_SCRIPT_PATH for r in records)  # the playground's own: not reported
