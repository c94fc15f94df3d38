"""The trie router: matching, precedence, backtracking, conflicts, decoding and link building."""

from __future__ import annotations

import pytest

from stario import Command, Query, Stario
from stario.routing import Router, RouteConflict, parse_pattern
from stario.testing import TestClient


async def handler(c, w):
    w.json({"route": c.route.pattern, "params": c.params})


def router_with(*patterns: str) -> Router:
    router = Router()
    for pattern in patterns:
        router.add(Query(pattern, handler))
    return router


def matched(router: Router, path: str):
    found = router.match(path)
    if found is None:
        return None
    routes, values = found
    route = routes["GET"]
    return route.pattern, dict(zip(route.param_names, values))


def test_static_param_and_catchall_segments():
    router = router_with("/", "/users", "/users/{id}", "/users/{id}/posts/{post}", "/files/{path...}")
    assert matched(router, "/") == ("/", {})
    assert matched(router, "/users") == ("/users", {})
    assert matched(router, "/users/7") == ("/users/{id}", {"id": "7"})
    assert matched(router, "/users/7/posts/hello") == ("/users/{id}/posts/{post}", {"id": "7", "post": "hello"})
    assert matched(router, "/files/a/b/c.txt") == ("/files/{path...}", {"path": "a/b/c.txt"})
    assert matched(router, "/nothing") is None
    assert matched(router, "/users/") is None, "an empty segment is not a parameter value"


def test_static_beats_param_and_router_backtracks():
    router = router_with("/users/new", "/users/{id}/edit", "/users/{id}")
    assert matched(router, "/users/new") == ("/users/new", {})
    # "new" matches the static branch, which has no "edit" child: the router must try {id}.
    assert matched(router, "/users/new/edit") == ("/users/{id}/edit", {"id": "new"})


def test_param_beats_catchall():
    router = router_with("/a/{x}", "/a/{rest...}")
    assert matched(router, "/a/one") == ("/a/{x}", {"x": "one"})
    assert matched(router, "/a/one/two") == ("/a/{rest...}", {"rest": "one/two"})


def test_encoded_slash_stays_inside_its_segment():
    router = router_with("/files/{name}", "/files/{name}/raw")
    assert matched(router, "/files/a%2Fraw") == ("/files/{name}", {"name": "a/raw"})
    assert matched(router, "/files/a%20b") == ("/files/{name}", {"name": "a b"})


def test_static_segments_match_percent_encoded_paths():
    router = router_with("/café")
    assert matched(router, "/caf%C3%A9") == ("/café", {})


def test_conflicting_routes_fail_naming_both():
    router = router_with("/users/{id}")
    with pytest.raises(RouteConflict) as error:
        router.add(Query("/users/{name}", handler))
    message = str(error.value)
    assert "/users/{name}" in message and "/users/{id}" in message and "GET" in message


def test_same_path_different_methods_do_not_conflict():
    router = Router()
    router.add(Query("/todos/{id}", handler))
    router.add(Command("/todos/{id}", handler, method="DELETE"))
    routes, values = router.match("/todos/3")
    assert sorted(routes) == ["DELETE", "GET", "HEAD"]
    assert values == ["3"]


@pytest.mark.parametrize(
    "pattern, problem",
    [
        ("users", "starts with '/'"),
        ("/a/{rest...}/b", "must be the last segment"),
        ("/a/{id}/{id}", "appears twice"),
        ("/a/x{id}", "is not a parameter"),
    ],
)
def test_bad_patterns_are_refused_with_a_reason(pattern, problem):
    with pytest.raises(ValueError, match=problem):
        parse_pattern(pattern)


def test_command_refuses_read_methods():
    with pytest.raises(ValueError, match="use a Query to read"):
        Command("/x", handler, method="GET")


def test_href_fills_and_escapes_parameters():
    user = Query("/users/{id}", handler)
    assert user.href(id=3) == "/users/3"
    assert user.href(id="a/b c?d") == "/users/a%2Fb%20c%3Fd"
    files = Query("/files/{path...}", handler)
    assert files.href(path="docs/read me.md") == "/files/docs/read%20me.md"
    with pytest.raises(TypeError, match="needs a value for id"):
        user.href()
    with pytest.raises(TypeError, match="has no parameter name"):
        user.href(id=1, name="x")


def test_url_for_by_handler_name_and_explicit_name():
    async def show_user(c, w): ...

    app = Stario(Query("/users/{id}", show_user), Query("/about", handler, name="about"))
    assert app.url_for("show_user", id="x y") == "/users/x%20y"
    assert app.url_for("about") == "/about"
    with pytest.raises(LookupError, match="no route is named 'missing'"):
        app.url_for("missing")


def test_lookup_is_unchanged_by_thousands_of_routes():
    router = Router()
    for i in range(5000):
        router.add(Query(f"/section{i}/items/{{id}}", handler))
    assert matched(router, "/section4999/items/9") == ("/section4999/items/{id}", {"id": "9"})
    assert matched(router, "/section0/items/1") == ("/section0/items/{id}", {"id": "1"})


def test_unknown_path_is_404_and_wrong_method_405_with_allow():
    app = Stario(Query("/todos", handler), Command("/todos", handler))
    with TestClient(app) as client:
        assert client.get("/nope").status == 404
        response = client.put("/todos")
        assert response.status == 405
        assert response.headers["allow"] == "GET, HEAD, POST"


def test_head_answers_every_query_without_a_body():
    async def page():
        return "<p>hello</p>"

    app = Stario(Query("/", page))
    with TestClient(app) as client:
        response = client.head("/")
        assert response.status == 200
        assert response.body == b""
        assert response.headers["content-length"] == str(len("<p>hello</p>"))


def test_params_reach_the_handler_decoded():
    app = Stario(Query("/files/{name}", handler))
    with TestClient(app) as client:
        assert client.get("/files/a%2Fb").json() == {"route": "/files/{name}", "params": {"name": "a/b"}}


from hypothesis import given, settings
from hypothesis import strategies as st


# '.' and '..' are refused by href (a browser would resolve them away), so they are not values.
_VALUE = st.text(min_size=1).filter(lambda value: value not in (".", ".."))


@settings(max_examples=300, deadline=None)
@given(first=_VALUE, second=_VALUE, rest=st.lists(_VALUE, max_size=3))
def test_href_then_match_gives_the_values_back(first, second, rest):
    """Whatever a parameter holds (slashes, %, spaces, unicode), the link leads back to it."""
    router = Router()
    pair = Query("/a/{first}/b/{second}", handler)
    files = Query("/files/{path...}", handler)
    router.add(pair)
    router.add(files)
    assert matched(router, pair.href(first=first, second=second)) == (pair.pattern, {"first": first, "second": second})
    path = "/".join([first, *rest])  # a catch-all keeps its slashes
    if any(piece in (".", "..") for piece in path.split("/")):
        return  # a catch-all's pieces follow the same rule as a segment (href refuses them, tested below)
    assert matched(router, files.href(path=path)) == (files.pattern, {"path": path})


@pytest.mark.parametrize("value", [".", "..", ""])
def test_href_refuses_a_segment_a_browser_would_resolve_away(value):
    with pytest.raises(ValueError, match="cannot be"):
        Query("/a/{first}", handler).href(first=value)


def test_static_matches_hold_what_match_raw_answers_for_paths_without_parameters():
    """The app looks a path up in `static_matches` before calling the router; a Command added
    after a Query on the same path must be found there too, and a parametrised path never is."""
    router = Router()
    router.add(Query("/items", handler))
    router.add(Command("/items", handler))
    router.add(Query("/items/{id}", handler))
    router.add(Query("/café", handler))
    routes, values = router.static_matches[b"/items"]
    assert sorted(routes) == ["GET", "HEAD", "POST"] and values == []
    assert router.static_matches[b"/items"] == router.match_raw(b"/items") == router.match("/items")
    assert b"/caf%C3%A9" in router.static_matches  # as a client sends it: percent-encoded
    assert not any(b"{" in path for path in router.static_matches)
    assert router.match_raw(b"/items/7")[1] == ["7"]


def test_a_command_on_a_querys_static_path_is_answered_through_the_app():
    async def added(c, w):
        w.text("added", status=201)

    with TestClient(Stario(Query("/items", handler), Command("/items", added))) as client:
        assert client.get("/items").json()["route"] == "/items"
        assert client.post("/items").status == 201


def test_the_app_answers_a_path_without_parameters_from_static_matches(monkeypatch):
    """Most requests never reach the router's methods: one dict lookup in the app finds them."""
    app = Stario(Query("/items", handler), Query("/items/{id}", handler))

    def refuse(raw_path):
        raise AssertionError(f"match_raw was called for {raw_path!r}")

    with TestClient(app) as client:
        monkeypatch.setattr(Router, "match_raw", lambda router, raw_path: refuse(raw_path))
        assert client.get("/items").json()["route"] == "/items"
        assert client.get("/items/7").status == 500  # a parameter: the router is asked
