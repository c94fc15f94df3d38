"""The playground's memory (edits, restore points, completed lessons, the token) and its door
(loopback, token, same site, the playground's own pages only)."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from urllib.parse import urlencode

import pytest

from stario import Query, Stario
from stario.playground.security import Guard, cookie_name, load_token, new_token
from stario.playground.store import Store, data_dir
from stario.testing import TestClient

COOKIE = cookie_name(8765)


def test_store_keeps_edits_restore_points_and_completions_across_restarts(tmp_path: Path):
    store = Store(tmp_path / "p.db")
    assert store.code("01-hello-query") is None and store.restore_point("01-hello-query") is None
    store.save("01-hello-query", "print('mine')")
    store.keep_restore_point("01-hello-query", "print('before reset')")
    store.complete("01-hello-query")
    store.close()
    again = Store(tmp_path / "p.db")
    assert again.code("01-hello-query") == "print('mine')"
    assert again.restore_point("01-hello-query") == "print('before reset')"
    assert again.completed() == {"01-hello-query"}
    again.reset("01-hello-query")
    assert again.code("01-hello-query") is None
    assert again.restore_point("01-hello-query") == "print('before reset')", "Reset keeps the restore point"


def test_data_dir_honours_the_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("STARIO_PLAYGROUND_DATA", str(tmp_path / "here"))
    assert data_dir() == tmp_path / "here" and (tmp_path / "here").is_dir()


def test_the_token_is_kept_for_this_user_alone_and_renewed_on_request(tmp_path: Path):
    token = load_token(tmp_path)
    assert load_token(tmp_path) == token, "a restart keeps the token, so the printed URL still works"
    assert stat.S_IMODE(os.stat(tmp_path / "token").st_mode) == 0o600
    fresh = load_token(tmp_path, fresh=True)
    assert fresh != token and load_token(tmp_path) == fresh
    (tmp_path / "token").write_text("tampered\n")
    assert load_token(tmp_path) not in ("tampered", fresh), "a token file that is not a token is replaced"


@pytest.fixture
def guarded():
    async def home():
        return "inside"

    token = new_token()
    return token, TestClient(Guard(Stario(Query("/", home)), token, cookie=COOKIE), base_url="http://127.0.0.1:8765")


@pytest.fixture
def preview():
    """A guard as the preview has: framed by the playground on port 8765."""

    async def home():
        return "the learner's app"

    token = new_token()
    guard = Guard(Stario(Query("/", home)), token, cookie=COOKIE, framed_by=8765)
    return token, TestClient(guard, base_url="http://127.0.0.1:8766")


def test_a_browsers_first_visit_trades_the_token_for_a_cookie(guarded):
    token, client = guarded
    with client:
        assert client.get("/").status == 403
        first = client.get(f"/?token={token}", follow_redirects=False, headers={"sec-fetch-mode": "navigate"})
        assert first.status == 303 and first.headers["location"] == "/"
        cookie = first.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert client.get("/").text == "inside"


def test_curl_may_send_the_token_in_the_url_on_every_request(guarded):
    token, client = guarded
    with client:
        response = client.get(f"/?token={token}", follow_redirects=False)
        assert response.status == 200 and response.text == "inside"


def test_a_wrong_token_is_refused(guarded):
    token, client = guarded
    with client:
        assert client.get("/?token=guess").status == 403
        assert client.get("/", cookies={COOKIE: "guess"}).status == 403
        assert client.get("/", cookies={cookie_name(9999): token}).status == 403, "another port's cookie name"


@pytest.mark.parametrize("bad", ["tökén", "\u2603" * 43, "%FF"])
def test_a_non_ascii_token_or_cookie_is_a_403_not_a_500(guarded, bad):
    token, client = guarded
    with client:
        assert client.get("/?" + urlencode({"token": bad})).status == 403
        assert client.get("/", headers={"cookie": f"{COOKIE}={bad}".encode().decode("latin-1")}).status == 403


def test_a_cookie_tossed_in_beside_the_real_one_does_not_lock_the_learner_out(guarded):
    """Cookies ignore ports: another local page can add a cookie of the same name; the real one still counts."""
    token, client = guarded
    with client:
        header = f"{COOKIE}=tossed; {COOKIE}={token}"
        assert client.get("/", headers={"cookie": header}).text == "inside"
        assert client.get("/", headers={"cookie": f"{COOKIE}=tossed; {COOKIE}=again"}).status == 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""])
def test_a_foreign_host_is_refused_even_with_the_token(guarded, host):
    token, client = guarded
    with client:
        response = client.get("/", cookies={COOKIE: token}, headers={"host": host})
        assert response.status == 403 and "loopback" in response.text


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"])
def test_loopback_hosts_are_let_in(guarded, host):
    token, client = guarded
    with client:
        assert client.get("/", cookies={COOKIE: token}, headers={"host": host}).text == "inside"


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_cross_site_and_same_site_requests_are_refused_by_the_playground(guarded, site):
    token, client = guarded
    with client:
        response = client.get("/", cookies={COOKIE: token}, headers={"sec-fetch-site": site})
        assert response.status == 403 and "cross-site" in response.text


def test_the_preview_lets_in_the_playgrounds_own_pages_only(preview):
    token, client = preview
    cookies = {COOKIE: token}
    with client:
        framed = {"sec-fetch-site": "same-site", "referer": "http://127.0.0.1:8765/"}
        assert client.get("/", cookies=cookies, headers=framed).text == "the learner's app"
        assert client.get("/", cookies=cookies, headers={"sec-fetch-site": "same-site", "origin": "http://localhost:8765"}).status == 200
        for other in ("http://127.0.0.1:9000/", "http://127.0.0.1:8766.evil.example/", ""):
            headers = {"sec-fetch-site": "same-site", "referer": other} if other else {"sec-fetch-site": "same-site"}
            response = client.get("/", cookies=cookies, headers=headers)
            assert response.status == 403 and "another page on this machine" in response.text, other
        assert client.get("/", cookies=cookies, headers={"sec-fetch-site": "cross-site", "referer": "http://127.0.0.1:8765/"}).status == 403


def test_curl_may_send_the_token_as_the_urls_credentials_which_the_app_never_sees():
    seen = []

    async def home(c):
        seen.append(c.headers.get("authorization"))
        return "inside"

    token = new_token()
    client = TestClient(Guard(Stario(Query("/", home)), token, cookie=COOKIE), base_url="http://127.0.0.1:8765")
    with client:
        good = base64.b64encode(f"stario:{token}".encode()).decode()
        assert client.get("/", headers={"authorization": f"Basic {good}"}).text == "inside"
        bad = base64.b64encode(b"stario:guess").decode()
        assert client.get("/", headers={"authorization": f"Basic {bad}"}).status == 403
        assert client.get("/", headers={"authorization": "Basic !!!"}).status == 403
    assert seen == [None], "the credentials are taken off before the app"


def test_the_learners_own_token_parameter_passes_when_the_cookie_is_good(preview):
    token, client = preview
    with client:
        response = client.get("/?token=the-learners-own", cookies={COOKIE: token})
        assert response.status == 200


def test_a_browser_without_sec_fetch_site_must_come_from_here(guarded):
    token, client = guarded
    with client:
        cookies = {COOKIE: token}
        assert client.get("/", cookies=cookies, headers={"origin": "http://127.0.0.1:8765"}).text == "inside"
        for foreign in ("http://127.0.0.1:9000", "http://evil.example", "http://127.0.0.1:87x5"):
            response = client.get("/", cookies=cookies, headers={"origin": foreign})
            assert response.status == 403 and "another page" in response.text, foreign


def test_the_welcome_redirect_stays_on_this_site():
    import asyncio

    token = new_token()
    sent = []

    async def main():
        async def send(message):
            sent.append(message)

        scope = {
            "type": "http", "method": "GET", "path": "//evil.example/x", "raw_path": b"//evil.example/x",
            "query_string": f"token={token}".encode(),
            "headers": [(b"host", b"127.0.0.1:8765"), (b"sec-fetch-mode", b"navigate")],
        }
        await Guard(None, token, cookie=COOKIE)(scope, None, send)

    asyncio.run(main())
    headers = dict(sent[0]["headers"])
    assert sent[0]["status"] == 303 and headers[b"location"] == b"/evil.example/x"


def test_a_websocket_is_closed_unchecked_by_nobody(guarded):
    import asyncio

    token, _ = guarded
    sent = []

    async def app(scope, receive, send):  # pragma: no cover - must never run
        raise AssertionError("the app was reached")

    async def main():
        async def send(message):
            sent.append(message)

        await Guard(app, token, cookie=COOKIE)({"type": "websocket", "headers": []}, None, send)

    asyncio.run(main())
    assert sent == [{"type": "websocket.close", "code": 1008}]
