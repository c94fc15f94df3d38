"""Fixtures and hooks shared by every test.

- ``toy_client(name)``: a started `stario.testing.TestClient` for ``toys/NAME/app.py``'s app,
  loaded afresh (a new module, so its state starts clean) and closed after the test.
- When a test fails, its report shows the output of every server `tests.servers.launch`
  started that is still running (a fixture's server, say).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stario.lessons import load_app
from stario.testing import TestClient
from tests import servers

TOYS = Path(__file__).resolve().parent.parent / "toys"


@pytest.fixture
def toy_client() -> Iterator[Callable[[str], TestClient]]:
    """A factory: ``toy_client("counter")`` is a started client for a fresh copy of that toy's app."""
    with contextlib.ExitStack() as stack:
        yield lambda name: stack.enter_context(TestClient(load_app(TOYS / name / "app.py")))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for server in servers.RUNNING:
            report.sections.append((f"server {server.name} ({server.url}): output", server.tail()))
