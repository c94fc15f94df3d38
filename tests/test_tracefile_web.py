"""`stario spans FILE --web`: failures and the slowest first, filters, a waterfall per trace."""

from __future__ import annotations

import re
import sys
import time

import pytest

from stario import Query, Stario
from stario.testing import TestClient
from stario.tracefile_web import trace_file_app
from stario.tracers.sqlite import SQLiteTracer
from tests.servers import launch


@pytest.fixture(scope="module")
def trace_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("traces") / "traces.db"

    async def fast(c):
        return "fast"

    async def slow(c):
        with c.span.step("db.query", table="orders") as step:
            time.sleep(0.03)
            step.event("rows", count=3)
        return "slow"

    async def broken(c):
        raise RuntimeError("the <disk> is full")

    tracer = SQLiteTracer(path)
    app = Stario(Query("/fast", fast), Query("/slow", slow), Query("/broken", broken), tracer=tracer)
    with TestClient(app) as client:
        for target in ("/fast", "/slow", "/fast", "/broken"):
            client.get(target)
    tracer.close()
    return path


def test_failures_come_first_then_the_slowest(trace_file):
    with TestClient(trace_file_app(trace_file)) as client:
        page = client.get("/").text
    paths = re.findall(r'<td class="path"><a href="/traces/[0-9a-f]+">([^<]+)</a>', page)
    assert paths[:2] == ["/broken", "/slow"] and sorted(paths[2:]) == ["/fast", "/fast", "server.startup"]
    assert page.count("FAILED") == 1


def test_the_filters_are_those_of_stario_spans(trace_file):
    with TestClient(trace_file_app(trace_file)) as client:
        assert re.findall(r">(/\w+)</a>", client.get("/?status=5xx").text) == ["/broken"]
        assert re.findall(r">(/\w+)</a>", client.get("/?path=/sl").text) == ["/slow"]
        assert re.findall(r">(/\w+)</a>", client.get("/?min_ms=20").text) == ["/slow"]
        assert "No requests match." in client.get("/?path=/nothing").text
        bad = client.get("/?status=maybe")
        assert bad.status == 400 and "--status takes" in bad.text
        assert 'value="/sl"' in client.get("/?path=/sl").text  # the form keeps the filter


def test_a_trace_is_a_waterfall_with_attributes_events_and_the_traceback(trace_file):
    with TestClient(trace_file_app(trace_file)) as client:
        listing = client.get("/").text
        slow = re.search(r'href="(/traces/[0-9a-f]+)">/slow<', listing).group(1)
        broken = re.search(r'href="(/traces/[0-9a-f]+)">/broken<', listing).group(1)
        page = client.get(slow).text
        assert "GET /slow → 200" in page and "db.query" in page and page.count('class="bar"') == 2
        assert "<dt>table</dt>" in page and "rows" in page and "count=3" in page
        failure = client.get(broken).text
        assert "RuntimeError: the &lt;disk&gt; is full" in failure and 'class="traceback"' in failure
        assert client.get("/traces/ffff").status == 404


def test_the_command_serves_it_on_loopback(trace_file):
    command = [sys.executable, "-m", "stario", "spans", str(trace_file), "--web", "--port", "{port}"]
    with launch(command, name="stario spans --web") as server:
        assert "/broken" in server.get("/")
    missing = __import__("subprocess").run(
        [sys.executable, "-m", "stario", "spans", str(trace_file) + ".nope", "--web"], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "no trace file" in missing.stderr
