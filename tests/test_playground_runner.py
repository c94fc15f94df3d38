"""The playground's runner: learner code in a real child process, with limits, errors and live spans."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import urllib.error
import urllib.request

import pytest

from stario.playground.runner import Runner

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the runner uses process groups and rlimits")

GOOD = """\
from stario import Query, Stario


async def home():
    return "<h1>Hello from the child</h1>"


app = Stario(Query("/", home))
"""


def fetch(port: int, path: str = "/") -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as response:
        return response.read().decode()


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def with_runner(test, **options):
    """Run ``test(runner)`` in a fresh event loop with a started runner, always stopping it."""

    async def main():
        runner = Runner(**{"startup_timeout": 3.0, "memory_mb": 256, **options})
        await runner.start()
        try:
            return await test(runner)
        finally:
            await runner.stop()

    return asyncio.run(main())


def test_a_good_app_serves_on_its_port_and_sends_spans():
    async def test(runner):
        feed = runner.spans()
        result = await runner.run(GOOD)
        assert result.ok and result.kind == "ok", result
        assert result.port == runner.port and result.port
        assert runner.status == "serving"
        assert "Hello from the child" in await asyncio.to_thread(fetch, result.port)
        span = await asyncio.wait_for(feed.__anext__(), 3)
        if span["name"] == "server.startup":  # the start-up span comes first
            span = await asyncio.wait_for(feed.__anext__(), 3)
        assert span["name"] == "http.request"
        assert span["attributes"]["http.path"] == "/"
        assert span["duration_ns"] is not None and len(span["trace_id"]) == 32
        feed.close()

    with_runner(test)


def test_running_again_kills_the_previous_child():
    async def test(runner):
        first = await runner.run(GOOD)
        first_pid = runner.pid
        assert first.ok
        second = await runner.run(GOOD.replace("Hello from the child", "Second"))
        assert second.ok and second.port != first.port
        assert gone(first_pid)
        with pytest.raises(urllib.error.URLError):
            await asyncio.to_thread(fetch, first.port)
        assert "Second" in await asyncio.to_thread(fetch, second.port)

    with_runner(test)


def test_a_syntax_error_reports_its_line():
    async def test(runner):
        result = await runner.run("from stario import Stario\n\napp = Stario(\n\nx = 1 +\n")
        assert result.kind == "syntax" and not result.ok
        assert result.line in (3, 5), result  # Python names the unclosed bracket
        assert "SyntaxError" in result.error
        result = await runner.run("x = 1\ny = 2\nz = = 3\n")
        assert (result.kind, result.line) == ("syntax", 3)
        assert runner.port is None and runner.status == "idle"
        assert (await runner.run(GOOD)).ok  # and the next run is fine

    with_runner(test)


def test_an_exception_at_import_is_a_crash_with_the_line_in_the_learners_file():
    async def test(runner):
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

    async def test(runner):
        result = await runner.run(code)
        assert result.kind == "crash", result
        assert "no database" in result.error
        assert result.line == 9

    with_runner(test)


def test_an_endless_loop_at_import_times_out_and_the_runner_goes_on():
    async def test(runner):
        started = time.perf_counter()
        result = await runner.run("while True:\n    pass\n")
        took = time.perf_counter() - started
        assert result.kind == "timeout", result
        assert took < runner.startup_timeout + 1
        assert (await runner.run(GOOD)).ok

    with_runner(test, startup_timeout=1.5)


def test_unbounded_memory_is_stopped_and_reported():
    async def test(runner):
        result = await runner.run("x = []\nwhile True:\n    x.append(' ' * 10**6)\n")
        assert result.kind == "memory", result
        assert result.line == 3
        assert (await runner.run(GOOD)).ok

    with_runner(test)


def test_code_without_an_app_says_so():
    async def test(runner):
        result = await runner.run("x = 1\n")
        assert result.kind == "no-app" and "app" in result.error

    with_runner(test)


def test_print_output_is_kept_apart_from_the_protocol():
    async def test(runner):
        result = await runner.run('print("hello, learner")\nprint(\'{"kind": "ready", "port": 1}\')\n' + GOOD)
        assert result.ok and result.port != 1
        for _ in range(50):
            if "hello, learner" in runner.output():
                break
            await asyncio.sleep(0.02)
        assert "hello, learner" in runner.output()

    with_runner(test)


def test_the_apps_own_tracer_still_gets_its_spans():
    code = """\
from stario import Query, Stario
from stario.tracers import MemoryTracer

tracer = MemoryTracer()


async def home():
    return str(len(tracer.spans))


app = Stario(Query("/", home), tracer=tracer)
"""

    async def test(runner):
        result = await runner.run(code)
        assert result.ok, result
        await asyncio.to_thread(fetch, result.port)
        assert int(await asyncio.to_thread(fetch, result.port)) >= 1

    with_runner(test)


def test_a_child_that_dies_after_starting_is_reported():
    code = GOOD + "\n\nimport os\n\n\nasync def die():\n    os._exit(3)\n\n\napp.add(Query('/die', die))\n"
    exits = []

    async def test(runner):
        result = await runner.run(code)
        assert result.ok, result
        with pytest.raises(Exception):
            await asyncio.to_thread(fetch, result.port, "/die")
        for _ in range(100):
            if exits:
                break
            await asyncio.sleep(0.02)
        assert exits and exits[0][0] == 3
        assert runner.status == "exited" and runner.returncode == 3 and runner.port is None

    with_runner(test, on_exit=lambda code, output: exits.append((code, output)))


def test_stop_leaves_no_child_alive():
    async def main():
        runner = Runner(startup_timeout=3.0)
        await runner.start()
        await runner.run(GOOD)
        await runner.start()  # the next spare is waiting too
        pids = [runner.pid, runner._spare.pid]
        assert not any(gone(pid) for pid in pids)
        await runner.stop()
        assert all(gone(pid) for pid in pids)
        assert runner.port is None

    asyncio.run(main())


def test_without_a_spare_it_still_runs_and_warm_is_quicker():
    """Prints run-to-serving times with a warm spare and without (measured, not asserted)."""

    async def measure(spare: bool, runs: int = 5) -> list[float]:
        runner = Runner(startup_timeout=5.0, spare=spare)
        times = []
        try:
            for i in range(runs):
                await runner.start()  # with a spare: wait until it is waiting, as between a learner's runs
                result = await runner.run(GOOD.replace("child", f"child {i}"))
                assert result.ok and result.warm == spare, result
                assert f"child {i}" in await asyncio.to_thread(fetch, result.port)
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
