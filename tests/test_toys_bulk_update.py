"""The bulk update toy in process: the table, a bulk Command patching rows, validation."""


def test_page_has_the_table_form_and_buttons(toy_client):
    client = toy_client("bulk_update")
    response = client.get("/")
    assert response.status == 200
    for n in (1, 2, 3, 4):
        assert f'id="user-{n}"' in response.text
    assert 'name="ids" value="3"' in response.text
    assert "Grace &lt;Hopper&gt;" in response.text
    assert "contentType: &#39;form&#39;" in response.text


def test_deactivate_patches_only_the_ticked_rows(toy_client):
    client = toy_client("bulk_update")
    response = client.post("/users/deactivate", data={"ids": ["1", "3"]})
    assert response.status == 200
    rows, message = response.events
    assert rows.mode == "replace"
    assert 'id="user-1"' in rows.elements and 'id="user-3"' in rows.elements
    assert 'id="user-2"' not in rows.elements
    assert rows.elements.count("Inactive") == 2
    assert "Deactivated 2 users." in message.elements
    step = next(s for s in response.spans if s.name == "users.bulk_update")
    assert step.attributes == {"action": "deactivate", "count": 2}

    again = client.post("/users/activate", data={"ids": "3"})
    assert "Activated 1 user." in again.events[1].elements
    page = client.get("/").text
    assert page.count('class="status">Inactive') == 2  # users 1 and 4


def test_nothing_ticked_or_unknown_id_is_200_with_an_error_patch(toy_client):
    client = toy_client("bulk_update")
    for data in ({}, {"ids": "99"}, {"ids": ["1", "x"]}):
        response = client.post("/users/activate", data=data)
        assert response.status == 200
        [event] = response.events
        assert 'id="message" class="error"' in event.elements
    assert client.get("/").text.count('class="status">Inactive') == 2  # nothing changed


def test_unknown_action_is_404(toy_client):
    client = toy_client("bulk_update")
    assert client.post("/users/delete", data={"ids": "1"}).status == 404
