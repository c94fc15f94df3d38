"""Running a real ``stario playground`` for the browser tests, and driving its page.

`playground_process` starts one with ``tests.servers.launch`` (free ports, a data folder of the
test's), waits for the URL it prints, and always stops it (Ctrl+C). `Playground` knows its
addresses and token; `run_and_wait` presses Run and waits for the preview to show the new app.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import expect

from tests.servers import Server, free_port, launch
from tests.servers import stop as _stop

URL_LINE = r"^http://127\.0\.0\.1:\d+/\?token=\S+$"


@dataclass
class Playground:
    """One running ``stario playground`` process."""

    url: str  # the printed URL, with ?token=...
    port: int
    preview: int
    process: subprocess.Popen
    data: Path
    server: Server  # the launched process: server.output() is what it printed

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
    preview = preview or free_port()
    command = [sys.executable, "-m", "stario", "playground", "--no-browser", "--port", "{port}", "--preview-port", str(preview), *extra]
    env = {"STARIO_PLAYGROUND_DATA": str(data)}
    with launch(command, name="stario playground", port=port, env=env, ready_line=URL_LINE, timeout=20, stop_signal=signal.SIGINT) as server:
        yield Playground(server.ready.group(0), server.port, preview, server.process, data, server)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Ctrl+C, then wait (then kill, if it would not go)."""
    _stop(process, signal.SIGINT, timeout)


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
