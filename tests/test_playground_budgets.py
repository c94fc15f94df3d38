"""Budgets you can see: what a run's interactions cost, and a lesson's budgets as gauges."""

from __future__ import annotations

from stario.playground import pages
from stario.playground.activity import Activity


def a_run() -> Activity:
    activity = Activity()
    activity.record({"kind": "status", "run": 1, "owner": "lessons/07-patching-elements", "state": "running", "text": "running"})
    return activity


def test_the_cost_adds_up_requests_events_bytes_time_and_spans():
    activity = a_run()
    activity.record({"kind": "request", "id": 1, "run": 1, "method": "GET", "path": "/", "target": "/"})
    activity.record({"kind": "end", "id": 1, "run": 1, "ms": 3, "bytes": 900, "unpacked": 2400})
    activity.record({"kind": "request", "id": 2, "run": 1, "method": "POST", "path": "/inc", "target": "/inc"})
    activity.record({"kind": "event", "id": 2, "run": 1, "n": 1, "type": "datastar-patch-elements", "size": 70, "ms": 12.5})
    activity.record({"kind": "event", "id": 2, "run": 1, "n": 2, "type": "datastar-patch-elements", "size": 115, "ms": 13.0})
    activity.record({"kind": "span", "run": 1, "span": {"name": "http.request", "parent_id": None, "duration_ns": 4_000_000, "trace_id": "a"}})
    activity.record({"kind": "span", "run": 1, "span": {"name": "db.query", "parent_id": "b", "duration_ns": 1_000_000, "trace_id": "a"}})
    cost = activity.cost()
    assert cost == {
        "requests": 2, "events": 2, "wire_bytes": 900 + 185, "unpacked_bytes": 2400 + 185,
        "largest_event_bytes": 115, "first_event_ms": 12.5, "server_ms": 4.0, "spans": 2,
    }  # fmt: skip


def test_a_gauge_turns_red_past_its_budget_and_says_so():
    cost = dict(pages.NOTHING_YET, largest_event_bytes=150, requests=7)
    html = str(pages.cost_view(cost, {"largest_event_bytes": 200, "requests": 5}))
    assert 'class="gauge" data-budget="largest_event_bytes"' in html and "150 / 200" in html
    assert 'class="gauge over" data-budget="requests"' in html and "7 / 5" in html and "over budget" in html
    assert 'role="meter"' in html and 'aria-valuenow="7"' in html and "width: 100%" in html
    assert "gauge" not in str(pages.cost_view(cost, {}))  # no budgets: the cost line alone
