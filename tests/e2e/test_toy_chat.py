"""The chat toy in a real browser: two people in the room, from the repository and copied alone."""

import shutil
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.harness import goto
from tests.servers import serve

ROOT = Path(__file__).resolve().parents[2]


def open_chat(page, url: str, name: str) -> None:
    goto(page, url + "/")
    expect(page.locator("#status")).to_have_text("connected")
    page.fill("#name", name)


def say(page, text: str) -> None:
    page.fill("#text", text)
    page.click("#send")
    expect(page.locator("#text")).to_have_value("")


def test_two_people_chat(new_page, toy_server):
    url = toy_server("chat")
    alice, bob = new_page(), new_page()
    open_chat(alice, url, "Alice")
    open_chat(bob, url, "<b>Bob</b>")
    say(alice, "hello <i>there</i>")
    say(bob, "hi!")
    for page in (alice, bob):
        expect(page.locator("#messages li")).to_have_count(2)
        expect(page.locator("#messages li").nth(0)).to_have_text("Alice: hello <i>there</i>")
        expect(page.locator("#messages li").nth(1)).to_have_text("<b>Bob</b>: hi!")
    bob.fill("#text", "")
    bob.click("#send")
    expect(bob.locator("#error")).to_have_text("An empty message is not sent.")


def test_standalone_copy(page, tmp_path):
    # As after `stario toys add chat ./x`: the app alone in x/app.py, served as x.app:app.
    (tmp_path / "x").mkdir()
    shutil.copy(ROOT / "toys" / "chat" / "app.py", tmp_path / "x" / "app.py")
    with serve("x.app:app", tmp_path) as url:
        open_chat(page, url, "Solo")
        say(page, "alone here")
        expect(page.locator("#messages li")).to_have_text(["Solo: alone here"])
