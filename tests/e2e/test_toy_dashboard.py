"""The dashboard toy in a real browser: the numbers tick and the chart's line grows."""

from playwright.sync_api import expect

from tests.e2e.harness import goto


def test_the_dashboard_updates_live(page, toy_server):
    url = toy_server("dashboard")
    goto(page, url + "/")
    expect(page.locator("#ticks")).to_have_text("0")
    expect(page.locator("#ticks")).to_have_text("2")
    line = page.locator("#chart svg polyline")
    expect(line).to_have_count(1)
    assert len(line.get_attribute("points").split()) >= 3
    assert page.locator("#chart svg").evaluate("el => el.namespaceURI") == "http://www.w3.org/2000/svg"
    assert float(page.locator("#min").inner_text()) <= float(page.locator("#max").inner_text())
