"""Bad input and misuse, each answered the safe way (from a review of the core)."""

from __future__ import annotations

import asyncio
import time

import pytest

from stario import Command, HTTPError, Query, Stario
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
                await c.send({"type": "http.response.body", "body": piece, "more_body": True})

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


# -- hostile input found by an attack (issue 13): each a 400 naming the problem, no traceback ----------


def _no_traceback_logged(caplog) -> None:
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged for a client's bad input"


async def _echo_json(c, w):
    w.json(await c.json())


async def _echo_signals(c, w):
    w.json(await c.signals())


def test_deeply_nested_json_body_is_400(caplog):
    with TestClient(Stario(Command("/j", _echo_json))) as client:
        response = client.post("/j", content="[" * 1000 + "]" * 1000, headers={"content-type": "application/json"})
    assert response.status == 400 and "nested too deeply" in response.text
    _no_traceback_logged(caplog)


def test_deeply_nested_signals_in_the_query_string_are_400(caplog):
    with TestClient(Stario(Query("/s", _echo_signals))) as client:
        response = client.get("/s", params={"datastar": '{"a":' + "[" * 3000 + "]" * 3000 + "}"})
    assert response.status == 400 and "nested too deeply" in response.text
    _no_traceback_logged(caplog)


def test_huge_integers_in_json_are_400(caplog):
    with TestClient(Stario(Command("/j", _echo_json), Command("/s", _echo_signals))) as client:
        body = '{"n": ' + "9" * 5000 + "}"
        as_json = client.post("/j", content=body, headers={"content-type": "application/json"})
        as_signals = client.post("/s", content=body, headers={"content-type": "application/json"})
    for response in (as_json, as_signals):
        assert response.status == 400 and "digits" in response.text
    _no_traceback_logged(caplog)


def test_an_overlong_multipart_boundary_is_400(caplog):
    async def upload(c, w):
        w.json(dict(await c.form()))

    boundary = "b" * 300
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--{boundary}--\r\n'
    with TestClient(Stario(Command("/u", upload))) as client:
        response = client.post("/u", content=body, headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status == 400 and "boundary" in response.text
    _no_traceback_logged(caplog)


@pytest.mark.parametrize("name", ["X-A\r\nX-Evil", "X-A\nB", "X-\x00", "X-\x7f", "X-\x01"])
def test_header_names_with_control_characters_are_refused(name):
    from stario.writer import Writer

    with pytest.raises(ValueError, match="not a valid header name"):
        Writer(None).header(name, "v")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["Content-Length", "content-length", "Transfer-Encoding", "TRANSFER-ENCODING"])
def test_framing_headers_set_by_hand_are_refused(name):
    from stario.writer import Writer

    with pytest.raises(ValueError, match="set by the server"):
        Writer(None).header(name, "5")  # type: ignore[arg-type]


# -- redirects to a target the user chose ---------------------------------------------------------


def _next_app(**options):
    async def login(c, w):
        w.redirect(c.query.get("next", "/"), safe=True, **options)

    return Stario(Command("/login", login))


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "data:text/html,x", "http:evil.example"]
)
def test_a_safe_redirect_refuses_other_sites_with_400(target, caplog):
    with TestClient(_next_app(), follow_redirects=False) as client:
        response = client.post("/login", params={"next": target})
    assert response.status == 400 and "redirect" in response.text
    assert "location" not in response.headers
    _no_traceback_logged(caplog)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "javascript:alert(1)"])
def test_a_safe_redirect_goes_to_the_fallback_when_given_one(target):
    with TestClient(_next_app(fallback="/home"), follow_redirects=False) as client:
        response = client.post("/login", params={"next": target})
    assert response.status == 303 and response.headers["location"] == "/home"


@pytest.mark.parametrize("target", ["/polls/3?tab=votes", "/", "http://testserver/inside"])
def test_a_safe_redirect_follows_targets_on_this_site(target):
    with TestClient(_next_app(), follow_redirects=False) as client:
        response = client.post("/login", params={"next": target})
    assert response.status == 303 and response.headers["location"] == target


def test_a_safe_redirect_may_allow_named_hosts():
    with TestClient(_next_app(allowed_hosts=["accounts.example"]), follow_redirects=False) as client:
        allowed = client.post("/login", params={"next": "https://accounts.example/done"})
        refused = client.post("/login", params={"next": "https://evil.example/done"})
    assert allowed.status == 303 and allowed.headers["location"] == "https://accounts.example/done"
    assert refused.status == 400


# -- forms Datastar sends on GET, mounts, error hooks, the test client ----------------------------------


def test_form_on_a_get_with_a_form_content_type_and_no_body_reads_the_query_string():
    async def search(c, w):
        w.json(dict(await c.form()))

    async def remove(c, w):
        w.json(dict(await c.form()))

    app = Stario(Query("/search", search), Command("/items", remove, method="DELETE"))
    form = {"content-type": "application/x-www-form-urlencoded"}
    with TestClient(app) as client:
        assert client.get("/search?q=owl&page=2", headers=form).json() == {"q": "owl", "page": "2"}
        assert client.delete("/items?id=7", headers=form).json() == {"id": "7"}


def test_a_mounted_apps_root_answers_at_the_prefix_without_a_slash():
    async def dashboard(c):
        return "admin home"

    admin = Stario(Query("/", dashboard))
    app = Stario()
    app.mount("/admin", admin)
    with TestClient(app) as client:
        assert client.get("/admin").text == "admin home"
        assert client.get("/admin/").text == "admin home"


def test_an_error_hook_keeps_the_errors_headers():
    async def only_get(c):
        return "x"

    async def styled(c, w, exc):
        w.html(f"<p>{exc.status}</p>")

    async def own_allow(c, w, exc):
        w.header("Allow", "GET, HEAD, OPTIONS")
        w.html("<p>mine</p>")

    app = Stario(Command("/thing", only_get, method="PUT"))
    app.on_error(HTTPError, styled)
    with TestClient(app) as client:
        response = client.post("/thing")
    assert response.status == 405 and response.headers["allow"] == "PUT"

    app = Stario(Command("/thing", only_get, method="PUT"))
    app.on_error(HTTPError, own_allow)
    with TestClient(app) as client:
        response = client.post("/thing")
    assert response.headers.getall("allow") == ["GET, HEAD, OPTIONS"]


def test_test_client_data_may_be_a_list_of_pairs():
    async def tags(c, w):
        form = await c.form()
        w.json(form.getall("tag"))

    with TestClient(Stario(Command("/tags", tags))) as client:
        assert client.post("/tags", data=[("tag", "a"), ("tag", "b")]).json() == ["a", "b"]
