"""The course: every lesson loads, its starting app serves its pages, exercises' checks fail on
the starting code and pass on the solution, and malformed lessons fail with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from stario.lessons import LessonError, load_app, load_lesson, load_lessons, run_checks
from stario.routing import Query
from stario.testing import TestClient

LESSONS = load_lessons()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.path.name)
def test_starting_app_serves_its_pages(lesson):
    app = load_app(lesson.path / "app.py")
    pages = [r for r in app.routes if isinstance(r, Query) and not r.param_names and not r.pattern.startswith("/_stario")]
    assert pages, f"{lesson.path.name}/app.py has no page to open"
    with TestClient(app, timeout=5) as client:
        for route in pages:
            with client.stream("GET", route.pattern) as response:
                assert response.status < 500, f"{lesson.path.name}: GET {route.pattern} answered {response.status}"


@pytest.mark.parametrize("lesson", [l for l in LESSONS if l.is_exercise], ids=lambda lesson: lesson.path.name)
def test_checks_fail_on_the_starting_code_and_pass_on_the_solution(lesson):
    starting = run_checks(lesson, "app")
    assert not all(result.passed for result in starting), f"{lesson.path.name}: the checks already pass on app.py"
    for result in starting:
        if not result.passed:
            assert result.message, f"{lesson.path.name}: {result.name} failed without a message"
    solved = run_checks(lesson, "solution")
    failures = [f"{r.name}: {r.message}" for r in solved if not r.passed]
    assert not failures, f"{lesson.path.name}: the solution fails " + "; ".join(failures)


def test_prose_renders_with_highlighted_code():
    first = LESSONS[0]
    assert first.number == 1 and "<h" in first.html or "<p>" in first.html
    assert '<pre class="highlight"><code>' in first.html
    assert "{{code" not in first.markdown


def make_lesson(tmp_path: Path, name: str = "01-demo", lesson: str | None = None, files: dict | None = None) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "lesson.md").write_text(lesson if lesson is not None else "---\ntitle: T\nsummary: S\n---\nText\n")
    for filename, text in (files if files is not None else {"app.py": "app = None\n"}).items():
        (folder / filename).write_text(text)
    return folder


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"name": "demo"}, "named NN-slug"),
        ({"lesson": "no front matter\n"}, "must start with front matter"),
        ({"lesson": "---\ntitle: T\n"}, "no closing '---'"),
        ({"lesson": "---\ntitle: T\n---\n"}, "needs a non-empty 'summary'"),
        ({"files": {}}, "app.py: missing"),
        ({"files": {"app.py": "", "solution.py": ""}}, "both solution.py and check.py"),
        ({"files": {"app.py": "", "solution.py": "", "check.py": "x = 1\n"}}, "check_"),
        ({"lesson": "---\ntitle: T\nsummary: S\n---\n{{code app.py:missing}}\n"}, "names nothing in app.py"),
        ({"lesson": "---\ntitle: T\nsummary: S\n---\n{{code other.py}}\n"}, "other.py: missing"),
    ],
)
def test_malformed_lessons_name_the_file_and_the_problem(tmp_path, kwargs, problem):
    folder = make_lesson(tmp_path, **kwargs)
    with pytest.raises(LessonError, match=problem) as error:
        load_lesson(folder)
    assert str(folder) in str(error.value)


def test_code_references_include_a_definition(tmp_path):
    source = "import x\n\n\n@decorator\nasync def home():\n    return 'hi'\n\n\nother = 1\n"
    folder = make_lesson(
        tmp_path,
        lesson="---\ntitle: T\nsummary: S\n---\n{{code app.py:home}}\n",
        files={"app.py": source},
    )
    lesson = load_lesson(folder)
    assert lesson.markdown == "```python title=\"app.py\"\n@decorator\nasync def home():\n    return 'hi'\n```\n"
