"""Checks for lesson 3: a name from the address bar is shown as text, never run as markup."""

ATTACK = "<script>alert('hi')</script>"


def check_hello_greets_by_name(client):
    page = client.get("/hello", params={"name": "Ada"})
    assert page.status == 200, f"GET /hello?name=Ada should answer 200, it answered {page.status}"
    assert "<h1>Hello, Ada!</h1>" in page.text, f"GET /hello?name=Ada should have the heading <h1>Hello, Ada!</h1>; it was: {page.text!r}"


def check_name_is_escaped(client):
    page = client.get("/hello", params={"name": ATTACK})
    assert "<script>" not in page.text, (
        "GET /hello?name=<script>... put the script tag into the page as markup, so a browser would run it; "
        f"build the page with tag functions so the name is escaped. The page was: {page.text!r}"
    )
    assert "&lt;script&gt;" in page.text, f"the name should appear escaped, as &lt;script&gt;...; the page was: {page.text!r}"


def check_hello_is_a_whole_page(client):
    page = client.get("/hello", params={"name": "Ada"})
    assert page.text.lower().startswith("<!doctype html>"), f"/hello should be a whole page built with page(...), starting <!doctype html>; it began: {page.text[:60]!r}"
    assert "<title>Hello, Ada!</title>" in page.text, f"/hello should have the title Hello, Ada! (page() puts the heading there); the page was: {page.text!r}"


def check_signed_guests_are_told(client):
    page = client.get("/hello", params={"name": "Grace"})
    assert 'class="signed"' in page.text, (
        'Grace is in GUESTS, so /hello?name=Grace should have <p class="signed">...</p>; '
        f"the page was: {page.text!r}"
    )
    page = client.get("/hello", params={"name": "Bob"})
    assert 'class="signed"' not in page.text, 'Bob is not in GUESTS, so /hello?name=Bob should not have the class="signed" paragraph'
