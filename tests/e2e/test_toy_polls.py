"""The polls toy in real browsers: an admin starts a poll, two visitors vote, results move live.

With ``STARIO_SCREENSHOTS=<folder>`` the pages are also saved as PNGs at 1280x720 and 1440x900.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import goto, screenshot
from tests.servers import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def polls(tmp_path):
    env = {"POLLS_DB": str(tmp_path / "polls.db"), "POLLS_ADMIN_PASSWORD": "s3cret-enough", "STARIO_SECRET_KEY": "k" * 32}
    with serve("toys.polls.app:app", ROOT, env=env) as url:
        yield url


def start_poll(page, url: str) -> None:
    goto(page, url + "/admin/")
    expect(page).to_have_url(url + "/login?next=/admin/")
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", "wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error")).to_have_text("Wrong name or password.")
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", "s3cret-enough")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url + "/admin/")
    page.fill("input[name=question]", "?")
    page.fill("textarea[name=options]", "Only one")
    page.get_by_role("button", name="Start the poll").click()
    expect(page.locator("ul.error li")).to_have_count(2)
    expect(page.locator("input[name=question]")).to_have_value("?")
    screenshot(page, "polls-admin-errors", full_page=True)
    page.fill("input[name=question]", "Which tea for the team room?")
    page.fill("textarea[name=options]", "Green\nBlack\nMint")
    page.get_by_role("button", name="Start the poll").click()
    expect(page.locator(".notice")).to_have_text("Poll started.")
    screenshot(page, "polls-admin", full_page=True)


def test_an_admin_starts_a_poll_and_two_visitors_see_the_votes_live(new_page, polls):
    admin, ann, bob = new_page(), new_page(), new_page()
    start_poll(admin, polls)
    for visitor in (ann, bob):
        goto(visitor, polls + "/")
        visitor.click("text=Which tea for the team room?")
        expect(visitor.locator("caption")).to_have_text("0 votes")
    screenshot(bob, "polls-poll", full_page=True)
    ann.get_by_role("button", name="Vote").click()  # nothing chosen: the browser asks first (required)
    expect(ann).to_have_url(polls + "/polls/1")
    ann.check("text=Mint")
    ann.get_by_role("button", name="Vote").click()
    expect(ann.locator(".notice")).to_have_text("Thanks for voting.")
    expect(ann.locator("text=You have voted.")).to_be_visible()
    # Bob never reloaded: his results table was morphed by the live stream.
    expect(bob.locator("caption")).to_have_text("1 vote")
    expect(bob.locator("#results-1 tr", has_text="Mint").locator(".count")).to_have_text("1")
    bob.check("text=Green")
    bob.get_by_role("button", name="Vote").click()
    expect(ann.locator("caption")).to_have_text("2 votes")
    screenshot(ann, "polls-voted", full_page=True)
    # Closing the poll: the visitors' tables say so at once.
    admin.get_by_role("button", name="Close").click()
    expect(admin.locator(".notice")).to_have_text("Poll closed.")
    expect(bob.locator("caption")).to_have_text("2 votes (closed)")
    goto(ann, polls + "/")
    expect(ann.locator("main")).to_contain_text("No open polls yet.")


def test_a_poll_page_is_styled_by_the_fingerprinted_stylesheet(page, polls):
    goto(page, polls + "/login")
    href = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert href.startswith("/static/style.") and href.endswith(".css")
    expect(page.locator("button")).to_have_css("background-color", "rgb(47, 111, 222)")
    expect(page.locator(".hint")).to_have_count(0)  # a password was set: no demo hint
