"""Postgres LISTEN/NOTIFY for the `stario.relay.Relay`: `PostgresBackend` (``STARIO_RELAY=postgresql://...``).

For apps whose database is Postgres already: no other server to run. One channel,
``stario_relay``, carries every message; each process's relay matches topics itself. Postgres
limits a notification's payload to 8,000 bytes, so a bigger message is refused at `publish` with
a `ValueError` that says so (publish an id, and let subscribers read the row).

psycopg 3 is the driver: the maintained successor of psycopg2, which most Python apps on Postgres
already use, and its async connection hands notifications over as an async iterator. Two
connections per process: one listens, one sends.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

from stario.optional import require

__all__ = ["PostgresBackend", "CHANNEL"]

CHANNEL = "stario_relay"


class PostgresBackend:
    """A relay's connections to Postgres (see the module docstring)."""

    name = "postgres"
    max_payload: int | None = 7999  # NOTIFY refuses payloads of 8000 bytes or more

    def __init__(self, url: str) -> None:
        self.url = url
        self._listener: Any = None
        self._sender: Any = None

    async def connect(self) -> None:
        """Open the listening and the sending connections, and ``LISTEN``."""
        psycopg = require("psycopg", "postgres")
        await self.close()
        self._listener = await psycopg.AsyncConnection.connect(self.url, autocommit=True, connect_timeout=2)
        await self._listener.execute(f"LISTEN {CHANNEL}")
        self._sender = await psycopg.AsyncConnection.connect(self.url, autocommit=True, connect_timeout=2)

    async def subscribe(self, patterns: Iterable[str]) -> None:
        """Nothing to do: one channel carries every topic."""

    async def unsubscribe(self, patterns: Iterable[str]) -> None:
        """Nothing to do."""

    async def payloads(self) -> AsyncIterator[bytes]:
        """Each notification's payload, until the connection drops (then psycopg raises)."""
        async for notification in self._listener.notifies():
            yield notification.payload.encode()

    async def publish(self, topic: str, payload: bytes) -> None:
        """``SELECT pg_notify('stario_relay', payload)``."""
        if self._sender is None:
            raise ConnectionError("not connected to Postgres")
        await self._sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload.decode()))

    async def close(self) -> None:
        """Close both connections."""
        for connection in (self._listener, self._sender):
            with contextlib.suppress(Exception):
                if connection is not None:
                    await connection.close()
        self._listener = self._sender = None
