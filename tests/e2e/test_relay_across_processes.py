"""The chat toy served by two separate uvicorn processes sharing a relay: a message posted on one
page shows on a page the other process serves, through Redis, and through Postgres."""

import sys

import pytest
from playwright.sync_api import expect

from tests.brokers import postgres_server, redis_server
from tests.e2e.harness import ROOT, goto
from tests.servers import launch


@pytest.fixture(params=["redis", "postgres"])
def broker(request):
    start = redis_server if request.param == "redis" else postgres_server
    with start() as server:
        yield server


def test_a_message_crosses_from_one_process_to_the_other(new_page, broker):
    env = {"STARIO_RELAY": broker.url}
    command = [sys.executable, "-m", "uvicorn", "toys.chat.app:app", "--port", "{port}", "--log-level", "warning"]
    with launch(command, cwd=ROOT, env=env, name="chat worker 1") as one, launch(command, cwd=ROOT, env=env, name="chat worker 2") as two:
        alice, bob = new_page(), new_page()
        for page, server, name in ((alice, one, "Alice"), (bob, two, "Bob")):
            goto(page, server.url + "/")
            expect(page.locator("#status")).to_have_text("connected")
            page.fill("#name", name)
        alice.fill("#text", "hello from worker 1")
        alice.click("#send")
        expect(bob.locator("#messages li")).to_have_text(["Alice: hello from worker 1"])
        bob.fill("#text", "and back from worker 2")
        bob.click("#send")
        for page in (alice, bob):
            expect(page.locator("#messages li")).to_have_text(["Alice: hello from worker 1", "Bob: and back from worker 2"])
        assert one.process.pid != two.process.pid
