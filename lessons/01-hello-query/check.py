"""Checks for lesson 1: each takes a test client and fails with a message a learner can act on."""


def check_home_says_hello_stario(client):
    page = client.get("/")
    assert page.status == 200, f"GET / should answer 200, it answered {page.status}"
    assert "<h1>Hello, Stario</h1>" in page.text, f"the page at / should have the heading <h1>Hello, Stario</h1>; it was: {page.text!r}"


def check_about_page_has_a_paragraph(client):
    page = client.get("/about")
    assert page.status == 200, f"GET /about should answer 200, it answered {page.status} (is there a Query for /about?)"
    assert "<p>" in page.text, f"the page at /about should have a paragraph (<p>...</p>); it was: {page.text!r}"
