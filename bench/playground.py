"""The playground's edit-run and edit-check loops, timed in a real browser.

Run: .venv/bin/python bench/playground.py [--rounds N]

Starts ``stario playground`` (a fresh data folder, free ports; tests/servers.py's launcher), opens lesson 1 in headless
Chromium (Debian's, with the launch flags of tests/e2e/harness.py) through Playwright's sync
API, and then, round after round:

- **run to preview**: puts a new heading text in lesson 1's code, waits ``--pause`` seconds (a
  learner's edit takes longer; the spare the last run left warms meanwhile), clicks ``#run``, and times until
  the preview frame's ``<h1>`` shows the new text. That includes the Run request, killing the old
  child, handing the code to the warm spare (a Python that has imported Stario), the learner's
  code importing, the live stream replacing the preview pane, and the page load through the
  playground's proxy. Budget (DESIGN.md section 9): **<= 300 ms median.** The same again with no
  pause at all, round after round, is reported beside it (no budget): there the next run often
  waits for its spare, and the spare's start-up shares the two cores with the page's load.
- **check to result**: puts lesson 1's solution in the editor, clicks ``#check``, and times until
  the results say the lesson is complete: the Check request, a child of its own (the warm spare)
  importing the lesson's checks and running each against a fresh copy of the code, and the patch.

The clock starts just before the click and stops when a poll (about every 2 ms) sees the result.
One warm-up round of each is not counted. Reports the median and p90 in milliseconds.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from stario.lessons import load_lessons  # noqa: E402
from tests.e2e.harness import CHROMIUM_FLAGS, chromium_path  # noqa: E402
from tests.e2e.playground import URL_LINE  # noqa: E402
from tests.servers import free_port, launch  # noqa: E402

BUDGET_MS = 300.0


PREVIEW = ""  # the preview's origin, set once the playground is up


def heading(page) -> str | None:
    """The preview's heading, read from whichever frame is the preview now (a run replaces it)."""
    try:
        frame = next((f for f in page.frames if f.url.startswith(PREVIEW)), None)
        return frame.evaluate("document.querySelector('h1')?.textContent ?? null") if frame else None
    except PlaywrightError:  # the frame is navigating, or was just replaced
        return None


def run_round(page, code: str, text: str, pause: float = 0.0, timeout: float = 15.0) -> float:
    page.locator("#code").fill(code.replace("Hello, web", text))
    if pause:
        page.wait_for_timeout(pause * 1000)  # the learner's edit: the last run's spare warms meanwhile
    started = time.perf_counter()
    page.click("#run")
    while heading(page) != text:
        if time.perf_counter() - started > timeout:
            status = page.locator("#status").inner_text()
            raise SystemExit(f"the preview did not show {text!r} within {timeout:g} s (status: {status!r}; frames: {[f.url for f in page.frames]})")
        page.wait_for_timeout(2)  # lets Playwright take in the frame events meanwhile
    return (time.perf_counter() - started) * 1000


def check_round(page, code: str, pause: float = 0.0, timeout: float = 30.0) -> float:
    page.locator("#code").fill(code)
    page.evaluate("document.getElementById('checks').textContent = ''")
    if pause:
        page.wait_for_timeout(pause * 1000)
    started = time.perf_counter()
    page.click("#check")
    checks = page.locator("#checks")
    while "lesson complete" not in (checks.text_content() or ""):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"the checks did not pass within {timeout:g} s: {checks.text_content()!r}")
        page.wait_for_timeout(2)  # lets Playwright take in the frame events meanwhile
    return (time.perf_counter() - started) * 1000


def report(label: str, times: list[float], budget: float | None = None) -> None:
    times = sorted(times)
    median = statistics.median(times)
    p90 = times[min(len(times) - 1, round(0.9 * len(times)) - 1)]
    print(f"playground: {label}, {len(times)} rounds")
    print(f"  median {median:7.1f} ms")
    print(f"  p90    {p90:7.1f} ms")
    print(f"  min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
    if budget is not None:
        print(f"  budget <= {budget:.0f} ms median: {'within' if median <= budget else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between an edit and its Run or Check (default 0.5)")
    args = parser.parse_args()

    lesson = load_lessons()[0]
    assert "Hello, web" in lesson.app_code, "lesson 1's code no longer says 'Hello, web'"
    preview = free_port()
    command = [sys.executable, "-m", "stario", "playground", "--no-browser", "--port", "{port}", "--preview-port", str(preview)]
    with (
        tempfile.TemporaryDirectory(prefix="stario-bench-playground-") as data,
        launch(command, cwd=ROOT, env={"STARIO_PLAYGROUND_DATA": data}, ready_line=URL_LINE, timeout=20, stop_signal=signal.SIGINT) as server,
        sync_playwright() as p,
    ):
        global PREVIEW
        PREVIEW = f"http://127.0.0.1:{preview}/"
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(server.ready.group(0))
        page.goto(f"{server.url}/lessons/{lesson.path.name}")
        run_round(page, lesson.app_code, "Warm-up", args.pause)
        runs = [run_round(page, lesson.app_code, f"Round {i} at {time.time():.6f}", args.pause) for i in range(args.rounds)]
        hurried = [run_round(page, lesson.app_code, f"Hurried {i} at {time.time():.6f}") for i in range(args.rounds)]
        check_round(page, lesson.solution_code, args.pause)
        checks = [check_round(page, lesson.solution_code, args.pause) for _ in range(args.rounds)]
        browser.close()

    report(f"Run pressed {args.pause:g} s after an edit -> preview shows the edit", runs, BUDGET_MS)
    report("Run pressed again at once, round after round -> preview shows the edit", hurried)
    report(f"Check pressed {args.pause:g} s after an edit -> results shown", checks)


if __name__ == "__main__":
    main()
