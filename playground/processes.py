"""Finding and killing every process a learner's code started, however it tried to leave.

A learner's child runs in a session of its own, and (on Linux) is a *subreaper*: a process its
code starts that then loses its parent (a double fork, ``start_new_session=True``) is adopted
by the child rather than by init, so it stays in the child's tree. Every process started from
a child also inherits ``MARK`` in its environment. `kill_tree` kills a child's whole tree;
`kill_marked` finds what got out anyway (its child died first) by that mark.

Everything here reads ``/proc``; elsewhere (macOS) only the process group is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

__all__ = ["MARK", "become_subreaper", "descendants", "kill_tree", "kill_marked"]

MARK = "STARIO_PLAYGROUND_CHILD"
"""The environment variable every learner process carries: ``<playground pid>.<child number>``."""

_PR_SET_CHILD_SUBREAPER = 36
_PROC = "/proc"


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux only); True when it worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict[int, int]:
    """Every visible process id with its parent's."""
    parents: dict[int, int] = {}
    with contextlib.suppress(OSError):
        for name in os.listdir(_PROC):
            if not name.isdigit():
                continue
            try:
                with open(f"{_PROC}/{name}/stat", "rb") as file:
                    stat = file.read()
            except OSError:
                continue  # it ended while we looked
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
            fields = stat[stat.rfind(b")") + 2 :].split()
            if len(fields) > 1:
                parents[int(name)] = int(fields[1])
    return parents


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children...), as seen in /proc right now."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def kill_tree(pid: int, *, include_root: bool = True) -> None:
    """SIGKILL ``pid``'s descendants (again, until none is left: they may fork meanwhile), then ``pid``."""
    for _ in range(20):
        below = descendants(pid)
        if not below:
            break
        for child in below:
            _kill(child)
    if include_root:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # the child's own process group, where /proc is missing
        _kill(pid)


def kill_marked(value: str, *, prefix: bool = False, spare: frozenset[int] = frozenset()) -> list[int]:
    """SIGKILL every process whose environment has ``MARK=value`` (or a value starting so, with
    ``prefix``), except the pids in ``spare``; returns the pids killed."""
    needle = b"\0" + f"{MARK}={value}".encode() + (b"" if prefix else b"\0")
    me = os.getpid()
    killed = []
    with contextlib.suppress(OSError):
        for name in os.listdir(_PROC):
            if not name.isdigit() or int(name) == me or int(name) in spare:
                continue
            try:
                with open(f"{_PROC}/{name}/environ", "rb") as file:
                    environ = file.read() + b"\0"
            except OSError:
                continue  # gone, or another user's
            if needle in b"\0" + environ:
                _kill(int(name))
                killed.append(int(name))
    return killed
