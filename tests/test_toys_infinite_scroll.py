"""The infinite scroll toy in process: the first page in the HTML, each next page appended by a Query."""

import re


def ids(html: str) -> list[str]:
    return re.findall(r'<li id="([^"]+)"', html)


def test_the_page_holds_the_first_rows_and_a_sentinel(toy_client):
    client = toy_client("infinite_scroll")
    page = client.get("/")
    assert page.status == 200
    assert ids(page.text) == [f"contact-{n}" for n in range(1, 21)] + ["more"]
    assert '<li id="more" data-on-intersect__once="@get(&#39;/contacts?page=2&#39;)">' in page.text


def test_each_page_replaces_the_sentinel_until_the_end(toy_client):
    client = toy_client("infinite_scroll")
    seen = []
    for page in range(2, 6):
        response = client.get(f"/contacts?page={page}", headers={"datastar-request": "true"})
        assert response.status == 200
        remove, append = response.events
        assert (remove.selector, remove.mode) == ("#more", "remove")
        assert (append.selector, append.mode) == ("#contacts", "append")
        rows = ids(append.elements)
        assert rows[:-1] == [f"contact-{n}" for n in range((page - 1) * 20 + 1, page * 20 + 1)]
        seen += rows[:-1]
        if page < 5:
            assert rows[-1] == "more" and f"page={page + 1}" in append.elements
        else:
            assert rows[-1] == "end"
    assert len(set(seen)) == 80
    step = [span for span in response.spans if span.name == "contacts.page"][0]
    assert step.attributes == {"page": 5, "contacts.rows": 20}


def test_a_bad_page_number_is_refused(toy_client):
    client = toy_client("infinite_scroll")
    for bad in ("x", "0", "-1", "1.5", "99999999"):
        assert client.get(f"/contacts?page={bad}").status == 400
    beyond = client.get("/contacts?page=50")
    assert ids(beyond.events[1].elements) == ["end"]
