"""The command line, and the 0.1.0 announcement's example served for real by uvicorn."""

from __future__ import annotations

import http.client
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import serve

# The example from the 0.1.0 announcement, as written: the same file the browser test serves.
ANNOUNCEMENT_EXAMPLE = Path(__file__).parent / "e2e" / "apps" / "announcement.py"


@pytest.fixture
def example_dir(tmp_path: Path) -> Path:
    (tmp_path / "main.py").write_text(ANNOUNCEMENT_EXAMPLE.read_text())
    return tmp_path


def read_events(base: str, path: str, count: int) -> tuple[int, str, list[str]]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    events: list[str] = []
    current: list[str] = []
    while len(events) < count:
        line = response.readline().decode()
        if line in ("\n", ""):
            if current:
                events.append("".join(current))
                current = []
            if line == "":
                break
        else:
            current.append(line)
    content_type = response.getheader("content-type")
    connection.close()
    return response.status, content_type, events


def test_announcement_example_runs_under_uvicorn(example_dir: Path):
    with serve("main:app", example_dir) as base:
        page = http.client.HTTPConnection(*base.removeprefix("http://").split(":"), timeout=10)
        page.request("GET", "/")
        response = page.getresponse()
        body = response.read().decode()
        assert response.status == 200
        assert response.getheader("content-type") == "text/html; charset=utf-8"
        assert 'id="online-counter"' in body
        status, content_type, events = read_events(base, "/online-counter", 3)
        assert status == 200 and content_type == "text/event-stream"
        assert len(events) == 3
        for event in events:
            assert event.startswith("event: datastar-patch-elements\ndata: elements <div id='online-counter'>Online since: ")


def test_announcement_example_under_plain_uvicorn(example_dir: Path):
    """`uvicorn main:app`, exactly as the announcement runs it."""
    import os
    import time

    from tests.servers import free_port, wait_until_up

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=example_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        status, content_type, events = read_events(base, "/online-counter", 2)
        assert (status, content_type, len(events)) == (200, "text/event-stream", 2)
        assert "datastar-patch-elements" in events[0]
    finally:
        process.terminate()
        process.wait(timeout=10)
        time.sleep(0)


def test_python_dash_m_stario_serve_and_the_console_script(example_dir: Path):
    script = Path(sys.executable).with_name("stario")
    assert script.exists(), "the console script 'stario' should be installed"
    with serve("main:app", example_dir, command=[str(script)]) as base:
        status, content_type, events = read_events(base, "/online-counter", 1)
        assert (status, content_type) == (200, "text/event-stream")


def test_serve_reports_a_bad_target_clearly(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "stario", "serve", "nomodule:app"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "cannot find module 'nomodule'" in result.stderr
    (tmp_path / "m.py").write_text("x = 1\n")
    result = subprocess.run([sys.executable, "-m", "stario", "serve", "m:app"], cwd=tmp_path, capture_output=True, text=True)
    assert "has no attribute 'app'" in result.stderr
    result = subprocess.run([sys.executable, "-m", "stario", "serve", "m"], cwd=tmp_path, capture_output=True, text=True)
    assert "expected MODULE:APP" in result.stderr


def test_help_lists_serve():
    result = subprocess.run([sys.executable, "-m", "stario", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "serve" in result.stdout


def test_shutdown_ends_open_streams_promptly(example_dir: Path):
    """Ctrl+C (SIGINT) while a browser holds a stream open: the server still stops within seconds."""
    import os
    import signal
    import time

    from tests.servers import free_port, wait_until_up

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stario", "serve", "main:app", "--port", str(port), "--log-level", "warning"],
        cwd=example_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/online-counter")
        response = connection.getresponse()
        assert response.readline().startswith(b"event: datastar-patch-elements")
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        assert time.monotonic() - started < 8
        connection.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class Stream:
    """Stands in for stderr: a terminal or not."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def test_serve_picks_the_terminal_view_only_in_a_terminal_and_only_when_unset():
    from stario.cli import choose_terminal_view

    environ: dict[str, str] = {}
    assert choose_terminal_view(environ, Stream(terminal=True)) and environ == {"STARIO_TRACER": "tty"}
    environ = {}
    assert not choose_terminal_view(environ, Stream(terminal=False)) and environ == {}
    environ = {"STARIO_TRACER": "sqlite:traces.db"}
    assert not choose_terminal_view(environ, Stream(terminal=True)) and environ == {"STARIO_TRACER": "sqlite:traces.db"}
    environ = {"STARIO_TRACER": "json:x.jsonl, TTY"}
    assert choose_terminal_view(environ, Stream(terminal=False))


def test_the_playground_keeps_its_own_spans_off_in_a_terminal(monkeypatch):
    """Its terminal must keep the playground's URL in view: no live view unless STARIO_TRACER asks."""
    import os

    import stario.playground.server
    from stario.cli import main

    seen = []

    async def serve(**options):
        seen.append(os.environ.get("STARIO_TRACER"))

    monkeypatch.delenv("STARIO_TRACER", raising=False)
    monkeypatch.setattr(sys, "stderr", Stream(terminal=True))
    monkeypatch.setattr(stario.playground.server, "serve", serve)
    assert main(["playground", "--no-browser"]) == 0
    assert seen == [None]
