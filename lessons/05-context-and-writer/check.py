"""Checks for lesson 5: a cookie remembers who signed in; /api/me answers JSON with the right status."""


def _me(client):
    response = client.get("/api/me")
    assert response.status != 404, "GET /api/me answered 404: add a Query for /api/me"
    assert response.content_type.startswith("application/json"), (
        f"GET /api/me should answer JSON (w.json(...)), it answered {response.content_type or 'no Content-Type'}: {response.text!r}"
    )
    return response


def check_me_after_signing_in(client):
    client.post("/login", data={"name": "Ada"})
    response = _me(client)
    assert response.status == 200, f"after signing in as Ada, GET /api/me should answer 200, it answered {response.status}"
    assert response.json() == {"name": "Ada"}, f'after signing in as Ada, GET /api/me should answer {{"name": "Ada"}}, it answered {response.text}'


def check_me_without_signing_in(client):
    response = _me(client)
    assert response.status == 401, f"GET /api/me without the cookie should answer 401 (w.json(..., status=401)), it answered {response.status}"
    assert "error" in response.json(), f'GET /api/me without the cookie should answer an object with an "error" key, it answered {response.text}'


def check_logout_forgets_the_name(client):
    client.post("/login", data={"name": "Ada"})
    page = client.post("/logout", follow_redirects=False)
    assert page.status == 303, f"POST /logout should redirect to / with 303, it answered {page.status}"
    cookies = page.headers.getall("set-cookie")
    assert any(c.startswith("name=") and "Max-Age=0" in c for c in cookies), (
        f"POST /logout should tell the browser to forget the name cookie (w.delete_cookie); it sent Set-Cookie: {cookies}"
    )
    response = _me(client)
    assert response.status == 401, f"after POST /logout, GET /api/me should answer 401, it answered {response.status}"
