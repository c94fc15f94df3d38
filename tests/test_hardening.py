"""Bad input and misuse, each answered the safe way (from a review of the core)."""

from __future__ import annotations

import asyncio
import time

import pytest

from stario import Command, Query, Stario
from stario.cookies import parse_cookie_header
from stario.routing import Router
from stario.testing import TestClient


# -- cookies ----------------------------------------------------------------------------------


def test_one_odd_cookie_does_not_drop_the_others():
    header = 'flag; prefs={"theme":"dark"}; greeting=hello world; path=/x; session=abc; quoted="a b"'
    assert parse_cookie_header(header) == {
        "prefs": '{"theme":"dark"}',
        "greeting": "hello world",
        "path": "/x",
        "session": "abc",
        "quoted": "a b",
    }


def test_cookie_parsing_stays_linear_on_hostile_headers():
    hostile = 'a="' + "\\" * 200_000 + '"; session=abc'
    started = time.perf_counter()
    assert parse_cookie_header(hostile)["session"] == "abc"
    # Not a timing test of speed, a guard against the quadratic parser: it took minutes.
    assert time.perf_counter() - started < 5


def test_hardened_cookies_are_set_and_deleted_with_secure():
    async def login(c, w):
        w.cookie("__Host-session", "s", secure=True)

    async def logout(c, w):
        w.delete_cookie("__Host-session")

    with TestClient(Stario(Command("/login", login), Command("/logout", logout))) as client:
        assert "Secure" in client.post("/login").headers["set-cookie"]
        deleted = client.post("/logout").headers["set-cookie"]
        assert "Secure" in deleted and "Max-Age=0" in deleted


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"name": "__Secure-x"}, "secure=True"),
        ({"name": "__Host-x", "secure": True, "path": "/app"}, "path='/'"),
        ({"name": "x", "path": "/; Domain=evil.example"}, "must not contain ';'"),
        ({"name": "x", "domain": "a.example\r\nX: y"}, "control characters"),
    ],
)
def test_cookie_attributes_are_checked(kwargs, problem):
    from stario.writer import Writer

    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=problem):
        Writer(None).cookie(name, "v", **kwargs)  # type: ignore[arg-type]


def test_test_client_sends_cookies_back_as_they_were_set():
    async def set_it(c, w):
        w.cookie("greeting", "hello world")

    async def read_it(c, w):
        w.text(c.cookies.get("greeting", "none"))

    with TestClient(Stario(Command("/set", set_it), Query("/read", read_it))) as client:
        client.post("/set")
        assert client.get("/read").text == "hello world"


# -- responses --------------------------------------------------------------------------------


def test_a_status_without_a_body_is_kept():
    async def accepted(c, w):
        w.status = 202
        w.header("Location", "/jobs/1")

    with TestClient(Stario(Command("/jobs", accepted))) as client:
        response = client.post("/jobs", follow_redirects=False)
        assert response.status == 202 and response.headers["location"] == "/jobs/1"


def test_non_ascii_redirects_are_percent_encoded():
    async def go(c, w):
        w.redirect("/users/日本?q=zoë")

    with TestClient(Stario(Command("/go", go))) as client:
        response = client.post("/go", follow_redirects=False)
        assert response.headers["location"] == "/users/%E6%97%A5%E6%9C%AC?q=zo%C3%AB"


@pytest.mark.parametrize("value", ["text/html\r\nX-Evil: 1", "text/html\x00", "日本"])
def test_header_values_with_control_or_non_latin1_characters_are_refused(value):
    async def bad(c, w):
        w.raw(b"x", value)

    with TestClient(Stario(Query("/", bad))) as client:
        response = client.get("/")
        assert response.status == 500
        assert "x-evil" not in response.headers


def test_headers_after_the_stream_started_are_refused(caplog):
    async def late(c, w):
        async with w.sse() as sse:
            await sse.patch_signals({"a": 1})
            w.header("X-Late", "1")

    with TestClient(Stario(Query("/", late))) as client:
        client.get("/")
    assert "comes too late" in caplog.text


# -- streams ----------------------------------------------------------------------------------


def test_head_on_an_explicit_stream_ends_at_once():
    ran = []

    async def clock(c, w):
        try:
            async with w.sse() as sse:
                while True:
                    await sse.patch_signals({"tick": 1})
                    await asyncio.sleep(0.01)
        finally:
            ran.append("finally")

    with TestClient(Stario(Query("/clock", clock)), timeout=3) as client:
        response = client.head("/clock")
        assert response.status == 200 and response.body == b""
    assert ran == ["finally"]


def test_a_stream_opened_in_a_child_task_still_ends_when_the_client_leaves():
    finished = []

    async def handler(c, w):
        sse = w.sse()

        async def ticker():
            while True:
                await sse.patch_signals({"tick": 1})
                await asyncio.sleep(0.01)

        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(ticker())
        finally:
            finished.append(True)

    with TestClient(Stario(Query("/t", handler)), timeout=3) as client:
        with client.stream("GET", "/t") as events:
            next(events)
    assert finished == [True]


def test_a_loop_that_swallows_cancellation_still_stops_at_its_next_write():
    finished = []

    async def stubborn(c, w):
        try:
            async with w.sse() as sse:
                while True:
                    try:
                        await asyncio.sleep(0.01)
                    except asyncio.CancelledError:
                        pass  # a careless handler
                    await sse.patch_signals({"tick": 1})
        finally:
            finished.append(True)

    with TestClient(Stario(Query("/s", stubborn)), timeout=3) as client:
        with client.stream("GET", "/s") as events:
            next(events)
    assert finished == [True]


def test_test_client_decodes_utf8_split_across_chunks():
    async def chunks(c, w):
        async with w.sse() as sse:
            text = 'event: datastar-patch-elements\ndata: elements <p id="x">日本</p>\n\n'.encode()
            cut = text.index("日".encode()) + 1
            for piece in (text[:cut], text[cut:]):
                await w.exchange.send({"type": "http.response.body", "body": piece, "more_body": True})

    with TestClient(Stario(Query("/", chunks))) as client:
        with client.stream("GET", "/") as events:
            assert next(events).elements == '<p id="x">日本</p>'


# -- routing and forms ---------------------------------------------------------------------------


def test_links_cannot_leave_the_site_or_climb():
    from stario import Query as Q

    async def h(c): ...

    with pytest.raises(ValueError, match="cannot be"):
        Q("/users/{id}", h).href(id="..")
    with pytest.raises(ValueError, match="cannot be"):
        Q("/files/{path...}", h).href(path="a/../../etc")
    assert Q("/{slug...}", h).href(slug="/evil.example/x") == "/%2Fevil.example/x"


def test_paths_that_are_not_utf8_are_400():
    async def h(c):
        return c.params["name"]

    with TestClient(Stario(Query("/files/{name}", h))) as client:
        assert client.get("/files/%FF").status == 400
        assert client.get("/files/%C3%A9").text == "é"


def test_truncated_multipart_is_400():
    async def upload(c, w):
        await c.form()

    body = b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\npartial'
    with TestClient(Stario(Command("/u", upload))) as client:
        response = client.post("/u", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
        assert response.status == 400 and "cut short" in response.text


def test_router_prefers_the_static_route_and_answers_405_for_its_other_methods():
    """Intended: a static match decides the path; POST /users/me is not sent to /users/{id}."""
    async def h(c): ...

    router = Router()
    router.add(Query("/users/me", h))
    router.add(Command("/users/{id}", h))
    routes, _ = router.match("/users/me")
    assert sorted(routes) == ["GET", "HEAD"]


def test_cookie_values_of_any_text_come_back_intact():
    async def set_it(c, w):
        w.cookie("name", "Zoë Ada; 100%")

    async def read_it(c, w):
        w.text(c.cookies["name"])

    with TestClient(Stario(Command("/set", set_it), Query("/read", read_it))) as client:
        assert "name=Zo%C3%AB%20Ada%3B%20100%25" in client.post("/set").headers["set-cookie"]
        assert client.get("/read").text == "Zoë Ada; 100%"


def test_url_for_accepts_a_parameter_called_name():
    async def show(c): ...

    app = Stario(Query("/people/{name}", show))
    assert app.url_for("show", name="ann") == "/people/ann"


def test_middleware_added_to_a_mounted_app_later_still_runs():
    from stario import HTTPError

    async def secret(c):
        return "secret"

    def deny(next_handler):
        async def handler(c, w):
            raise HTTPError(403, "no")

        return handler

    admin = Stario(Query("/", secret))
    app = Stario()
    app.mount("/admin", admin)
    admin.use(deny)
    with TestClient(app) as client:
        assert client.get("/admin/").status == 403
