"""Click to source, in Chromium: Alt+click an element in the preview; the inspector names the
request and event that last patched it, and the editor bands its handler's lines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.harness import screenshot
from tests.e2e.playground import Playground, playground_process, run_and_wait, type_code

PATCHING = next(lesson for lesson in load_lessons() if lesson.path.name == "07-patching-elements")


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def test_alt_click_names_the_patch_the_span_and_the_handlers_lines(page, playground):
    playground.open(page, PATCHING.path.name)
    type_code(page, PATCHING.solution_code)
    run_and_wait(page)
    preview = page.frame_locator("#preview")
    preview.get_by_role("button", name="+1").click()
    expect(preview.locator("#count")).to_have_text("1")
    expect(page.locator("#requests li.request", has_text="POST /inc")).to_contain_text("2 events")
    preview.locator("#count").click(modifiers=["Alt"])
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Picked: #count")
    expect(detail).to_contain_text("Last patched by POST /inc, event 1")
    expect(detail).to_contain_text("Its span: http.request")
    expect(detail).to_contain_text("Its handler: inc, lines 24\u201328")
    band = page.locator("#source-lines")
    expect(band).to_be_visible()
    box = band.bounding_box()
    assert box is not None and box["height"] > 3 * 15  # five lines banded
    screenshot(page, "playground-click-to-source")
    preview.get_by_role("heading", name="Clicks").click(modifiers=["Alt"])  # no id anywhere above it
    expect(detail).to_contain_text("an element with no id")
    expect(preview.locator("#count")).to_have_text("1")  # an Alt+click is the playground's, not the app's
