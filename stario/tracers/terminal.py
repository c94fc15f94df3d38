"""`TTYTracer`: a live view of requests in the terminal (``STARIO_TRACER=tty``).

``stario serve`` picks it when it runs in a terminal. Each finished request scrolls by as a line
(time, method, path, status, duration, route, events sent) with its steps beneath as a tree.
Requests still open (a stream, a slow handler) sit at the bottom, one row each with their latest
steps, and update in place with their running time. `rich.live.Live` draws the view: it measures
what it drew at the terminal's width, so a line wider than the terminal wraps (or, at the bottom,
is cut with "…") and no stale rows are left behind, and it works in Windows terminals too. The
pieces are drawn by `stario.tracers.drawing`, as ``stario spans`` draws them.

What it costs a request: `TTYTracer.on_start` and `TTYTracer.on_end` only append the span to a
bounded queue (when `TTYTracer.max_queue` spans wait, more are skipped and counted in
``dropped``). A thread of the view's own takes them in ten times a second and draws; `rich` is
imported there, at the first span, so a process that never traces never loads it. At most
`TTYTracer.lines_per_second` finished requests are drawn a second (`TTYTracer.max_burst` at
once); past that, a count by status, so a load test does not pay for lines nobody can read.

While the view is drawing, writes to ``sys.stderr`` (and to ``sys.stdout`` when it is a terminal
too) go above the open requests rather than through them. A logging handler holds its stream
itself: `TerminalLogHandler` hands its records to the view instead, which prints them at once
(``stario serve`` gives it to uvicorn's loggers).
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from stario.telemetry import Span

if TYPE_CHECKING:
    from types import ModuleType

    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.live import Live

__all__ = ["TTYTracer", "TerminalLogHandler", "shared_tracer"]


class _Open:
    """A root span still open, and what the view knows of its steps so far."""

    __slots__ = ("span", "steps", "more_steps", "running", "counted", "sse")

    def __init__(self, span: Span) -> None:
        self.span = span
        self.steps: list[Span] = []  # ended, in the order they ended
        self.more_steps = 0  # ended, but past the number kept
        self.running: dict[int, Span] = {}
        self.counted = 0  # the span's events looked at so far
        self.sse = 0  # of those, how many were Server-Sent Events

    def keep(self, step: Span, limit: int) -> None:
        """Note a step that ended (kept up to ``limit``, counted past it)."""
        if len(self.steps) < limit:
            self.steps.append(step)
        else:
            self.more_steps += 1

    def sse_events(self) -> int:
        """How many Server-Sent Events the request has sent; only new events are looked at."""
        counted = self.span.attributes.get("sse.events")  # the stream's own count (events are sampled)
        if counted is not None:
            return counted
        events = self.span.events
        end = len(events)  # the loop thread may append meanwhile: those wait for the next look
        sse = self.sse
        for index in range(self.counted, end):
            if events[index].name == "sse":
                sse += 1
        self.counted, self.sse = end, sse
        return sse


class _Region:
    """The rows at the bottom of the terminal: drawn by rich each time it redraws the live view."""

    def __init__(self) -> None:
        self.renderable: RenderableType | None = None  # None: no request is open, no rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.renderable is not None:
            yield self.renderable


def _record(span: Span) -> dict[str, Any]:
    """A span as `stario.tracers.drawing` takes it, without copying its attributes or events."""
    return {
        "name": span.name,
        "span_id": span.span_id,
        "parent_id": span.parent_id,
        "start_ns": span.wall_start_ns,
        "duration_ns": span.duration_ns,
        "status": span.status,
        "error": span.error,
        "attributes": span.attributes,
        "events": (),
    }


def _outcome(span: Span) -> str:
    """How a span ended, in a word, to count the finished requests not drawn."""
    code = span.attributes.get("http.status")
    if code is not None or span.name == "http.request":
        return "---" if code is None else str(code)
    return "failed" if span.status == "error" else span.status


def _sse_events(span: Span) -> int:
    counted = span.attributes.get("sse.events")  # every event counted; only some recorded
    return counted if counted is not None else sum(1 for event in span.events if event.name == "sse")


class TTYTracer:
    """A live view of requests in a terminal, drawn with `rich` on a thread of its own.

    ``console`` is the `rich.console.Console` to draw on; by default one on stderr, made when the
    view first draws, and then ``print`` and other writes to the terminal go above the open
    requests. ``max_open`` is how many open requests are shown (the rest are counted). With
    ``background=False`` no thread is started: the view draws only when `draw` is called (tests
    do, to draw at known moments). `close` ends the view.
    """

    interval = 0.1
    """Seconds between the thread's looks at the queue: a finished request shows at most this late."""
    tick = 0.25
    """Seconds between redraws of the open requests' running times when nothing else changed."""
    max_queue = 100_000
    """Starts and ends waiting for the thread, at most; past that they are skipped and counted."""
    lines_per_second = 100
    """Finished requests drawn per second, on average; past that they are counted by status.

    Drawing a line with rich costs about 0.1 ms of CPU, so under a load test the lines cost the
    server about a hundredth of a core; nobody reads faster than this anyway. Taking in a span
    costs the thread a microsecond or so, drawn or not."""
    max_burst = 200
    """Finished requests drawn at once, at most (a page and all its assets at a time, say)."""
    max_steps = 50
    """Steps kept per open request for its tree; past that, a count."""
    shown_steps = 3
    """The latest finished steps, and the running ones, shown under an open request."""

    def __init__(self, console: Console | None = None, *, max_open: int = 8, background: bool = True) -> None:
        self.max_open = max_open
        self.background = background
        self.dropped = 0
        """Starts and ends skipped because the queue was full (the view fell behind)."""
        self._console = console
        self._redirect = console is None  # only a view on the real stderr takes over sys.stdout/stderr
        self._events: deque[tuple[str, Any]] = deque()
        self._open: dict[int, _Open] = {}
        self._swept: set[int] = set()  # roots drawn without their end (it was skipped): ignore it if it comes
        self._region = _Region()
        self._live: Live | None = None
        self._shown: set[int] = set()  # the open requests the rows show
        self._drawn_at = 0
        self._budget = float(self.max_burst)  # lines that may be drawn now, refilled with time
        self._budget_at = time.monotonic()
        self._dropped_told = 0
        self._finished = False
        self._broken = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()  # starts the thread once
        self._drawing = threading.RLock()  # one draw at a time: the thread's, or a log line's

    @property
    def console(self) -> Console:
        """The console the view draws on (the one given, or one on stderr, made on first use)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        return self._console

    # -- the request's side: queue and go -------------------------------------------------------

    def on_start(self, span: Span) -> None:
        """Queue the start for the view's thread (started with the first span)."""
        if len(self._events) < self.max_queue:
            self._events.append(("start", span))
        else:
            self.dropped += 1
        if self._thread is None and self.background:
            self._start_thread()

    def on_end(self, span: Span) -> None:
        """Queue the end for the view's thread."""
        if len(self._events) < self.max_queue:
            self._events.append(("end", span))
        else:
            self.dropped += 1

    def log(self, text: str) -> None:
        """Print a line of log above the open requests, now, after the spans queued before it.

        Unlike a span, a log line is drawn on the caller's thread: logs are rare (start-up,
        shutdown, failures), and a server killed by the signal it was stopped with (uvicorn
        raises SIGTERM again once it has shut down) still shows its last lines. Before the view
        draws, and after it has closed, the line is written straight out.
        """
        if self._finished or (self._thread is None and self._live is None):
            stream = self._console.file if self._console is not None else sys.stderr
            stream.write(text.rstrip("\n") + "\n")
            stream.flush()
            return
        if len(self._events) < self.max_queue:
            self._events.append(("log", text))
        else:
            self.dropped += 1
        self._draw_safely()

    def _start_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="TTYTracer", daemon=True)
                self._thread.start()
                atexit.register(self.close)

    def close(self) -> None:
        """Draw what is left, take the open requests' rows off the screen, and stop."""
        self._stop.set()
        thread = self._thread
        if thread is None:
            self._finish()  # drawn by hand, if at all
        elif thread is not threading.current_thread():
            thread.join(timeout=5)

    # -- the view's thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._stop.wait(self.interval)
                self._draw_safely()
        finally:
            self._finish()

    def _draw_safely(self) -> None:
        if self._broken:
            return
        try:
            self.draw()
        except Exception as exc:  # a view that cannot draw must not take the app down, nor say so every time
            self._broken = True
            print(f"stario: the terminal view stopped drawing: {type(exc).__name__}: {exc}", file=sys.__stderr__)

    def _finish(self) -> None:
        with self._drawing:
            if self._finished:
                return
            self._finished = True
            self._draw_safely()
            if self._live is not None:
                self._live.stop()

    def draw(self) -> None:
        """Take in the queued starts, ends and log lines; print what finished and redraw the open requests."""
        with self._drawing:
            self._draw()

    def _draw(self) -> None:
        from rich.console import Group
        from rich.text import Text

        from stario.tracers import drawing

        printed: list[RenderableType] = []
        overflow: dict[str, int] = {}
        clock = time.monotonic()
        budget = min(self.max_burst, self._budget + (clock - self._budget_at) * self.lines_per_second)
        self._budget_at = clock
        events = self._events
        opened, swept, popleft = self._open, self._swept, events.popleft  # this loop runs for every span
        while events:
            kind, span = popleft()
            if kind == "log":
                printed.append(drawing.log_line(span))
                continue
            trace_id = span.trace_id
            if span.parent_id is None:
                if kind == "start":
                    opened[trace_id] = _Open(span)
                    continue
                entry = opened.pop(trace_id, None)
                if entry is None and trace_id in swept:
                    swept.discard(trace_id)  # drawn already, when its end was skipped
                    continue
            else:
                entry = opened.get(trace_id)
                if entry is not None:
                    if kind == "start":
                        entry.running[span.span_id] = span
                    else:
                        entry.running.pop(span.span_id, None)
                        entry.keep(span, self.max_steps)
                    continue
                if kind == "start":
                    continue
                # A step that ended after its request: a line of its own.
            if budget >= 1:
                budget -= 1
                printed.append(self._finished_view(span, entry, drawing))
            else:
                key = _outcome(span)
                overflow[key] = overflow.get(key, 0) + 1
        self._budget = budget
        now = time.monotonic_ns()
        for entry in self._sweep(now):
            printed.append(self._finished_view(entry.span, entry, drawing))
        if overflow:
            counts = ", ".join(f"{count} × {key}" for key, count in sorted(overflow.items()))
            printed.append(Text(f"… and {sum(overflow.values())} more finished ({counts})", style="dim"))
        if self.dropped > self._dropped_told:
            printed.append(Text(f"stario: the terminal view fell behind and skipped {self.dropped - self._dropped_told} spans", style="yellow"))
            self._dropped_told = self.dropped
        if not printed:
            if not self._open and not self._shown:
                return  # nothing new and nothing on screen: the idle look costs nothing
            if self._open.keys() == self._shown and now - self._drawn_at < self.tick * 1e9:
                return  # only running times changed: they wait for the next tick
        self._region.renderable = self._open_view(now, drawing)
        self._shown = set(self._open)
        self._drawn_at = now
        live = self._started()
        if printed:
            live.console.print(Group(*printed))  # rich puts it above the rows, then redraws them
            self._budget_at = time.monotonic()  # time spent drawing earns no lines
        else:
            live.refresh()

    def _started(self) -> Live:
        if self._live is None:
            from rich.live import Live

            console = self.console
            live = Live(
                self._region,
                console=console,
                auto_refresh=False,  # this thread refreshes: one thread draws
                transient=True,  # at the end, the open requests' rows go
                redirect_stdout=self._redirect and _is_terminal(sys.stdout),
                redirect_stderr=self._redirect,
            )
            live.start()
            console.show_cursor(True)  # a view killed outright must not leave the terminal without its cursor
            self._live = live
        return self._live

    def _finished_view(self, span: Span, entry: _Open | None, drawing: ModuleType) -> RenderableType:
        if entry is None:
            return drawing.request_tree(_record(span), sse_events=_sse_events(span))
        return drawing.request_tree(
            _record(span),
            [_record(step) for step in entry.steps],
            sse_events=entry.sse_events(),
            more_steps=entry.more_steps,
        )

    def _open_view(self, now: int, drawing: ModuleType) -> RenderableType | None:
        from rich.console import Group
        from rich.text import Text

        if not self._open:
            return None
        entries = sorted(self._open.values(), key=lambda entry: entry.span.start_ns)
        rows = []
        for entry in entries[: self.max_open]:
            shown = entry.steps[-self.shown_steps :]
            running = list(entry.running.values())[: self.shown_steps]
            rows.append(
                drawing.open_request(
                    _record(entry.span),
                    now - entry.span.start_ns,
                    sse_events=entry.sse_events(),
                    steps=[_record(step) for step in shown],
                    running=[(_record(step), now - step.start_ns) for step in running],
                    earlier_steps=len(entry.steps) - len(shown) + entry.more_steps,
                )
            )
        if len(entries) > self.max_open:
            rows.append(Text(f"… and {len(entries) - self.max_open} more open", style="dim", no_wrap=True))
        return Group(*rows)

    def _sweep(self, now: int) -> list[_Open]:
        """Open requests that ended over a second ago with no end seen (skipped when the queue was full)."""
        if not self.dropped:
            return []
        ended = [e for e in self._open.values() if e.span.end_ns is not None and now - e.span.end_ns > 1_000_000_000]
        for entry in ended:
            del self._open[entry.span.trace_id]
            if len(self._swept) > 10_000:
                self._swept.clear()
            self._swept.add(entry.span.trace_id)
        return ended


def _is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


class TerminalLogHandler(logging.Handler):
    """A logging handler that prints its records above the terminal view's open requests.

    A handler writing to the terminal itself would draw through the view's rows and tear them;
    this one hands each formatted record to the view (`TTYTracer.log`), which prints it in turn
    with the requests. ``stario serve`` gives it to uvicorn's loggers when it shows the view.
    ``tracer`` is the view (default: the process's, `shared_tracer`).
    """

    def __init__(self, level: int = logging.NOTSET, tracer: TTYTracer | None = None) -> None:
        super().__init__(level)
        self.tracer = tracer

    def emit(self, record: logging.LogRecord) -> None:
        """Format the record and hand it to the view."""
        try:
            text = self.format(record)
        except Exception:
            self.handleError(record)
            return
        (self.tracer or shared_tracer()).log(text)


_shared: TTYTracer | None = None


def shared_tracer() -> TTYTracer:
    """The process's one terminal view, on stderr (made on first use; it draws from the first span on)."""
    # One terminal, one live view, however many apps a process builds.
    global _shared
    if _shared is None:
        _shared = TTYTracer()
    return _shared
