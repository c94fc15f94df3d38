"""Checks for lesson 2: routes with parameters, links between them, and 404 for what is not there."""


def check_author_page_lists_their_books(client):
    page = client.get("/authors/austen")
    assert page.status == 200, f"GET /authors/austen should answer 200, it answered {page.status} (is there a Query for /authors/{{author}}?)"
    for href, title in (("/books/2", "Emma"), ("/books/3", "Persuasion")):
        assert f'href="{href}"' in page.text, f"the page for Jane Austen should link to {title} at {href}; it was: {page.text!r}"
    assert 'href="/books/1"' not in page.text, "the page for Jane Austen links to /books/1, but Dune is by Frank Herbert"


def check_unknown_author_is_404(client):
    page = client.get("/authors/nobody")
    assert page.status == 404, f"GET /authors/nobody should answer 404 (raise HTTPError(404, ...)), it answered {page.status}"


def check_book_links_to_its_author(client):
    page = client.get("/books/1")
    assert page.status == 200, f"GET /books/1 should answer 200, it answered {page.status}"
    assert 'href="/authors/herbert"' in page.text, f'the page for Dune should link to its author at /authors/herbert; it was: {page.text!r}'
