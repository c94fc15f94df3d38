"""Budgets you can see, in Chromium: lesson 7's gauge stays green for one appended row and turns
red when the whole list is sent again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.harness import screenshot
from tests.e2e.playground import Playground, playground_process, run_and_wait, type_code

PATCHING = next(lesson for lesson in load_lessons() if lesson.path.name == "07-patching-elements")
WHOLE_LIST = PATCHING.solution_code.replace(
    '''    yield PatchElements(li(f"click {count} at {time.strftime('%X')}"), selector="#history", mode="append")''',
    '''    CLICKS.append(f"click {count} at {time.strftime('%X')}")
    yield ul({"id": "history"}, [li(line) for line in CLICKS])''',
).replace("count = 0\n", "count = 0\nCLICKS = []\n")


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def click(page, times: int) -> None:
    button = page.frame_locator("#preview").get_by_role("button", name="+1")
    for n in range(1, times + 1):
        button.click()
        expect(page.frame_locator("#preview").locator("#history li")).to_have_count(n)


def test_sending_the_whole_list_again_turns_the_gauge_red(page, playground):
    assert WHOLE_LIST != PATCHING.solution_code
    playground.open(page, PATCHING.path.name)
    type_code(page, WHOLE_LIST)
    run_and_wait(page)
    gauge = page.locator('.gauge[data-budget="largest_event_bytes"]')
    expect(gauge).to_be_visible()
    click(page, 2)
    expect(gauge).not_to_have_class("gauge over")
    click_more = 6
    button = page.frame_locator("#preview").get_by_role("button", name="+1")
    for _ in range(click_more):
        button.click()
    expect(page.frame_locator("#preview").locator("#history li")).to_have_count(2 + click_more)
    expect(gauge).to_have_class("gauge over")
    expect(gauge).to_contain_text("over budget")
    screenshot(page, "playground-budget-over")


def test_appending_one_row_stays_within_the_budget(page, playground):
    playground.open(page, PATCHING.path.name)
    type_code(page, PATCHING.solution_code)
    run_and_wait(page)
    click(page, 8)
    gauge = page.locator('.gauge[data-budget="largest_event_bytes"]')
    expect(page.locator("#cost")).to_contain_text("16 events")
    expect(gauge).to_have_class("gauge")
    expect(gauge.locator('[role="meter"]')).to_have_attribute("aria-valuemax", "200")
