"""Two browser pages subscribed through a stario.relay.Relay each see what the other posted."""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of, serve_app


@pytest.fixture(scope="module")
def server():
    with serve_app("chat") as server:
        yield server


def say(page, text: str) -> None:
    page.fill("#text", text)
    page.click("#send")


def test_two_pages_see_each_others_messages(new_page, server):
    alice, bob = new_page(), new_page()  # two browser contexts: two users
    for page in (alice, bob):
        goto(page, server.url + "/")
        expect(page.locator("#status")).to_have_text("connected")

    say(alice, "hello from alice")
    for page in (alice, bob):
        expect(page.locator("#messages > li")).to_have_text(["hello from alice"])

    say(bob, "hi from bob")
    for page in (alice, bob):
        expect(page.locator("#messages > li")).to_have_text(["hello from alice", "hi from bob"])

    for page in (alice, bob):
        log_of(page).assert_clean()
