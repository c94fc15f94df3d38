"""The counter toy in process: the page, the increment patch, reset, and the span."""


def test_page_shows_zero_and_the_buttons(toy_client):
    c = toy_client("counter")
    response = c.get("/")
    assert response.status == 200
    assert '<strong id="count-value">0</strong>' in response.text
    assert "@post(&#39;/increment&#39;)" in response.text


def test_increment_answers_with_a_patch_of_the_count(toy_client):
    c = toy_client("counter")
    first = c.post("/increment")
    second = c.post("/increment")
    assert first.status == second.status == 200
    assert second.content_type.startswith("text/html")
    assert second.text == '<p id="count">Count: <strong id="count-value">2</strong></p>'
    # The page reads the server's count.
    assert '<strong id="count-value">2</strong>' in c.get("/").text


def test_reset_goes_back_to_zero(toy_client):
    c = toy_client("counter")
    c.post("/increment")
    assert '<strong id="count-value">0</strong>' in c.post("/reset").text


def test_increment_is_a_span_with_the_new_value(toy_client):
    c = toy_client("counter")
    c.post("/increment")
    response = c.post("/increment")
    steps = [s for s in response.spans if s.name == "counter.increment"]
    assert len(steps) == 1
    assert steps[0].attributes["counter.value"] == 2


def test_increment_is_a_command(toy_client):
    c = toy_client("counter")
    assert c.get("/increment").status == 405
