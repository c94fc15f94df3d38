"""The course: reading lesson folders, rendering their prose, running their checks.

The playground, the docs site and the tests all read lessons through this package, and import
from it directly (``from stario.lessons import load_lessons``). It is three modules, one step each:

- `stario.lessons.loading`: the folder shape (``lessons/NN-slug/`` with ``lesson.md``,
  ``app.py``, and for an exercise ``solution.py``, ``check.py`` and maybe ``hints.md``), front
  matter, ``{{code ...}}`` references, hints; `Lesson`, `LessonError`, `lessons_dir`,
  `load_lessons`, `load_lesson`;
- `stario.lessons.rendering`: the prose to HTML with highlighted code, `render_markdown`;
- `stario.lessons.checking`: the learner's code run against the checks, failures reported with
  the learner's own lines; `run_checks`, `CheckResult`, `load_app`, `LEARNER_FILE`.

A malformed lesson raises `LessonError` naming the file and the problem.
"""

from __future__ import annotations

from stario.lessons.checking import LEARNER_FILE, CheckResult, load_app, run_checks
from stario.lessons.loading import Lesson, LessonError, lessons_dir, load_lesson, load_lessons
from stario.lessons.rendering import render_markdown

__all__ = [
    "Lesson",
    "LessonError",
    "CheckResult",
    "lessons_dir",
    "load_lessons",
    "load_lesson",
    "run_checks",
    "render_markdown",
    "load_app",
    "LEARNER_FILE",
]
