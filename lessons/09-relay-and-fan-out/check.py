"""Checks for lesson 9: messages fan out to every open stream, and joins and leaves are announced."""


def _wait_for(stream, words, who):
    """Read events from ``stream`` until one appends an <li> containing ``words``."""
    seen = []
    for _ in range(10):
        try:
            event = stream.next(timeout=0.5)
        except (TimeoutError, StopIteration):
            break
        seen.append(event.elements)
        if event.mode == "append" and event.selector == "#messages" and words in event.elements:
            return event
    raise AssertionError(f"{who} should get a line appended to #messages saying {words!r}; it got {seen or 'nothing'}")


def check_messages_fan_out(client):
    with client.stream("GET", "/messages") as alice, client.stream("GET", "/messages") as bob:
        next(alice), next(bob)  # each stream's first event: connected
        response = client.post("/send", signals={"text": "hello <b>all</b>"})
        assert response.status in (200, 204), f"POST /send should succeed, it answered {response.status}: {response.text}"
        for who, stream in (("the first reader", alice), ("the second reader", bob)):
            event = _wait_for(stream, "hello", who)
            assert "&lt;b&gt;" in event.elements, f"a message must be escaped before it is shown; {who} got {event.elements!r}"


def check_join_is_announced(client):
    with client.stream("GET", "/messages") as alice:
        next(alice)
        with client.stream("GET", "/messages") as bob:
            next(bob)
            _wait_for(alice, "joined", "a reader already in the room, when another joins,")


def check_leave_is_announced(client):
    with client.stream("GET", "/messages") as alice:
        next(alice)
        with client.stream("GET", "/messages") as bob:
            next(bob)
        _wait_for(alice, "left", "a reader still in the room, when another leaves,")
