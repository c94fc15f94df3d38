"""Lesson 17 in the playground: the app finds the stylesheet beside its lesson, a vote goes through
a plain form, and the session refuses a second one once the learner has solved the exercise.

With ``STARIO_SCREENSHOTS=<folder>`` the playground is saved as PNGs at 1280x720 and 1440x900.
"""


import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.harness import screenshot
from tests.e2e.playground import playground_process, run_and_wait, type_code

LESSON = next(lesson for lesson in load_lessons() if lesson.path.name == "17-a-real-app")


@pytest.fixture(scope="module")
def playground(tmp_path_factory):
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def test_the_real_app_runs_styled_and_the_solution_refuses_a_second_vote(page, playground):
    playground.open(page, LESSON.path.name)
    run_and_wait(page)
    preview = page.frame_locator("#preview")
    expect(preview.locator("h1")).to_have_text("Tea or coffee?")
    # The stylesheet beside the lesson's app.py was found and served (a fingerprinted name).
    expect(preview.locator("button")).to_have_css("background-color", "rgb(47, 111, 222)")
    preview.locator("label", has_text="Tea").click()
    preview.get_by_role("button", name="Vote").click()
    expect(preview.locator(".notice")).to_have_text("Thanks for voting.")
    expect(preview.locator("#count-tea")).to_have_text("1")
    screenshot(page, "lesson17-voted")
    type_code(page, LESSON.solution_code)
    run_and_wait(page)
    for expected in ("1", None):
        preview.locator("label", has_text="Coffee").click()
        preview.get_by_role("button", name="Vote").click()
        if expected:
            expect(preview.locator("#count-coffee")).to_have_text("1")
    expect(preview.locator("#error")).to_have_text("This browser has voted already.")
    expect(preview.locator("#count-coffee")).to_have_text("1")
    page.click("#check")
    expect(page.locator("#checks")).to_contain_text("All checks pass", timeout=20000)
    screenshot(page, "lesson17-checked")
