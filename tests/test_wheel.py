"""`pip install .` (not editable) in a fresh virtual environment, used outside the repository:
the command line, the course and the browser client come with it (DESIGN 2)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("wheel")
    wheels = home / "dist"
    # setuptools reuses build/ between builds and ships whatever its lib/ holds: start clean, so a
    # module moved or deleted since the last build cannot come back inside the wheel.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
        check=True, capture_output=True, text=True,
    )
    # A newcomer reads build warnings as failure: a folder of data missing from pyproject.toml's
    # packages (a new toy, say) makes setuptools warn here.
    assert "Warning" not in built.stdout + built.stderr, built.stdout + built.stderr
    env_dir = home / "venv"
    # The test's own environment already holds every dependency: reuse it rather than download.
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    site = next((env_dir / "lib").glob("python*/site-packages"))
    (site / "deps.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n")
    wheel = next(wheels.glob("stario-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), "--upgrade", str(wheel)],
        check=True, capture_output=True, text=True,
    )
    return env_dir / "bin" / "python"


def run(python: Path, code: str, cwd: Path) -> str:
    result = subprocess.run([str(python), "-c", code], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_installed_package_has_its_course_client_and_playground(installed, tmp_path):
    out = run(
        installed,
        "import stario, stario.lessons as l, stario.assets as a, stario.playground.app\n"
        "print(stario.__file__)\nprint(l.lessons_dir())\nprint(len(l.load_lessons()))\n"
        "print((a.STATIC_DIR / 'client.js').stat().st_size)",
        tmp_path,
    )
    module, lessons, count, client = out.split()
    assert str(ROOT) not in module, "the test must use the installed copy, not the repository"
    assert lessons.endswith("stario/_lessons") and int(count) >= 15 and int(client) > 10_000


def test_the_installed_command_line_runs(installed, tmp_path):
    result = subprocess.run([str(installed), "-m", "stario", "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0
    assert "playground" in result.stdout and "serve" in result.stdout and "spans" in result.stdout


def test_a_toy_added_from_the_wheel_serves_a_working_chat(installed, tmp_path):
    """`stario toys add chat ./x`, then `stario serve x.app:app`: a chat, two readers, one message."""
    import http.client
    import json
    import time
    from urllib.parse import urlsplit

    from tests.servers import serve

    added = subprocess.run([str(installed), "-m", "stario", "toys", "add", "chat", "./x"], cwd=tmp_path, capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    assert "stario serve x.app:app" in added.stdout
    with serve("x.app:app", tmp_path, command=[str(installed), "-m", "stario"], env={"STARIO_TRACER": "noop"}) as url:
        port = urlsplit(url).port
        readers = []
        for _ in range(2):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/messages", headers={"Datastar-Request": "true"})
            response = connection.getresponse()
            assert response.status == 200 and response.getheader("content-type") == "text/event-stream"
            readers.append((connection, response))
        post = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        body = json.dumps({"name": "Ann", "text": "hello <there>"})
        post.request("POST", "/send", body=body, headers={"Content-Type": "application/json", "Datastar-Request": "true"})
        assert post.getresponse().status == 200
        for connection, response in readers:
            deadline, seen = time.monotonic() + 10, b""
            while b"hello &lt;there&gt;" not in seen and time.monotonic() < deadline:
                seen += response.readline()
            assert b"hello &lt;there&gt;" in seen, seen
            response.close()
            connection.close()


def test_the_playground_runs_from_the_wheel_and_serves_a_learners_app(installed, tmp_path):
    """`stario playground` from the wheel: a lesson page, a Run in a child process (the installed
    `stario.playground.child`), and the learner's app through the preview, as curl reaches it."""
    import json
    import signal
    import urllib.request

    from tests.servers import free_port, launch

    preview = free_port()
    command = [str(installed), "-m", "stario", "playground", "--no-browser", "--port", "{port}", "--preview-port", str(preview)]
    with launch(
        command, cwd=tmp_path, env={"STARIO_PLAYGROUND_DATA": str(tmp_path / "data")},
        ready_line=r"^http://127\.0\.0\.1:\d+/\?token=(\S+)$", timeout=30, stop_signal=signal.SIGINT,
    ) as server:  # fmt: skip
        port, token = server.port, server.ready.group(1)
        cookie = {"Cookie": f"stario_playground_{port}={token}"}

        def get(url: str) -> str:
            with urllib.request.urlopen(urllib.request.Request(url, headers=cookie), timeout=10) as response:
                return response.read().decode()

        page = get(f"http://127.0.0.1:{port}/lessons/01-hello-query")
        assert "A Query that returns a string" in page and "/static/playground.js" in page
        assert len(get(f"http://127.0.0.1:{port}/static/playground.js")) > 1000
        run = urllib.request.Request(
            f"http://127.0.0.1:{port}/lessons/01-hello-query/run",
            data=json.dumps({"code": "from stario import Query, Stario\n\n\nasync def home():\n    return '<h1>From the wheel</h1>'\n\n\napp = Stario(Query('/', home))\n"}).encode(),
            headers={**cookie, "Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(run, timeout=30) as response:
            assert "running" in response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{preview}/?token={token}", timeout=10) as response:
            # The preview adds its click-to-source helper at the end of every HTML page.
            assert response.read().decode() == (
                '<h1>From the wheel</h1><script src="/_stario_playground/pick.js"></script>'
            )
