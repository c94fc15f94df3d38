"""'Download as a project': the code in the editor as a folder to carry on with outside the playground.

`project_zip` makes a zip holding one folder, named after the lesson or toy::

    06-signals/
        app.py              the code in the editor now
        README.md           how to run it, test it, and where it came from
        pyproject.toml      depends on stario (the version this playground runs) and pytest
        tests/checks.py     a lesson's checks, as the playground runs them
        tests/test_checks.py  ... run by pytest, each on a fresh copy of app.py
        static/...          the files beside the lesson's or toy's app.py (a stylesheet, a toy's tests)

The lesson's prose, hints and solution stay behind: the project is the learner's own code.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import stario
from stario.lessons import Lesson

__all__ = ["project_zip", "project_files"]

_LEFT_BEHIND = {"app.py", "solution.py", "check.py", "lesson.md", "hints.md"}


def project_files(name: str, title: str, code: str, folder: Path, lesson: Lesson | None) -> dict[str, str | bytes]:
    """The project's files by path inside its folder (see the module docstring)."""
    files: dict[str, str | bytes] = {"app.py": code if code.endswith("\n") else code + "\n"}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not _left_behind(relative):
            files[relative.as_posix()] = path.read_bytes()
    checks = lesson.check_names if lesson is not None and lesson.is_exercise else []
    if checks:
        files["tests/checks.py"] = (folder / "check.py").read_text(encoding="utf-8")
        files["tests/test_checks.py"] = _check_runner(title, checks)
    files["pyproject.toml"] = _pyproject(name)
    files["README.md"] = _readme(name, title, bool(checks), any(p.startswith("test_") for p in files))
    return files


def project_zip(name: str, title: str, code: str, folder: Path, lesson: Lesson | None) -> bytes:
    """The project as the bytes of a zip file with one top folder, ``name``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in project_files(name, title, code, folder, lesson).items():
            archive.writestr(f"{name}/{path}", content)
    return buffer.getvalue()


def _left_behind(relative: Path) -> bool:
    parts = relative.parts
    return (
        len(parts) == 1 and parts[0] in _LEFT_BEHIND
        or any(part.startswith(".") or part == "__pycache__" for part in parts)
    )  # fmt: skip


def _distribution_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "stario-app"


def _pyproject(name: str) -> str:
    return f"""[project]
name = "{_distribution_name(name)}"
version = "0.1.0"
description = "A Stario app, taken home from the playground"
requires-python = ">=3.11"
dependencies = ["stario>={stario.__version__}"]

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.setuptools]
py-modules = ["app"]

[tool.pytest.ini_options]
pythonpath = ["tests"]
"""


def _check_runner(title: str, checks: list[str]) -> str:
    names = "".join(f"    {name!r},\n" for name in checks)
    return f'''"""The checks of the lesson "{title}", run by pytest: ``pytest`` in the project's folder.

Each check gets a fresh copy of app.py and a test client, as the playground gives it.
"""

import importlib.util
import inspect
import uuid
from pathlib import Path

import pytest

import checks
from stario.testing import TestClient

APP = Path(__file__).resolve().parent.parent / "app.py"
CHECKS = [
{names}]


def fresh_app():
    """app.py, loaded anew (no state carried over from another check)."""
    spec = importlib.util.spec_from_file_location(f"app_{{uuid.uuid4().hex}}", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", CHECKS)
def test_check(name):
    check = getattr(checks, name)
    learner = fresh_app()
    with TestClient(learner.app, timeout=5) as client:
        if "learner" in inspect.signature(check).parameters:
            check(client, learner=learner)
        else:
            check(client)
'''


def _readme(name: str, title: str, has_checks: bool, has_tests: bool) -> str:
    tests = ""
    if has_checks:
        tests = "\nThe lesson's checks came along as tests (`tests/test_checks.py`): they pass when the\nexercise is done, and keep passing as long as the app does what the lesson asked.\n"
    elif has_tests:
        tests = "\nThe tests beside `app.py` came with it.\n"
    return f"""# {title}

Taken home from the Stario playground ({name}): `app.py` is the code that was in the editor.

## Run it

```sh
python -m venv .venv
.venv/bin/pip install -e ".[test]"      # Stario {stario.__version__} or later, and pytest
.venv/bin/stario serve app:app          # then open http://127.0.0.1:8000/
```

`stario serve` reloads the app when `app.py` changes, and shows every request and its spans in
the terminal.

## Test it

```sh
.venv/bin/pytest
```
{tests}"""
