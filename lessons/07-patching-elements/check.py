"""Checks for lesson 7: the counter still morphs by id, and each click appends a line to #history."""

# Shown as a gauge in the playground's inspector: one row appended stays small however long the
# list grows; the whole list sent again passes it after a few clicks.
BUDGETS = {"largest_event_bytes": 200}


def check_counter_counts(client):
    client.post("/inc")
    response = client.post("/inc")
    assert response.status == 200, f"POST /inc should answer 200, it answered {response.status}"
    assert '<p id="count">2</p>' in response.text, (
        f'after two POSTs to /inc the answer should hold <p id="count">2</p>; it was: {response.text!r}'
    )


def check_click_appends_to_history(client):
    response = client.post("/inc")
    kind = response.content_type.split(";")[0]
    assert kind == "text/event-stream", (
        f"POST /inc should answer with a stream of events (text/event-stream) so it can send two patches; "
        f"it answered {kind or 'no content type'}. Turn inc into a generator: yield the counter, then the history line"
    )
    events = response.events
    appended = [e for e in events if e.type == "datastar-patch-elements" and e.mode == "append"]
    assert appended, (
        f"POST /inc should send a patch with mode append; it sent {len(events)} event(s) with modes "
        f"{[e.mode for e in events]}. Yield PatchElements(..., selector=\"#history\", mode=\"append\")"
    )
    event = appended[0]
    assert event.selector == "#history", f"the append patch should target the selector #history, it targeted {event.selector!r}"
    assert event.elements.startswith("<li"), f"the append patch should carry an <li> for the list, it carried {event.elements!r}"
    morphed = [e for e in events if e.mode == "outer" and 'id="count"' in e.elements]
    assert morphed, "POST /inc should still send the counter, <p id=\"count\">...</p>, before the history line"
