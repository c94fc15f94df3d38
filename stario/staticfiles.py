"""Serving a folder of files (CSS, images, fonts, media): `StaticFiles`, from ``app.static``.

::

    app.static("/static", Path(__file__).parent / "static")
    ...
    h.link({"rel": "stylesheet", "href": c.app.static_url("style.css")})
    # -> /static/style.3f2a9c1b7d4e.css

What it does, and why:

- **Fingerprinted URLs.** `StaticFiles.url` puts a hash of the file's content in its name. A
  browser may keep such a file for a year (``Cache-Control: immutable``): when the file changes,
  so does its URL. A plain URL (``/static/style.css``) is served with ``no-cache``: the browser
  keeps it but asks each time whether it changed, and gets ``304 Not Modified`` when it did not
  (``ETag`` with ``If-None-Match``, ``Last-Modified`` with ``If-Modified-Since``).
- **Byte ranges.** ``Range: bytes=...`` gets ``206 Partial Content`` (video and audio players
  seek this way), ``416`` when the range is past the end, and the whole file again when
  ``If-Range`` says the file changed.
- **Never outside the folder.** ``..``, encoded slashes, backslashes, NUL bytes, hidden names
  (``.env``, ``.git``) and symbolic links that lead out of the folder are all answered 404,
  exactly like a missing file.
- **Large files stream.** Files up to 256 KB are read whole (and kept while unchanged); larger
  ones are sent in 256 KB pieces, read in a worker thread, so a video does not sit in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import os
import re
from collections.abc import AsyncIterator
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from stario.errors import HTTPError

__all__ = ["StaticFiles", "parse_range"]

_WHOLE_FILE_LIMIT = 256 * 1024
_CHUNK = 256 * 1024
_HASH_LENGTH = 12
_FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[^./]+)?$")
_IMMUTABLE = "public, max-age=31536000, immutable"


class StaticFiles:
    """The files under ``directory``, served at ``prefix`` (see the module docstring)."""

    def __init__(self, directory: str | os.PathLike[str], prefix: str) -> None:
        root = Path(directory)
        if not root.is_dir():
            raise ValueError(f"app.static needs a folder; {str(root)!r} is not one (resolved: {root.resolve()})")
        self.directory = root.resolve()
        self.prefix = prefix.rstrip("/")

    def url(self, relative: str) -> str:
        """The fingerprinted URL of ``relative`` (``style.css`` -> ``/static/style.<hash>.css``).

        Raises `FileNotFoundError` when the folder has no such file.
        """
        path = self._resolve(relative)
        if path is None:
            raise FileNotFoundError(f"no file {relative!r} in the static folder {str(self.directory)!r}")
        stat = path.stat()
        digest = _content_hash(path, stat.st_mtime_ns, stat.st_size)
        parent, _, name = relative.strip("/").rpartition("/")
        stem, dot, suffix = name.rpartition(".")
        fingerprinted = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
        return f"{self.prefix}/{parent + '/' if parent else ''}{fingerprinted}"

    async def handle(self, c: Any, w: Any) -> None:
        """The handler of ``{prefix}/{path...}``: the file, its caching headers, ranges, 304."""
        relative = c.params["path"]
        path, hash_in_url = self._find(relative)
        stat = path.stat()
        # An old hash still gets today's file (a page from before a deploy), revalidated.
        immutable = hash_in_url is not None and hash_in_url == _content_hash(path, stat.st_mtime_ns, stat.st_size)
        etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
        last_modified = formatdate(stat.st_mtime, usegmt=True)
        w.header("Cache-Control", _IMMUTABLE if immutable else "no-cache")
        w.header("ETag", etag)
        w.header("Last-Modified", last_modified)
        w.header("Accept-Ranges", "bytes")
        w.header("X-Content-Type-Options", "nosniff")
        if _not_modified(c.headers, etag, stat.st_mtime):
            w.empty(304)
            return
        content_type = _content_type(path)
        size = stat.st_size
        wanted = c.headers.get("range")
        if wanted is not None and _range_still_valid(c.headers.get("if-range"), etag, last_modified):
            span = parse_range(wanted, size)
            if span == "unsatisfiable":
                w.header("Content-Range", f"bytes */{size}")
                w.text(f"the range {wanted!r} is outside this file of {size} bytes", status=416)
                return
            if span is not None:
                start, end = span
                w.header("Content-Range", f"bytes {start}-{end}/{size}")
                w.body_from(_read_chunks(path, start, end + 1), content_type, length=end - start + 1, status=206)
                return
        if size <= _WHOLE_FILE_LIMIT:
            w.raw(_read_small(path, stat.st_mtime_ns, size), content_type)
        else:
            w.body_from(_read_chunks(path, 0, size), content_type, length=size)

    # -- finding the file ------------------------------------------------------------------------

    def _find(self, relative: str) -> tuple[Path, str | None]:
        """The file a request names, and the hash its URL carried (None for a plain name)."""
        path = self._resolve(relative)
        if path is not None:
            return path, None
        match = _FINGERPRINTED.match(relative)
        if match is not None:
            path = self._resolve(match["stem"] + (match["suffix"] or ""))
            if path is not None:
                return path, match["hash"]
        raise HTTPError(404, f"no such file: {relative}")

    def _resolve(self, relative: str) -> Path | None:
        if not relative or "\x00" in relative or "\\" in relative:
            return None
        parts = relative.split("/")
        if any(part.startswith(".") for part in parts):  # "..", ".env", ".git": never served
            return None
        candidate = (self.directory / relative).resolve()  # symlinks followed: one leading out ends outside
        if self.directory not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def __repr__(self) -> str:
        return f"StaticFiles({str(self.directory)!r}, prefix={self.prefix!r})"


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """The one byte range a ``Range`` header asks for, as ``(first, last)`` inclusive.

    ``None`` when the header is not a single ``bytes`` range this server honours (then the whole
    file is sent, as RFC 9110 allows), ``"unsatisfiable"`` when it starts past the end.
    """
    unit, _, ranges = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in ranges:
        return None
    first, dash, last = ranges.strip().partition("-")
    if not dash:
        return None
    first, last = first.strip(), last.strip()
    if not (first.isdigit() or first == "") or not (last.isdigit() or last == "") or (not first and not last):
        return None
    if not first:  # "-500": the last 500 bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    if start >= size:
        return "unsatisfiable"
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None
    return start, end


def _not_modified(headers: Any, etag: str, mtime: float) -> bool:
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is not None:
        try:
            return int(mtime) <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


def _range_still_valid(if_range: str | None, etag: str, last_modified: str) -> bool:
    return if_range is None or if_range.strip() in (etag, last_modified)


def _content_type(path: Path) -> str:
    if path.suffix in (".js", ".mjs"):
        return "text/javascript; charset=utf-8"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/json", "image/svg+xml"):
        guessed += "; charset=utf-8"
    return guessed


@lru_cache(maxsize=1024)
def _content_hash(path: Path, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()[:_HASH_LENGTH]


@lru_cache(maxsize=256)
def _read_small(path: Path, mtime_ns: int, size: int) -> bytes:
    return path.read_bytes()


async def _read_chunks(path: Path, start: int, stop: int) -> AsyncIterator[bytes]:
    """Bytes ``start`` to ``stop`` of the file, in pieces read in a worker thread."""
    file = await asyncio.to_thread(path.open, "rb")
    try:
        await asyncio.to_thread(file.seek, start)
        remaining = stop - start
        while remaining > 0:
            chunk = await asyncio.to_thread(file.read, min(_CHUNK, remaining))
            if not chunk:
                raise RuntimeError(f"{path} became shorter while it was being sent")
            remaining -= len(chunk)
            yield chunk
    finally:
        await asyncio.to_thread(file.close)
