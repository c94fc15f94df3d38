"""Click to source: the last patch of an element, and the handler a request took, from the learner's code."""

from __future__ import annotations

from stario.lessons import load_lessons
from stario.playground import pages
from stario.playground.activity import Activity
from stario.playground.source import find_patch, handler_for, routes_in

PATCHING = next(lesson for lesson in load_lessons() if lesson.path.name == "07-patching-elements")


def exchanges():
    activity = Activity()
    activity.record({"kind": "status", "run": 1, "owner": "x", "state": "running", "text": ""})
    activity.record({"kind": "request", "id": 1, "run": 1, "method": "GET", "path": "/", "dest": "iframe", "navigation": True})
    activity.record({"kind": "request", "id": 2, "run": 1, "method": "POST", "path": "/inc"})
    activity.record({"kind": "event", "id": 2, "run": 1, "n": 1, "type": "datastar-patch-elements", "elements": '<p id="count">1</p>'})
    activity.record({"kind": "event", "id": 2, "run": 1, "n": 2, "type": "datastar-patch-elements", "selector": "#history",
                     "mode": "append", "elements": "<li>click 1</li>"})
    activity.record({"kind": "request", "id": 3, "run": 1, "method": "POST", "path": "/inc"})
    activity.record({"kind": "event", "id": 3, "run": 1, "n": 1, "type": "datastar-patch-elements", "elements": "<p id='count'>2</p>"})
    activity.record({"kind": "event", "id": 3, "run": 1, "n": 2, "type": "datastar-patch-elements", "elements": '<p id="counter">x</p>',
                     "dropped": True})
    return list(activity.exchanges.values())


def test_the_last_event_that_patched_an_element_is_found_by_selector_or_by_id():
    found = exchanges()
    exchange, event = find_patch(found, "count")
    assert exchange.id == 3 and event["n"] == 1  # the newest, with single quotes
    exchange, event = find_patch(found, "history")
    assert exchange.id == 2 and event["selector"] == "#history"
    exchange, event = find_patch(found, "counter")  # only in a dropped event: it never arrived
    assert exchange.id == 1 and event is None  # so it came with the page
    assert find_patch([], "count") == (None, None)


def test_a_request_finds_its_handler_and_lines_in_the_learners_code():
    code = PATCHING.solution_code
    assert ("inc", (24, 28)) == handler_for(code, "POST", "/inc")  # async def inc ... the append
    assert handler_for(code, "GET", "/")[0] == "home"
    assert handler_for(code, "GET", "/inc") is None and handler_for("def (:", "GET", "/") is None
    routes = routes_in('app = Stario(Query("/users/{id}", user), Command("/files/{path...}", put, method="PUT"), Query(x, y))')
    assert routes == [(frozenset({"GET", "HEAD"}), "/users/{id}", "user"), (frozenset({"PUT"}), "/files/{path...}", "put")]
    assert handler_for('Query("/users/{id}", user)', "GET", "/users/7") == ("user", None)
    assert handler_for('Command("/files/{path...}", put, method="PUT")', "PUT", "/files/a/b")[0] == "put"


def test_the_pick_shows_the_request_the_event_and_bands_the_handlers_lines():
    exchange, event = find_patch(exchanges(), "count")
    html = str(pages.pick_detail("count", exchange, event, [], ("inc", (25, 29))))
    assert "#count" in html and "POST /inc" in html and "lines 25\u201329" in html
    assert 'data-init="playground.showLines(25, 29)"' in html
    page = str(pages.pick_detail("", None, None, [], None))
    assert "Only an element with an id" in page and "press Run" in page
