"""Redis pub/sub for the `stario.relay.Relay`: `RedisBackend` (``STARIO_RELAY=redis://...``).

Each Stario pattern becomes a Redis ``PSUBSCRIBE`` glob on the channel ``stario:<topic>``: a
literal segment is escaped, and ``*`` and ``>`` both become ``*``. A Redis glob's ``*`` also
matches dots, so Redis may send a little more than a pattern matches (``chat.*`` receives
``chat.a.b``); the relay matches every arrival exactly, so a subscription never gets more or less
than it would in process. Publishing is ``PUBLISH stario:<topic>``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

from stario.optional import require

__all__ = ["RedisBackend", "redis_glob"]

_PREFIX = "stario:"
_ALIVE = _PREFIX + "_"  # always subscribed, so the subscriber connection exists before any pattern


def redis_glob(pattern: str) -> str:
    """The Redis channel glob that receives (at least) what a Stario pattern matches."""
    parts = []
    for segment in pattern.split("."):
        parts.append("*" if segment in ("*", ">") else re.sub(r"([*?\[\]\\])", r"\\\1", segment))
    return _PREFIX + ".".join(parts)


class RedisBackend:
    """A relay's connection to Redis (see the module docstring)."""

    name = "redis"
    max_payload: int | None = None  # Redis carries up to 512 MB; inboxes bound what is kept

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: Any = None
        self._pubsub: Any = None

    async def connect(self) -> None:
        """Connect and check the server answers."""
        redis = require("redis.asyncio", "redis")
        await self.close()
        self._client = redis.Redis.from_url(self.url, socket_connect_timeout=2, retry_on_timeout=False)
        await self._client.ping()
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(_ALIVE)

    async def subscribe(self, patterns: Iterable[str]) -> None:
        """``PSUBSCRIBE`` the globs of these patterns."""
        globs = [redis_glob(pattern) for pattern in patterns]
        if globs and self._pubsub is not None:
            await self._pubsub.psubscribe(*globs)

    async def unsubscribe(self, patterns: Iterable[str]) -> None:
        """``PUNSUBSCRIBE`` them."""
        globs = [redis_glob(pattern) for pattern in patterns]
        if globs and self._pubsub is not None:
            await self._pubsub.punsubscribe(*globs)

    async def payloads(self) -> AsyncIterator[bytes]:
        """Each message's data, until the connection drops (then redis-py raises)."""
        async for message in self._pubsub.listen():
            if message.get("type") == "pmessage":
                yield message["data"]

    async def publish(self, topic: str, payload: bytes) -> None:
        """``PUBLISH stario:<topic> payload``."""
        if self._client is None:
            raise ConnectionError("not connected to Redis")
        await self._client.publish(_PREFIX + topic, payload)

    async def close(self) -> None:
        """Close the subscriber and the client."""
        pubsub, client, self._pubsub, self._client = self._pubsub, self._client, None, None
        with contextlib.suppress(Exception):
            if pubsub is not None:
                await pubsub.aclose()
        with contextlib.suppress(Exception):
            if client is not None:
                await client.aclose()
