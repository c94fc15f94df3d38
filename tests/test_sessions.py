"""Signed-cookie sessions: c.session, its cookie, key rotation, limits, and the login pattern."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pytest

from stario import Command, HTTPError, Query, Stario
from stario.sessions import SessionCookies, SessionTooLarge
from stario.testing import TestClient

KEY = "k" * 32
OLD_KEY = "o" * 32


async def count(c, w):
    c.session["visits"] = c.session.get("visits", 0) + 1
    w.text(str(c.session["visits"]))


async def peek(c, w):
    w.json(dict(c.session))


async def logout(c, w):
    c.session.clear()
    w.empty()


def _app(**options) -> Stario:
    return Stario(Command("/count", count), Query("/peek", peek), Command("/logout", logout), **options)


def test_a_changed_session_comes_back_with_the_next_request():
    with TestClient(_app(secret_key=KEY)) as client:
        assert [client.post("/count").text for _ in range(3)] == ["1", "2", "3"]
        assert client.get("/peek").json() == {"visits": 3}


def test_the_cookie_is_httponly_lax_and_secure_only_over_https():
    with TestClient(_app(secret_key=KEY)) as client:
        header = client.post("/count").headers["set-cookie"]
    assert header.startswith("stario_session=") and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header and "Path=/" in header and "Max-Age=1209600" in header
    with TestClient(_app(secret_key=KEY), base_url="https://testserver") as client:
        assert "Secure" in client.post("/count").headers["set-cookie"]


def test_reading_a_session_sends_no_cookie_and_an_untouched_one_costs_nothing():
    with TestClient(_app(secret_key=KEY)) as client:
        assert "set-cookie" not in client.get("/peek").headers


def test_a_tampered_or_foreign_cookie_is_an_empty_session_never_an_error(caplog):
    with TestClient(_app(secret_key=KEY)) as client:
        client.post("/count")
        value = client.cookies["stario_session"]
        for forged in (value[:-2] + "xx", "garbage", value.replace(".", "", 1), ""):
            client.cookies["stario_session"] = forged
            response = client.get("/peek")
            assert response.status == 200 and response.json() == {}
    signed_elsewhere = SessionCookies("z" * 32).dump(SessionCookies("z" * 32).load(None))
    with TestClient(_app(secret_key=KEY)) as client:
        client.cookies["stario_session"] = signed_elsewhere
        assert client.get("/peek").json() == {}
    assert "Traceback" not in caplog.text


def test_an_expired_session_is_empty(monkeypatch):
    app = _app(secret_key=KEY)
    with TestClient(app) as client:
        client.post("/count")
        app.session_cookies.max_age = -1  # every cookie is now older than its lifetime
        assert client.get("/peek").json() == {}


def test_key_rotation_newest_first_keeps_old_sessions():
    with TestClient(_app(secret_key=OLD_KEY)) as client:
        client.post("/count")
        cookie = client.cookies["stario_session"]
    with TestClient(_app(secret_key=[KEY, OLD_KEY])) as client:
        client.cookies["stario_session"] = cookie
        assert client.post("/count").text == "2"  # read with the old key...
        renewed = client.cookies["stario_session"]
    with TestClient(_app(secret_key=KEY)) as client:
        client.cookies["stario_session"] = renewed  # ...and signed again with the new one
        assert client.get("/peek").json() == {"visits": 2}


def test_the_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("STARIO_SECRET_KEY", f"{KEY},{OLD_KEY}")
    app = _app()
    assert app.session_cookies is not None
    with TestClient(app) as client:
        assert client.post("/count").text == "1"


def test_without_a_key_the_session_says_how_to_make_one(caplog, monkeypatch):
    monkeypatch.delenv("STARIO_SECRET_KEY", raising=False)
    with TestClient(_app()) as client:
        assert client.post("/count").status == 500
    assert "STARIO_SECRET_KEY" in caplog.text and "token_urlsafe" in caplog.text


def test_short_keys_are_refused():
    with pytest.raises(ValueError, match="at least 16 characters"):
        Stario(secret_key="secret")


def test_clear_deletes_the_cookie():
    with TestClient(_app(secret_key=KEY)) as client:
        client.post("/count")
        header = client.post("/logout").headers["set-cookie"]
        assert "Max-Age=0" in header
        assert "stario_session" not in client.cookies
        assert client.get("/peek").json() == {}


def test_a_session_too_big_for_a_cookie_is_a_clear_error(caplog):
    async def hoard(c, w):
        c.session["blob"] = secrets.token_hex(5_000)
        w.text("ok")

    with TestClient(Stario(Command("/hoard", hoard), secret_key=KEY)) as client:
        response = client.post("/hoard")
    assert response.status == 500 and "set-cookie" not in response.headers
    assert "a cookie holds about 4000" in caplog.text
    with pytest.raises(SessionTooLarge):
        cookies = SessionCookies(KEY)
        session = cookies.load(None)
        session["blob"] = secrets.token_hex(5_000)
        cookies.dump(session)


def test_changing_the_session_after_a_stream_started_is_refused(caplog):
    async def late(c):
        yield "<p id='a'>first</p>"
        c.session["late"] = True

    with TestClient(Stario(Query("/late", late), secret_key=KEY)) as client:
        with client.stream("GET", "/late") as events:
            events.next(timeout=5)
    assert "the session changed after the response's headers were sent" in caplog.text


def test_a_session_read_but_not_changed_is_frozen_once_the_response_is_sent():
    kept = []

    async def reads(c, w):
        kept.append(c.session)  # read, left unchanged: the response has no cookie to carry
        w.text("hello")

    with TestClient(Stario(Query("/reads", reads), secret_key=KEY)) as client:
        response = client.get("/reads")
    assert response.text == "hello" and "set-cookie" not in response.headers
    with pytest.raises(RuntimeError, match="after the response's headers were sent"):
        kept[0]["late"] = True  # work left running that changes it now would be lost silently


def test_a_stream_carries_a_session_changed_before_its_first_event():
    async def greet(c):
        c.session["seen"] = True
        yield "<p id='a'>hi</p>"

    with TestClient(Stario(Query("/greet", greet), Query("/peek", peek), secret_key=KEY)) as client:
        with client.stream("GET", "/greet") as events:
            events.next(timeout=5)
        assert client.get("/peek").json() == {"seen": True}


def test_rotate_gives_a_new_id_and_keeps_the_values():
    async def whoami(c, w):
        w.text(c.session.id)

    async def login(c, w):
        c.session.rotate()
        w.text(c.session.id)

    with TestClient(Stario(Query("/id", whoami), Command("/login", login), secret_key=KEY)) as client:
        before = client.get("/id").text
        assert client.get("/id").text == before  # kept in the cookie
        after = client.post("/login").text
        assert after != before and client.get("/id").text == after


# -- the login pattern the docs teach ------------------------------------------------------------------


def _password_hash(password: str, salt: bytes = b"s" * 16) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**12, r=8, p=1)


ADMIN_HASH = _password_hash("correct horse")


def require_login(next):
    async def handler(c, w):
        user = c.session.get("user")
        if user is None:
            w.redirect(f"/login?next={c.path}")
            return
        c.locals.user = user
        await next(c, w)

    return handler


def test_the_login_pattern_require_login_compare_digest_and_rotate():
    async def login(c, w):
        form = await c.form()
        if form.get("user") != "admin" or not hmac.compare_digest(_password_hash(str(form.get("password", ""))), ADMIN_HASH):
            raise HTTPError(401, "wrong name or password")
        c.session.rotate()
        c.session["user"] = "admin"
        w.redirect(c.query.get("next", "/"), safe=True, fallback="/")

    async def secret(c, w):
        w.text(f"hello {c.locals.user}")

    admin = Stario(Query("/", secret))
    admin.use(require_login)
    app = Stario(Command("/login", login), Command("/logout", logout), secret_key=KEY)
    app.mount("/admin", admin)
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/admin/").headers["location"] == "/login?next=/admin/"
        assert client.post("/login", data={"user": "admin", "password": "nope"}).status == 401
        ok = client.post("/login?next=/admin/", data={"user": "admin", "password": "correct horse"})
        assert ok.status == 303 and ok.headers["location"] == "/admin/"
        assert client.get("/admin/").text == "hello admin"
        client.post("/logout")
        assert client.get("/admin/").status == 303
