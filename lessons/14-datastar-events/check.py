"""Checks for lesson 14: the feed's events carry ids and a retry, and a reconnect resumes."""


def check_feed_morphs_status_then_appends(client):
    with client.stream("GET", "/feed") as events:
        status = next(events)
        assert status.type == "datastar-patch-elements" and 'id="status"' in status.elements, (
            f"the feed should first morph #status; its first event was {status.raw!r}"
        )
        first = next(events)
        assert (first.mode, first.selector) == ("append", "#feed"), (
            f"each message should be appended to #feed; the event was {first.raw!r}"
        )


def check_first_event_sets_retry(client):
    with client.stream("GET", "/feed") as events:
        status = next(events)
        assert status.retry == 5000, (
            f"the first event should carry 'retry: 5000' (PatchElements(..., retry_duration=5000)) so the browser waits "
            f"5 s before reconnecting; it was:\n{status.raw}"
        )


def check_messages_carry_their_number_as_id(client):
    with client.stream("GET", "/feed") as events:
        next(events)  # the status
        ids = [next(events).id for _ in range(3)]
    assert ids == ["1", "2", "3"], (
        f"the three messages should have the ids 1, 2, 3 (event_id=str(number)), so the browser can say "
        f"where it stopped; they had {ids}"
    )


def check_reconnect_resumes_after_last_event_id(client):
    with client.stream("GET", "/feed", headers={"Last-Event-ID": "2"}) as events:
        next(events)  # the status
        resumed = next(events)
    assert 'id="m3"' in resumed.elements, (
        "a browser that reconnects with 'Last-Event-ID: 2' already shows messages 1 and 2: the feed should "
        f"start at message 3, but it sent {resumed.elements!r}"
    )


def check_new_messages_arrive_live(client):
    with client.stream("GET", "/feed") as events:
        for _ in range(4):
            next(events)
        client.post("/messages", signals={"text": "hello <world>"})
        live = events.next(timeout=1)
    assert "hello &lt;world&gt;" in live.elements and live.mode == "append", (
        f"a posted message should be appended live, escaped; the stream sent {live.raw!r}"
    )


def check_hide_removes_the_first_message(client):
    response = client.delete("/messages/oldest")
    removal = response.events[0]
    assert (removal.mode, removal.selector) == ("remove", "#feed > li:first-child"), f"unexpected event {removal.raw!r}"
