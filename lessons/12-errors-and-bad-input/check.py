"""Checks for lesson 12: missing things are 404, bad input is answered 200 with a patch."""


def check_unknown_note_is_404(client):
    for path in ("/notes/99", "/notes/abc"):
        page = client.get(path)
        assert page.status == 404, (
            f"GET {path} should answer 404 Not Found, it answered {page.status}; "
            "in note(), raise HTTPError(404, ...) when the id is not a number or not in NOTES"
        )


def check_known_note_still_shows(client):
    page = client.get("/notes/2")
    assert page.status == 200, f"GET /notes/2 should still answer 200, it answered {page.status}"
    assert "The door sticks" in page.text, f"the page for note 2 should show its text; it was: {page.text[-300:]!r}"


def check_empty_name_gets_a_message(client):
    response = client.post("/sign", signals={"name": "   "})
    assert response.status == 200, (
        f"signing with an empty name should answer 200 with a patch (the browser ignores the body of a "
        f"{response.status}), it answered {response.status}"
    )
    patches = [e for e in response.events if e.type == "datastar-patch-elements" and 'id="error"' in e.elements]
    assert patches, f"the answer should patch the element with id=\"error\"; the events were: {response.events}"
    assert "name" in patches[0].elements.lower(), (
        f"the error paragraph should tell the visitor to write their name; it was {patches[0].elements!r}"
    )


def check_a_name_signs_the_book(client):
    response = client.post("/sign", signals={"name": "<Ada>"})
    assert response.status == 200, f"signing as <Ada> should answer 200, it answered {response.status}"
    lists = [e for e in response.events if 'id="guests"' in e.elements]
    assert lists and "&lt;Ada&gt;" in lists[0].elements, (
        f"the answer should patch the guest list (id=\"guests\") with the name, escaped; the events were: {response.events}"
    )


def check_broken_json_is_400(client):
    response = client.post("/sign", content='{"name": ', headers={"content-type": "application/json"})
    assert response.status == 400, f"malformed JSON signals should be answered 400 by Stario, got {response.status}"


def check_huge_body_is_413(client):
    response = client.post("/sign", signals={"name": "x" * 20_000})
    assert response.status == 413, (
        f"a 20 kB body is over the app's max_body_size of 16 kB and should be answered 413, got {response.status}"
    )
