"""The infinite scroll toy in a real browser: scrolling to the last row loads the next page, to the end."""

from playwright.sync_api import expect

from tests.e2e.harness import goto


def test_scrolling_loads_every_page_once(page, toy_server):
    url = toy_server("infinite_scroll")
    requests = []
    page.on("request", lambda request: "/contacts" in request.url and requests.append(request.url))
    goto(page, url + "/")
    rows = page.locator("#contacts li.contact")
    for shown in (40, 60, 80, 100):
        page.locator("#contacts li").last.scroll_into_view_if_needed()
        expect(rows).to_have_count(shown)
    expect(page.locator("#end")).to_have_text("That is everyone.")
    expect(page.locator("#more")).to_have_count(0)
    expect(rows.last).to_have_attribute("id", "contact-100")
    assert len(requests) == 4, requests
