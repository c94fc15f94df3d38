"""The click-to-edit toy in process: card, form, validation (200 + the form with errors), save, cancel."""


GOOD = {"first": "Ada", "last": "Lovelace", "email": "ada@example.org"}


def test_page_shows_the_card(toy_client):
    c = toy_client("click_to_edit")
    response = c.get("/")
    assert response.status == 200
    assert '<div id="contact"><dl>' in response.text
    assert '<dd id="contact-first">Grace</dd>' in response.text
    assert "@get(&#39;/contact/edit&#39;)" in response.text


def test_edit_answers_with_the_form_under_the_same_id(toy_client):
    c = toy_client("click_to_edit")
    response = c.get("/contact/edit")
    assert response.status == 200
    assert response.text.startswith('<div id="contact"><form id="contact-form"')
    assert 'name="first" type="text" value="Grace"' in response.text
    assert "contentType: &#39;form&#39;" in response.text


def test_cancel_answers_with_the_card_unchanged(toy_client):
    c = toy_client("click_to_edit")
    response = c.get("/contact")
    assert response.text.startswith('<div id="contact"><dl>')
    assert '<dd id="contact-last">Hopper</dd>' in response.text


def test_save_stores_and_swaps_back_to_the_card(toy_client):
    c = toy_client("click_to_edit")
    response = c.put("/contact", data={"first": " Ada ", "last": "Lovelace", "email": "ada@example.org"})
    assert response.status == 200
    assert response.text.startswith('<div id="contact"><dl>')
    assert '<dd id="contact-first">Ada</dd>' in response.text
    assert '<dd id="contact-email">ada@example.org</dd>' in c.get("/").text


def test_invalid_form_is_a_200_with_the_form_the_values_and_the_errors(toy_client):
    c = toy_client("click_to_edit")
    response = c.put("/contact", data={"first": "", "last": "Lovelace", "email": "nope"})
    assert response.status == 200
    assert '<form id="contact-form"' in response.text
    assert '<span class="error" id="error-first">First name is required.</span>' in response.text
    assert "That does not look like an email address." in response.text
    assert 'value="Lovelace"' in response.text and 'value="nope"' in response.text
    assert 'id="error-last"' not in response.text
    # Nothing was saved.
    assert '<dd id="contact-first">Grace</dd>' in c.get("/contact").text
    too_long = c.put("/contact", data=GOOD | {"last": "x" * 81})
    assert "at most 80 characters" in too_long.text


def test_values_are_escaped_in_the_form_and_in_the_card(toy_client):
    c = toy_client("click_to_edit")
    hostile = '"><script>alert(1)</script>'
    form = c.put("/contact", data={"first": hostile, "last": "L", "email": "bad"})
    assert "<script>" not in form.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in form.text
    card = c.put("/contact", data=GOOD | {"last": hostile})
    assert "<script>" not in card.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card.text


def test_validation_is_a_span_and_saving_an_event(toy_client):
    c = toy_client("click_to_edit")
    bad = c.put("/contact", data={"first": "", "last": "", "email": "a@b.c"})
    [step] = [s for s in bad.spans if s.name == "contact.validate"]
    assert step.attributes["contact.errors"] == ["first", "last"]
    good = c.put("/contact", data=GOOD)
    assert any(e.name == "contact.saved" for e in good.span.events)


def test_saving_is_a_command(toy_client):
    c = toy_client("click_to_edit")
    assert c.post("/contact").status == 405
