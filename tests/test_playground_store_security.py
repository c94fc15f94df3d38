"""The playground's memory (edits, completed lessons) and its door (loopback, token, same site)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stario import Query, Stario
from stario.playground.security import COOKIE, Guard, new_token
from stario.playground.store import Store, data_dir
from stario.testing import TestClient


def test_store_keeps_edits_and_completions_across_restarts(tmp_path: Path):
    store = Store(tmp_path / "p.db")
    assert store.code("01-hello-query") is None
    store.save("01-hello-query", "print('mine')")
    store.complete("01-hello-query")
    store.close()
    again = Store(tmp_path / "p.db")
    assert again.code("01-hello-query") == "print('mine')"
    assert again.completed() == {"01-hello-query"}
    again.reset("01-hello-query")
    assert again.code("01-hello-query") is None


def test_data_dir_honours_the_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("STARIO_PLAYGROUND_DATA", str(tmp_path / "here"))
    assert data_dir() == tmp_path / "here" and (tmp_path / "here").is_dir()


@pytest.fixture
def guarded():
    async def home():
        return "inside"

    token = new_token()
    return token, TestClient(Guard(Stario(Query("/", home)), token), base_url="http://127.0.0.1:8765")


def test_the_token_in_the_url_becomes_a_cookie_and_then_opens_every_page(guarded):
    token, client = guarded
    with client:
        assert client.get("/").status == 403
        first = client.get(f"/?token={token}", follow_redirects=False)
        assert first.status == 303 and first.headers["location"] == "/"
        assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
        assert client.get("/").text == "inside"


def test_a_wrong_token_is_refused(guarded):
    token, client = guarded
    with client:
        assert client.get("/?token=guess").status == 403
        assert client.get("/", cookies={COOKIE: "guess"}).status == 403


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
def test_cross_site_requests_are_refused(guarded, site):
    token, client = guarded
    with client:
        response = client.get("/", cookies={COOKIE: token}, headers={"sec-fetch-site": site})
        assert response.status == 403 and "cross-site" in response.text
