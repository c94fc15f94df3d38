"""The playground's pages and actions, in process (the runner stood in for; the activity real)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from stario.lessons import load_lessons
from stario.playground.activity import Activity
from stario.playground.app import CODE_LIMIT, Playground, build_app
from stario.playground.runner import CheckOutcome, RunResult
from stario.playground.store import Store
from stario.testing import TestClient
from stario.toy_catalog import list_toys

LESSONS = load_lessons()
FIRST = LESSONS[0]
READING = next(lesson for lesson in LESSONS if not lesson.is_exercise)


class FakeRunner:
    """Reports what a real runner would, without a child: each run starts and serves, or fails."""

    def __init__(self, activity: Activity, fail: RunResult | None = None) -> None:
        self.activity = activity
        self.fail = fail
        self.codes: list[str] = []
        self.checked: list[str] = []
        self.runs = itertools.count(1)

    async def run(self, code: str, *, owner: str = "", path: str | None = None) -> RunResult:
        self.codes.append(code)
        run = next(self.runs)
        self.activity.record({"kind": "status", "run": run, "owner": owner, "state": "starting", "text": "starting…"})
        if self.fail is not None:
            failure = self.fail
            self.activity.record({"kind": "status", "run": run, "owner": owner, "state": "failed",
                                  "text": f"{failure.kind} on line {failure.line}: {failure.error}", "line": failure.line,
                                  "error": failure.error, "traceback": failure.traceback})
            return RunResult(False, failure.kind, run, failure.error, failure.line, traceback=failure.traceback)
        self.activity.record({"kind": "status", "run": run, "owner": owner, "state": "running", "text": "running (12 ms to start)"})
        return RunResult(True, "ok", run, startup_ms=12)

    async def check(self, code: str, lesson: Path) -> CheckOutcome:
        self.checked.append(code)
        passed = code == next(l for l in LESSONS if l.path == lesson).solution_code
        result = {"name": "check_it", "passed": passed, "message": "" if passed else "it should say hello", "exception": None if passed else "AssertionError", "traceback": None}
        return CheckOutcome("ok", [result])


def make(tmp_path: Path, fail: RunResult | None = None) -> tuple[Playground, TestClient]:
    activity = Activity()
    pg = Playground(Store(tmp_path / "p.db"), FakeRunner(activity, fail), activity, 4321, "secret-token")
    return pg, TestClient(build_app(pg), base_url="http://127.0.0.1:4320")


def elements(events) -> str:
    return "\n".join(e.elements for e in events if e.type == "datastar-patch-elements")


def signals(events) -> dict:
    merged: dict = {}
    for event in events:
        if event.type == "datastar-patch-signals":
            merged.update(event.signals)
    return merged


def test_index_lists_every_lesson_once_numbered_by_the_list_and_shows_progress(tmp_path):
    pg, client = make(tmp_path)
    pg.store.complete(FIRST.path.name)
    with client:
        page = client.get("/").text
    for lesson in LESSONS:
        assert f'href="/lessons/{lesson.path.name}"' in page
    assert f">{FIRST.title}</a>" in page, "the list numbers the lessons; the titles carry no second number"
    assert f"1/{len(LESSONS)} complete" in page and "Go on:" in page


def test_a_lesson_page_has_prose_editor_actions_preview_bar_and_inspector(tmp_path):
    _, client = make(tmp_path)
    with client:
        page = client.get(f"/lessons/{FIRST.path.name}").text
        assert client.get("/lessons/99-nope").status == 404
    assert FIRST.title in page
    for piece in ('id="code"', 'id="highlight"', 'id="gutter"', 'id="run"', 'id="check"', 'id="reset"', 'id="solve"',
                  'id="preview-pane"', 'aria-label="Preview address"', 'aria-label="Back"', 'aria-label="Forward"',
                  'aria-label="Reload"', 'aria-label="Open in a new tab"', 'id="inspector"', 'id="clear"', 'rel="next"',
                  'id="editor-keys"', "Esc", "/static/playground.js"):
        assert piece in page, piece


def test_paths_and_files_in_the_prose_are_links_and_curl_lines_aim_at_the_preview(tmp_path):
    curling = next(l for l in LESSONS if "curl -H 'X-Admin-Key" in l.markdown)
    production = next(l for l in LESSONS if "proxy_pass http://127.0.0.1:8000" in l.markdown)
    _, client = make(tmp_path)
    with client:
        page = client.get(f"/lessons/{curling.path.name}", headers={"host": "localhost:4320"}).text
        serving = client.get(f"/lessons/{production.path.name}").text
        reading = client.get(f"/lessons/{READING.path.name}").text
    assert "http://stario:secret-token@localhost:4321/admin/log" in page, "a curl line uses the preview's real address"
    assert 'class="preview-path"' in page
    assert "127.0.0.1:8000" in serving and "secret-token" not in serving, "only curl lines change"
    assert 'href="/source/stario/static/client.js"' in reading


def test_edits_are_saved_and_a_save_over_the_limit_says_so(tmp_path):
    pg, client = make(tmp_path)
    name = FIRST.path.name
    with client:
        saved = client.post(f"/lessons/{name}/save", signals={"code": "x = 1\n"})
        assert saved.status == 200 and 'id="highlight"' in saved.text
        assert pg.store.code(name) == "x = 1\n"
        assert "x = 1" in client.get(f"/lessons/{name}").text
        too_big = client.post(f"/lessons/{name}/save", signals={"code": "#" * (CODE_LIMIT + 1)})
        assert too_big.status == 413 and "not saved" in too_big.text
        assert pg.store.code(name) == "x = 1\n"


def test_reset_and_solve_keep_a_restore_point_and_restore_swaps_back(tmp_path):
    pg, client = make(tmp_path)
    name = FIRST.path.name
    with client:
        reset = client.post(f"/lessons/{name}/reset", signals={"code": "mine = 1\n"}).events
        assert signals(reset)["_incoming"]["code"] == FIRST.app_code
        assert pg.store.code(name) is None and pg.store.restore_point(name) == "mine = 1\n"
        assert 'id="restore"' in elements(reset) and "Restore my code" in elements(reset)
        assert "Restore my code" in client.get(f"/lessons/{name}").text, "the restore point survives a reload"
        solve = client.post(f"/lessons/{name}/solve", signals={"code": "mine = 2\n"}).events
        assert signals(solve)["_incoming"]["code"] == FIRST.solution_code
        assert pg.store.code(name) == FIRST.solution_code and pg.store.restore_point(name) == "mine = 2\n"
        restored = client.post(f"/lessons/{name}/restore", signals={"code": FIRST.solution_code}).events
        assert signals(restored)["_incoming"]["code"] == "mine = 2\n"
        assert pg.store.code(name) == "mine = 2\n" and pg.store.restore_point(name) == FIRST.solution_code
        sequence = [signals(e)["_incoming"]["seq"] for e in (reset, solve, restored)]
        assert sequence == sorted(set(sequence)), "each replacement is numbered, so the editor applies it once"


def test_run_reports_the_status_and_a_failure_with_its_line(tmp_path):
    pg, client = make(tmp_path)
    with client:
        events = client.post(f"/lessons/{FIRST.path.name}/run", signals={"code": "app = 1"}).events
        assert "running (12 ms to start)" in elements(events)
        assert pg.runner.codes == ["app = 1"] and pg.activity.owner == f"lessons/{FIRST.path.name}"
        # Once the app runs, the live stream owns the errors and the marked line: the Run answer's
        # last events must not touch them (they could land after the preview's first error).
        started = next(i for i, e in enumerate(events) if "running (12 ms to start)" in (e.elements or ""))
        later = events[started:]
        assert not any('id="errors"' in (e.elements or "") for e in later)
        assert not any(e.type == "datastar-patch-signals" and "_errorLine" in e.signals for e in later)
    failure = RunResult(False, "syntax", error="invalid syntax", line=3, traceback="SyntaxError: invalid syntax")
    pg, client = make(tmp_path, failure)
    with client:
        events = client.post(f"/lessons/{FIRST.path.name}/run", signals={"code": "def (:"}).events
        assert "syntax on line 3: invalid syntax" in elements(events)
        assert signals(events)["_errorLine"] == 3
        assert "SyntaxError: invalid syntax" in elements(events), "the traceback is beside the code"


def test_a_lesson_without_checks_is_complete_once_its_code_runs(tmp_path):
    pg, client = make(tmp_path)
    with client:
        assert client.post(f"/lessons/{READING.path.name}/check").status == 404
        events = client.post(f"/lessons/{READING.path.name}/run").events
    assert READING.path.name in pg.store.completed()
    assert f"1/{len(LESSONS)} complete" in elements(events)


def test_check_passes_with_the_solution_marks_the_lesson_and_offers_the_next(tmp_path):
    pg, client = make(tmp_path)
    name = FIRST.path.name
    with client:
        failing = client.post(f"/lessons/{name}/check", signals={"code": FIRST.app_code}).events
        assert "Not yet" in elements(failing) and "it should say hello" in elements(failing)
        assert name not in pg.store.completed() and "next-lesson" not in elements(failing)
        passing = client.post(f"/lessons/{name}/check", signals={"code": FIRST.solution_code}).events
        assert "lesson complete" in elements(passing)
        assert f'href="/lessons/{LESSONS[1].path.name}"' in elements(passing) and 'id="next-lesson"' in elements(passing)
        assert name in pg.store.completed() and 'class="done"' in elements(passing)
        page = client.get(f"/lessons/{name}").text
        assert "lesson complete" in page, "a lesson opened again shows its last check"
        assert "lesson complete" not in client.get(f"/lessons/{LESSONS[1].path.name}").text


def test_the_last_lesson_leads_to_the_end_of_the_course(tmp_path):
    last = [l for l in LESSONS if l.is_exercise][-1]
    pg, client = make(tmp_path)
    with client:
        events = client.post(f"/lessons/{last.path.name}/check", signals={"code": last.solution_code}).events
        if last is LESSONS[-1]:
            assert 'href="/complete"' in elements(events)
        unfinished = client.get("/complete").text
        for lesson in LESSONS:
            pg.store.complete(lesson.path.name)
        finished = client.get("/complete").text
    assert "Almost there" in unfinished
    assert "The course is complete" in finished and "stario toys add" in finished


def test_hints_come_one_at_a_time_then_point_at_the_solution(tmp_path):
    lesson = next(l for l in LESSONS if len(l.hints) >= 2)
    _, client = make(tmp_path)
    with client:
        first = client.post(f"/lessons/{lesson.path.name}/hint").text
        assert f"Hint 1 of {len(lesson.hints)}" in first and "Hint 2" not in first and "Another hint" in first
        for _ in lesson.hints[1:]:
            last = client.post(f"/lessons/{lesson.path.name}/hint").text
        assert f"Hint {len(lesson.hints)} of {len(lesson.hints)}" in last and "No more hints" in last
        assert f"Hint 1 of {len(lesson.hints)}" in client.get(f"/lessons/{lesson.path.name}").text


def test_the_solution_is_shown_as_a_diff_and_the_code_is_kept(tmp_path):
    pg, client = make(tmp_path)
    name = FIRST.path.name
    with client:
        pg.store.save(name, "mine = 1\n")
        shown = client.post(f"/lessons/{name}/solution", signals={"code": "mine = 1\n"}).text
        assert "your code" in shown and "the solution" in shown
        assert pg.store.code(name) == "mine = 1\n"


def test_the_files_a_lesson_names_open_read_only_and_nothing_else_does(tmp_path):
    _, client = make(tmp_path)
    with client:
        check = client.get(f"/source/lessons/{FIRST.path.name}/check.py")
        assert check.status == 200 and "check_" in check.text
        assert client.get("/source/stario/static/client.js").status == 200
        for forbidden in ("stario/../pyproject.toml", f"lessons/{FIRST.path.name}/solution.py", "etc/passwd", "stario/playground/../../x.py"):
            assert client.get(f"/source/{forbidden}").status == 404, forbidden


def test_the_gallery_renders_descriptions_links_back_and_a_toy_is_a_scratch_copy(tmp_path):
    toys = list_toys()
    pg, client = make(tmp_path)
    with client:
        gallery = client.get("/toys").text
        for toy in toys:
            assert f'href="/toys/{toy.name}"' in gallery
        assert "`" not in gallery.split('id="gallery"')[1], "descriptions are Markdown, rendered"
        assert 'href="/"' in gallery
        toy = toys[0]
        page = client.get(f"/toys/{toy.name}").text
        assert toy.title in page and 'id="code"' in page and f"stario toys add {toy.name}" in page
        client.post(f"/toys/{toy.name}/save", signals={"code": "edited = 1\n"})
        assert pg.store.code(f"toy:{toy.name}") == "edited = 1\n" and "edited = 1" in client.get(f"/toys/{toy.name}").text
        client.post(f"/toys/{toy.name}/run")
        assert pg.runner.codes == ["edited = 1\n"]
        reset = client.post(f"/toys/{toy.name}/reset", signals={"code": "edited = 1\n"}).events
        assert signals(reset)["_incoming"]["code"] == toy.code
        assert client.get("/toys/nope").status == 404


@pytest.mark.parametrize("path", ["/static/playground.js", "/static/playground.css"])
def test_the_playgrounds_own_files_are_served(tmp_path, path):
    _, client = make(tmp_path)
    with client:
        response = client.get(path)
    assert response.status == 200 and len(response.body) > 1000
    with client:
        assert client.get("/static/..%2Fapp.py").status == 404
