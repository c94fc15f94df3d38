"""Tests for the polls app, in process: run them with ``pytest`` in this folder.

Each test gets a fresh copy of the app on a fresh SQLite file.
"""

import contextlib
import importlib.util
import re
import uuid
from pathlib import Path

import pytest

from stario.testing import TestClient

HERE = Path(__file__).resolve().parent


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("POLLS_DB", str(tmp_path / "polls.db"))
    monkeypatch.delenv("POLLS_ADMIN_PASSWORD", raising=False)
    spec = importlib.util.spec_from_file_location(f"polls_{uuid.uuid4().hex}", HERE / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with TestClient(module.app, follow_redirects=False) as client:
        yield client


@contextlib.contextmanager
def another_browser(client):
    """Requests from a second browser: the same app, a cookie jar of its own."""
    mine, client.cookies = client.cookies, {}
    try:
        yield client
    finally:
        client.cookies = mine


def sign_in(client, password="admin"):
    return client.post("/login", data={"name": "admin", "password": password})


def new_poll(client, question="Tea or coffee?", options="Tea\nCoffee\n"):
    return client.post("/admin/polls", data={"question": question, "options": options})


def test_the_admin_pages_need_a_login_and_next_stays_on_the_site(client):
    assert client.get("/admin/").headers["location"] == "/login?next=/admin/"
    assert client.get("/admin").headers["location"] == "/admin/"
    wrong = sign_in(client, "nope")
    assert wrong.status == 401 and "Wrong name or password." in wrong.text
    evil = client.post("/login?next=https://evil.example/", data={"name": "admin", "password": "admin"})
    assert evil.status == 303 and evil.headers["location"] == "/admin/"
    assert client.get("/admin/").status == 200
    client.post("/logout")
    assert client.get("/admin/").status == 303


def test_login_rotates_the_session(client):
    client.get("/login")
    before = client.cookies.get("stario_session")
    sign_in(client)
    assert client.cookies["stario_session"] != before


def test_creating_a_poll_is_checked_on_the_server(client):
    sign_in(client)
    bad = new_poll(client, question="?", options="Same\nsame\n")
    assert bad.status == 422
    assert "The question needs 3 to 200 characters." in bad.text and "Each option must be different." in bad.text
    assert 'value="?"' in bad.text  # what was typed stays
    good = new_poll(client)
    assert good.status == 303 and good.headers["location"] == "/admin/?done=created"
    assert "Tea or coffee?" in client.get("/").text


def test_one_vote_per_browser_and_bad_votes_are_refused(client):
    sign_in(client)
    new_poll(client)
    page = client.get("/polls/1").text
    tea = re.search(r'value="(\d+)"[^>]*> Tea', page)
    assert tea, page
    assert client.post("/polls/1/vote", data={"option": "999"}).status == 422
    voted = client.post("/polls/1/vote", data={"option": tea.group(1)})
    assert voted.status == 303 and voted.headers["location"] == "/polls/1?voted"
    assert "Thanks for voting." in client.get("/polls/1?voted").text
    again = client.post("/polls/1/vote", data={"option": tea.group(1)})
    assert again.status == 409
    with another_browser(client) as other:
        assert other.post("/polls/1/vote", data={"option": tea.group(1)}).status == 303
    assert '<td class="count">2</td>' in client.get("/polls/1").text
    assert client.get("/polls/2").status == 404 and client.get("/polls/x").status == 404


def test_results_are_live_on_every_open_page(client):
    sign_in(client)
    new_poll(client)
    option = re.search(r'name="option" value="(\d+)"', client.get("/polls/1").text).group(1)
    with client.stream("GET", "/polls/1/live") as live:
        first = live.next(timeout=5)
        assert 'id="results-1"' in first.elements and "0 votes" in first.elements
        with another_browser(client) as voter:
            voter.post("/polls/1/vote", data={"option": option})
        update = live.next(timeout=5)
        assert "1 vote" in update.elements and '<td class="count">1</td>' in update.elements


def test_closing_a_poll_stops_votes(client):
    sign_in(client)
    new_poll(client)
    option = re.search(r'name="option" value="(\d+)"', client.get("/polls/1").text).group(1)
    assert client.post("/admin/polls/1/close").headers["location"] == "/admin/?done=closed"
    assert client.post("/polls/1/vote", data={"option": option}).status == 409
    assert "Tea or coffee?" not in client.get("/").text


def test_user_text_is_escaped_and_the_stylesheet_is_fingerprinted(client):
    sign_in(client)
    new_poll(client, question="<script>alert(1)</script>?", options="<b>A</b>\nB\n")
    page = client.get("/polls/1").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page and "&lt;b&gt;A&lt;/b&gt;" in page
    css = re.search(r'href="(/static/style\.[0-9a-f]{12}\.css)"', page).group(1)
    sheet = client.get(css)
    assert sheet.status == 200 and "immutable" in sheet.headers["cache-control"]
