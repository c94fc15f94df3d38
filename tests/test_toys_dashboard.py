"""The dashboard toy in process: a stream of numbers and an SVG chart, a span per render."""

import re


def test_the_page_starts_the_stream(toy_client):
    client = toy_client("dashboard")
    page = client.get("/")
    assert page.status == 200
    assert 'data-init="@get(&#39;/live&#39;)"' in page.text


def test_the_stream_sends_numbers_and_a_chart_each_tick(toy_client):
    client = toy_client("dashboard")
    with client.stream("GET", "/live") as events:
        ticks = []
        for _ in range(3):
            numbers, chart = next(events), next(events)
            assert numbers.elements.startswith('<dl id="stats"') and numbers.mode == "outer"
            assert chart.elements.startswith('<div id="chart"><svg viewBox="0 0 400 120"')
            ticks.append(int(re.search(r'<dd id="ticks">(\d+)<', numbers.elements).group(1)))
            now = float(re.search(r'<dd id="now">([-\d.]+)<', numbers.elements).group(1))
            low = float(re.search(r'<dd id="min">([-\d.]+)<', numbers.elements).group(1))
            high = float(re.search(r'<dd id="max">([-\d.]+)<', numbers.elements).group(1))
            assert low <= now <= high
            points = re.search(r'points="([^"]*)"', chart.elements).group(1).split()
            assert len(points) == ticks[-1] + 1
    assert ticks == [0, 1, 2]
    renders = [span for span in events.spans if span.name == "dashboard.render"]
    assert [span.attributes["ticks"] for span in renders][:3] == [0, 1, 2]
