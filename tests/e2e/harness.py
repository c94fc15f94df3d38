"""The browser-test harness: find Chromium, launch it, serve a test app, open pages that record
what the browser logs.

Used by ``conftest.py``; test modules import `serve_app`, `goto` (or `goto_with_clock`, for a test
about time) and `log_of` from here.

- Chromium is found in this order: ``STARIO_CHROMIUM``, ``/usr/bin/chromium`` (Debian's package),
  then Playwright's own download. It is launched headless with a fresh user data directory
  (Playwright makes one per launch) and the flags below, which stop its background network calls.
- Each test app is a module under ``tests/e2e/apps/`` that defines ``app``. `serve_app` runs it
  with uvicorn through ``tests.servers.launch``: on 127.0.0.1 on a free port, ready once it
  answers, always stopped afterwards, its output shown when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.servers import Server, launch

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

TIMEOUT_MS = 5_000
"""Playwright's default wait for actions and expectations: short, so a broken client fails fast."""


def chromium_path() -> str | None:
    """The Chromium binary to launch; ``None`` means Playwright's own download."""
    configured = os.environ.get("STARIO_CHROMIUM")
    if configured:
        if not os.access(configured, os.X_OK):
            raise RuntimeError(f"STARIO_CHROMIUM={configured!r} is not an executable file")
        return configured
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return None


# ------------------------------------------------------------------------------------------------
# Serving a test app
# ------------------------------------------------------------------------------------------------


def serve_app(name: str, env: dict[str, str] | None = None, timeout: float = 15.0) -> contextlib.AbstractContextManager[Server]:
    """Run ``tests/e2e/apps/NAME.py``'s ``app`` with uvicorn on 127.0.0.1; yield the `Server`.

    ``env`` adds environment variables for the server process (``STARIO_DATASTAR_URL``...).
    It is ready once its client script answers (every Stario app serves it under /_stario/),
    and is stopped (terminate, then kill) however the block ends.
    """
    command = [
        sys.executable, "-m", "uvicorn", f"tests.e2e.apps.{name}:app",
        "--host", "127.0.0.1", "--port", "{port}",
        "--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "1",
    ]  # fmt: skip
    return launch(command, name=name, cwd=ROOT, env=env, ready_path="/_stario/client.js", timeout=timeout, stop_timeout=3)


# ------------------------------------------------------------------------------------------------
# What a page logs
# ------------------------------------------------------------------------------------------------


@dataclass
class PageLog:
    """The console messages and uncaught errors of one page."""

    console: list[tuple[str, str, str]] = field(default_factory=list)
    """(type, text, url) of every console message: type is 'log', 'warning', 'error'..."""
    errors: list[str] = field(default_factory=list)
    """Uncaught exceptions and unhandled rejections in the page."""

    def console_errors(self) -> list[str]:
        """Console errors, except the browser's own 404 for /favicon.ico."""
        return [
            f"{text} ({url})" if url else text
            for kind, text, url in self.console
            if kind == "error" and not url.endswith("/favicon.ico")
        ]

    def warnings(self) -> list[str]:
        return [text for kind, text, _ in self.console if kind == "warning"]

    def assert_clean(self) -> None:
        """No uncaught error and no console error."""
        problems = [f"uncaught: {e}" for e in self.errors] + [f"console.error: {e}" for e in self.console_errors()]
        assert not problems, "the page reported errors:\n" + "\n".join(problems)

    def render(self) -> str:
        lines = [f"[{kind}] {text}" + (f" ({url})" if url else "") for kind, text, url in self.console]
        lines += [f"[uncaught] {error}" for error in self.errors]
        return "\n".join(lines) or "(nothing)"


_LOGS: dict[int, PageLog] = {}


def watch(page) -> PageLog:
    """Start recording ``page``'s console and uncaught errors."""
    log = PageLog()
    page.on(
        "console",
        lambda message: log.console.append((message.type, message.text, (message.location or {}).get("url", ""))),
    )
    page.on("pageerror", lambda error: log.errors.append(f"{error.name}: {error.message}\n{error.stack or ''}".strip()))
    _LOGS[id(page)] = log
    return log


def log_of(page) -> PageLog:
    """The `PageLog` of a page opened by the ``page`` / ``new_page`` fixtures."""
    return _LOGS[id(page)]


def forget(page) -> None:
    _LOGS.pop(id(page), None)


# ------------------------------------------------------------------------------------------------
# Opening a test page
# ------------------------------------------------------------------------------------------------


READY_SCRIPT = "document.addEventListener('datastar-ready', () => { window.__datastarReady = true })"
"""Run in every document of the fixtures' pages before its own scripts (``conftest.new_page``):
it notes the ``datastar-ready`` event the client fires once it has scanned the page."""


def goto(page, url: str) -> None:
    """Open ``url`` and wait until the client has processed it.

    The client fires ``datastar-ready`` on ``document`` once it has scanned the page and
    attached its listeners, so clicks after this are not lost. `READY_SCRIPT` notes the event.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.goto(url)
    try:
        page.wait_for_function("window.__datastarReady === true")
    except PlaywrightTimeoutError as exc:
        raise AssertionError(
            f"the client did not process {url}: no datastar-ready event.\nPage log:\n{log_of(page).render()}"
        ) from exc


CLOCK_START = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)


def goto_with_clock(page, url: str) -> None:
    """`goto` on Playwright's fake clock, paused from before the page loads.

    The page's timers, ``Date`` and ``performance.now`` move only with ``page.clock.run_for(ms)``,
    so a test about time neither sleeps nor depends on the machine's speed. Timers due at once
    (a ``data-init``'s) are run before this returns. Time on the server (its ``asyncio.sleep``)
    is not the page's: it is not faked.
    """
    page.clock.install(time=CLOCK_START)
    page.clock.pause_at(CLOCK_START + timedelta(seconds=1))
    goto(page, url)
    page.clock.run_for(0)


SCREEN_SIZES = ((1280, 720), (1440, 900))
"""The window sizes pages are looked at in (the house rule)."""


def screenshot(page, name: str, *, full_page: bool = False) -> None:
    """Save ``page`` as ``NAME-WxH.png`` at each of `SCREEN_SIZES`, in the folder named by
    ``STARIO_SCREENSHOTS``; nothing when it is unset (a normal test run)."""
    folder = os.environ.get("STARIO_SCREENSHOTS")
    if not folder:
        return
    for width, height in SCREEN_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}x{height}.png"), full_page=full_page)
