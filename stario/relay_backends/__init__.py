"""Brokers a `stario.relay.Relay` can use to reach other processes: `backend_from_url`.

- ``redis://host:6379/0`` (or ``rediss://``): Redis pub/sub, through the ``redis`` package's
  asyncio client (`stario.relay_backends.redis_backend`); ``pip install 'stario[redis]'``.
- ``postgresql://user@host/db``: Postgres LISTEN/NOTIFY through psycopg 3
  (`stario.relay_backends.postgres_backend`); ``pip install 'stario[postgres]'``.

Each backend follows `stario.relay_bridge.Backend`: a handful of async methods. Another broker
(NATS, say) is a class with the same methods, passed as ``Relay(backend=MyBackend(...))``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["backend_from_url"]


def backend_from_url(url: str) -> Any:
    """The backend a URL names (``STARIO_RELAY``'s value); `ValueError` for one Stario does not know."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in ("redis", "rediss", "unix"):
        from stario.relay_backends.redis_backend import RedisBackend

        return RedisBackend(url)
    if scheme in ("postgres", "postgresql"):
        from stario.relay_backends.postgres_backend import PostgresBackend

        return PostgresBackend(url)
    raise ValueError(
        f"STARIO_RELAY (or Relay(backend=...)) should be redis://host:port/db or postgresql://..., got {url!r}"
    )
