"""Break the network: what the preview's proxy does to the traffic when the learner asks it to.

The controls beside the preview set a `NetworkFaults`, which `playground.proxy` consults for
every request and every Server-Sent Event it passes on:

- **cut** (`NetworkFaults.cut`): every open stream is broken off now, as a dropped connection
  would be: the browser's client sees a network error and reconnects (with ``Last-Event-ID``
  when the stream gave ids);
- **delay** (``delay_ms``): each event is held that long before it goes on;
- **drop** (``drop_every``): one event in N never reaches the browser (the Nth, the 2Nth...);
- **offline** (`NetworkFaults.go_offline`): for N seconds every new request is broken off
  before its answer, so the client's retries and back-off show in the inspector;
- **throttle** (``bytes_per_second``): the answers' bytes go on no faster than that.

Time comes from a `Clock`, so the unit tests run these faults on a `FakeClock` with exact
timings. A stream's events are found by their blank-line ends; a compressed stream cannot be
read that way, so there each chunk the app wrote (one per event: Stario flushes per event)
counts as an event.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Clock", "FakeClock", "NetworkFaults", "EventCutter", "LIMITS"]

LIMITS = {"delay_ms": 10_000, "drop_every": 1_000, "bytes_per_second": 100_000_000, "offline_seconds": 300}
"""The largest value each control takes (and the smallest is 0, meaning off; drop 1 in 1 is refused)."""


class Clock:
    """The time the faults keep: the event loop's monotonic clock, and its sleep."""

    def now(self) -> float:
        """Seconds on a monotonic clock."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        await asyncio.sleep(seconds)


class FakeClock(Clock):
    """A clock for tests: sleeping moves it on at once, and every sleep is noted."""

    def __init__(self, start: float = 1000.0) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        """The clock's time."""
        return self.time

    async def sleep(self, seconds: float) -> None:
        """Note the sleep and move the clock on (still a yield to the loop, as a real sleep is)."""
        self.sleeps.append(seconds)
        self.time += seconds
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move the clock on without sleeping."""
        self.time += seconds


class NetworkFaults:
    """The faults the preview's network has now (all off to begin with)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.delay_ms = 0
        self.drop_every = 0
        self.bytes_per_second = 0
        self.offline_until = 0.0
        self.cuts = 0  # how many times the streams were cut, for the inspector
        self._open: dict[int, Callable[[], None]] = {}  # open streams: their cut callbacks by id

    # -- the controls -----------------------------------------------------------------------------

    def set(self, *, delay_ms: Any = None, drop_every: Any = None, bytes_per_second: Any = None) -> None:
        """Change the lasting faults (None leaves one as it is); a bad value raises ValueError, saying why."""
        values = {"delay_ms": delay_ms, "drop_every": drop_every, "bytes_per_second": bytes_per_second}
        checked = {name: _whole(name, value) for name, value in values.items() if value is not None}
        if checked.get("drop_every") == 1:
            raise ValueError("drop_every is 0 (off) or at least 2: dropping every event leaves nothing to see")
        for name, value in checked.items():
            setattr(self, name, value)

    def go_offline(self, seconds: Any) -> None:
        """Refuse every new request for ``seconds`` (0 comes back online now)."""
        self.offline_until = self.clock.now() + _whole("offline_seconds", seconds)

    def cut(self) -> int:
        """Break off every open stream now; how many there were."""
        streams = list(self._open.values())
        self._open.clear()
        for cut in streams:
            cut()
        if streams:
            self.cuts += 1
        return len(streams)

    def clear(self) -> None:
        """Everything back to normal."""
        self.set(delay_ms=0, drop_every=0, bytes_per_second=0)
        self.offline_until = 0.0

    # -- what the proxy asks -------------------------------------------------------------------

    def offline_for(self) -> float:
        """Seconds left offline (0.0 when online)."""
        return max(0.0, self.offline_until - self.clock.now())

    def stream_opened(self, key: int, cut: Callable[[], None]) -> None:
        """A stream is open: `cut` will call ``cut()`` to break it off."""
        self._open[key] = cut

    def stream_closed(self, key: int) -> None:
        """The stream ended."""
        self._open.pop(key, None)

    @property
    def open_streams(self) -> int:
        """How many streams are open now."""
        return len(self._open)

    def settings(self) -> dict[str, Any]:
        """The faults as the page shows them."""
        return {
            "delay_ms": self.delay_ms,
            "drop_every": self.drop_every,
            "bytes_per_second": self.bytes_per_second,
            "offline_seconds": round(self.offline_for(), 1),
            "open_streams": self.open_streams,
            "cuts": self.cuts,
        }

    def events(self) -> EventCutter:
        """A new stream's event counter (drops count events per stream)."""
        return EventCutter(self)

    async def throttle(self, size: int) -> None:
        """Wait as long as ``size`` bytes take at the throttled rate (nothing when not throttled)."""
        if self.bytes_per_second:
            await self.clock.sleep(size / self.bytes_per_second)


class EventCutter:
    """One stream's events: cut from its bytes, counted, and each passed on, held or dropped."""

    def __init__(self, faults: NetworkFaults) -> None:
        self.faults = faults
        self.count = 0  # events seen on this stream
        self.dropped = 0
        self._pending = b""

    def split(self, chunk: bytes) -> list[bytes]:
        """The whole events in ``chunk`` (with what came before it); a partial one waits for more."""
        data = self._pending + chunk
        events = []
        while True:
            end = _event_end(data)
            if end < 0:
                break
            events.append(data[:end])
            data = data[end:]
        self._pending = data
        return events

    def rest(self) -> bytes:
        """What is left once the stream ends (an event with no blank line after it)."""
        rest, self._pending = self._pending, b""
        return rest

    async def admit(self, event: bytes, *, can_drop: bool = True) -> bool:
        """Count ``event``, then: False to drop it, or True once it may go on (after any delay).

        ``can_drop`` is False for a compressed stream: a piece missing from it would spoil the
        rest, so there events are held (delay) but never dropped."""
        self.count += 1
        faults = self.faults
        if can_drop and faults.drop_every and self.count % faults.drop_every == 0:
            self.dropped += 1
            return False
        if faults.delay_ms:
            await faults.clock.sleep(faults.delay_ms / 1000)
        return True


def _event_end(data: bytes) -> int:
    """Where the first event in ``data`` ends (after its blank line), or -1."""
    ends = [i + len(sep) for sep in (b"\n\n", b"\r\n\r\n", b"\r\r") if (i := data.find(sep)) >= 0]
    return min(ends) if ends else -1


def _whole(name: str, value: Any) -> int:
    """``value`` as a whole number from 0 to the control's limit, or ValueError naming the control."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} takes a whole number, got {value!r}") from None
    if isinstance(value, float) and not value.is_integer() or isinstance(value, bool):
        raise ValueError(f"{name} takes a whole number, got {value!r}")
    if not 0 <= number <= LIMITS[name]:
        raise ValueError(f"{name} is from 0 (off) to {LIMITS[name]:,}, got {number}")
    return number
