"""Reading a stream of Server-Sent Events back: `SSEParser` and the `ReadEvent`s it gives.

The test client (`stario.testing`) and the playground's preview proxy read streams with it; the
browser's own reader follows the same rules (DATASTAR.md 1.6).
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["SSEParser", "ReadEvent"]


class ReadEvent(NamedTuple):
    """One event read back from a stream: its type, its data lines, the last id and its retry,
    and ``raw``: its exact lines as they came (comments included), each ending in a newline."""

    type: str
    data: list[str]
    id: str | None
    retry: int | None
    raw: str = ""


_LINE_END = re.compile(r"\r\n|\r|\n")


class SSEParser:
    """An incremental SSE reader following the browser's rules (DATASTAR.md 1.6).

    `feed` it text as it arrives; it returns the events finished so far. Lines end in ``\n``,
    ``\r\n`` or ``\r``; a line is ``field: value`` (one optional space stripped); comments and
    lines without a colon are skipped; a blank line ends an event; the last ``id`` carries over.
    An event without ``event:`` is a ``message``; one with neither type nor data is dropped.
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._type: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._data: list[str] = []
        self._raw: list[str] = []

    def feed(self, text: str) -> list[ReadEvent]:
        """Take in more text; return the events it finished."""
        buffer = self._buffer + text
        events = []
        position = 0
        while True:
            match = _LINE_END.search(buffer, position)
            if match is None or (match.group() == "\r" and match.end() == len(buffer)):
                break  # no whole line yet (a lone \r at the end may be half of \r\n)
            event = self._line(buffer[position : match.start()])
            position = match.end()
            if event is not None:
                events.append(event)
        self._buffer = buffer[position:]
        return events

    def _line(self, line: str) -> ReadEvent | None:
        if line == "":
            event = None
            if self._data or self._type:
                raw = "".join(f"{kept}\n" for kept in self._raw)
                event = ReadEvent(self._type or "message", self._data, self._id, self._retry, raw)
            self._type, self._data, self._retry, self._raw = None, [], None, []
            return event
        self._raw.append(line)
        name, colon, value = line.partition(":")
        if not colon or not name:
            return None  # no field name (a comment) or no colon at all
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._type = value
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None
