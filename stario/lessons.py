"""The course: reading lesson folders, rendering their prose, running their checks.

A lesson is a folder ``lessons/NN-slug/`` (the number gives the order) holding:

- ``lesson.md``: front matter (``title:``, ``summary:``) between ``---`` lines, then prose in
  Markdown. The prose never copies code: a line ``{{code app.py}}`` (a whole file) or
  ``{{code app.py:home}}`` (one function or class) is replaced by that code, so text and code
  cannot drift apart;
- ``app.py``: the starting code, a runnable app named ``app``;
- for an exercise, ``solution.py`` (the finished app) and ``check.py``: functions named
  ``check_...`` that take a `stario.testing.TestClient` and raise ``AssertionError`` with a
  message a learner can act on ("the counter should be 1 after one click, it was 0");
- for an exercise, optionally ``hints.md``: hints in Markdown, separated by lines holding only
  ``---``, shown one at a time before the solution (the first a nudge, the last nearly the
  answer). They are `Lesson.hints`.

A check is ``def check_name(client)``, or ``def check_name(client, learner)``. The second
parameter, which must be named ``learner``, receives the learner's module: the executed
``app.py`` (or ``solution.py``), a `types.ModuleType` whose ``app`` is the one ``client`` talks
to. A check can then call what the learner wrote, such as a test function
(``learner.test_counter(other_client)``). Every check gets a fresh run of the code, so no state
is carried from one check to the next.

`run_checks` compiles the learner's code under the name ``app.py`` (what the playground's
editor calls it) and the checks under ``check.py``, so a traceback names the learner's own
lines: ``File "app.py", line 7, in home``. Each `CheckResult` says whether the check passed,
the assertion's message, the type of exception that failed it, and, for a crash, the
traceback cut down to the frames of ``app.py`` and ``check.py``.

The playground, the docs site and the tests all read lessons through this module. A malformed
lesson raises `LessonError` naming the file and the problem.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import logging
import re
import sys
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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
    """The outcome of one check.

    - ``name``: the check function's name (``check_home_says_hello``);
    - ``passed``: whether it passed;
    - ``message``: what a failed check said: the assertion's text, or for a crash
      ``"KeyError: 'x'"``, or ``"the app does not load: ..."``; empty when it passed;
    - ``exception``: the type name of the exception that failed it (``"AssertionError"`` for a
      check that said no, ``"AttributeError"``, ``"SyntaxError"``...); ``None`` when it passed;
    - ``traceback``: for a failure that is not a plain assertion, the formatted traceback of
      what went wrong, keeping only the frames of the learner's ``app.py`` and the lesson's
      ``check.py``: a crash in a check or in the learner's code, an app that does not load, a
      crash of the app while it answered (a check that saw a 500 says so, and this shows why),
      or the exception a check's assertion was raised ``from``; otherwise ``None``.
    """

    name: str
    passed: bool
    message: str = ""
    exception: str | None = None
    traceback: str | None = None


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
    for line in _read(path).splitlines():
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

LEARNER_FILE = "app.py"
"""The name learner code is compiled under: what the playground's editor calls it."""

_logger = logging.getLogger("stario")


def load_app(path: Path, source: str | None = None, *, filename: str | None = None) -> Any:
    """Import a lesson's ``app.py`` or ``solution.py`` (or ``source`` in its place) and return its ``app``.

    ``filename`` is the name tracebacks show for the code (default: ``path`` itself).
    """
    module = _load_module(path, source, filename or str(path))
    app = module.__dict__.get("app")
    if app is None:
        raise LessonError(f"{path}: defines no 'app'")
    return app


def _load_module(path: Path, source: str | None, filename: str) -> ModuleType:
    name = f"stario_lesson_{uuid.uuid4().hex}"
    module = ModuleType(name)
    module.__file__ = str(path)
    code = compile(source if source is not None else path.read_text(encoding="utf-8"), filename, "exec")
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    finally:
        sys.modules.pop(name, None)
    return module


def _load_checks(lesson: Lesson, source: str) -> ModuleType:
    return _load_module(lesson.path / "check.py", source, "check.py")


@contextmanager
def _sources_for_tracebacks(sources: dict[str, str]) -> Iterator[None]:
    """Let tracebacks quote ``sources`` by their short names, not some other ``app.py`` on disk."""
    saved = {name: linecache.cache.get(name) for name in sources}
    for name, text in sources.items():
        # An entry without an mtime is never checked against the disk (linecache.checkcache).
        linecache.cache[name] = (len(text), None, text.splitlines(keepends=True), name)
    try:
        yield
    finally:
        for name, entry in saved.items():
            if entry is None:
                linecache.cache.pop(name, None)
            else:
                linecache.cache[name] = entry


def _traceback_text(exc: BaseException, keep: set[str]) -> str:
    """The formatted traceback of ``exc`` (and what caused it), with only the frames of ``keep``."""
    summary = traceback.TracebackException.from_exception(exc)
    pending, seen = [summary], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.stack = traceback.StackSummary.from_list([frame for frame in current.stack if frame.filename in keep])
        pending += [current.__cause__, current.__context__, *(getattr(current, "exceptions", None) or [])]
    return "".join(summary.format()).rstrip("\n")


def _runs_through(exc: BaseException, module: ModuleType) -> bool:
    """True when the traceback of ``exc`` passes through code of ``module``."""
    return any(frame.f_globals is module.__dict__ for frame, _ in traceback.walk_tb(exc.__traceback__))


class _Crashes(logging.Handler):
    """Keeps the exceptions the app logs (a handler that crashed, answered 500) from learner code."""

    def __init__(self, module: ModuleType) -> None:
        super().__init__(logging.ERROR)
        self.module = module
        self.exceptions: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's exception when it was raised in the learner's module."""
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _runs_through(exc, self.module):
            self.exceptions.append(exc)


def run_checks(lesson: Lesson, which: str = "app", source: str | None = None) -> list[CheckResult]:
    """Run the lesson's checks against ``app.py`` or ``solution.py`` (``which``), or ``source``.

    ``source`` is the learner's code, run in place of ``app.py``. It is compiled under the name
    ``app.py`` (``solution.py`` for the solution), so tracebacks show the learner's own lines.
    Every check runs, each on a fresh run of the code and with a fresh test client, and gives a
    `CheckResult`; code that does not even load fails every check, saying why.
    """
    from stario.testing import TestClient

    if not lesson.is_exercise:
        raise LessonError(f"{lesson.path}: not an exercise; it has no checks")
    if which not in ("app", "solution"):
        raise ValueError(f"which is 'app' or 'solution', got {which!r}")
    filename = "solution.py" if which == "solution" else LEARNER_FILE
    path = lesson.path / filename
    code = source if source is not None else _read(path)
    check_source = _read(lesson.path / "check.py")
    keep = {filename, "check.py"}
    results = []
    with _sources_for_tracebacks({filename: code, "check.py": check_source}):
        checks = _load_checks(lesson, check_source)
        for name in lesson.check_names:
            try:
                module = _load_module(path, code, filename)  # fresh for every check: no state carried over
                if module.__dict__.get("app") is None:
                    raise LessonError(f"{filename} defines no 'app': keep the line app = Stario(...)")
            except (Exception, SystemExit) as exc:
                message = f"the app does not load: {''.join(traceback.format_exception_only(exc)).strip()}"
                results.append(CheckResult(name, False, message, type(exc).__name__, _traceback_text(exc, keep)))
                continue
            check = getattr(checks, name)
            takes_learner = "learner" in inspect.signature(check).parameters
            crashes = _Crashes(module)
            _logger.addHandler(crashes)
            try:
                with TestClient(module.app, timeout=5) as client:
                    if takes_learner:
                        check(client, learner=module)
                    else:
                        check(client)
            except AssertionError as exc:
                text = None
                if exc.__cause__ is not None and _runs_through(exc.__cause__, module):
                    text = _traceback_text(exc.__cause__, keep)  # the check says what; this says where
                elif crashes.exceptions:
                    text = _traceback_text(crashes.exceptions[0], keep)
                results.append(CheckResult(name, False, str(exc) or "a check failed without a message", type(exc).__name__, text))
            except Exception as exc:
                failure = exc
                if not _runs_through(exc, module) and crashes.exceptions:
                    failure = crashes.exceptions[0]  # the app's own crash says more than the check's
                message = f"{type(exc).__name__}: {exc}"
                results.append(CheckResult(name, False, message, type(exc).__name__, _traceback_text(failure, keep)))
            else:
                results.append(CheckResult(name, True))
            finally:
                _logger.removeHandler(crashes)
    return results
