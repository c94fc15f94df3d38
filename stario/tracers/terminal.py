"""`TTYTracer`: a live view of requests in the terminal (``STARIO_TRACER=tty``).

Finished requests scroll by, one line each with their steps beneath as a tree; requests still
open (a stream, a slow handler) sit at the bottom and update in place. The request path only
appends to a queue; a thread of the tracer's own draws.
"""

from __future__ import annotations

import atexit
import sys
import threading
import time
from collections import deque
from typing import IO

from stario.telemetry import Span

__all__ = ["TTYTracer", "shared_tracer"]

_COLOURS = {"2": "\x1b[32m", "3": "\x1b[36m", "4": "\x1b[33m", "5": "\x1b[31m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


class TTYTracer:
    """A live view of requests in a terminal.

    Finished requests scroll by, one line each (time, method, path, status, duration, route),
    with their steps beneath as a tree, coloured by status. Requests still open (a stream, a
    slow handler) sit at the bottom and update in place with their running time. A thread redraws
    ten times a second, so the request path only appends to a queue.
    """

    interval = 0.1

    def __init__(self, stream: IO[str] | None = None, colour: bool | None = None, max_open: int = 8) -> None:
        self.stream = stream or sys.stderr
        self.colour = self.stream.isatty() if colour is None else colour
        self.max_open = max_open
        self._events: deque[tuple[str, Span]] = deque(maxlen=100_000)
        self._open: dict[int, Span] = {}
        self._children: dict[int, list[Span]] = {}
        self._live_lines = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def on_start(self, span: Span) -> None:
        """Note the start (drawn by the thread)."""
        self._events.append(("start", span))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="TTYTracer", daemon=True)
            self._thread.start()
            atexit.register(self.close)

    def on_end(self, span: Span) -> None:
        """Note the end (drawn by the thread)."""
        self._events.append(("end", span))

    def close(self) -> None:
        """Draw what is left and stop."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._stop.wait(self.interval)
            self.draw()
        self.draw()

    def draw(self) -> None:
        """Take in the queued starts and ends and redraw the terminal."""
        finished: list[str] = []
        while self._events:
            kind, span = self._events.popleft()
            if span.parent_id is not None:
                if kind == "end":
                    self._children.setdefault(span.trace_id, []).append(span)
            elif kind == "start":
                self._open[span.span_id] = span
            else:
                self._open.pop(span.span_id, None)
                finished.extend(self._finished_lines(span, self._children.pop(span.trace_id, [])))
        if not finished and not self._open and not self._live_lines:
            return
        out = []
        if self._live_lines:
            out.append(f"\x1b[{self._live_lines}F\x1b[J")  # back to where the live region began
        out.extend(line + "\n" for line in finished)
        live = self._live()
        out.extend(line + "\n" for line in live)
        self._live_lines = len(live)
        self.stream.write("".join(out))
        self.stream.flush()

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour else text

    def _finished_lines(self, span: Span, children: list[Span]) -> list[str]:
        lines = [self._line(span)]
        by_parent: dict[int | None, list[Span]] = {}
        for child in sorted(children, key=lambda s: s.start_ns):
            by_parent.setdefault(child.parent_id, []).append(child)

        def walk(parent_id: int, depth: int) -> None:
            kids = by_parent.get(parent_id, [])
            for index, child in enumerate(kids):
                branch = "└─" if index == len(kids) - 1 else "├─"
                mark = self._paint(" failed", _COLOURS["5"]) if child.status == "error" else ""
                lines.append(f"{'   ' * depth}   {self._paint(branch, _DIM)} {child.name}  {_ms(child.duration_ns)}{mark}")
                walk(child.span_id, depth + 1)

        walk(span.span_id, 0)
        if span.error:
            last = span.error.strip().splitlines()[-1]
            lines.append("   " + self._paint(last, _COLOURS["5"]))
        return lines

    def _line(self, span: Span) -> str:
        a = span.attributes
        clock = time.strftime("%H:%M:%S", time.localtime(span.wall_start_ns / 1e9))
        millis = f"{(span.wall_start_ns // 1_000_000) % 1000:03d}"
        if span.name != "http.request":
            status = "failed" if span.status == "error" else span.status
            return f"{self._paint(clock + '.' + millis, _DIM)}  {self._paint(span.name, _BOLD)}  {status}  {_ms(span.duration_ns)}"
        code = a.get("http.status")
        colour = _COLOURS["5"] if span.status == "error" else _COLOURS.get(str(code)[:1], "")
        status_text = self._paint(str(code if code is not None else "---"), colour)
        if span.status == "cancelled":
            status_text += self._paint(" (client left)", _DIM)
        route = a.get("http.route")
        sse = sum(1 for e in span.events if e.name == "sse")
        extra = (f"  {self._paint(route, _DIM)}" if route and route != a.get("http.path") else "") + (
            f"  {sse} events" if sse else ""
        )
        return (
            f"{self._paint(clock + '.' + millis, _DIM)}  {a.get('http.method', ''):<6} {a.get('http.path', '')}  "
            f"{status_text}  {_ms(span.duration_ns)}{extra}"
        )

    def _live(self) -> list[str]:
        now = time.monotonic_ns()
        spans = sorted(self._open.values(), key=lambda s: s.start_ns)
        lines = []
        for span in spans[: self.max_open]:
            what = f"{span.attributes.get('http.method', '')} {span.attributes.get('http.path', '')}".strip() or span.name
            sse = sum(1 for e in span.events if e.name == "sse")
            lines.append(
                self._paint(f"   … {what}  open {_ms(now - span.start_ns)}" + (f", {sse} events" if sse else ""), _DIM)
            )
        if len(spans) > self.max_open:
            lines.append(self._paint(f"   … and {len(spans) - self.max_open} more open", _DIM))
        return lines


def _ms(duration_ns: int | None) -> str:
    if duration_ns is None:
        return "?"
    if duration_ns >= 1_000_000_000:
        return f"{duration_ns / 1e9:.2f}s"
    return f"{duration_ns / 1e6:.1f}ms"


_shared: TTYTracer | None = None


def shared_tracer() -> TTYTracer:
    """The process's one terminal view, on stderr (made on first use; its thread starts with the first span)."""
    # One terminal, one live view, however many apps a process builds.
    global _shared
    if _shared is None:
        _shared = TTYTracer()
    return _shared
