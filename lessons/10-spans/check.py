"""Checks for lesson 10: the search request's span says what was asked, what was found, and how long the lookup took."""


def check_span_has_query_and_results(client):
    response = client.get("/search?q=py")
    assert response.status == 200, f"GET /search?q=py should answer 200, it answered {response.status}"
    attributes = response.span.attributes
    assert attributes.get("search.query") == "py", (
        f"the request's span should have the attribute search.query = 'py'; its attributes were {attributes}. "
        "Use c.span.attr(\"search.query\", q)"
    )
    assert attributes.get("search.results") == 2, (
        f"for q=py the span should have search.results = 2 (python, pyramid); it had {attributes.get('search.results')!r}"
    )


def check_lookup_is_a_step(client):
    response = client.get("/search?q=star")
    steps = [span for span in response.spans if span.name == "search.lookup"]
    names = sorted(span.name for span in response.spans)
    assert steps, f"the lookup should run inside a step named search.lookup; the request made the spans {names}"
    step = steps[0]
    assert step.parent_id == response.span.span_id, "search.lookup should be a child of the request's span: use 'with c.span.step(...)'"
    assert step.duration_ns >= 15_000_000, (
        f"search.lookup should cover the lookup itself (about 20 ms); it took {step.duration_ns / 1e6:.1f} ms. "
        "Put the 'await lookup(q)' inside the with block"
    )


def check_empty_search_is_an_event(client):
    response = client.get("/search?q=zebra")
    events = {event.name: event.attributes for event in response.span.events}
    assert "search.empty" in events, (
        f"a search that finds nothing should record the event search.empty on the request's span; "
        f"the span had the events {sorted(events) or 'none'}"
    )
    assert events["search.empty"].get("query") == "zebra", (
        f"the search.empty event should carry query='zebra'; it carried {events['search.empty']}"
    )
