"""Checks for lesson 13. Each is a test in pytest's style: `client` is a TestClient around the app."""

import re


def add(client, text):
    """A helper, as tests grow them: add a todo the way the browser does, return its id."""
    response = client.post("/todos", signals={"text": text})
    assert response.status == 200, f"POST /todos should answer 200, it answered {response.status}: {response.text}"
    items = response.events[0].elements
    found = re.search(r'id="todo-(\d+)">' + re.escape(text), items)
    assert found, f"the patched list should hold {text!r}; it was {items!r}"
    return found.group(1)


def check_home_gives_a_visitor_cookie(client):
    page = client.get("/")
    assert page.status == 200, f"GET / should answer 200, it answered {page.status}"
    assert "visitor" in client.cookies, f"GET / should set a 'visitor' cookie; Set-Cookie was {page.headers.getall('set-cookie')}"
    again = client.get("/")
    assert not again.headers.getall("set-cookie"), "a second visit sends the cookie back, so it should not be set again"


def check_adding_patches_the_list_and_records_a_span(client):
    client.get("/")
    response = client.post("/todos", signals={"text": "water the plants"})
    event = response.events[0]
    assert event.type == "datastar-patch-elements" and 'id="todos"' in event.elements, f"the first event should patch #todos, it was {event}"
    assert "water the plants" in event.elements, f"the list should hold the new todo; it was {event.elements!r}"
    names = [span.name for span in response.spans]
    assert "todo.add" in names, f"adding should record a 'todo.add' span; the spans were {names}"


def check_each_visitor_has_their_own_list(client):
    client.get("/")
    add(client, "mine")
    other = client.get("/", cookies={"visitor": "someone-else"})
    assert "mine" not in other.text, "another visitor's page should not show my todos"


def check_count_streams_as_todos_change(client):
    client.get("/")
    with client.stream("GET", "/todos/count") as events:
        first = next(events)
        assert first.signals == {"count": 0}, f"the stream should start with the count 0, it sent {first.signals}"
        add(client, "read a book")
        assert events.next(timeout=1).signals == {"count": 1}, "after adding a todo, the stream should send count 1"


def check_delete_removes_the_todo(client):
    client.get("/")
    number = add(client, "call mum")
    response = client.delete(f"/todos/{number}")
    assert response.status == 200, (
        f"DELETE /todos/{number} should answer 200, it answered {response.status}; "
        "add a Command('/todos/{id}', ..., method='DELETE')"
    )
    removals = [e for e in response.events if e.mode == "remove" and e.selector == f"#todo-{number}"]
    assert removals, f"the answer should remove the element #todo-{number} (sse.remove_elements); the events were {response.events}"
    page = client.get("/")
    assert "call mum" not in page.text, "after DELETE the todo should be gone from the page"


def check_delete_records_a_span_and_tells_the_stream(client):
    client.get("/")
    number = add(client, "pay rent")
    with client.stream("GET", "/todos/count") as events:
        assert next(events).signals == {"count": 1}
        response = client.delete(f"/todos/{number}")
        names = [span.name for span in response.spans]
        assert "todo.remove" in names, f"removing should record a 'todo.remove' span (c.span.step); the spans were {names}"
        assert events.next(timeout=1).signals == {"count": 0}, "after DELETE the count stream should send count 0 (relay.publish)"


def check_delete_unknown_is_404(client):
    client.get("/")
    response = client.delete("/todos/12345")
    assert response.status == 404, f"DELETE of a todo that does not exist should answer 404, it answered {response.status}"
