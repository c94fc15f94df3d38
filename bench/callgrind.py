"""Counting a process's CPU instructions with valgrind's callgrind, for the ``--instructions`` modes.

Not a benchmark itself. `dispatch.py` and `tracers.py` run a child of their own under callgrind,
once answering a few requests and once answering many, and take the difference per request, so
start-up (imports, building the app) cancels out. Counts are deterministic: on a noisy machine
they are the figures to trust, where timings wander.
"""

from __future__ import annotations

import re
import subprocess


def instructions_of(command: list[str]) -> int:
    """The user-space instructions callgrind counts for ``command`` (a whole process), run to its end."""
    counted = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    result = subprocess.run(counted, capture_output=True, text=True, check=True)
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if collected is None:
        raise RuntimeError(f"no instruction count in callgrind's output:\n{result.stderr[-2000:]}")
    return int(collected.group(1))
