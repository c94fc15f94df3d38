"""The progress bar toy in a real browser: start the job, watch the bar fill, start it again."""

from playwright.sync_api import expect

from tests.e2e.harness import goto


def test_start_the_job_and_watch_it_finish(page, toy_server):
    url = toy_server("progress_bar")
    goto(page, url + "/")
    expect(page.locator("#percent")).to_have_text("0%")
    page.click("#start")
    expect(page.locator("#start")).to_be_disabled()
    expect(page.locator("#note")).to_contain_text("Step")
    expect(page.locator("#note")).to_have_text("Done.")
    expect(page.locator("#percent")).to_have_text("100%")
    expect(page.locator("#bar")).to_have_attribute("value", "100")
    expect(page.locator("#start")).to_be_enabled()
    page.click("#start")
    expect(page.locator("#job")).to_have_attribute("data-job", "2")
    expect(page.locator("#note")).to_have_text("Done.")
