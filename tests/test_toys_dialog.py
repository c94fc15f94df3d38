"""The dialog toy in process: the page, the delete Command, and an unknown id."""


def test_page_lists_items_and_has_a_native_dialog(toy_client):
    client = toy_client("dialog")
    response = client.get("/")
    assert response.status == 200
    for n in (1, 2, 3):
        assert f'id="item-{n}"' in response.text
    assert '<dialog id="confirm"' in response.text
    assert "Holiday &lt;photos&gt;.zip" in response.text  # names are escaped


def test_confirm_removes_the_row_and_resets_the_signals(toy_client):
    client = toy_client("dialog")
    response = client.post("/delete", signals={"pending": 2, "pendingName": "x"})
    assert response.status == 200
    removed, cleared, reset = response.events
    assert removed.mode == "remove" and removed.selector == "#item-2"
    assert 'id="error"' in cleared.elements
    assert reset.signals == {"pending": 0, "pendingName": ""}
    step = next(s for s in response.spans if s.name == "item.delete")
    assert step.attributes == {"item_id": 2, "item.name": "Holiday <photos>.zip"}
    assert 'id="item-2"' not in client.get("/").text


def test_unknown_or_bad_id_is_answered_200_with_an_error_patch(toy_client):
    client = toy_client("dialog")
    client.post("/delete", signals={"pending": 1})
    for pending in (1, 99, "1", None):
        response = client.post("/delete", signals={"pending": pending})
        assert response.status == 200
        [event] = response.events
        assert 'id="error"' in event.elements and "already gone" in event.elements
