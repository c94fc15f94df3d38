"""Fixtures for the browser tests: one Chromium for all of them, a fresh context per test.

- ``browser``: launched once (see `harness.chromium_path` and the flags there). Package-scoped,
  so it is closed when the browser tests are done: Playwright's sync API runs an event loop in
  the main thread, and the unit tests' ``asyncio.run`` would fail while it lives.
- ``new_page()``: a page in a new browser context (fresh cookies and storage) that records its
  console and uncaught errors, and notes when the client is ready (`harness.goto` waits for
  it); every context is closed after the test.
- ``page``: one such page.
- ``toy_server(name)``: serves ``toys/NAME/app.py`` with ``stario serve`` for this test; its base URL.

A test fails loudly when a page it opened had an uncaught error (exception or unhandled
rejection), unless it is marked ``@pytest.mark.allow_page_errors``. Console errors are recorded
but only fail tests that call ``log_of(page).assert_clean()``. When a test fails, its report
shows each page's console (and, from ``tests/conftest.py``, the output of every server running).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest

from tests.e2e import harness
from tests.servers import serve


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "allow_page_errors: an uncaught error in the page does not fail this test by itself"
    )


@pytest.fixture(scope="package")
def playwright_instance():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=harness.TIMEOUT_MS)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance):
    path = harness.chromium_path()
    try:
        browser = playwright_instance.chromium.launch(
            executable_path=path, headless=True, args=harness.CHROMIUM_FLAGS
        )
    except Exception as exc:
        pytest.fail(
            f"could not launch Chromium ({path or 'Playwright download'}): {exc}\n"
            "Install Debian's 'chromium' package (scripts/test does it as root) or set STARIO_CHROMIUM.",
            pytrace=False,
        )
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, request):
    """A factory: ``new_page()`` opens a page in its own new browser context."""
    opened = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(harness.TIMEOUT_MS)
        context.add_init_script(harness.READY_SCRIPT)
        page = context.new_page()
        log = harness.watch(page)
        opened.append((context, page, log))
        return page

    request.node.stash[_PAGES] = opened
    yield make
    uncaught = [(i, log) for i, (_, _, log) in enumerate(opened) if log.errors]
    for context, page, _ in opened:
        harness.forget(page)
        try:
            context.close()
        except Exception:
            pass
    if uncaught and request.node.get_closest_marker("allow_page_errors") is None:
        details = "\n".join(f"page {i}:\n  " + "\n  ".join(log.errors) for i, log in uncaught)
        pytest.fail(f"uncaught error(s) in the browser page:\n{details}", pytrace=False)


@pytest.fixture
def page(new_page):
    """A fresh page (new context) whose console and errors are recorded: see `harness.log_of`."""
    return new_page()


@pytest.fixture
def toy_server() -> Iterator[Callable[[str], str]]:
    """A factory: ``toy_server("counter")`` starts ``stario serve toys.counter.app:app`` (stopped
    after the test) and gives its base URL."""
    with contextlib.ExitStack() as stack:
        yield lambda name: stack.enter_context(serve(f"toys.{name}.app:app", harness.ROOT))


_PAGES = pytest.StashKey[list]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for i, (_, _, log) in enumerate(item.stash.get(_PAGES, [])):
        report.sections.append((f"browser page {i}: console and errors", log.render()))
