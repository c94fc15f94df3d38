"""Checks for lesson 8: open streams are counted, and a closed tab is counted out."""

import re


def _watching(client):
    text = client.get("/watchers").text
    found = re.search(r"(\d+) watching", text)
    assert found, f"GET /watchers should say how many are watching ('2 watching'); it said {text!r}"
    return int(found.group(1))


def check_open_counters_are_counted(client):
    with client.stream("GET", "/online-counter") as first:
        next(first)
        with client.stream("GET", "/online-counter") as second:
            next(second)
            now = _watching(client)
            assert now == 2, (
                f"with two online counters open, /watchers should say 2 watching; it said {now}. "
                "Add one to the global 'watching' when online_counter starts"
            )


def check_closed_tab_is_counted_out(client):
    with client.stream("GET", "/online-counter") as stream:
        next(stream)
        assert _watching(client) == 1, "with one online counter open, /watchers should say 1 watching"
    after = _watching(client)
    assert after == 0, (
        f"after the stream closed, /watchers should say 0 watching; it said {after}. "
        "Take one away in a 'finally:' around the loop: it runs when the tab closes"
    )


def check_counter_shows_the_watchers(client):
    with client.stream("GET", "/online-counter") as stream:
        event = next(stream)
        assert event.type == "datastar-patch-elements", f"the stream's first event should patch elements, it was {event.type}"
        assert "1 watching" in event.elements, (
            f"the online counter should say how many are watching, like 'Online since: 0.0s (1 watching)'; it said {event.elements!r}"
        )
