"""Running a real ``stario playground`` for the browser tests, and driving its page.

`playground_process` starts one (free ports, a data folder of the test's), reads the URL it
prints, and always stops it. `Playground` knows its addresses and token; `run_and_wait` presses
Run and waits for the preview to show the new app.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import expect

from tests.servers import free_port

URL_LINE = re.compile(r"^(http://127\.0\.0\.1:(\d+)/\?token=(\S+))$")


@dataclass
class Playground:
    """One running ``stario playground`` process."""

    url: str  # the printed URL, with ?token=...
    port: int
    preview: int
    process: subprocess.Popen
    data: Path
    output: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    @property
    def cookie(self) -> str:
        """The Cookie header a browser holding the token sends."""
        return f"stario_playground_{self.port}={self.token}"

    def open(self, page, name: str) -> None:
        """Take the token (a cookie) and open ``/lessons/NAME`` (or any path starting with /)."""
        page.goto(self.url)
        page.goto(self.base + (name if name.startswith("/") else f"/lessons/{name}"))
        expect(page.locator("body")).to_be_visible()

    def get(self, path: str) -> str:
        """GET a page of the playground from the test itself (as curl would, with the cookie)."""
        request = urllib.request.Request(self.base + path, headers={"Cookie": self.cookie})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.read().decode()


@contextlib.contextmanager
def playground_process(data: Path, *, port: int | None = None, preview: int | None = None, extra: tuple[str, ...] = ()) -> Iterator[Playground]:
    """Start a playground keeping its state in ``data``; stop it however the block ends."""
    port = port or free_port()
    preview = preview or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stario", "playground", "--no-browser", "--port", str(port), "--preview-port", str(preview), *extra],
        env={**os.environ, "STARIO_PLAYGROUND_DATA": str(data), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = None
        lines: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and url is None:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            lines.append(line)
            match = URL_LINE.match(line.strip())
            if match:
                url = match.group(1)
        assert url, "the playground printed no URL:\n" + "".join(lines)
        yield Playground(url, port, preview, process, data, lines)
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Ctrl+C, then wait (then kill, if it would not go)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def preview_documents(page, pg: Playground) -> list:
    """Start recording every document the preview loads (its responses)."""
    seen: list = []
    origin = f"http://127.0.0.1:{pg.preview}/"
    page.on("response", lambda r: seen.append(r) if r.url.startswith(origin) and r.request.resource_type == "document" else None)
    return seen


def run_and_wait(page, timeout: float = 15) -> None:
    """Press Run; wait for 'running' and for a new preview frame that has loaded."""
    before = page.locator("#preview").get_attribute("data-run") if page.locator("#preview").count() else None
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("running", timeout=int(timeout * 1000))
    frame = page.locator("#preview")
    expect(frame).to_have_count(1, timeout=int(timeout * 1000))
    if before is not None:
        expect(frame).not_to_have_attribute("data-run", before, timeout=int(timeout * 1000))
    page.frame_locator("#preview").locator("body").wait_for(timeout=int(timeout * 1000))


def type_code(page, code: str) -> None:
    """Put ``code`` in the editor as a learner's paste would (an input event, so it is saved)."""
    page.locator("#code").fill(code)
