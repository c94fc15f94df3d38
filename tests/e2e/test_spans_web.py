"""`stario spans FILE --web` in a browser: the list, a filter, a trace's waterfall (screenshots with STARIO_SCREENSHOTS)."""

import sys
import time

from playwright.sync_api import expect

from stario import Query, Stario
from stario.testing import TestClient
from stario.tracers.sqlite import SQLiteTracer
from tests.e2e.harness import screenshot
from tests.servers import launch


def test_the_trace_file_page_lists_failures_first_and_opens_a_waterfall(page, tmp_path):
    path = tmp_path / "traces.db"

    async def report(c):
        with c.span.step("db.query", table="orders"):
            time.sleep(0.02)
        with c.span.step("render"):
            time.sleep(0.01)
        return "ok"

    async def broken(c):
        raise RuntimeError("the disk is full")

    tracer = SQLiteTracer(path)
    with TestClient(Stario(Query("/reports/{id}", report), Query("/broken", broken), tracer=tracer)) as client:
        for n in range(5):
            client.get(f"/reports/{n}")
        client.get("/broken")
    tracer.close()
    with launch([sys.executable, "-m", "stario", "spans", str(path), "--web", "--port", "{port}"], name="spans --web") as server:
        page.goto(server.url + "/")  # a plain page: no browser client to wait for
        expect(page.locator("table.roots tbody tr").first).to_contain_text("FAILED")
        screenshot(page, "spans-web-list")
        page.fill("input[name=path]", "/reports")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("table.roots tbody tr")).to_have_count(5)
        page.locator("table.roots a").first.click()
        expect(page.locator("ol.waterfall > li")).to_have_count(3)
        expect(page.locator("ol.waterfall")).to_contain_text("db.query")
        screenshot(page, "spans-web-trace", full_page=True)
        page.go_back()
        page.go_back()
        page.locator("table.roots a", has_text="/broken").click()
        expect(page.locator("pre.traceback")).to_contain_text("RuntimeError: the disk is full")
        screenshot(page, "spans-web-failure", full_page=True)
