"""The file upload toy in a browser: pick a file, upload it, see its name and size; too big refused."""

from playwright.sync_api import expect

from tests.e2e.harness import goto, log_of


def test_upload_then_too_large(page, toy_server):
    url = toy_server("file_upload")
    goto(page, url + "/")
    expect(page.locator("#progress")).to_be_hidden()
    page.set_input_files("#file", {"name": "hello <world>.txt", "mimeType": "text/plain", "buffer": b"x" * 2048})
    page.click("#send")
    expect(page.locator("#name")).to_have_text("hello <world>.txt")
    expect(page.locator("#size")).to_have_text("2.0 KB")
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#send")).to_be_enabled()

    page.set_input_files("#file", {"name": "big.bin", "mimeType": "application/octet-stream", "buffer": b"x" * 200_000})
    page.click("#send")
    expect(page.locator("#result.error")).to_contain_text("the limit is 100.0 KB")
    log_of(page).assert_clean()
