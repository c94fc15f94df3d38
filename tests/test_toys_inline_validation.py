"""The inline validation toy in process: checks answered with 200 and a patch; submit checks all again."""


def test_the_form_checks_the_email_as_you_type(toy_client):
    client = toy_client("inline_validation")
    page = client.get("/")
    assert page.status == 200
    assert 'data-on:input__debounce.300ms="@post(&#39;/validate/email&#39;)"' in page.text


def test_each_email_check_is_200_and_one_message(toy_client):
    client = toy_client("inline_validation")
    for email, text, state in (
        ("", "Enter your email address.", "error"),
        ("not an <email>", "That does not look like an email address.", "error"),
        ("Taken@Example.com", "That email is already registered.", "error"),
        ("new@example.com", "Looks good.", "ok"),
    ):
        response = client.post("/validate/email", signals={"email": email})
        assert response.status == 200
        assert response.content_type == "text/html; charset=utf-8"
        assert response.text.startswith(f'<p id="email-message" class="{state}"')
        assert text in response.text
    step = [span for span in response.spans if span.name == "validate.email"][0]
    assert step.attributes["valid"] is True


def test_submit_validates_everything_again_and_escapes(toy_client):
    client = toy_client("inline_validation")
    refused = client.post("/signup", signals={"name": " ", "email": "taken@example.com"})
    assert refused.status == 200
    assert 'id="name-message" class="error"' in refused.text and "Enter your name." in refused.text
    assert "That email is already registered." in refused.text
    assert [s.attributes["errors"] for s in refused.spans if s.name == "validate.all"] == [2]

    welcome = client.post("/signup", signals={"name": "<Ann>", "email": "ann@example.com"})
    assert welcome.status == 200
    assert welcome.text == (
        '<div id="signup"><p id="welcome">Welcome, &lt;Ann&gt;! Check ann@example.com for a link.</p></div>'
    )
    assert any(span.name == "users.create" for span in welcome.spans)

    again = client.post("/validate/email", signals={"email": "ann@example.com"})
    assert "That email is already registered." in again.text
