"""Checks for lesson 6: the server reads the count signal and answers with a patch-signals event."""


def check_page_has_a_server_button(client):
    page = client.get("/")
    assert "@post(&#39;/inc&#39;)" in page.text or "@post('/inc')" in page.text, (
        "the page should have a button with data-on:click=\"@post('/inc')\"; "
        "no @post('/inc') was found in the page"
    )


def check_inc_adds_one(client):
    response = client.post("/inc", signals={"count": 4})
    assert response.status == 200, f"POST /inc should answer 200, it answered {response.status} (is there a Command for /inc?)"
    patches = [e for e in response.events if e.type == "datastar-patch-signals"]
    assert patches, f"POST /inc should answer with a patch-signals event (yield {{'count': ...}}); the body was: {response.text!r}"
    assert patches[0].signals == {"count": 5}, f"POST /inc with the count signal at 4 should answer {{'count': 5}}, it answered {patches[0].signals}"


def check_inc_starts_again_when_count_is_not_a_number(client):
    response = client.post("/inc", signals={"count": "lots"})
    patches = [e for e in response.events if e.type == "datastar-patch-signals"]
    assert response.status == 200 and patches, (
        f"POST /inc with count set to the text 'lots' should still answer a patch-signals event, it answered {response.status}: {response.text!r}"
    )
    assert patches[0].signals == {"count": 1}, (
        f"POST /inc with count set to the text 'lots' should start again from 0 and answer {{'count': 1}}, it answered {patches[0].signals}"
    )
