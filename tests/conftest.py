"""Fixtures and hooks shared by every test.

- When a test fails, its report shows the output of every server `tests.servers.launch`
  started that is still running (a fixture's server, say).
"""

from __future__ import annotations

import pytest

from tests import servers


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for server in servers.RUNNING:
            report.sections.append((f"server {server.name} ({server.url}): output", server.tail()))
