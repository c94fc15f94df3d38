"""Hello-world throughput over HTTP: uvicorn (httptools + uvloop) driven by wrk.

Run: .venv/bin/python bench/throughput.py [--rounds N] [--seconds S] [--warmup S] [--connections C]
     .venv/bin/python bench/throughput.py --instructions [--keep DIR]

Each app of `apps.py` (raw ASGI, Stario, Stario with 1,000 routes registered, Starlette) is
served by one uvicorn process::

    taskset -c 0 python -m uvicorn --app-dir bench apps:<name> --host 127.0.0.1 --port <free>
        --http httptools --loop uvloop --log-level warning --no-access-log

pinned to core 0, and loaded by ``taskset -c 1 wrk -t1 -c64 -d<S>s`` on core 1. Every
measurement starts a fresh server on a free port (tests/servers.py's launcher), waits until it
answers "Hello, world!", runs a short wrk warm-up, then the measured wrk run, and stops the
server (terminate, then kill); the servers are stopped whatever happens, Ctrl-C and SIGTERM
included.

Rounds are interleaved, three rounds of five seconds by default; each round starts one app
later in the list (raw, stario, stario_1000, starlette; then stario, stario_1000, starlette,
raw; ...), so no app is always the first after a pause. The script parses wrk's
``Requests/sec`` and prints each app's median and its ratio to raw ASGI, then the budget
ratios two ways: of the medians, and the median of each round's own ratio (the apps of one
round ran within half a minute of each other, so a machine that slows down or speeds up
between rounds moves both sides of that round's ratio alike). The budgets: Stario >= 0.90 x
raw ASGI; Stario with 1,000 routes >= 0.95 x Stario with one route.

It also prints the server's CPU time per request (user + system, read from ``/proc`` around
the measured run). Requests per second drop a lot when other programs use the machine; CPU
time per request is steadier, though not immune (the script warns when the CPUs are busy with
other work just before or after the run).

``--instructions`` counts instead the CPU instructions the server runs per request (user space:
uvicorn, httptools, uvloop and the app; not the kernel's socket work), raw ASGI against Stario,
with valgrind's callgrind: the server under callgrind is warmed up, its counters zeroed, loaded
by wrk for a few seconds (16 connections: valgrind is some 50 times slower), and dumped.
Deterministic to a percent or so, where requests/s on a shared machine move by 30%.
``--keep DIR`` keeps the callgrind files, for ``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from tests import servers  # noqa: E402
from tests.servers import free_port, launch  # noqa: E402, F401 (free_port: for bench/tracers.py)

APPS = ["raw", "stario", "stario_1000", "starlette"]
SERVER_CORE = "0"
WRK_CORE = "1"


def server_command(app: str) -> list[str]:
    """uvicorn serving ``apps:<app>`` on core 0 (taskset execs uvicorn: same pid); ``{port}`` is filled in by `launch`."""
    return [
        "taskset", "-c", SERVER_CORE,
        sys.executable, "-m", "uvicorn", f"apps:{app}",
        "--app-dir", str(BENCH_DIR),
        "--host", "127.0.0.1", "--port", "{port}",
        "--http", "httptools", "--loop", "uvloop",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def wait_until_up(server: subprocess.Popen, port: int, timeout: float = 20.0) -> None:
    """For a server started elsewhere (bench/tracers.py's under valgrind): wait until ``GET /`` answers."""
    servers.wait_until_up(f"http://127.0.0.1:{port}/", server, timeout)


def stop_server(server: subprocess.Popen) -> None:
    """Terminate a server started elsewhere, and kill it if it has not exited after five seconds."""
    servers.stop(server, timeout=5)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process ``pid`` has used so far (Linux ``/proc``)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # What follows the command name starts at field 3 of proc(5): utime (14) and stime (15) are 11 and 12.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(port: int, seconds: int, connections: int) -> tuple[float, int]:
    """Run wrk on core 1 against the server; return its Requests/sec and request count."""
    command = [
        "taskset", "-c", WRK_CORE,
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}/",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True)
    output = result.stdout
    if "Non-2xx" in output or "Socket errors" in output:
        print(f"  warning, wrk reported errors:\n{output}", file=sys.stderr)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    if rate is None or count is None:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{output}")
    return float(rate.group(1)), int(count.group(1))


def measure(app: str, seconds: int, warmup: int, connections: int) -> tuple[float, float]:
    """Serve ``app`` on a fresh server, warm it up, load it; return requests/s and server CPU us/request."""
    with launch(server_command(app), name=app, timeout=20, stop_timeout=5) as server:
        with urllib.request.urlopen(server.url + "/", timeout=5) as response:
            body = response.read()
        if body != b"Hello, world!":
            raise RuntimeError(f"{app} answered {body!r}")
        if warmup > 0:
            run_wrk(server.port, warmup, connections)
        cpu_before = cpu_seconds(server.process.pid)
        rate, count = run_wrk(server.port, seconds, connections)
        cpu_us = (cpu_seconds(server.process.pid) - cpu_before) / count * 1e6
        return rate, cpu_us


def instructions_per_request(app: str, folder: Path, seconds: int = 8, *, env: dict[str, str] | None = None,
                             label: str | None = None) -> tuple[float, int]:
    """Instructions uvicorn runs per request serving ``app`` under wrk (with ``env`` added to its
    environment), counted by callgrind, and the number of requests counted. The server runs under
    valgrind (about 50 times slower, so a few thousand requests), is warmed up, then its counters
    are zeroed, wrk runs ``seconds``, and the counters are dumped to ``folder/callgrind.LABEL.1``."""
    port = free_port()
    out = folder / f"callgrind.{label or app}"
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
        *server_command(app)[3:],  # without taskset: valgrind runs the server on whatever core
    ]  # fmt: skip
    command[command.index("{port}")] = str(port)
    server = subprocess.Popen(command, env={**os.environ, **(env or {})}, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(server, port, timeout=120)
        run_wrk(port, 2, 16)
        subprocess.run(["callgrind_control", "--zero", str(server.pid)], capture_output=True, check=True)
        _, requests = run_wrk(port, seconds, 16)
        subprocess.run(["callgrind_control", "--dump", str(server.pid)], capture_output=True, check=True)
    finally:
        stop_server(server)
    summary = re.search(r"^summary: (\d+)", Path(f"{out}.1").read_text(errors="replace"), re.MULTILINE)
    if summary is None:
        raise RuntimeError(f"no summary line in {out}.1")
    return int(summary.group(1)) / requests, requests


def busy_fraction(seconds: float = 1.0) -> float:
    """How busy all CPUs were over the next ``seconds`` (from ``/proc/stat``), 0.0 to 1.0."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
        return sum(ticks), ticks[3] + ticks[4]  # total, idle + iowait

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    return 1 - (idle_after - idle_before) / max(1, total_after - total_before)


def warn_if_busy(when: str) -> None:
    """Say so when other programs keep the CPUs busy while no benchmark runs."""
    busy = busy_fraction()
    if busy > 0.05:
        print(f"warning ({when}): the CPUs are {busy:.0%} busy with other work; figures will be low", file=sys.stderr)


# The tools this script runs, and the Debian package each comes in.
DEBIAN_PACKAGES = {"wrk": "wrk", "taskset": "util-linux", "valgrind": "valgrind"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5, help="length of each measured wrk run (whole seconds)")
    parser.add_argument("--warmup", type=int, default=1, help="length of the wrk warm-up run in whole seconds (0: none)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--instructions", action="store_true", help="count instructions per request with callgrind instead")
    parser.add_argument("--keep", help="with --instructions: the folder to keep callgrind's files in")
    args = parser.parse_args()
    needed = ["wrk", "taskset"] + (["valgrind"] if args.instructions else [])
    missing = [tool for tool in needed if shutil.which(tool) is None]
    if missing:
        packages = " ".join(DEBIAN_PACKAGES[tool] for tool in missing)
        sys.exit(f"throughput.py needs {' and '.join(missing)} on the PATH (Debian: apt-get install {packages})")
    if args.instructions:
        folder = Path(args.keep or tempfile.mkdtemp(prefix="callgrind-"))
        folder.mkdir(parents=True, exist_ok=True)
        counts = {app: instructions_per_request(app, folder)[0] for app in ("raw", "stario")}
        for app, count in counts.items():
            print(f"{app:>12}  {count:10,.0f} instructions/request  x raw {counts['raw'] / count:5.2f} (requests per instruction)")
        if args.keep is None:
            shutil.rmtree(folder)
        return
    # Turn SIGTERM into an exception so the `finally` that stops the server runs.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    warn_if_busy("before")
    rates: dict[str, list[float]] = {app: [] for app in APPS}
    cpu: dict[str, list[float]] = {app: [] for app in APPS}
    for round_number in range(1, args.rounds + 1):
        shift = (round_number - 1) % len(APPS)
        for app in APPS[shift:] + APPS[:shift]:
            rate, cpu_us = measure(app, args.seconds, args.warmup, args.connections)
            rates[app].append(rate)
            cpu[app].append(cpu_us)
            print(f"  round {round_number}: {app:>12} {rate:10,.0f} requests/s {cpu_us:6.1f} us CPU/request", flush=True)
    warn_if_busy("after")
    medians = {app: statistics.median(values) for app, values in rates.items()}
    cpu_medians = {app: statistics.median(values) for app, values in cpu.items()}
    raw = medians["raw"]
    print(f"{'app':>12}  {'requests/s':>10}  {'x raw':>6}  {'server CPU us/request':>21}")
    for app, value in medians.items():
        print(f"{app:>12}  {value:10,.0f}  {value / raw:6.2f}  {cpu_medians[app]:21.1f}")
    for label, app, baseline, budget in (
        ("stario / raw", "stario", "raw", 0.90),
        ("stario 1,000 routes / 1 route", "stario_1000", "stario", 0.95),
    ):
        of_medians = medians[app] / medians[baseline]
        per_round = [mine / theirs for mine, theirs in zip(rates[app], rates[baseline])]
        paired = statistics.median(per_round)
        verdict = "ok" if min(of_medians, paired) >= budget else "UNDER BUDGET"
        rounds_text = ", ".join(f"{ratio:.2f}" for ratio in per_round)
        print(f"{label}: {of_medians:.2f} of the medians, {paired:.2f} median of the rounds ({rounds_text}) "
              f"(budget >= {budget:.2f}): {verdict}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted (servers stopped)")
