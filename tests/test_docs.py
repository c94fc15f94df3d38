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
    for module in modules:
        page = site / "reference" / module / "index.html"
        assert page.exists(), f"no reference page for stario.{module}"
        assert "doc-heading" in page.read_text() or "doc doc-" in page.read_text(), f"stario.{module}: no API docs rendered"
