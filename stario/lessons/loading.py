"""Reading lesson folders: their shape, their front matter, their code references and hints.

A lesson is a folder ``lessons/NN-slug/`` (the number gives the order) holding:

- ``lesson.md``: front matter (``title:``, ``summary:``) between ``---`` lines, then prose in
  Markdown. The prose never copies code: a line ``{{code app.py}}`` (a whole file) or
  ``{{code app.py:home}}`` (one function or class) is replaced by that code, so text and code
  cannot drift apart;
- ``app.py``: the starting code, a runnable app named ``app``;
- for an exercise, ``solution.py`` (the finished app) and ``check.py``: functions named
  ``check_...`` that take a `stario.testing.TestClient` (and optionally ``learner``, see
  `stario.lessons.checking`) and raise ``AssertionError`` with a message a learner can act on
  ("the counter should be 1 after one click, it was 0");
- for an exercise, optionally ``hints.md``: hints in Markdown, separated by lines holding only
  ``---``, shown one at a time before the solution (the first a nudge, the last nearly the
  answer). They are `Lesson.hints`.

`load_lesson` reads one folder into a `Lesson`, `load_lessons` every folder of `lessons_dir`. A
malformed lesson raises `LessonError` naming the file and the problem.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from stario.lessons.rendering import render_markdown

__all__ = ["Lesson", "LessonError", "lessons_dir", "load_lessons", "load_lesson", "read_lesson_file"]

_FOLDER = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
_CODE = re.compile(r"^\{\{code ([\w.-]+\.py)(?::([A-Za-z_]\w*))?\}\}\s*$")


class LessonError(Exception):
    """A lesson folder is not in the expected shape; the message names the file and the problem."""


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
    budgets: dict[str, int] = field(default_factory=dict)
    #: The hints of ``hints.md``, each in Markdown, in order; empty when there is no such file.
    hints: list[str] = field(default_factory=list)

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
    """Where the lessons are: the repository's ``lessons/`` or, once installed, the copy in the package.

    This file is ``stario/lessons/loading.py``: the repository's ``lessons/`` sits next to the
    ``stario/`` folder, and an installed wheel holds the course in ``stario/_lessons/``.
    """
    package = Path(__file__).resolve().parents[1]  # the stario/ folder
    candidates = (package.parent / "lessons", package / "_lessons")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise LessonError(f"no lessons folder: looked for {candidates[0]} (a checkout) and {candidates[1]} (an installed wheel)")


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
    text = read_lesson_file(path / "lesson.md")
    meta, body = _front_matter(path / "lesson.md", text)
    app_code = read_lesson_file(path / "app.py")
    solution_path, check_path = path / "solution.py", path / "check.py"
    if solution_path.exists() != check_path.exists():
        raise LessonError(f"{path}: an exercise has both solution.py and check.py, not just one")
    solution_code = read_lesson_file(solution_path) if solution_path.exists() else None
    check_names: list[str] = []
    budgets: dict[str, int] = {}
    if check_path.exists():
        check_names = _check_names(check_path)
        if not check_names:
            raise LessonError(f"{check_path}: define at least one function named check_...")
        budgets = _budgets(check_path)
    hints_path = path / "hints.md"
    hints: list[str] = []
    if hints_path.exists():
        if solution_code is None:
            raise LessonError(f"{hints_path}: hints belong to an exercise, and this lesson has no solution.py and check.py")
        hints = _hints(hints_path)
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
        hints=hints,
        budgets=budgets,
    )


def read_lesson_file(path: Path) -> str:
    """The text of one file of a lesson folder; `LessonError` when it is missing."""
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
        source = read_lesson_file(folder / filename)
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


BUDGET_NAMES = {
    "requests": "requests the preview made",
    "events": "Server-Sent Events received",
    "wire_bytes": "bytes of answers over the wire (as sent, compressed or not)",
    "largest_event_bytes": "bytes of the largest event",
    "first_event_ms": "ms from a stream's request to its first event (the slowest stream)",
    "server_ms": "ms the app spent answering (its request spans, added up)",
    "spans": "spans recorded",
}
"""What a lesson's ``BUDGETS`` (in its check.py) may limit, each an upper bound, shown as a gauge."""


def _budgets(path: Path) -> dict[str, int]:
    """The ``BUDGETS = {...}`` of a check.py (a literal dict of names in `BUDGET_NAMES` to whole numbers), or {}."""
    tree = ast.parse(read_lesson_file(path), str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "BUDGETS" for t in node.targets):
            try:
                budgets = ast.literal_eval(node.value)
            except ValueError:
                raise LessonError(f"{path}: BUDGETS is a literal dict, such as {{'largest_event_bytes': 400}}") from None
            if not isinstance(budgets, dict):
                raise LessonError(f"{path}: BUDGETS is a dict of limits, got {type(budgets).__name__}")
            for name, limit in budgets.items():
                if name not in BUDGET_NAMES:
                    raise LessonError(f"{path}: BUDGETS has {name!r}; the budgets are {', '.join(BUDGET_NAMES)}")
                if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                    raise LessonError(f"{path}: BUDGETS[{name!r}] is a whole number above 0, got {limit!r}")
            return budgets
    return {}


def _check_names(path: Path) -> list[str]:
    tree = ast.parse(read_lesson_file(path), filename=str(path))
    names = []
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("check_")):
            continue
        args = node.args
        positional = [a.arg for a in [*args.posonlyargs, *args.args]]
        required_keywords = [a.arg for a, default in zip(args.kwonlyargs, args.kw_defaults) if default is None]
        if len(positional) not in (1, 2) or (len(positional) == 2 and positional[1] != "learner") or required_keywords:
            raise LessonError(
                f"{path}, line {node.lineno}: {node.name}({', '.join(positional + required_keywords)}) should take "
                "(client), or (client, learner) to receive the learner's module"
            )
        names.append(node.name)
    return names


def _hints(path: Path) -> list[str]:
    hints: list[list[str]] = [[]]
    for line in read_lesson_file(path).splitlines():
        if line.strip() == "---":
            hints.append([])
        else:
            hints[-1].append(line)
    texts = ["\n".join(lines).strip() for lines in hints]
    for number, text in enumerate(texts, start=1):
        if not text:
            raise LessonError(
                f"{path}: hint {number} of {len(texts)} is empty; write each hint between lines holding only '---', "
                "with no '---' before the first or after the last"
            )
    return [text + "\n" for text in texts]
