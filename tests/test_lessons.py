"""The course: every lesson loads, its starting app serves its pages, exercises' checks fail on
the starting code (by assertion, with a message) and pass on the solution, failures show the
learner's own lines, and malformed lessons fail with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from stario.lessons import LessonError, lessons_dir, load_app, load_lesson, load_lessons, render_markdown, run_checks
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


EXERCISES = [lesson for lesson in LESSONS if lesson.is_exercise]


@pytest.mark.parametrize("lesson", EXERCISES, ids=lambda lesson: lesson.path.name)
def test_checks_fail_by_assertion_on_the_starting_code_and_pass_on_the_solution(lesson):
    starting = run_checks(lesson, "app")
    assert not all(result.passed for result in starting), f"{lesson.path.name}: the checks already pass on app.py"
    for result in starting:
        if not result.passed:
            assert result.exception == "AssertionError", (
                f"{lesson.path.name}: {result.name} crashed on the starting code instead of failing an assertion: "
                f"{result.message}\n{result.traceback}"
            )
            assert result.message.strip(), f"{lesson.path.name}: {result.name} failed without a message"
    solved = run_checks(lesson, "solution")
    failures = [f"{r.name}: {r.message}\n{r.traceback or ''}" for r in solved if not r.passed]
    assert not failures, f"{lesson.path.name}: the solution fails " + "; ".join(failures)
    assert all(r.exception is None and r.traceback is None and r.message == "" for r in solved)


@pytest.mark.parametrize("lesson", EXERCISES, ids=lambda lesson: lesson.path.name)
def test_every_exercise_has_two_or_three_hints(lesson):
    assert 2 <= len(lesson.hints) <= 3, f"{lesson.path.name}: hints.md should hold 2 or 3 hints, it holds {len(lesson.hints)}"


def test_readings_have_no_hints():
    assert all(not lesson.hints for lesson in LESSONS if not lesson.is_exercise)


def test_prose_renders_with_highlighted_code():
    first = LESSONS[0]
    assert first.number == 1 and "<h" in first.html or "<p>" in first.html
    assert '<pre class="highlight"><code>' in first.html
    assert "{{code" not in first.markdown


def test_the_package_exports_the_names_of_its_modules():
    """`stario.lessons` is loading, rendering and checking; what it exports is theirs, not a copy."""
    import stario.lessons
    from stario.lessons import checking, loading, rendering

    owners = {name: module for module in (loading, rendering, checking) for name in module.__all__}
    for name in stario.lessons.__all__:
        assert name in owners, f"stario.lessons exports {name}, which none of its modules lists in __all__"
        assert getattr(stario.lessons, name) is getattr(owners[name], name)


def test_lessons_dir_is_the_checkouts_lessons_folder_not_the_package():
    """The loader lives in stario/lessons/ now; the course is still the top-level lessons/ folder."""
    folder = lessons_dir()
    assert folder == Path(__file__).resolve().parents[1] / "lessons"
    assert (folder / "01-hello-query" / "lesson.md").is_file()


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
        ({"files": {"app.py": "", "solution.py": "", "check.py": "BUDGETS = {'bytes': 9}\ndef check_a(client): pass\n"}},
         "BUDGETS has 'bytes'; the budgets are requests, events"),
        ({"files": {"app.py": "", "solution.py": "", "check.py": "BUDGETS = {'spans': 0}\ndef check_a(client): pass\n"}},
         r"BUDGETS\['spans'\] is a whole number above 0, got 0"),
        ({"files": {"app.py": "", "solution.py": "", "check.py": "BUDGETS = dict(spans=3)\ndef check_a(client): pass\n"}},
         "BUDGETS is a literal dict"),
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


# -- running checks: what a failure tells the learner ---------------------------------------------

CHECKS = """\
def check_home(client):
    page = client.get("/")
    assert page.status == 200, f"GET / should answer 200, it answered {page.status}"


def check_helper(client, learner):
    assert learner.app is client.app, "learner is the module whose app the client talks to"
    assert learner.double(2) == 4, f"double(2) should be 4, it was {learner.double(2)}"
"""

GOOD = """\
from stario import Query, Stario


async def home():
    return "<p>hi</p>"


def double(n):
    return n * 2


app = Stario(Query("/", home))
"""


def exercise(tmp_path: Path, checks: str = CHECKS) -> Path:
    return make_lesson(tmp_path, files={"app.py": GOOD, "solution.py": GOOD, "check.py": checks})


def by_name(results):
    return {result.name: result for result in results}


def test_passing_checks_report_nothing_else(tmp_path):
    results = run_checks(load_lesson(exercise(tmp_path)), "app")
    assert [(r.name, r.passed, r.message, r.exception, r.traceback) for r in results] == [
        ("check_home", True, "", None, None),
        ("check_helper", True, "", None, None),
    ]


def test_an_assertion_gives_its_message_and_no_traceback(tmp_path):
    source = GOOD.replace("return n * 2", "return n + 1")
    result = by_name(run_checks(load_lesson(exercise(tmp_path)), "app", source))["check_helper"]
    assert (result.passed, result.exception, result.message, result.traceback) == (
        False, "AssertionError", "double(2) should be 4, it was 3", None,
    )


def test_a_crash_in_the_learners_code_shows_their_own_lines(tmp_path, monkeypatch):
    # Another app.py in the working directory must not be quoted in place of the learner's.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("\n" * 3 + "this line is not the learner's\n" * 20)
    source = GOOD.replace("return n * 2", "return n.bit_length(1)")
    result = by_name(run_checks(load_lesson(exercise(tmp_path)), "app", source))["check_helper"]
    assert not result.passed and result.exception == "TypeError"
    assert result.message.startswith("TypeError: ")
    trace = result.traceback
    assert 'File "check.py", line 8, in check_helper' in trace
    assert 'File "app.py", line 9, in double' in trace and "return n.bit_length(1)" in trace
    assert trace.rstrip().splitlines()[-1].startswith("TypeError:")
    assert "stario" not in trace and "lessons" not in trace and "not the learner's" not in trace


def test_a_handler_that_crashes_gives_the_assertion_and_the_crash(tmp_path):
    source = GOOD.replace('return "<p>hi</p>"', 'return {"a": 1}["b"]')
    result = by_name(run_checks(load_lesson(exercise(tmp_path)), "app", source))["check_home"]
    assert (result.exception, result.message) == ("AssertionError", "GET / should answer 200, it answered 500")
    assert 'File "app.py", line 5, in home' in result.traceback and "KeyError: 'b'" in result.traceback
    assert "stario/" not in result.traceback


def test_an_assertion_raised_from_a_crash_in_learner_code_shows_the_crash(tmp_path):
    checks = CHECKS + (
        "\n\ndef check_wraps(client, learner):\n"
        "    try:\n"
        "        learner.double(None)\n"
        "    except Exception as crash:\n"
        "        raise AssertionError(f'double(None) crashed: {crash}') from crash\n"
    )
    result = by_name(run_checks(load_lesson(exercise(tmp_path, checks)), "app"))["check_wraps"]
    assert result.exception == "AssertionError" and result.message.startswith("double(None) crashed: ")
    assert 'File "app.py", line 9, in double' in result.traceback and "TypeError" in result.traceback
    assert "The above exception" not in result.traceback


def test_code_that_does_not_load_fails_every_check_saying_where(tmp_path):
    lesson = load_lesson(exercise(tmp_path))
    broken = GOOD.replace("def double(n):", "def double(n)")
    results = run_checks(lesson, "app", broken)
    assert [r.exception for r in results] == ["SyntaxError", "SyntaxError"]
    assert results[0].message.startswith("the app does not load: ")
    assert 'File "app.py", line 8' in results[0].traceback and "def double(n)" in results[0].traceback
    missing = run_checks(lesson, "app", GOOD.replace("app = Stario", "application = Stario"))
    assert missing[0].exception == "LessonError" and "defines no 'app'" in missing[0].message
    crashing = run_checks(lesson, "app", GOOD + "\nundefined_name\n")
    assert crashing[0].exception == "NameError"
    assert 'File "app.py", line 14, in <module>' in crashing[0].traceback


def test_the_solution_is_compiled_under_its_own_name(tmp_path):
    folder = exercise(tmp_path)
    (folder / "solution.py").write_text(GOOD.replace("return n * 2", "return n.bit_length(1)"))
    result = by_name(run_checks(load_lesson(folder), "solution"))["check_helper"]
    assert 'File "solution.py", line 9, in double' in result.traceback
    with pytest.raises(ValueError, match="'app' or 'solution'"):
        run_checks(load_lesson(folder), "mine")


def test_a_check_takes_client_or_client_and_learner(tmp_path):
    folder = exercise(tmp_path, checks="def check_a(client, module):\n    pass\n")
    with pytest.raises(LessonError, match=r"check_a\(client, module\) should take \(client\), or \(client, learner\)") as error:
        load_lesson(folder)
    assert str(folder / "check.py") in str(error.value)


# -- hints ----------------------------------------------------------------------------------------


def test_hints_are_read_in_order(tmp_path):
    folder = exercise(tmp_path)
    assert load_lesson(folder).hints == []
    text = "Look at `Query`.\n\n---\nThe route wants *two* things:\n\n- a path\n- a handler\n---\nAlmost there.\n"
    (folder / "hints.md").write_text(text)
    assert load_lesson(folder).hints == [
        "Look at `Query`.\n",
        "The route wants *two* things:\n\n- a path\n- a handler\n",
        "Almost there.\n",
    ]


@pytest.mark.parametrize("text", ["", "one\n---\n\n---\nthree\n", "---\nfirst\n", "only one\n---\n"])
def test_an_empty_hint_names_the_file(tmp_path, text):
    folder = exercise(tmp_path)
    (folder / "hints.md").write_text(text)
    with pytest.raises(LessonError, match="is empty") as error:
        load_lesson(folder)
    assert str(folder / "hints.md") in str(error.value)


def test_hints_need_an_exercise(tmp_path):
    folder = make_lesson(tmp_path, files={"app.py": GOOD, "hints.md": "A hint.\n"})
    with pytest.raises(LessonError, match="hints belong to an exercise") as error:
        load_lesson(folder)
    assert str(folder / "hints.md") in str(error.value)


def test_the_docs_page_of_an_exercise_ends_with_its_hints_folded_away():
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_hooks", Path(__file__).resolve().parents[1] / "docs" / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    lesson = EXERCISES[0]
    page = hooks.lesson_page(lesson)
    blocks = [
        f"<details>\n<summary>Hint {number}</summary>\n{render_markdown(hint).strip()}\n</details>"
        for number, hint in enumerate(lesson.hints, start=1)
    ]
    assert all(block in page for block in blocks)
    assert page.rstrip().endswith(blocks[-1]) and page.index("<summary>check.py</summary>") < page.index(blocks[0])
    reading = next(lesson for lesson in LESSONS if not lesson.is_exercise)
    assert "<details>" not in hooks.lesson_page(reading)


def test_an_exercise_may_set_budgets_the_playground_shows_as_gauges(tmp_path):
    check = "BUDGETS = {'largest_event_bytes': 200, 'requests': 5}\n\ndef check_a(client):\n    pass\n"
    folder = make_lesson(tmp_path, files={"app.py": "", "solution.py": "", "check.py": check})
    assert load_lesson(folder).budgets == {"largest_event_bytes": 200, "requests": 5}
    plain = make_lesson(tmp_path, name="02-plain", files={"app.py": "", "solution.py": "", "check.py": "def check_a(client): pass\n"})
    assert load_lesson(plain).budgets == {}
