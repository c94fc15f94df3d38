"""Stopping with streams open: `OpenStreams`, and `chain_stop_signals`.

An SSE stream is a response that does not end by itself. When a server is asked to stop
(Ctrl+C is SIGINT, ``kill`` and container runtimes send SIGTERM), uvicorn stops accepting
connections and then waits for the responses under way to finish, which a ``while True``
stream never does: the server would wait forever, or until its graceful timeout cancels the
streams with a traceback each.

So the app keeps the set of its open streams, and chains its own handler in front of the
server's for SIGINT and SIGTERM (while the app is started, in the main thread). On the signal
it ends every open stream the way a client leaving does: the handler is cancelled, its
``finally`` blocks run, the stream's last chunk is sent, and the request's span records a
``server.stopping`` event. The server then sees every response complete and goes on stopping
at once. Nothing is logged as an error: stopping is normal.

Streams opened after the signal (a request already on its way) are ended as soon as they open.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["OpenStreams", "chain_stop_signals", "STOP_SIGNALS"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""The signals that mean "stop serving"."""


class Stoppable(Protocol):
    """What `OpenStreams` holds: a request (its `stario.context.Context`) whose stream can be ended for a shutdown."""

    def stop_for_shutdown(self) -> None: ...


class OpenStreams:
    """The requests of one app whose SSE stream is open; `stop_all` ends them for a shutdown."""

    def __init__(self) -> None:
        self._open: set[Stoppable] = set()
        #: True once the server began to stop: a stream that opens now is ended at once.
        self.stopping = False

    def add(self, request: Stoppable) -> None:
        """A stream opened."""
        if self.stopping:
            request.stop_for_shutdown()
            return
        self._open.add(request)

    def discard(self, request: Stoppable) -> None:
        """A stream ended."""
        self._open.discard(request)

    def stop_all(self) -> int:
        """End every open stream (and every one that opens later); returns how many were open."""
        self.stopping = True
        streams, self._open = self._open, set()
        for request in streams:
            request.stop_for_shutdown()
        return len(streams)

    def reset(self) -> None:
        """Serve streams again (an app started a second time, as tests do)."""
        self.stopping = False

    def __len__(self) -> int:
        return len(self._open)


def chain_stop_signals(on_stop: Callable[[], Any]) -> Callable[[], None]:
    """Call ``on_stop`` on the running loop when SIGINT or SIGTERM arrives, then the server's own
    handler; returns a function that puts the server's handlers back.

    Only in the main thread (where Python delivers signals), and only in front of a handler a
    server installed: with no server handling the signal, its default stops the process anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    installed: dict[int, tuple[Any, Any]] = {}
    for sig in STOP_SIGNALS:
        previous = signal.getsignal(sig)
        if not callable(previous) or previous is signal.default_int_handler:
            continue

        def handler(signum: int, frame: Any, previous: Any = previous) -> None:
            loop.call_soon_threadsafe(on_stop)
            previous(signum, frame)

        signal.signal(sig, handler)
        installed[sig] = (handler, previous)

    def restore() -> None:
        for sig, (handler, previous) in installed.items():
            if signal.getsignal(sig) is handler:  # unless someone replaced ours meanwhile
                signal.signal(sig, previous)

    return restore
