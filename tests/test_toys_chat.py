"""The chat toy in process: a stream subscribes, then shows the room; a Command publishes; all escaped."""


def test_the_page_loads_the_stream_and_the_form(toy_client):
    client = toy_client("chat")
    page = client.get("/")
    assert page.status == 200
    assert "@get(&#39;/messages&#39;)" in page.text
    assert 'id="messages"' in page.text


def test_a_message_reaches_every_open_stream_escaped(toy_client):
    client = toy_client("chat")
    with client.stream("GET", "/messages") as alice, client.stream("GET", "/messages") as bob:
        assert next(alice).elements == '<p id="status">connected</p>'
        assert next(bob).elements == '<p id="status">connected</p>'
        sent = client.post("/send", signals={"name": "<b>Eve</b>", "text": "hi & <script>x</script>"})
        assert sent.status == 200
        assert [event.type for event in sent.events] == ["datastar-patch-elements", "datastar-patch-signals"]
        assert sent.events[1].signals == {"text": ""}
        for stream in (alice, bob):
            event = next(stream)
            assert event.selector == "#messages" and event.mode == "append"
            assert event.elements == (
                '<li id="msg-1"><b class="name">&lt;b&gt;Eve&lt;/b&gt;</b>: '
                "<span>hi &amp; &lt;script&gt;x&lt;/script&gt;</span></li>"
            )
    publish = [span for span in sent.spans if span.name == "chat.publish"]
    assert publish and publish[0].attributes["chat.readers"] == 2


def test_a_newcomer_sees_the_history_once(toy_client):
    client = toy_client("chat")
    client.post("/send", signals={"name": "Ann", "text": "first"})
    with client.stream("GET", "/messages") as events:
        assert next(events).elements == '<p id="status">connected</p>'
        assert "first" in next(events).elements
        client.post("/send", signals={"name": "Ann", "text": "second"})
        later = next(events)
        assert 'id="msg-2"' in later.elements and "second" in later.elements


def test_mistakes_are_answered_with_200_and_a_patch(toy_client):
    client = toy_client("chat")
    for signals, message in (
        ({"name": "", "text": "hi"}, "Choose a name first."),
        ({"name": "Ann", "text": "   "}, "An empty message is not sent."),
        ({"name": "Ann", "text": "x" * 501}, "too long"),
    ):
        response = client.post("/send", signals=signals)
        assert response.status == 200
        (event,) = response.events
        assert 'id="error"' in event.elements and message in event.elements
    with client.stream("GET", "/messages") as events:
        next(events)
        try:
            extra = events.next(timeout=0.2)
        except TimeoutError:
            extra = None
        assert extra is None, "a refused message was published"
