"""The lazy tabs toy in process: the first tab comes with the page, the others on request."""


def test_page_has_tabs_first_panel_filled_others_empty(toy_client):
    client = toy_client("lazy_tabs")
    response = client.get("/")
    assert response.status == 200
    text = response.text
    for name in ("overview", "activity", "settings"):
        assert f'id="tab-{name}"' in text and f'id="panel-{name}"' in text
    assert "Everything at a glance" in text
    assert text.count("Loading…") == 2
    assert "@get(&#39;/tabs/activity&#39;)" in text


def test_tab_query_patches_the_panel_and_marks_it_loaded(toy_client):
    client = toy_client("lazy_tabs")
    response = client.get("/tabs/activity", signals={"tab": "activity"})
    assert response.status == 200
    panel, loaded = response.events
    assert 'id="panel-activity"' in panel.elements and "Signed in" in panel.elements
    assert "data-show=" in panel.elements  # the morph keeps the panel's visibility rule
    assert loaded.signals == {"loaded": {"activity": True}}
    step = next(s for s in response.spans if s.name == "tab.load")
    assert step.attributes["tab"] == "activity"


def test_unknown_tab_is_404(toy_client):
    client = toy_client("lazy_tabs")
    response = client.get("/tabs/nope")
    assert response.status == 404
    assert "nope" in response.text
