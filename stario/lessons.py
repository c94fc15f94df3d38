"""The course: reading lesson folders, rendering their prose, running their checks.

A lesson is a folder ``lessons/NN-slug/`` (the number gives the order) holding:

- ``lesson.md``: front matter (``title:``, ``summary:``) between ``---`` lines, then prose in
  Markdown. The prose never copies code: a line ``{{code app.py}}`` (a whole file) or
  ``{{code app.py:home}}`` (one function or class) is replaced by that code, so text and code
  cannot drift apart;
- ``app.py``: the starting code, a runnable app named ``app``;
- for an exercise, ``solution.py`` (the finished app) and ``check.py``: functions named
  ``check_...`` that take a `stario.testing.TestClient` and raise ``AssertionError`` with a
  message a learner can act on ("the counter should be 1 after one click, it was 0").

The playground, the docs site and the tests all read lessons through this module. A malformed
lesson raises `LessonError` naming the file and the problem.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import traceback
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["Lesson", "LessonError", "CheckResult", "lessons_dir", "load_lessons", "load_lesson", "run_checks", "render_markdown"]

_FOLDER = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
_CODE = re.compile(r"^\{\{code ([\w.-]+\.py)(?::([A-Za-z_]\w*))?\}\}\s*$")


class LessonError(Exception):
    """A lesson folder is not in the expected shape; the message names the file and the problem."""


@dataclass
class CheckResult:
    """The outcome of one check: its name, whether it passed, and what it said."""

    name: str
    passed: bool
    message: str = ""


@dataclass
class Lesson:
    """One lesson, read from its folder."""

    number: int
    slug: str
    title: str
    summary: str
    path: Path
    markdown: str  # the prose with every {{code ...}} replaced by its code
    app_code: str
    solution_code: str | None = None
    check_names: list[str] = field(default_factory=list)

    @property
    def is_exercise(self) -> bool:
        """True when the lesson has a solution and checks."""
        return self.solution_code is not None

    @property
    def html(self) -> str:
        """The prose rendered to HTML, code highlighted."""
        return render_markdown(self.markdown)

    def __repr__(self) -> str:
        return f"<Lesson {self.number:02d}-{self.slug} {self.title!r}>"


def lessons_dir() -> Path:
    """Where the lessons are: the repository's ``lessons/`` or, once installed, the copy in the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "lessons", here / "_lessons"):
        if candidate.is_dir():
            return candidate
    raise LessonError(f"no lessons folder next to {here}")


def load_lessons(folder: Path | None = None) -> list[Lesson]:
    """Every lesson in ``folder`` (default: `lessons_dir`), in order."""
    folder = folder or lessons_dir()
    lessons = [load_lesson(path) for path in sorted(folder.iterdir()) if path.is_dir() and not path.name.startswith((".", "_"))]
    numbers = [lesson.number for lesson in lessons]
    if len(set(numbers)) != len(numbers):
        raise LessonError(f"{folder}: two lessons share a number: {sorted(numbers)}")
    return lessons


def load_lesson(path: Path) -> Lesson:
    """Read one lesson folder, checking its shape."""
    match = _FOLDER.match(path.name)
    if not match:
        raise LessonError(f"{path}: a lesson folder is named NN-slug, such as 01-hello-query")
    text = _read(path / "lesson.md")
    meta, body = _front_matter(path / "lesson.md", text)
    app_code = _read(path / "app.py")
    solution_path, check_path = path / "solution.py", path / "check.py"
    if solution_path.exists() != check_path.exists():
        raise LessonError(f"{path}: an exercise has both solution.py and check.py, not just one")
    solution_code = _read(solution_path) if solution_path.exists() else None
    check_names: list[str] = []
    if check_path.exists():
        check_names = _check_names(check_path)
        if not check_names:
            raise LessonError(f"{check_path}: define at least one function named check_...")
    return Lesson(
        number=int(match.group(1)),
        slug=match.group(2),
        title=meta["title"],
        summary=meta["summary"],
        path=path,
        markdown=_expand_code(path, body),
        app_code=app_code,
        solution_code=solution_code,
        check_names=check_names,
    )


def _read(path: Path) -> str:
    if not path.is_file():
        raise LessonError(f"{path}: missing")
    return path.read_text(encoding="utf-8")


def _front_matter(path: Path, text: str) -> tuple[dict[str, str], str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise LessonError(f"{path}: must start with front matter: a '---' line, 'title:' and 'summary:', then '---'")
    try:
        end = lines.index("---", 1)
    except ValueError:
        raise LessonError(f"{path}: the front matter has no closing '---' line") from None
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        key, colon, value = line.partition(":")
        if not colon or not key.strip():
            raise LessonError(f"{path}, line {number}: front matter lines are 'key: value', got {line!r}")
        meta[key.strip()] = value.strip()
    for key in ("title", "summary"):
        if not meta.get(key):
            raise LessonError(f"{path}: the front matter needs a non-empty {key!r}")
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def _expand_code(folder: Path, body: str) -> str:
    out = []
    for number, line in enumerate(body.splitlines(), start=1):
        match = _CODE.match(line.strip())
        if not match:
            if line.strip().startswith("{{code"):
                raise LessonError(f"{folder / 'lesson.md'}: body line {number}: write {{{{code FILE.py}}}} or {{{{code FILE.py:name}}}}")
            out.append(line)
            continue
        filename, name = match.groups()
        source = _read(folder / filename)
        code = source if name is None else _definition(folder / filename, source, name)
        out.append(f"```python title=\"{filename}\"\n{code.rstrip()}\n```")
    return "\n".join(out) + "\n"


def _definition(path: Path, source: str, name: str) -> str:
    tree = ast.parse(source, filename=str(path))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "\n".join(source.splitlines()[start - 1 : node.end_lineno])
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno])
    raise LessonError(f"{path.parent / 'lesson.md'}: {{{{code {path.name}:{name}}}}} names nothing in {path.name}")


def _check_names(path: Path) -> list[str]:
    tree = ast.parse(_read(path), filename=str(path))
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("check_")]


# -- rendering ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"highlight": _highlight}).enable("table")


def _highlight(code: str, language: str, attributes: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language.split()[0]) if language else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    # Starting with <pre tells markdown-it the block is complete (it wraps it otherwise).
    return f'<pre class="highlight"><code>{highlight(code, lexer, HtmlFormatter(nowrap=True))}</code></pre>'


def render_markdown(text: str) -> str:
    """Markdown to HTML (CommonMark and tables), fenced code highlighted with Pygments."""
    return _markdown().render(text)


# -- running the checks ----------------------------------------------------------------------------


def load_app(path: Path, source: str | None = None) -> Any:
    """Import a lesson's ``app.py`` or ``solution.py`` (or ``source`` in its place) and return its ``app``."""
    name = f"stario_lesson_{uuid.uuid4().hex}"
    module = ModuleType(name)
    module.__file__ = str(path)
    code = compile(source if source is not None else path.read_text(encoding="utf-8"), str(path), "exec")
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    finally:
        sys.modules.pop(name, None)
    app = module.__dict__.get("app")
    if app is None:
        raise LessonError(f"{path}: defines no 'app'")
    return app


def _load_checks(lesson: Lesson) -> ModuleType:
    path = lesson.path / "check.py"
    spec = importlib.util.spec_from_file_location(f"stario_checks_{lesson.slug.replace('-', '_')}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_checks(lesson: Lesson, which: str = "app", source: str | None = None) -> list[CheckResult]:
    """Run the lesson's checks against ``app.py``, ``solution.py`` (``which``) or ``source``.

    Every check runs, each with a fresh test client, and reports passed or the assertion's
    message; an app that does not even import fails every check with the error.
    """
    from stario.testing import TestClient

    if not lesson.is_exercise:
        raise LessonError(f"{lesson.path}: not an exercise; it has no checks")
    checks = _load_checks(lesson)
    path = lesson.path / ("solution.py" if which == "solution" else "app.py")
    results = []
    for name in lesson.check_names:
        try:
            app = load_app(path, source)  # fresh for every check: no state carried over
        except Exception as exc:
            message = "".join(traceback.format_exception_only(exc)).strip()
            results.append(CheckResult(name, False, f"the app does not load: {message}"))
            continue
        try:
            with TestClient(app, timeout=5) as client:
                getattr(checks, name)(client)
        except AssertionError as exc:
            results.append(CheckResult(name, False, str(exc) or "a check failed without a message"))
        except Exception as exc:
            results.append(CheckResult(name, False, f"{type(exc).__name__}: {exc}"))
        else:
            results.append(CheckResult(name, True))
    return results
