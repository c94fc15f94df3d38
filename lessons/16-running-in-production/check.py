"""Checks for lesson 16: what a production app must not forget."""


def check_debug_is_off(client):
    assert client.app.debug is False, (
        "the app runs with debug=True: any visitor who triggers a bug sees your traceback. "
        "Pass debug=DEVELOPMENT, so only APP_ENV=development turns it on"
    )


def check_session_cookie_is_secure(client):
    page = client.get("/")
    cookies = page.headers.getall("set-cookie")
    session = next((c for c in cookies if c.startswith("session=")), None)
    assert session, f"GET / should set a 'session' cookie; Set-Cookie was {cookies}"
    assert "Secure" in session, (
        f"the session cookie should be Secure (sent over HTTPS only): pass secure=not DEVELOPMENT to w.cookie; it was {session!r}"
    )
    assert "HttpOnly" in session and "SameSite=Lax" in session, f"keep Stario's HttpOnly and SameSite=Lax defaults; it was {session!r}"


def check_clock_streams_unbuffered_and_cleans_up(client):
    with client.stream("GET", "/clock") as events:
        assert events.headers.get("x-accel-buffering") == "no", "an SSE answer should tell proxies not to buffer it"
        first = next(events)
        assert 'id="clock"' in first.elements, f"the clock should morph #clock, it sent {first.raw!r}"
    names = [event.name for span in events.spans for event in span.events]
    assert "clock.stopped" in names, f"after the client left, the clock's finally should have run; span events were {names}"


def check_health_endpoint(client):
    response = client.get("/healthz")
    assert response.status == 200 and response.text.startswith("ok"), f"GET /healthz should answer 200 'ok...', got {response.status} {response.text!r}"
