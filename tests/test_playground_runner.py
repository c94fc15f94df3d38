"""The playground's runner: learner code in a real child process, with limits, errors, live spans,
checks in a child of their own, and no process of the learner's left behind or waited on."""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import statistics
import time
from pathlib import Path

import pytest

from stario.lessons import load_lessons
from stario.playground.runner import Runner

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="the runner finds a learner's processes in /proc (Linux)")

GOOD = """\
from stario import Query, Stario


async def home():
    return "<h1>Hello from the child</h1>"


app = Stario(Query("/", home))
"""

LESSON_14 = next(lesson for lesson in load_lessons() if lesson.path.name == "14-datastar-events")
FIRST = load_lessons()[0]


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def fetch(path: str, target: str = "/", timeout: float = 3) -> tuple[int, str]:
    """GET ``target`` from the app serving on the Unix socket ``path``: (status, body)."""
    connection = _UnixConnection(path, timeout)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().split(") ")[1].startswith("Z")  # a zombie is dead too
    except OSError:
        return True


async def until(condition, timeout: float = 5.0, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message or "timed out waiting"
        await asyncio.sleep(0.02)


def with_runner(test, **options):
    """Run ``test(runner, records)`` in a fresh event loop with a started runner, always stopping it."""

    async def main():
        records: list[dict] = []
        runner = Runner(**{"startup_timeout": 3.0, "memory_mb": 256, "report": records.append, **options})
        await runner.start()
        try:
            return await test(runner, records)
        finally:
            await runner.stop()

    return asyncio.run(main())


def of(records: list[dict], kind: str) -> list[dict]:
    return [r for r in records if r.get("kind") == kind]


# -- running ------------------------------------------------------------------------------------


def test_a_good_app_serves_on_its_unix_socket_and_reports_its_spans():
    async def test(runner, records):
        result = await runner.run(GOOD, owner="lessons/01-hello-query")
        assert result.ok and result.kind == "ok", result
        assert runner.upstream and os.path.exists(runner.upstream)
        assert oct(os.stat(os.path.dirname(runner.upstream)).st_mode)[-3:] == "700", "the socket's folder is ours alone"
        assert (200, "<h1>Hello from the child</h1>") == await asyncio.to_thread(fetch, runner.upstream)
        await until(lambda: any(r["span"]["name"] == "http.request" for r in of(records, "span")))
        span = next(r for r in of(records, "span") if r["span"]["name"] == "http.request")
        assert span["run"] == result.run and span["span"]["attributes"]["http.path"] == "/"
        states = [(r["state"], r["owner"]) for r in of(records, "status")]
        assert states == [("starting", "lessons/01-hello-query"), ("running", "lessons/01-hello-query")]

    with_runner(test)


def test_the_code_finds_files_beside_its_lesson_or_toy_and_writes_in_the_runners_folder(tmp_path):
    """``__file__`` is the path the code stands for (a stylesheet beside it is found); the working
    folder is the runner's (a SQLite file lands there); tracebacks still say app.py."""
    toy = tmp_path / "toy"
    (toy / "static").mkdir(parents=True)
    (toy / "static" / "style.css").write_text("p { color: teal }")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code = (
        "from pathlib import Path\n"
        "from stario import Query, Stario\n"
        "Path('made-here.txt').write_text('x')\n"
        "async def home(c):\n"
        "    return c.app.static_url('style.css')\n"
        "app = Stario(Query('/', home))\n"
        "app.static('/static', Path(__file__).parent / 'static')\n"
    )

    async def test(runner, records):
        result = await runner.run(code, path=str(toy / "app.py"))
        assert result.ok, result
        status, url = await asyncio.to_thread(fetch, runner.upstream)
        assert status == 200 and url.startswith("/static/style.")
        assert (200, "p { color: teal }") == await asyncio.to_thread(fetch, runner.upstream, url)
        assert (scratch / "made-here.txt").exists() and not (toy / "made-here.txt").exists()
        crashed = await runner.run("x = 1\nraise ValueError('boom')\n", path=str(toy / "app.py"))
        assert crashed.line == 2 and "app.py" in crashed.traceback and str(toy) not in crashed.traceback

    with_runner(test, cwd=str(scratch))


def test_the_child_listens_on_no_tcp_port():
    """The learner's app is reachable only through the playground: a Unix socket, no port."""

    async def test(runner, records):
        await runner.run(GOOD)
        listening = Path(f"/proc/{runner.pid}/net/tcp").read_text().splitlines()[1:]
        inodes = {line.split()[9] for line in listening if line.split()[3] == "0A"}  # LISTEN sockets on the machine
        mine = {os.readlink(f"/proc/{runner.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{runner.pid}/fd")}
        assert not any(f"socket:[{inode}]" in mine for inode in inodes), "the child listens on a TCP port"

    with_runner(test)


def test_running_again_kills_the_previous_child():
    async def test(runner, records):
        first = await runner.run(GOOD)
        first_pid, first_socket = runner.pid, runner.upstream
        second = await runner.run(GOOD.replace("Hello from the child", "Second"))
        assert first.ok and second.ok and second.run == first.run + 1
        await until(lambda: gone(first_pid), message="the first child is still alive")
        assert not os.path.exists(first_socket)
        assert "Second" in (await asyncio.to_thread(fetch, runner.upstream))[1]

    with_runner(test)


def test_a_syntax_error_reports_its_line():
    async def test(runner, records):
        result = await runner.run("from stario import Stario\n\napp = Stario(\n\nx = 1 +\n")
        assert result.kind == "syntax" and not result.ok
        assert result.line in (3, 5), result  # Python names the unclosed bracket
        assert "SyntaxError" in result.error
        result = await runner.run("x = 1\ny = 2\nz = = 3\n")
        assert (result.kind, result.line) == ("syntax", 3)
        assert runner.upstream is None
        failed = of(records, "status")[-1]
        assert failed["state"] == "failed" and failed["line"] == 3 and "syntax error on line 3" in failed["text"]
        assert (await runner.run(GOOD)).ok  # and the next run is fine

    with_runner(test)


def test_an_exception_at_import_is_a_crash_with_the_line_in_the_learners_file():
    async def test(runner, records):
        result = await runner.run("def f():\n    return {}['missing']\n\n\nf()\n")
        assert (result.kind, result.line) == ("crash", 2)
        assert result.error == "KeyError: 'missing'"
        assert 'File "app.py", line 5' in result.traceback and "child.py" not in result.traceback

    with_runner(test)


def test_a_bootstrap_that_fails_is_a_crash_with_its_line():
    code = """\
from stario import Query, Stario


async def home():
    return "hi"


async def bootstrap(app):
    raise RuntimeError("no database")
    yield


app = Stario(Query("/", home), bootstrap=bootstrap)
"""

    async def test(runner, records):
        result = await runner.run(code)
        assert result.kind == "crash", result
        assert "no database" in result.error
        assert result.line == 9

    with_runner(test)


def test_an_endless_loop_at_import_times_out_at_its_line_and_the_runner_goes_on():
    async def test(runner, records):
        started = time.perf_counter()
        result = await runner.run("x = 0\nwhile True:\n    x += 1\n")
        took = time.perf_counter() - started
        assert result.kind == "timeout", result
        assert result.line in (2, 3) and "importing" in result.error
        assert took < runner.startup_timeout + 1.5
        assert (await runner.run(GOOD)).ok

    with_runner(test, startup_timeout=1.5)


def test_unbounded_memory_is_stopped_and_reported():
    async def test(runner, records):
        result = await runner.run("x = []\nwhile True:\n    x.append(' ' * 10**6)\n")
        assert result.kind == "memory", result
        assert result.line == 3
        assert (await runner.run(GOOD)).ok

    with_runner(test)


def test_code_without_an_app_says_so():
    async def test(runner, records):
        result = await runner.run("x = 1\n")
        assert result.kind == "no-app" and "app" in result.error

    with_runner(test)


def test_what_the_app_prints_is_reported_live_and_kept_apart_from_the_protocol():
    code = 'print("hello, learner")\nprint(\'{"kind": "ready"}\')\n' + GOOD + '\n\nasync def shout():\n    print("shouted")\n    return "ok"\n\n\napp.query("/shout", shout)\n'

    async def test(runner, records):
        result = await runner.run(code)
        assert result.ok
        await asyncio.to_thread(fetch, runner.upstream, "/shout")
        await until(lambda: "shouted" in "".join(r["text"] for r in of(records, "output")))
        printed = "".join(r["text"] for r in of(records, "output"))
        assert "hello, learner" in printed and '{"kind": "ready"}' in printed
        assert all(r["run"] == result.run for r in of(records, "output"))

    with_runner(test)


def test_a_handler_that_raises_is_reported_with_the_learners_line():
    code = GOOD.replace('return "<h1>Hello from the child</h1>"', "x = 1 / 0\n    return str(x)")

    async def test(runner, records):
        assert (await runner.run(code)).ok
        status, _ = await asyncio.to_thread(fetch, runner.upstream)
        assert status == 500
        await until(lambda: of(records, "error"))
        error = of(records, "error")[0]
        assert error["error"] == "ZeroDivisionError: division by zero" and error["line"] == 5
        assert error["request"] == "GET /"
        assert 'File "app.py", line 5, in home' in error["traceback"] and "stario/app.py" not in error["traceback"]
        assert runner.state == "running"  # one failed request does not stop the app

    with_runner(test)


def test_a_child_that_exits_while_serving_is_reported_as_crashed():
    code = GOOD + "\n\nimport os\n\n\nasync def die():\n    os._exit(3)\n\n\napp.query('/die', die)\n"

    async def test(runner, records):
        assert (await runner.run(code)).ok
        with pytest.raises(Exception):
            await asyncio.to_thread(fetch, runner.upstream, "/die")
        await until(lambda: runner.state == "crashed")
        crashed = of(records, "status")[-1]
        assert "exited with code 3" in crashed["text"]
        assert runner.upstream is None

    with_runner(test)


def test_an_app_that_stops_its_own_server_says_how_it_ended():
    code = GOOD + "\n\nimport os\nimport signal\n\n\nasync def stop():\n    os.kill(os.getpid(), signal.SIGTERM)\n    return 'bye'\n\n\napp.query('/stop', stop)\n"

    async def test(runner, records):
        assert (await runner.run(code)).ok
        await asyncio.to_thread(fetch, runner.upstream, "/stop")
        await until(lambda: runner.state == "crashed")
        said = of(records, "status")[-1]["text"]
        assert "SIGTERM" in said and "memory" not in said, said  # uvicorn stops, then re-raises the signal

    with_runner(test)


def test_a_run_whose_page_goes_away_before_the_app_starts_stops_it():
    async def test(runner, records):
        task = asyncio.create_task(runner.run("import time\ntime.sleep(2)\n" + GOOD))
        await until(lambda: runner.pid is not None)
        child = runner.pid
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert runner.state == "stopped" and runner.upstream is None
        await until(lambda: gone(child), message="the half-started child is still alive")
        assert (await runner.run(GOOD)).ok

    with_runner(test)


def test_a_handler_that_never_awaits_is_reported_stuck_at_its_line_then_stopped():
    code = GOOD + "\n\nasync def spin():\n    n = 0\n    while True:\n        n += 1\n\n\napp.query('/spin', spin)\n"

    async def test(runner, records):
        assert (await runner.run(code)).ok
        with pytest.raises(Exception):
            await asyncio.to_thread(fetch, runner.upstream, "/spin", timeout=10)
        await until(lambda: runner.state == "timeout", timeout=10)
        states = [r["state"] for r in of(records, "status")]
        assert "stuck" in states, states
        stuck = next(r for r in of(records, "status") if r["state"] == "stuck")
        assert stuck["line"] in (13, 14) and "held the app" in stuck["text"]
        timeout = of(records, "status")[-1]
        assert "without awaiting" in timeout["text"] and timeout["line"] in (13, 14)

    with_runner(test, stuck_seconds=3)


# -- the learner's own processes ---------------------------------------------------------------------


ESCAPES = """\
import os
import subprocess
import sys

from stario import Query, Stario

# One keeps the inherited stdout, in a session of its own; one double-forks, closes its fds and
# leaves the process group: both must go when the next run starts, and neither may hold it up.
kept = subprocess.Popen([sys.executable, "-c", "import time; print('kept', flush=True); time.sleep(600)"], start_new_session=True)
open("kept.pid", "w").write(str(kept.pid))
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open("daemon.pid", "w").write(str(os.getpid()))
        for fd in range(0, 256):
            try:
                os.close(fd)
            except OSError:
                pass
        import time
        time.sleep(600)
    os._exit(0)


async def home():
    return "escapes"


app = Stario(Query("/", home))
"""


def _marked(value: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                environ = Path(f"/proc/{name}/environ").read_bytes()
            except OSError:
                continue
            if value.encode() in environ and not gone(int(name)):
                found.append(int(name))
    return found


def _learners(folder: Path) -> list[int]:
    """The pids the learner's processes wrote (a file just created, still empty, does not count yet)."""
    pids = []
    for name in ("kept.pid", "daemon.pid"):
        text = (folder / name).read_text().strip() if (folder / name).exists() else ""
        if text.isdigit():
            pids.append(int(text))
    return pids


def test_processes_the_learner_starts_never_hold_up_a_run_and_die_with_it(tmp_path):
    async def test(runner, records):
        result = await runner.run(ESCAPES)
        assert result.ok, result
        child_pid = runner.pid
        await until(lambda: len(_learners(tmp_path)) == 2, message="the learner's processes did not start")
        strays = _learners(tmp_path)
        assert not any(gone(p) for p in strays)
        started = time.perf_counter()
        again = await runner.run(GOOD)
        assert again.ok and time.perf_counter() - started < 3, "the next run waited on the learner's processes"
        await until(lambda: all(gone(p) for p in strays + [child_pid]), message=f"still alive: {strays}")

    with_runner(test, cwd=str(tmp_path))


def test_stop_leaves_no_child_nor_learner_process_alive(tmp_path):
    async def main():
        runner = Runner(startup_timeout=3.0, cwd=str(tmp_path))
        await runner.start()
        assert (await runner.run(ESCAPES)).ok
        await runner.start()  # the next spare is waiting too
        mark = f"STARIO_PLAYGROUND_CHILD={os.getpid()}."
        await until(lambda: len(_learners(tmp_path)) == 2)
        assert len(_marked(mark)) >= 4  # the child, the spare, and two of the learner's
        started = time.perf_counter()
        await runner.stop()
        assert time.perf_counter() - started < 2
        await until(lambda: not _marked(mark), message=f"alive after stop: {_marked(mark)}")
        assert runner.upstream is None

    asyncio.run(main())


# -- checks in a child of their own ----------------------------------------------------------------


def test_checks_run_in_a_child_and_report_each_result():
    async def test(runner, records):
        served = await runner.run(GOOD)
        failing = await runner.check(FIRST.app_code, FIRST.path)
        passing = await runner.check(FIRST.solution_code, FIRST.path)
        assert failing.kind == "ok" and not failing.passed
        assert all(r["exception"] == "AssertionError" and r["message"] for r in failing.results if not r["passed"])
        assert passing.passed, passing
        assert runner.upstream and runner.run_id == served.run, "checking leaves the running app alone"

    with_runner(test)


def test_lesson_14s_starting_code_fails_its_checks_by_assertion():
    async def test(runner, records):
        outcome = await runner.check(LESSON_14.app_code, LESSON_14.path)
        assert outcome.kind == "ok" and not outcome.passed
        failed = [r for r in outcome.results if not r["passed"]]
        assert failed and all(r["exception"] == "AssertionError" for r in failed), failed

    with_runner(test)


@pytest.mark.parametrize(
    ("code", "kind", "said"),
    [
        ("import time\ntime.sleep(30)\n", "timeout", "did not finish"),
        ("n = 0\nwhile True:\n    n += 1\n", "timeout", "line"),
        ("hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))\n", "memory", "memory"),
        ("app = (\n", "syntax", "SyntaxError"),
    ],
    ids=["sleep", "endless-loop", "memory", "syntax"],
)
def test_a_check_that_sleeps_loops_or_hoards_is_reported_and_the_runner_answers_meanwhile(code, kind, said):
    async def test(runner, records):
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(tick())
        started = time.perf_counter()
        outcome = await runner.check(code, FIRST.path)
        took = time.perf_counter() - started
        ticker.cancel()
        assert outcome.kind == kind, outcome
        assert said in (outcome.error or ""), outcome
        assert took < runner.check_seconds + 3
        if took > 0.5:  # a check that took a while did so beside the event loop, not in it
            assert ticks >= took / 0.05 * 0.5, "the event loop was blocked while the check ran"

    with_runner(test, check_seconds=2)


def test_warm_spares_make_runs_quicker():
    """Prints run-to-serving times with a warm spare and without (measured, not asserted)."""

    async def measure(spare: bool, runs: int = 5) -> list[float]:
        runner = Runner(startup_timeout=5.0, spare=spare)
        times = []
        try:
            for i in range(runs):
                await runner.start()  # with a spare: wait until it is waiting, as between a learner's runs
                result = await runner.run(GOOD.replace("child", f"child {i}"))
                assert result.ok and result.warm == spare, result
                assert f"child {i}" in (await asyncio.to_thread(fetch, runner.upstream))[1]
                times.append(result.startup_ms)
        finally:
            await runner.stop()
        return times

    warm = asyncio.run(measure(True))
    cold = asyncio.run(measure(False))
    print(
        f"\nrun to serving: warm spare median {statistics.median(warm):.0f} ms {[round(t) for t in warm]}; "
        f"no spare median {statistics.median(cold):.0f} ms {[round(t) for t in cold]}"
    )
