"""The toasts toy in process: the page, a toast appended with a self-removing data-init, validation."""


def test_page_has_the_form_and_the_toasts_container(toy_client):
    client = toy_client("toasts")
    response = client.get("/")
    assert response.status == 200
    assert 'id="toasts"' in response.text
    assert "@post(&#39;/notify&#39;)" in response.text


def test_notify_appends_an_escaped_toast_that_removes_itself(toy_client):
    client = toy_client("toasts")
    response = client.post("/notify", signals={"message": "<b>saved</b>"})
    assert response.status == 200
    clear, added = response.events
    assert 'id="error"' in clear.elements
    assert added.selector == "#toasts" and added.mode == "append"
    assert 'id="toast-1"' in added.elements
    assert "&lt;b&gt;saved&lt;/b&gt;" in added.elements and "<b>saved" not in added.elements
    assert 'data-init__delay.2500ms="el.remove()"' in added.elements
    step = next(s for s in response.spans if s.name == "toast.create")
    assert step.attributes["toast_id"] == 1

    second = client.post("/notify", signals={"message": "again"}).events[-1]
    assert 'id="toast-2"' in second.elements


def test_empty_or_long_message_is_answered_200_with_an_error_patch(toy_client):
    client = toy_client("toasts")
    for message in ("   ", "x" * 81):
        response = client.post("/notify", signals={"message": message})
        assert response.status == 200
        [event] = response.events
        assert 'id="error"' in event.elements and "toast" not in event.elements
