"""The application: handler forms, bootstrap and teardown, mount, middleware, errors, Commands' origin check."""

from __future__ import annotations

import asyncio

import pytest

from stario import Command, Context, HTTPError, Query, Span, Stario, Writer
from stario.html import p
from stario.testing import TestClient


# -- the three handler forms ---------------------------------------------------------------------


def test_explicit_handler_writes_with_the_writer():
    async def show(c: Context, w: Writer) -> None:
        w.status = 201
        w.header("X-Thing", "1").json({"id": c.params["id"]})

    with TestClient(Stario(Command("/things/{id}", show))) as client:
        response = client.post("/things/5")
        assert response.status == 201
        assert response.headers["x-thing"] == "1"
        assert response.json() == {"id": "5"}


def test_returning_handlers_with_and_without_context():
    async def bare():
        return "<h1>hi</h1>"

    async def with_context(c):
        return p(f"you asked for {c.query.get('q', '')}")

    async def nothing(c):
        return None

    app = Stario(Query("/", bare), Query("/search", with_context), Command("/noop", nothing))
    with TestClient(app) as client:
        home = client.get("/")
        assert (home.status, home.content_type, home.text) == (200, "text/html; charset=utf-8", "<h1>hi</h1>")
        assert client.get("/search?q=<b>").text == "<p>you asked for &lt;b&gt;</p>"
        empty = client.post("/noop")
        assert empty.status == 204 and empty.body == b""


def test_explicit_handler_that_writes_nothing_answers_204():
    async def quiet(c, w):
        pass

    with TestClient(Stario(Command("/q", quiet))) as client:
        assert client.post("/q").status == 204


def test_plain_functions_and_bad_signatures_are_refused_at_registration():
    def sync_handler(c, w):
        pass

    with pytest.raises(TypeError, match="async def"):
        Stario(Query("/", sync_handler))

    async def too_many(a, b, c):
        pass

    with pytest.raises(TypeError, match="takes 3 parameters"):
        Stario(Query("/", too_many))


def test_returning_an_unsupported_value_is_a_500_with_a_clear_log(caplog):
    async def bad():
        return 42

    with TestClient(Stario(Query("/", bad))) as client:
        assert client.get("/").status == 500
    assert "a handler returned int" in caplog.text


def test_generator_handler_streams_html_signals_and_events():
    from stario.datastar import PatchElements

    async def feed(c):
        yield "<div id='a'>1</div>"
        yield {"count": 2}
        yield PatchElements("<li>x</li>", selector="#list", mode="append")

    with TestClient(Stario(Query("/feed", feed))) as client:
        response = client.get("/feed")
        assert response.headers["content-type"] == "text/event-stream"
        assert response.headers["cache-control"] == "no-cache"
        kinds = [(e.type, e.mode, e.selector) for e in response.events]
        assert kinds == [
            ("datastar-patch-elements", "outer", None),
            ("datastar-patch-signals", "outer", None),
            ("datastar-patch-elements", "append", "#list"),
        ]
        assert response.events[1].signals == {"count": 2}


def test_disconnect_closes_the_generator_and_runs_its_finally():
    finished = []

    async def ticks(c):
        try:
            n = 0
            while True:
                n += 1
                yield f"<p id='n'>{n}</p>"
                await asyncio.sleep(0.01)
        finally:
            finished.append(c.disconnected)

    with TestClient(Stario(Query("/ticks", ticks))) as client:
        with client.stream("GET", "/ticks") as events:
            assert next(events).elements == "<p id='n'>1</p>"
            assert next(events).elements == "<p id='n'>2</p>"
        # leaving the block disconnected and waited for the handler to end
        assert finished == [True]
        assert [t for t in asyncio.all_tasks(client._loop) if "sse.watch" in t.get_name()] == []


def test_disconnect_cancels_an_explicit_stream_loop():
    cleaned = []

    async def clock(c, w):
        try:
            async with w.sse() as sse:
                while True:
                    await sse.patch_signals({"tick": True})
                    await asyncio.sleep(0.01)
        finally:
            cleaned.append("done")

    with TestClient(Stario(Query("/clock", clock))) as client:
        with client.stream("GET", "/clock") as events:
            assert next(events).signals == {"tick": True}
        assert cleaned == ["done"]


def test_idle_stream_sends_heartbeat_comments():
    async def idle(c, w):
        async with w.sse(heartbeat=0.05) as sse:
            await asyncio.sleep(0.2)
            await sse.patch_signals({"done": True})

    with TestClient(Stario(Query("/idle", idle))) as client:
        response = client.get("/idle")
        assert b": ping\n\n" in response.body
        assert response.events[-1].signals == {"done": True}


def test_head_on_a_stream_sends_its_head_and_stops_at_the_first_item():
    ran = []

    async def stream(c):
        ran.append("started")
        yield "<p id='x'>x</p>"
        ran.append("went on")

    async def missing(c):
        raise HTTPError(404, "no such feed")
        yield "never"

    with TestClient(Stario(Query("/s", stream), Query("/missing", missing))) as client:
        response = client.head("/s")
        assert response.status == 200
        assert response.headers["content-type"] == "text/event-stream"
        assert response.body == b""
        assert ran == ["started"], "HEAD runs the stream to its first item, for its status, and no further"
        assert client.head("/missing").status == 404, "HEAD answers what GET would"


# -- bootstrap, state, mount, middleware ----------------------------------------------------------


def test_bootstrap_runs_before_serving_and_teardown_after():
    log = []

    async def home(c):
        return f"<p>{c.state.greeting}</p>"

    async def bootstrap(app: Stario, span: Span):
        log.append(("start", span.name))
        app.state.greeting = "hello"
        app.query("/", home)
        yield
        log.append(("stop",))

    app = Stario(bootstrap=bootstrap)
    with TestClient(app) as client:
        assert log == [("start", "server.startup")]
        assert client.get("/").text == "<p>hello</p>"
    assert log == [("start", "server.startup"), ("stop",)]


def test_bootstrap_failure_fails_startup_with_its_message():
    async def bootstrap(app, span):
        raise RuntimeError("database unreachable")
        yield

    with pytest.raises(RuntimeError, match="database unreachable"):
        with TestClient(Stario(bootstrap=bootstrap)):
            pass


def test_missing_state_names_the_attribute():
    async def home(c):
        return c.state.db

    with pytest.raises(AttributeError, match="app.state has no 'db'"):
        Stario().state.db


def test_mount_prefixes_routes_and_keeps_their_middleware():
    calls = []

    def tag(name):
        def middleware(next_handler):
            async def wrapped(c, w):
                calls.append(name)
                await next_handler(c, w)

            return wrapped

        return middleware

    async def dashboard():
        return "<h1>admin</h1>"

    async def user(c):
        return f"user {c.params['id']}"

    admin = Stario(Query("/", dashboard), Query("/users/{id}", user))
    admin.use(tag("admin"))
    app = Stario()
    app.use(tag("outer"))
    app.mount("/admin", admin)
    with TestClient(app) as client:
        assert client.get("/admin/").text == "<h1>admin</h1>"
        assert client.get("/admin/users/4").text == "user 4"
        assert client.get("/users/4").status == 404
    assert calls == ["outer", "admin", "outer", "admin"]


def test_middleware_wraps_in_order_and_can_change_the_response():
    async def home(c, w):
        w.text("body")

    def first(next_handler):
        async def handler(c, w):
            await next_handler(c, w)
            w.header("X-Order", "first-out")

        return handler

    def second(next_handler):
        async def handler(c, w):
            w.header("X-Order", "second-in")
            await next_handler(c, w)

        return handler

    app = Stario(Query("/", home))
    app.use(first)
    app.use(second)
    with TestClient(app) as client:
        assert client.get("/").headers.getall("x-order") == ["second-in", "first-out"]


def test_decorator_registration():
    app = Stario()

    @app.query("/hello/{name}")
    async def hello(c):
        return f"hi {c.params['name']}"

    @app.command("/items", method="PUT")
    async def put_item(c, w):
        w.json(await c.json())

    with TestClient(app) as client:
        assert client.get("/hello/ann").text == "hi ann"
        assert client.put("/items", json={"a": 1}).json() == {"a": 1}
    assert hello.__name__ == "hello"


# -- errors ---------------------------------------------------------------------------------------


def test_http_error_answers_its_status_and_message():
    async def show(c):
        raise HTTPError(404, f"no user {c.params['id']}")

    with TestClient(Stario(Query("/users/{id}", show))) as client:
        response = client.get("/users/9")
        assert (response.status, response.text) == (404, "no user 9")


def test_unhandled_exception_is_500_without_traceback_unless_debug():
    async def boom():
        raise ValueError("secret detail")

    with TestClient(Stario(Query("/", boom))) as client:
        response = client.get("/")
        assert response.status == 500
        assert "secret detail" not in response.text and "Traceback" not in response.text
    with TestClient(Stario(Query("/", boom), debug=True)) as client:
        response = client.get("/")
        assert response.status == 500
        assert "ValueError" in response.text and "secret detail" in response.text and "Traceback" in response.text


def test_error_hooks_by_exception_type():
    class OutOfStock(Exception):
        pass

    async def buy():
        raise OutOfStock("none left")

    async def out_of_stock(c, w, exc):
        w.html(f"<p>Sorry: {exc}</p>", status=409)

    async def not_found(c, w, exc):
        return "<h1>Lost?</h1>"

    app = Stario(Command("/buy", buy))
    app.on_error(OutOfStock, out_of_stock)
    app.on_error(HTTPError, not_found)
    with TestClient(app) as client:
        response = client.post("/buy")
        assert (response.status, response.text) == (409, "<p>Sorry: none left</p>")
        lost = client.get("/nowhere")
        assert (lost.status, lost.text) == (404, "<h1>Lost?</h1>")


def test_failing_error_hook_falls_back_to_500():
    async def boom():
        raise KeyError("x")

    async def broken_hook(c, w, exc):
        raise RuntimeError("hook broke")

    app = Stario(Query("/", boom))
    app.on_error(KeyError, broken_hook)
    with TestClient(app) as client:
        assert client.get("/").status == 500


def test_exception_in_a_stream_ends_the_stream():
    async def stream(c):
        yield "<p id='a'>1</p>"
        raise RuntimeError("mid-stream")

    with TestClient(Stario(Query("/s", stream))) as client:
        response = client.get("/s")
        assert response.status == 200
        assert len(response.events) == 1


# -- Commands refuse cross-site requests ----------------------------------------------------------


async def change(c, w):
    w.text("changed")


@pytest.mark.parametrize(
    "headers, status",
    [
        ({}, 200),
        ({"sec-fetch-site": "same-origin"}, 200),
        ({"sec-fetch-site": "none"}, 200),
        ({"sec-fetch-site": "cross-site"}, 403),
        ({"sec-fetch-site": "same-site"}, 403),
        ({"origin": "http://testserver"}, 200),
        ({"origin": "http://evil.example"}, 403),
        ({"origin": "null"}, 403),
    ],
)
def test_commands_refuse_cross_site_requests(headers, status):
    with TestClient(Stario(Command("/change", change))) as client:
        assert client.post("/change", headers=headers).status == status


def test_a_command_can_opt_out_of_the_cross_site_check():
    app = Stario(Command("/webhook", change, cross_site=True))
    with TestClient(app) as client:
        assert client.post("/webhook", headers={"sec-fetch-site": "cross-site"}).status == 200


def test_mounted_commands_keep_their_cross_site_choice():
    admin = Stario(Command("/change", change), Command("/webhook", change, cross_site=True))
    app = Stario()
    app.mount("/admin", admin)
    cross_site = {"sec-fetch-site": "cross-site"}
    with TestClient(app) as client:
        assert client.post("/admin/change", headers=cross_site).status == 403
        assert client.post("/admin/change").status == 200
        assert client.post("/admin/webhook", headers=cross_site).status == 200


def test_queries_are_not_subject_to_the_origin_check():
    async def page():
        return "ok"

    with TestClient(Stario(Query("/", page))) as client:
        assert client.get("/", headers={"sec-fetch-site": "cross-site"}).status == 200


def test_websocket_scope_is_refused():
    app = Stario()
    sent = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app({"type": "websocket", "path": "/"}, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1000}]


def test_server_cancelling_a_stream_runs_finally_and_leaves_no_task():
    """A server shutting down cancels the request task: the generator closes, the watcher stops."""
    finished = []

    async def forever(c):
        try:
            while True:
                yield "<p id='x'>x</p>"
                await asyncio.sleep(0.01)
        finally:
            finished.append(True)

    app = Stario(Query("/forever", forever))

    async def run() -> list[asyncio.Task]:
        sent = []
        never = asyncio.Event()

        async def receive():
            if not sent:
                return {"type": "http.request", "body": b"", "more_body": False}
            await never.wait()

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/forever", "raw_path": b"/forever",
                 "query_string": b"", "headers": []}
        task = asyncio.create_task(app(scope, receive, send))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert asyncio.run(run()) == []
    assert finished == [True]


# -- routes stay values; a stream's head goes with its first item (issue 12) ----------------------


def test_one_route_added_to_two_apps_answers_through_each_apps_own_middleware():
    async def home():
        return "home"

    def tagging(tag):
        def middleware(next):
            async def handler(c, w):
                await next(c, w)
                w.header("X-App", tag)

            return handler

        return middleware

    shared = Query("/", home)
    first, second = Stario(shared), Stario(shared)
    first.use(tagging("first"))
    second.use(tagging("second"))
    with TestClient(first) as one, TestClient(second) as two:
        assert one.get("/").headers["x-app"] == "first"
        assert two.get("/").headers["x-app"] == "second"
    assert not hasattr(shared, "endpoint") and not hasattr(shared, "base"), "a route keeps nothing an app made of it"


def test_routes_and_middleware_are_fixed_once_the_app_serves():
    async def home():
        return "home"

    admin = Stario(Query("/log", home))
    app = Stario(Query("/", home))
    app.mount("/admin", admin)
    with TestClient(app) as client:
        assert client.get("/admin/log").text == "home"
        with pytest.raises(RuntimeError, match="already serving"):
            app.use(lambda next: next)
        with pytest.raises(RuntimeError, match="already serving"):
            app.query("/late", home)
        with pytest.raises(RuntimeError, match="already serving"):
            admin.use(lambda next: next)  # the mounted app's routes are served, fixed, by the parent


def test_an_app_used_without_lifespan_is_built_by_its_first_request():
    async def home():
        return "home"

    app = Stario(Query("/", home))
    app.use(lambda next: next)
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"", "headers": []}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"home"
    with pytest.raises(RuntimeError, match="already serving"):
        app.use(lambda next: next)


def test_a_stream_that_fails_before_its_first_item_answers_with_its_own_status():
    async def missing(c):
        raise HTTPError(404, f"no feed {c.params['name']}")
        yield "never"

    async def login_first(c, w):
        w.redirect("/login")
        return
        yield "never"

    async def nothing(c):
        return
        yield "never"

    app = Stario(Query("/feeds/{name}", missing), Query("/private", login_first), Query("/nothing", nothing))
    with TestClient(app, follow_redirects=False) as client:
        response = client.get("/feeds/nope")
        assert (response.status, response.text) == (404, "no feed nope")
        redirected = client.get("/private")
        assert redirected.status == 303 and redirected.headers["location"] == "/login"
        assert client.get("/nothing").status == 204


def test_a_stream_slow_to_its_first_item_opens_after_the_grace_period():
    from stario.handlers import STREAM_GRACE

    release = asyncio.Event()

    async def slow(c):
        await release.wait()  # set only once the head has gone out
        yield "<p id='late'>late</p>"

    app = Stario(Query("/slow", slow))
    messages: list = []

    async def run():
        await app.startup()
        loop = asyncio.get_running_loop()
        start = loop.time()
        body_sent = False

        async def receive():
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)  # the client stays

        async def send(message):
            messages.append((message["type"], loop.time() - start))
            if message["type"] == "http.response.start":
                release.set()

        scope = {"type": "http", "method": "GET", "path": "/slow", "raw_path": b"/slow", "query_string": b"", "headers": []}
        await asyncio.wait_for(app(scope, receive, send), 5)

    asyncio.run(run())
    head = next(at for kind, at in messages if kind == "http.response.start")
    assert head >= STREAM_GRACE * 0.9, "the head waited for the grace period, then went out unasked"
    assert [kind for kind, _ in messages][:2] == ["http.response.start", "http.response.body"]


def test_a_client_gone_before_a_slow_streams_first_item_stops_the_stream():
    finished = []

    async def waits(c):
        try:
            await asyncio.sleep(3600)  # nothing to send yet
            yield "<p id='never'>never</p>"
        finally:
            finished.append(True)

    app = Stario(Query("/waits", waits))

    async def run():
        await app.startup()

        async def receive():
            return {"type": "http.disconnect"}  # the browser has already gone

        async def send(message):
            pass

        scope = {"type": "http", "method": "GET", "path": "/waits", "raw_path": b"/waits", "query_string": b"", "headers": []}
        answering = asyncio.ensure_future(app(scope, receive, send))
        done, _ = await asyncio.wait([answering], timeout=2)
        if not done:
            answering.cancel()
        return bool(done)

    assert asyncio.run(run()), "the request was still waiting for its first item, for a client who had left"
    assert finished == [True], "the generator's finally ran"


def test_only_a_stream_asks_asyncio_for_the_requests_task(monkeypatch):
    """On Python 3.11 asyncio.current_task() makes a system call (getpid): a plain request, the
    common case, must not pay it; a stream needs the task (a client leaving cancels it)."""
    import stario.context

    asked: list[str] = []
    seen = {}

    def counting_current_task():
        asked.append("asked")
        return asyncio.current_task()

    async def plain(c, w):
        w.text("hi")

    async def stream(c, w):
        yield "<p id='x'>one</p>"
        seen["asked"] = len(asked)
        seen["stream"] = c.task
        seen["running"] = asyncio.current_task()

    monkeypatch.setattr(stario.context, "current_task", counting_current_task)
    with TestClient(Stario(Query("/", plain), Query("/stream", stream))) as client:
        assert client.get("/").text == "hi"
        assert asked == [], "a plain request asked asyncio for its task"
        client.get("/stream")
    assert seen["asked"] == 1, "the stream notes its task once, when it starts"
    assert seen["stream"] is not None and seen["stream"] is seen["running"]
