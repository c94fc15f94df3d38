"""The todo toy in process: add, validation (200 + error patch), escaping, toggle, delete, spans."""


def test_page_has_the_form_and_an_empty_list(toy_client):
    c = toy_client("todo")
    response = c.get("/")
    assert response.status == 200
    assert '<ul id="todos"></ul>' in response.text
    assert "data-bind:title" in response.text


def test_add_appends_the_item_clears_the_error_and_the_input(toy_client):
    c = toy_client("todo")
    response = c.post("/todos", signals={"title": "  Buy milk "})
    assert response.status == 200
    appended, error, reset = response.events
    assert (appended.selector, appended.mode) == ("#todos", "append")
    assert appended.elements.startswith('<li id="todo-1">')
    assert '<span class="title">Buy milk</span>' in appended.elements
    assert error.elements == '<p id="todo-error" role="alert"></p>'
    assert reset.type == "datastar-patch-signals" and reset.signals == {"title": ""}
    assert 'id="todo-1"' in c.get("/").text


def test_an_empty_title_is_a_200_with_an_error_patch_and_adds_nothing(toy_client):
    c = toy_client("todo")
    for title in ("", "   "):
        response = c.post("/todos", signals={"title": title})
        assert response.status == 200
        [event] = response.events
        assert event.type == "datastar-patch-elements"
        assert 'id="todo-error"' in event.elements and "Write a title first." in event.elements
    too_long = c.post("/todos", signals={"title": "x" * 201})
    assert too_long.status == 200 and "under 200 characters" in too_long.events[0].elements
    assert 'id="todo-1"' not in c.get("/").text


def test_titles_are_escaped(toy_client):
    c = toy_client("todo")
    response = c.post("/todos", signals={"title": "<script>alert(1)</script>"})
    assert "<script>" not in response.events[0].elements
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.events[0].elements
    assert "<script>alert" not in c.get("/").text


def test_toggle_morphs_the_item_by_its_id(toy_client):
    c = toy_client("todo")
    c.post("/todos", signals={"title": "a"})
    done = c.post("/todos/1/toggle")
    assert done.status == 200
    assert done.text.startswith('<li id="todo-1" class="done">') and ">Undo<" in done.text
    undone = c.post("/todos/1/toggle")
    assert undone.text.startswith('<li id="todo-1">') and ">Done<" in undone.text


def test_delete_removes_the_element_and_ids_are_not_reused(toy_client):
    c = toy_client("todo")
    c.post("/todos", signals={"title": "a"})
    c.post("/todos", signals={"title": "b"})
    response = c.delete("/todos/1")
    [event] = response.events
    assert (event.selector, event.mode) == ("#todo-1", "remove")
    assert c.delete("/todos/1").status == 404
    again = c.post("/todos", signals={"title": "c"})
    assert again.events[0].elements.startswith('<li id="todo-3">')


def test_unknown_ids_are_404(toy_client):
    c = toy_client("todo")
    assert c.post("/todos/9/toggle").status == 404
    assert c.post("/todos/nope/toggle").status == 404
    assert c.delete("/todos/9").status == 404


def test_spans_record_the_work(toy_client):
    c = toy_client("todo")
    added = c.post("/todos", signals={"title": "a"})
    [step] = [s for s in added.spans if s.name == "todo.add"]
    assert step.attributes["todo.id"] == 1
    invalid = c.post("/todos", signals={"title": ""})
    assert any(e.name == "todo.invalid" for s in invalid.spans for e in s.events)
    toggled = c.post("/todos/1/toggle")
    assert toggled.span.attributes["todo.done"] is True
