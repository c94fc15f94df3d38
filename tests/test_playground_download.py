"""'Download as a project': the code in the editor as a zip that runs and tests outside the playground."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import stario
from stario.lessons import load_lessons
from stario.playground.download import project_files, project_zip
from stario.toy_catalog import get_toy
from tests.test_playground_app import make

LESSONS = {lesson.path.name: lesson for lesson in load_lessons()}
SIGNALS = LESSONS["06-signals"]
REAL_APP = LESSONS["17-a-real-app"]
ROOT = Path(__file__).resolve().parent.parent


def test_a_lesson_project_has_the_code_a_pyproject_a_readme_and_the_checks_as_tests():
    files = project_files("06-signals", SIGNALS.title, "print('mine')", SIGNALS.path, SIGNALS)
    assert set(files) == {"app.py", "pyproject.toml", "README.md", "tests/checks.py", "tests/test_checks.py"}
    assert files["app.py"] == "print('mine')\n"
    assert f'dependencies = ["stario>={stario.__version__}"]' in files["pyproject.toml"]
    assert "stario serve app:app" in files["README.md"] and "pytest" in files["README.md"]
    for name in SIGNALS.check_names:
        assert repr(name) in files["tests/test_checks.py"]


def test_the_files_beside_a_lessons_or_toys_code_come_along_and_its_prose_and_solution_stay():
    files = project_files("17-a-real-app", REAL_APP.title, "code", REAL_APP.path, REAL_APP)
    assert any(path.startswith("static/") for path in files)
    assert not {"solution.py", "lesson.md", "hints.md", "check.py"} & set(files)
    polls = get_toy("polls")
    files = project_files("polls", polls.title, polls.code, polls.path, None)
    assert "test_polls.py" in files and any(path.startswith("static/") for path in files)
    assert "tests/test_checks.py" not in files and "README.md" in files


def _unpack_and_test(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    archive = zipfile.ZipFile(io.BytesIO(project_zip("06-signals", SIGNALS.title, code, SIGNALS.path, SIGNALS)))
    archive.extractall(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["06-signals"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path / "06-signals", capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip


def test_the_downloaded_checks_pass_on_the_solution_and_fail_on_the_starting_code(tmp_path):
    solved = _unpack_and_test(tmp_path / "solved", SIGNALS.solution_code)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert f"{len(SIGNALS.check_names)} passed" in solved.stdout
    started = _unpack_and_test(tmp_path / "started", SIGNALS.app_code)
    assert started.returncode == 1 and "AssertionError" in started.stdout
    assert "POST /inc should answer 200" in started.stdout  # the lesson's own message, as in the playground


def test_the_download_is_the_code_in_the_editor_as_a_zip(tmp_path):
    pg, client = make(tmp_path)
    client.post("/lessons/06-signals/save", signals={"code": "print('edited')"})
    response = client.get("/lessons/06-signals/download")
    assert response.status == 200 and response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == 'attachment; filename="06-signals.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.raw_body))
    assert archive.read("06-signals/app.py") == b"print('edited')\n"
    toy = client.get("/toys/polls/download")
    assert zipfile.ZipFile(io.BytesIO(toy.raw_body)).read("polls/app.py").decode() == get_toy("polls").code
    assert client.get("/lessons/no-such-lesson/download").status == 404
    typed = client.post("/lessons/06-signals/download", data={"code": "print('not saved yet')"})
    assert zipfile.ZipFile(io.BytesIO(typed.raw_body)).read("06-signals/app.py") == b"print('not saved yet')\n"
