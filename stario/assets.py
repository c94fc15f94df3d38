"""Stario's own files for the browser (the client), served by every app under ``/_stario/``.

The client's URL carries a hash of its content (``/_stario/client.js?v=3f2a...``), so browsers
may cache it for a year: a new version has a new URL. ``STARIO_DATASTAR_URL`` points pages at
another build instead (the official Datastar bundle on its CDN, say); apps work with either.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from stario.errors import HTTPError

__all__ = ["STATIC_DIR", "PREFIX", "client_url", "asset_version", "serve_asset"]

STATIC_DIR = Path(__file__).parent / "static"
"""The folder of Stario's browser files."""

PREFIX = "/_stario"
"""Where every app serves them."""


@lru_cache(maxsize=None)
def asset_version(name: str) -> str:
    """A short hash of a static file's content, used in its URL."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def client_url() -> str:
    """The URL pages load the browser client from (``STARIO_DATASTAR_URL`` overrides it)."""
    override = os.environ.get("STARIO_DATASTAR_URL")
    if override:
        return override
    return f"{PREFIX}/client.js?v={asset_version('client.js')}"


def resolve(relative: str) -> Path:
    """The file ``relative`` names inside `STATIC_DIR`; 404 for anything outside it or missing."""
    if not relative or "\x00" in relative or "\\" in relative:
        raise HTTPError(404, "no such file")
    root = STATIC_DIR.resolve()
    candidate = (root / relative).resolve()  # follows symlinks: an escaping link ends up outside
    if candidate == root or root not in candidate.parents or not candidate.is_file():
        raise HTTPError(404, "no such file")
    return candidate


@lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


async def serve_asset(c, w) -> None:
    """The handler for ``/_stario/{path...}``: Stario's static files, cached when versioned."""
    relative = c.params["path"]
    path = resolve(relative)
    if path.suffix in (".js", ".mjs"):
        content_type = "text/javascript; charset=utf-8"
    else:
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
    version = c.query.get("v")
    if version is not None and version == asset_version(path.relative_to(STATIC_DIR.resolve()).as_posix()):
        w.header("Cache-Control", "public, max-age=31536000, immutable")
    else:
        w.header("Cache-Control", "no-cache")
    w.header("X-Content-Type-Options", "nosniff")
    w.raw(_read(path, path.stat().st_mtime_ns), content_type)
