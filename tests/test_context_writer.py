"""Context (reading the request) and Writer (writing the response)."""

from __future__ import annotations

import json

import pytest

from stario import Command, Query, Stario
from stario.testing import TestClient


async def echo(c, w):
    w.json(
        {
            "method": c.method,
            "path": c.path,
            "query": c.query.multi_items(),
            "agent": c.headers.get("User-Agent"),
            "cookies": c.cookies,
            "datastar": c.is_datastar,
        }
    )


def test_query_headers_and_cookies():
    with TestClient(Stario(Query("/echo", echo))) as client:
        data = client.get(
            "/echo?tag=a&tag=b&empty=", headers={"User-Agent": "pytest"}, cookies={"session": "abc"}
        ).json()
        assert data["query"] == [["tag", "a"], ["tag", "b"], ["empty", ""]]
        assert data["agent"] == "pytest"
        assert data["cookies"] == {"session": "abc"}
        assert data["datastar"] is False


async def read_json(c, w):
    w.json({"got": await c.json()})


async def read_body(c, w):
    w.text(str(len(await c.body())))


def test_json_body_and_malformed_json_is_400_naming_the_problem():
    app = Stario(Command("/json", read_json))
    with TestClient(app) as client:
        assert client.post("/json", json={"a": [1, 2]}).json() == {"got": {"a": [1, 2]}}
        bad = client.post("/json", content=b'{"a": ', headers={"content-type": "application/json"})
        assert bad.status == 400
        assert "not valid JSON" in bad.text and "line 1" in bad.text
        empty = client.post("/json")
        assert empty.status == 400 and "empty" in empty.text


def test_body_over_the_limit_is_413_from_content_length():
    app = Stario(Command("/upload", read_body), max_body_size=1000)
    with TestClient(app) as client:
        assert client.post("/upload", content=b"x" * 1000).text == "1000"
        response = client.post("/upload", content=b"x" * 1001)
        assert response.status == 413
        assert "limit" in response.text


def test_body_over_the_limit_is_413_without_reading_the_rest():
    """No Content-Length (a chunked upload): the app stops at the first chunk past the limit."""
    import asyncio

    app = Stario(Command("/upload", read_body), max_body_size=100)
    chunks_read = []
    messages = []

    async def run():
        chunks = [b"x" * 60] * 10

        async def receive():
            chunks_read.append(1)
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

        async def send(message):
            messages.append(message)

        scope = {
            "type": "http", "method": "POST", "path": "/upload", "raw_path": b"/upload",
            "query_string": b"", "headers": [(b"host", b"testserver")],
        }
        await app(scope, receive, send)

    asyncio.run(run())
    assert messages[0]["status"] == 413
    assert len(chunks_read) == 2, "it should stop reading once the limit is passed"


def test_urlencoded_and_multipart_forms():
    async def form(c, w):
        data = await c.form()
        upload = data.get("file")
        w.json(
            {
                "name": data["name"],
                "tags": data.getall("tag"),
                "file": None if upload is None else [upload.filename, upload.content_type, upload.data.decode()],
            }
        )

    with TestClient(Stario(Command("/form", form))) as client:
        plain = client.post("/form", data={"name": "Ann & Bob", "tag": ["x", "y"]}).json()
        assert plain == {"name": "Ann & Bob", "tags": ["x", "y"], "file": None}
        multi = client.post(
            "/form", data={"name": "Zoë"}, files={"file": ("notes.txt", b"line1\r\nline2", "text/plain")}
        ).json()
        assert multi == {"name": "Zoë", "tags": [], "file": ["notes.txt", "text/plain", "line1\r\nline2"]}
        wrong = client.post("/form", content=b"{}", headers={"content-type": "application/json"})
        assert wrong.status == 415


def test_signals_from_query_for_get_and_delete_and_from_body_otherwise():
    async def read(c, w):
        w.json(await c.signals())

    app = Stario(Query("/s", read), Command("/s", read), Command("/s", read, method="DELETE"))
    with TestClient(app) as client:
        signals = {"query": "a b", "page": 1, "nested": {"x": [1, 2]}}
        for method in ("GET", "POST", "DELETE"):
            assert client.request(method, "/s", signals=signals).json() == signals, method
        # GET carries them form-encoded in ?datastar= (space as +), as the browser client does
        assert client.get("/s?datastar=%7B%22q%22%3A%22a+b%22%7D").json() == {"q": "a b"}
        assert client.get("/s").json() == {}


@pytest.mark.parametrize(
    "method, kwargs, problem",
    [
        ("GET", {"params": {"datastar": "{nope"}}, "not valid JSON"),
        ("GET", {"params": {"datastar": "[1, 2]"}}, "must be a JSON object"),
        ("POST", {"content": b"{nope", "headers": {"content-type": "application/json"}}, "not valid JSON"),
    ],
)
def test_malformed_signals_are_400_naming_the_problem(method, kwargs, problem):
    async def read(c, w):
        w.json(await c.signals())

    with TestClient(Stario(Query("/s", read), Command("/s", read))) as client:
        response = client.request(method, "/s", **kwargs)
        assert response.status == 400
        assert problem in response.text


# -- Writer -------------------------------------------------------------------------------------


def test_cookies_default_to_httponly_samesite_lax_and_round_trip():
    async def login(c, w):
        w.cookie("session", "s1")
        w.text("ok")

    async def whoami(c, w):
        w.text(c.cookies.get("session", "nobody"))

    async def logout(c, w):
        w.delete_cookie("session")

    app = Stario(Command("/login", login), Query("/me", whoami), Command("/logout", logout))
    with TestClient(app) as client:
        header = client.post("/login").headers["set-cookie"]
        assert "session=s1" in header and "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
        assert client.get("/me").text == "s1"
        client.post("/logout")
        assert client.get("/me").text == "nobody"


def test_samesite_none_requires_secure():
    async def bad(c, w):
        w.cookie("x", "1", samesite="none")

    with TestClient(Stario(Command("/x", bad))) as client:
        assert client.post("/x").status == 500


def test_redirect_is_303_and_followed():
    async def create(c, w):
        w.redirect("/done")

    async def done():
        return "done!"

    with TestClient(Stario(Command("/create", create), Query("/done", done))) as client:
        response = client.post("/create")
        assert response.text == "done!"
        assert [r.status for r in response.history] == [303]
        direct = client.post("/create", follow_redirects=False)
        assert (direct.status, direct.headers["location"]) == (303, "/done")


@pytest.mark.parametrize(
    "target",
    ["javascript:alert(1)", "data:text/html,hi", "//evil.example/x", "/\\evil.example", "/ok\r\nSet-Cookie: a=b", ""],
)
def test_redirect_refuses_unsafe_targets(target):
    from stario.urls import check_redirect_target

    with pytest.raises(ValueError):
        check_redirect_target(target)


@pytest.mark.parametrize("target", ["/users/3", "../up", "?page=2", "https://example.com/a", "http://example.com"])
def test_redirect_allows_paths_and_http_urls(target):
    from stario.urls import check_redirect_target

    assert check_redirect_target(target) == target


def test_header_injection_is_refused():
    async def inject(c, w):
        w.header("X-A", "1\r\nSet-Cookie: evil=1")

    with TestClient(Stario(Query("/", inject))) as client:
        response = client.get("/")
        assert response.status == 500
        assert "set-cookie" not in response.headers


def test_writing_twice_is_an_error_with_a_clear_message(caplog):
    async def twice(c, w):
        w.text("a")
        w.text("b")

    with TestClient(Stario(Query("/", twice))) as client:
        assert client.get("/").status == 500
    assert "already written" in caplog.text


def test_raw_bytes_and_text_and_json_content_types():
    async def image(c, w):
        w.raw(b"\x89PNG", "image/png")

    async def plain(c, w):
        w.text("héllo")

    async def data(c, w):
        w.json({"ü": 1})

    app = Stario(Query("/i", image), Query("/t", plain), Query("/j", data))
    with TestClient(app) as client:
        assert client.get("/i").headers["content-type"] == "image/png"
        assert client.get("/t").headers["content-type"] == "text/plain; charset=utf-8"
        response = client.get("/j")
        assert response.headers["content-type"] == "application/json"
        assert json.loads(response.body) == {"ü": 1}


# -- c.locals: values for one request ----------------------------------------------------------


def test_locals_carry_a_value_from_middleware_to_the_handler_and_start_empty():
    from stario import Stario

    def who(next):
        async def handler(c, w):
            if c.query.get("as"):
                c.locals.user = c.query["as"]
            await next(c, w)

        return handler

    async def hello(c, w):
        w.text(f"hello {c.locals.get('user', 'stranger')}")

    app = Stario(Query("/", hello))
    app.use(who)
    with TestClient(app) as client:
        assert client.get("/?as=ada").text == "hello ada"
        assert client.get("/").text == "hello stranger"  # nothing left from the last request


def test_setting_an_unknown_attribute_on_the_context_points_to_locals(caplog):
    from stario import Stario

    async def careless(c, w):
        c.user = "ada"

    async def reader(c, w):
        w.text(c.user)

    with TestClient(Stario(Query("/set", careless), Query("/get", reader))) as client:
        assert client.get("/set").status == 500
        assert "c.locals.user = ..." in caplog.text
        caplog.clear()
        assert client.get("/get").status == 500
        assert "c.locals.user = ..." in caplog.text


def test_a_missing_local_says_nothing_set_it():
    from stario.datastructures import Locals

    with pytest.raises(AttributeError, match="nothing set it"):
        Locals().user


@pytest.mark.parametrize("size", [0, 1, 9, 10, 2047, 2048, 2049, 100_000])
def test_content_length_is_the_body_size_on_both_sides_of_the_small_size_table(size):
    # Small sizes come from a table made once; larger ones are formatted. Both must say the size.
    async def sized(c, w):
        w.text("x" * size)

    with TestClient(Stario(Query("/", sized))) as client:
        response = client.get("/")
    assert response.headers["content-length"] == str(size)
    assert len(response.raw_body) == size


def _context_for(method: str, sent: list):
    from stario.context import Context
    from stario.telemetry import NON_RECORDING_SPAN

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/", "raw_path": b"/", "query_string": b"", "headers": []}
    return Context(Stario(), scope, receive, send, NON_RECORDING_SPAN)


def test_take_whole_response_is_the_two_asgi_messages_once_and_finish_then_sends_nothing():
    import asyncio

    from stario.writer import Writer

    sent: list = []
    w = Writer(_context_for("GET", sent))
    w.text("Hello, world!", status=201)
    start, body = w.take_whole_response()
    assert start == {
        "type": "http.response.start",
        "status": 201,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"13")],
    }
    assert body == {"type": "http.response.body", "body": b"Hello, world!"}
    assert w.headers_sent and w.bytes_sent == 13
    assert w.take_whole_response() is None, "a response goes out once"
    asyncio.run(w.finish())
    assert sent == [], "finish sends nothing for a response already handed over"


def test_take_whole_response_is_none_for_a_stream_or_a_body_in_pieces_which_finish_sends():
    import asyncio

    from stario.writer import Writer

    async def pieces():
        yield b"ab"
        yield b"c"

    sent: list = []
    w = Writer(_context_for("GET", sent))
    w.body_from(pieces(), "text/plain", length=3)
    assert w.take_whole_response() is None
    asyncio.run(w.finish())
    assert [m.get("body") for m in sent] == [None, b"ab", b"c", b""]

    empty = Writer(_context_for("HEAD", []))
    empty.html("<p>not sent to a HEAD</p>")
    start, body = empty.take_whole_response()
    assert dict(start["headers"])[b"content-length"] == b"25" and body["body"] == b""

    async def stream() -> list:
        streamed: list = []
        w = Writer(_context_for("GET", streamed))
        w.sse()
        assert w.take_whole_response() is None
        await w.finish()
        return streamed

    streamed = asyncio.run(stream())
    assert streamed[0]["type"] == "http.response.start" and streamed[-1] == {"type": "http.response.body", "body": b"", "more_body": False}


def test_the_locals_hint_names_the_attribute_in_every_python_wording(caplog):
    from stario import Stario

    # What Python 3.13 says when a slotted object refuses a new attribute (3.11 stops at the name).
    wording = "'Context' object has no attribute 'user' and no __dict__ for setting new attributes"

    async def careless(c, w):
        raise AttributeError(wording)

    with TestClient(Stario(Query("/", careless))) as client:
        assert client.get("/").status == 500
    assert "c.locals.user = ..." in caplog.text
    assert "no __dict__" not in caplog.text
