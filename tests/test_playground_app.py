"""The playground's pages and actions, in process (the runner and the preview proxy stood in for)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from stario.lessons import load_lessons
from stario.playground.app import Playground, build_app
from stario.playground.store import Store
from stario.testing import TestClient

LESSONS = load_lessons()
FIRST = LESSONS[0].path.name


@dataclass
class FakeResult:
    ok: bool
    kind: str = "ok"
    port: int | None = 9
    error: str | None = None
    line: int | None = None
    startup_ms: float = 12.0


class FakeRunner:
    def __init__(self, result: FakeResult) -> None:
        self.result = result
        self.codes: list[str] = []

    async def run(self, code: str) -> FakeResult:
        self.codes.append(code)
        return self.result

    def spans(self):
        return _Empty()


class _Empty:
    def __aiter__(self):
        return self

    async def __anext__(self):
        import asyncio

        await asyncio.sleep(3600)

    def close(self):
        pass

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        pass


class FakeProxy:
    records: list = []

    def subscribe(self):
        return _Empty()


def make(tmp_path: Path, result: FakeResult | None = None) -> tuple[Playground, TestClient]:
    pg = Playground(Store(tmp_path / "p.db"), FakeRunner(result or FakeResult(True)), FakeProxy(), 4321)
    return pg, TestClient(build_app(pg))


def test_index_lists_every_lesson_and_marks_completed_ones(tmp_path):
    pg, client = make(tmp_path)
    pg.store.complete(FIRST)
    with client:
        page = client.get("/").text
    for lesson in LESSONS:
        assert f'href="/lessons/{lesson.path.name}"' in page
    assert f'id="toc-{FIRST}"><span class="done"' in page


def test_a_lesson_page_has_prose_editor_actions_preview_and_inspector(tmp_path):
    _, client = make(tmp_path)
    with client:
        page = client.get(f"/lessons/{FIRST}").text
        assert client.get("/lessons/99-nope").status == 404
    assert LESSONS[0].title in page
    for piece in ('id="code"', 'id="highlight"', 'id="run"', 'id="check"', 'id="reset"', 'id="preview"', 'id="inspector"', 'rel="next"'):
        assert piece in page, piece


def test_edits_are_saved_and_reset_restores_the_starting_code(tmp_path):
    pg, client = make(tmp_path)
    with client:
        saved = client.post(f"/lessons/{FIRST}/save", signals={"code": "x = 1\n"})
        assert saved.events and "highlight" in saved.events[0].elements
        assert pg.store.code(FIRST) == "x = 1\n"
        assert "x = 1" in client.get(f"/lessons/{FIRST}").text
        reset = client.post(f"/lessons/{FIRST}/reset")
        assert reset.events[0].signals == {"code": LESSONS[0].app_code}
        assert pg.store.code(FIRST) is None


def test_run_reports_success_or_the_error_with_its_line(tmp_path):
    pg, client = make(tmp_path)
    with client:
        events = client.post(f"/lessons/{FIRST}/run", signals={"code": "app = 1"}).events
        assert "running" in events[-2].elements and events[-1].signals == {"runs": 1}
        assert pg.runner.codes == ["app = 1"]
    pg, client = make(tmp_path, FakeResult(False, "syntax", None, "invalid syntax", 3))
    with client:
        events = client.post(f"/lessons/{FIRST}/run", signals={"code": "def (:"}).events
        assert "syntax on line 3: invalid syntax" in events[-1].elements


def test_check_with_the_solution_passes_and_marks_the_lesson_complete(tmp_path):
    pg, client = make(tmp_path)
    with client:
        failing = client.post(f"/lessons/{FIRST}/check", signals={"code": LESSONS[0].app_code}).events
        assert "Not yet" in failing[-1].elements and FIRST not in pg.store.completed()
        passing = client.post(f"/lessons/{FIRST}/check", signals={"code": LESSONS[0].solution_code}).events
        assert "lesson complete" in passing[-1].elements
        assert FIRST in pg.store.completed()
        assert any('class="done"' in e.elements for e in passing)


def test_the_solution_is_shown_as_a_diff_and_the_code_is_kept(tmp_path):
    pg, client = make(tmp_path)
    with client:
        pg.store.save(FIRST, "mine = 1\n")
        events = client.post(f"/lessons/{FIRST}/solution", signals={"code": "mine = 1\n"}).events
        assert "your code" in events[0].elements and "the solution" in events[0].elements
        assert pg.store.code(FIRST) == "mine = 1\n"
        assert all(e.type == "datastar-patch-elements" and 'id="code"' not in e.elements for e in events)


def test_the_gallery_lists_the_toys_and_runs_one(tmp_path):
    from stario.toy_catalog import list_toys

    toys = list_toys()
    pg, client = make(tmp_path)
    with client:
        gallery = client.get("/toys").text
        for toy in toys:
            assert f'href="/toys/{toy.name}"' in gallery
        first = toys[0]
        page = client.get(f"/toys/{first.name}").text
        assert first.title in page and 'id="preview"' in page and f"stario toys add {first.name}" in page
        events = client.post(f"/toys/{first.name}/run").events
        assert pg.runner.codes == [first.code]
        assert events[-1].signals == {"runs": 1}
        assert client.get("/toys/nope").status == 404
