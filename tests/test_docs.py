"""The docs site builds strictly, with a page per lesson and per public module."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from stario.lessons import load_lessons

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_build_strict_has_every_lesson_and_module(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "site"
    for lesson in load_lessons():
        page = site / "lessons" / f"{lesson.number:02d}-{lesson.slug}" / "index.html"
        assert page.exists(), f"no page for {lesson.path.name}"
        html = page.read_text()
        assert lesson.title.split()[-1] in html
        first_code_line = lesson.app_code.strip().splitlines()[0]
        if "{{code app.py}}" in (lesson.path / "lesson.md").read_text():
            assert re.sub(r"<[^>]+>", "", html).count(first_code_line.split()[-1]) > 0
    modules = [p.stem for p in (ROOT / "stario").glob("*.py") if not p.stem.startswith("_")]
    modules += [p.parent.name for p in (ROOT / "stario").glob("*/__init__.py") if not p.parent.name.startswith("_")]
    for module in modules:
        page = site / "reference" / module / "index.html"
        assert page.exists(), f"no reference page for stario.{module}"
        assert "doc-heading" in page.read_text() or "doc doc-" in page.read_text(), f"stario.{module}: no API docs rendered"


def test_every_exported_name_is_used_in_a_lesson_or_toy():
    import stario

    corpus = "\n".join(
        path.read_text() for folder in ("lessons", "toys") if (ROOT / folder).exists() for path in (ROOT / folder).rglob("*.py")
    )
    unused = [name for name in stario.__all__ if not re.search(rf"\b{name}\b", corpus)]
    assert not unused, f"exported by stario but used in no lesson or toy: {', '.join(unused)}"


def test_the_course_is_long_enough():
    lessons = load_lessons()
    assert len(lessons) >= 15, f"{len(lessons)} lessons; the course needs at least 15"
    assert sum(lesson.is_exercise for lesson in lessons) >= 10
    assert [lesson.number for lesson in lessons] == list(range(1, len(lessons) + 1)), "lessons are numbered 1, 2, 3... without gaps"
