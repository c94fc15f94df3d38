"""Checks for lesson 17: a vote counts once per browser, and the session remembers it."""

import re


def tea_count(client) -> int:
    match = re.search(r'id="count-tea">(\d+)<', client.get("/").text)
    assert match, "the page should show the results table with a count for Tea"
    return int(match.group(1))


def check_a_vote_counts_and_sends_the_browser_back(client):
    response = client.post("/vote", data={"choice": "Tea"}, follow_redirects=False)
    assert response.status == 303, f"a good vote should answer 303 (then GET /), got {response.status}"
    assert tea_count(client) == 1, "after one vote for Tea the page should count 1"


def check_a_second_vote_from_the_same_browser_is_refused(client):
    client.post("/vote", data={"choice": "Tea"}, follow_redirects=False)
    again = client.post("/vote", data={"choice": "Tea"}, follow_redirects=False)
    assert again.status == 409, (
        f"a second vote from the same browser should be refused with 409, got {again.status}: "
        "remember the vote in c.session and look there first"
    )
    assert "This browser has voted already." in again.text, "say why the vote was refused, on the page"
    assert tea_count(client) == 1, "the refused vote must not be counted"


def check_the_session_is_a_signed_httponly_cookie(client):
    response = client.post("/vote", data={"choice": "Water"}, follow_redirects=False)
    cookies = response.headers.getall("set-cookie")
    session = next((cookie for cookie in cookies if cookie.startswith("stario_session=")), None)
    assert session, f"voting should set the session cookie (stario_session); Set-Cookie was {cookies}"
    assert "HttpOnly" in session and "SameSite=Lax" in session, f"keep the session cookie's defaults: {session!r}"


def check_another_browser_can_still_vote(client):
    client.post("/vote", data={"choice": "Tea"}, follow_redirects=False)
    client.cookies.clear()  # a second browser: no cookies yet
    other = client.post("/vote", data={"choice": "Tea"}, follow_redirects=False)
    assert other.status == 303, f"another browser's first vote should count (303), got {other.status}"
    assert tea_count(client) == 2, "two browsers, two votes"


def check_a_vote_without_a_choice_is_422(client):
    response = client.post("/vote", data={}, follow_redirects=False)
    assert response.status == 422 and "Choose one of the options." in response.text, (
        f"a form without a choice should come back with 422 and its error, got {response.status}"
    )
