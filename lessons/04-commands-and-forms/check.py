"""Checks for lesson 4: Commands change the list, refuse bad input, and send the browser back with 303."""


def check_adding_redirects_to_the_list(client):
    page = client.post("/todos", data={"title": "Buy milk"})
    assert page.history and page.history[0].status == 303, (
        f"POST /todos should answer 303 See Other (w.redirect), it answered {page.history[0].status if page.history else page.status}"
    )
    assert "Buy milk" in page.text, f"after adding 'Buy milk', the list at / should show it; it was: {page.text!r}"


def check_empty_title_is_refused(client):
    page = client.post("/todos", data={"title": "   "})
    assert page.status == 400, f"POST /todos with a blank title should answer 400 (raise HTTPError(400, ...)), it answered {page.status}"
    listing = client.get("/")
    assert listing.text.count("<li") == 1, f"a blank title should not be added to the list; the page was: {listing.text!r}"


def check_done_button_removes_a_todo(client):
    listing = client.get("/")
    assert 'action="/todos/1/remove"' in listing.text, (
        'each todo should have a form posting to /todos/<id>/remove; for "Learn Stario" that is '
        f'<form method="post" action="/todos/1/remove">. The page was: {listing.text!r}'
    )
    page = client.post("/todos/1/remove")
    assert page.history and page.history[0].status == 303, (
        f"POST /todos/1/remove should answer 303 See Other, it answered {page.history[0].status if page.history else page.status}"
    )
    assert "Learn Stario" not in page.text, f"after POST /todos/1/remove, 'Learn Stario' should be gone from the list; it was: {page.text!r}"


def check_other_sites_cannot_add(client):
    page = client.post("/todos", data={"title": "spam"}, headers={"sec-fetch-site": "cross-site"}, follow_redirects=False)
    assert page.status == 403, f"a POST another site made the browser send should be refused with 403, it answered {page.status}"
