"""Running a lesson's checks against the learner's code, and reporting failures in their terms.

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
traceback cut down to the frames of ``app.py`` and ``check.py``. `load_app` imports a lesson's
app on its own, for tests and tools.
"""

from __future__ import annotations

import inspect
import linecache
import logging
import sys
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from stario.lessons.loading import Lesson, LessonError, read_lesson_file

__all__ = ["CheckResult", "LEARNER_FILE", "load_app", "run_checks"]

LEARNER_FILE = "app.py"
"""The name learner code is compiled under: what the playground's editor calls it."""

_logger = logging.getLogger("stario")


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
    code = source if source is not None else read_lesson_file(path)
    check_source = read_lesson_file(lesson.path / "check.py")
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
