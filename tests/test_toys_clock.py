"""The clock toy in process: the page starts the stream; the stream patches #clock; closing ends it."""

import re


CLOCK = re.compile(r'^<time id="clock" datetime="[0-9T:+-]+">\d\d:\d\d:\d\d</time>$')


def test_page_starts_the_stream_with_data_init(toy_client):
    c = toy_client("clock")
    response = c.get("/")
    assert response.status == 200
    assert 'data-init="@get(&#39;/clock&#39;)"' in response.text
    assert '<time id="clock"' in response.text


def test_the_stream_patches_the_clock_every_second_and_ends_when_closed(toy_client):
    c = toy_client("clock")
    with c.stream("GET", "/clock") as stream:
        first = stream.next(timeout=5)
        second = stream.next(timeout=5)
    for event in (first, second):
        assert event.type == "datastar-patch-elements"
        assert event.mode == "outer"
        assert CLOCK.match(event.elements), event.elements
    # Leaving the block disconnected: the generator's finally ran and recorded the ticks.
    request = [s for s in stream.spans if s.name == "http.request"][0]
    assert request.attributes["clock.ticks"] >= 2
    assert request.end_ns is not None
