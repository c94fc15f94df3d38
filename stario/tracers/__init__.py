"""Tracers: where spans go.

- `MemoryTracer` (`stario.tracers.memory`): the last N spans in memory, plus a live async feed
  (the playground, tests);
- `JSONTracer` (`stario.tracers.jsonlines`): one JSON object a line, to stdout or a file;
- `SQLiteTracer` (`stario.tracers.sqlite`): a queryable file (``stario spans FILE`` reads it),
  for post-mortems; both writers are `BackgroundTracer`s (`stario.tracers.background`);
- `TTYTracer` (`stario.tracers.terminal`): a live view in the terminal: open requests update
  in place, finished ones scroll; drawn with `rich` by `stario.tracers.drawing`, which
  ``stario spans`` draws with too;
- `NoopTracer` (in `stario.telemetry`): nothing at all, and no span work on requests;
- `MultiTracer` (here): several of them at once.

Choose with ``STARIO_TRACER`` (``tty``, ``json[:path]``, ``sqlite[:path]``, ``memory``, ``noop``,
several separated by commas; read by `tracer_from_env`) or in code:
``Stario(..., tracer=SQLiteTracer("traces.db"))``. Left unset, spans go nowhere, except under
``stario serve`` run in a terminal, which picks ``tty`` for the server it starts.

No tracer ever blocks a request. The writers and the terminal view only append the span to a
bounded in-memory queue; a thread of their own does the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from stario.telemetry import NoopTracer, PlainRequest, Span, Tracer
from stario.tracers.background import BackgroundTracer
from stario.tracers.jsonlines import JSONTracer
from stario.tracers.memory import MemoryTracer, SpanFeed
from stario.tracers.sqlite import SCHEMA, SQLiteTracer
from stario.tracers.terminal import TTYTracer, shared_tracer

__all__ = [
    "MemoryTracer",
    "SpanFeed",
    "JSONTracer",
    "SQLiteTracer",
    "BackgroundTracer",
    "TTYTracer",
    "MultiTracer",
    "NoopTracer",
    "tracer_from_env",
    "SCHEMA",
]


class MultiTracer:
    """Hands every span to several tracers (and plain requests, when they all take them)."""

    def __init__(self, tracers: Iterable[Tracer]) -> None:
        #: The tracers, fixed once made: whether they all take plain requests is decided here.
        self.tracers = tuple(tracers)
        #: True when every tracer takes plain requests without a span (``sqlite,json``): see
        #: `stario.telemetry.Tracer`. One that watches requests start (``memory``) needs the spans.
        self.takes_plain_requests = all(getattr(tracer, "takes_plain_requests", False) is True for tracer in self.tracers)

    def on_request(self, request: PlainRequest) -> None:
        """Hand a plain request to every tracer (when they all take them)."""
        for tracer in self.tracers:
            tracer.on_request(request)  # type: ignore[attr-defined]

    def on_start(self, span: Span) -> None:
        """Tell every tracer."""
        for tracer in self.tracers:
            tracer.on_start(span)

    def on_end(self, span: Span) -> None:
        """Tell every tracer."""
        for tracer in self.tracers:
            tracer.on_end(span)

    def flush(self, timeout: float = 5.0) -> bool:
        """Flush the tracers that queue spans; False if one could not finish in ``timeout``."""
        done = True
        for tracer in self.tracers:
            flush = getattr(tracer, "flush", None)
            if flush is not None:
                done = flush(timeout) and done
        return done

    def report_drops(self) -> None:
        """Let every tracer that can drop spans say how many it dropped."""
        for tracer in self.tracers:
            report = getattr(tracer, "report_drops", None)
            if report is not None:
                report()

    def close(self) -> None:
        """Close the tracers that can be closed."""
        for tracer in self.tracers:
            close = getattr(tracer, "close", None)
            if close is not None:
                close()


def tracer_from_env(value: str | None = None) -> Tracer:
    """The tracer ``STARIO_TRACER`` (or ``value``) names; unset means none (`NoopTracer`).

    ``tty``, ``json`` (stdout) or ``json:PATH``, ``sqlite`` (traces.db) or ``sqlite:PATH``,
    ``otlp`` or ``otlp:http://collector:4318`` (`stario.tracers.otlp`), ``memory``, ``noop``;
    several separated by commas.

    Unset, the answer is always the `NoopTracer`, in a terminal too: an app built in a REPL or a
    test starts no thread and leaves nothing to run at exit. The terminal view is chosen by
    ``stario serve``, which sets ``STARIO_TRACER=tty`` for the server it starts when its stderr
    is a terminal and ``STARIO_TRACER`` is unset.
    """
    if value is None:
        value = os.environ.get("STARIO_TRACER")
    if value is None:
        return NoopTracer()
    tracers: list[Tracer] = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        kind, _, argument = item.partition(":")
        kind = kind.lower()
        if kind == "noop":
            continue
        if kind == "tty":
            tracers.append(shared_tracer())
        elif kind == "json":
            tracers.append(JSONTracer(argument) if argument else JSONTracer())
        elif kind == "sqlite":
            tracers.append(SQLiteTracer(argument or "traces.db"))
        elif kind == "memory":
            tracers.append(MemoryTracer(int(argument) if argument else 1000))
        elif kind == "otlp":
            from stario.tracers.otlp import OTLPTracer  # its protobufs only when asked for

            tracers.append(OTLPTracer(argument or None))
        else:
            raise ValueError(
                f"STARIO_TRACER: unknown tracer {kind!r} in {value!r}; use tty, json[:path], sqlite[:path], otlp[:endpoint], memory or noop"
            )
    if not tracers:
        return NoopTracer()
    return tracers[0] if len(tracers) == 1 else MultiTracer(tracers)
