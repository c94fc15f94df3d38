"""The playground's "Download as a project", in Chromium: the code in the editor, taken home."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from tests.e2e.harness import screenshot
from tests.e2e.playground import Playground, playground_process, type_code

SIGNALS = next(lesson for lesson in load_lessons() if lesson.path.name == "06-signals")


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def test_download_gives_the_code_in_the_editor_as_a_runnable_project(page, playground):
    playground.open(page, SIGNALS.path.name)
    code = SIGNALS.app_code.replace('h1("Signals")', 'h1("Signals, taken home")')
    type_code(page, code)
    button = page.get_by_role("button", name="Download as a project")
    expect(button).to_be_visible()
    screenshot(page, "playground-download")
    with page.expect_download() as info:
        button.click()  # at once: the form sends the editor's code, saved or not
    download = info.value
    assert download.suggested_filename == "06-signals.zip"
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))
    names = set(archive.namelist())
    assert {"06-signals/app.py", "06-signals/pyproject.toml", "06-signals/README.md", "06-signals/tests/test_checks.py"} <= names
    assert archive.read("06-signals/app.py").decode() == code + ("" if code.endswith("\n") else "\n")
    expect(page.locator("#code")).to_have_value(code)  # the page stayed where it was
