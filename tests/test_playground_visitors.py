"""A second visitor: the proxy keeps its cookies, so the app sees two browsers."""

from __future__ import annotations

import pytest

from stario.playground.proxy import PreviewProxy
from stario.playground.visitors import CookieJar
from stario.testing import TestClient
from tests.test_playground_proxy import COOKIE, Records, Upstream, upstream  # noqa: F401 (a fixture)


def test_the_jar_keeps_replaces_and_deletes_cookies_as_a_browser_would():
    jar = CookieJar()
    jar.take([(b"set-cookie", b"flavour=mint; Path=/; HttpOnly"), (b"set-cookie", b'note="a b"; Max-Age=60')])
    jar.take([(b"Set-Cookie", b"flavour=lemon; SameSite=Lax")])
    assert jar.cookies == {"flavour": "lemon", "note": '"a b"'}
    jar.take([(b"set-cookie", b"note=; Max-Age=0"), (b"set-cookie", b"old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT")])
    assert jar.cookies == {"flavour": "lemon"}
    jar.take([(b"set-cookie", b"bad cookie name=1")])  # not a cookie a browser keeps: ignored
    assert jar.cookies == {"flavour": "lemon"}
    headers = jar.request_headers([(b"host", b"x"), (b"cookie", b"flavour=vanilla")])
    assert headers == [(b"host", b"x"), (b"cookie", b"flavour=lemon")]


@pytest.fixture
def records():
    return Records()


def test_the_second_visitor_gets_its_own_cookies_and_the_browsers_never_reach_the_app(upstream, records):  # noqa: F811
    visitor = PreviewProxy(Upstream(upstream=upstream, run_id=1), report=records.append, visitor=2)
    with TestClient(visitor, base_url="http://127.0.0.1:9998", follow_redirects=False, timeout=5) as client:
        answer = client.get("/sets-cookies")
        assert answer.text == "cookies" and "set-cookie" not in answer.headers  # kept by the proxy
        assert visitor.jar is not None and visitor.jar.cookies == {"flavour": "mint"}
        seen = client.get("/echo", headers={"Cookie": f"flavour=vanilla; {COOKIE}=token"}).json()
        assert seen["cookies"] == {"flavour": "mint"}  # the jar's, not the browser's
    request = next(r for r in records if r["kind"] == "request" and r["path"] == "/echo")
    assert request["visitor"] == 2 and ["cookie", "flavour=mint"] in request["request_headers"]


def test_the_first_visitor_is_the_browser_itself(upstream, records):  # noqa: F811
    first = PreviewProxy(Upstream(upstream=upstream, run_id=1), report=records.append)
    with TestClient(first, base_url="http://127.0.0.1:9999", follow_redirects=False, timeout=5) as client:
        assert "flavour=mint" in client.get("/sets-cookies").headers["set-cookie"]
    assert first.jar is None and records[0]["visitor"] == 1
