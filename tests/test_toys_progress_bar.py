"""The progress bar toy in process: a Command streams one patch per step, with a span per step."""

import re


def test_the_page_shows_an_idle_bar_and_a_start_button(toy_client):
    client = toy_client("progress_bar")
    page = client.get("/")
    assert page.status == 200
    assert 'data-on:click="@post(&#39;/jobs&#39;)"' in page.text
    assert '<progress id="bar" value="0" max="100"' in page.text


def test_the_job_streams_its_progress_to_the_end(toy_client):
    client = toy_client("progress_bar")
    with client.stream("POST", "/jobs", signals={}) as events:
        assert events.status == 200
        shown = []
        for event in events:
            assert event.type == "datastar-patch-elements" and event.mode == "outer"
            assert event.elements.startswith('<div id="job" data-job="1">')
            shown.append(int(re.search(r'<span id="percent">(\d+)%', event.elements).group(1)))
    assert shown == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100]
    assert "Done." in event.elements
    steps = [span for span in events.spans if span.name == "job.step"]
    assert [span.attributes["index"] for span in steps] == list(range(1, 11))
    assert steps[0].attributes["step"] == "fetch"
    request = [span for span in events.spans if span.name == "http.request"][0]
    assert request.attributes["job.id"] == 1
    assert all(span.parent_id == request.span_id for span in steps)


def test_leaving_stops_the_job(toy_client):
    client = toy_client("progress_bar")
    with client.stream("POST", "/jobs", signals={}) as events:
        next(events)
        next(events)
    steps = [span for span in events.spans if span.name == "job.step"]
    assert len(steps) < 10
