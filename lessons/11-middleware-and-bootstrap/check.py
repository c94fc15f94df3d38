"""Checks for lesson 11: the admin pages want a key, the public pages do not, and every request is logged."""

KEY = {"X-Admin-Key": "letmein"}


def check_admin_refuses_without_key(client):
    response = client.get("/admin/log")
    assert response.status == 403, (
        f"GET /admin/log without an X-Admin-Key header should answer 403 Forbidden; it answered {response.status}. "
        "Write a middleware that raises HTTPError(403, ...) and add it with admin.use(...) before app.mount(...)"
    )
    wrong = client.get("/admin/log", headers={"X-Admin-Key": "guess"})
    assert wrong.status == 403, f"GET /admin/log with a wrong key should answer 403; it answered {wrong.status}"


def check_admin_opens_with_key(client):
    client.get("/")
    response = client.get("/admin/log", headers=KEY)
    assert response.status == 200, (
        f"GET /admin/log with X-Admin-Key: letmein should answer 200; it answered {response.status}: {response.text!r}"
    )
    assert "GET /" in response.text, f"the admin log should list the earlier 'GET /'; it showed {response.text!r}"


def check_public_page_stays_open(client):
    response = client.get("/")
    assert response.status == 200, (
        f"GET / needs no key and should answer 200; it answered {response.status}. "
        "Add the key middleware to the admin app only, not to the whole app"
    )

