"""Compressing responses: gzip always, brotli and zstd when installed (``pip install stario[compression]``).

Turned on per app, ``Stario(compression=True)`` (or ``Compression(...)`` to tune it). Then:

- The encoding is the client's choice among those available, by ``Accept-Encoding`` and its
  ``q`` values; on a tie the server prefers zstd, then br, then gzip (smaller for the same
  work). A client that asks for none gets the body as it is.
- A body is compressed when it is at least ``minimum_size`` bytes (500 by default: below that,
  headers cost more than compression saves) and its type is text-like (HTML, CSS, JavaScript,
  JSON, SVG, XML, plain text). Images, video, fonts and archives are compressed already.
- Never compressed: ``204``, ``304`` and ``206`` responses (a byte range counts bytes of the
  file itself), responses that already say ``Content-Encoding``, and bodies streamed with
  ``w.body_from`` (large files, sent as they are).
- **SSE streams are compressed too**, one compressor for the whole stream, flushed after every
  write (one event, or the several a generator handler had ready at once) so the browser gets
  each event at once. A stream of Datastar morphs repeats itself
  (the same tags, ids and classes event after event), so it shrinks many times over.
- Every response that could have been compressed says ``Vary: Accept-Encoding``, so a cache
  between the app and the browser never gives a compressed body to a client that cannot read it.

`decoder` is the other side: an incremental decompressor for a ``Content-Encoding``, used by the
test client and the playground's proxy to read what they pass on.
"""

from __future__ import annotations

import zlib
from typing import Any, Protocol

__all__ = ["Compression", "Encoder", "available_encodings", "choose_encoding", "decoder"]

try:  # optional: pip install stario[compression]
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None
try:
    import zstandard as _zstd
except ImportError:  # pragma: no cover - depends on the environment
    _zstd = None

_COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/xhtml+xml",
    "application/manifest+json",
    "application/wasm",
    "image/svg+xml",
)
_PREFERENCE = ("zstd", "br", "gzip")  # the server's order on a tie


def available_encodings() -> tuple[str, ...]:
    """The encodings this installation can write, in the server's order of preference."""
    return tuple(
        name for name in _PREFERENCE if name == "gzip" or (name == "br" and _brotli) or (name == "zstd" and _zstd)
    )


def choose_encoding(accept_encoding: str, offered: tuple[str, ...]) -> str | None:
    """The encoding to use for a request's ``Accept-Encoding``, or None for the body as it is.

    ``offered`` is in the server's order of preference, which breaks ties between equal ``q``.
    """
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        weights[name] = q
    best, best_q = None, 0.0
    for name in offered:
        q = weights.get(name, weights.get("*", 0.0))
        if q > best_q:
            best, best_q = name, q
    return best


class Encoder(Protocol):
    """One response's compressor: ``compress`` returns what is ready (flushed), ``finish`` the rest."""

    def compress(self, data: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


class _Gzip:
    __slots__ = ("_z",)

    def __init__(self, level: int) -> None:
        self._z = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: the gzip wrapper

    def compress(self, data: bytes) -> bytes:
        return self._z.compress(data) + self._z.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._z.flush(zlib.Z_FINISH)


class _Brotli:
    __slots__ = ("_c",)

    def __init__(self, quality: int) -> None:
        self._c = _brotli.Compressor(quality=quality)  # type: ignore[union-attr]

    def compress(self, data: bytes) -> bytes:
        return self._c.process(data) + self._c.flush()

    def finish(self) -> bytes:
        return self._c.finish()


class _Zstd:
    __slots__ = ("_c",)

    def __init__(self, level: int) -> None:
        self._c = _zstd.ZstdCompressor(level=level).compressobj()  # type: ignore[union-attr]

    def compress(self, data: bytes) -> bytes:
        return self._c.compress(data) + self._c.flush(_zstd.COMPRESSOBJ_FLUSH_BLOCK)  # type: ignore[union-attr]

    def finish(self) -> bytes:
        return self._c.flush()


class Compression:
    """An app's compression settings: ``Stario(compression=Compression(minimum_size=1000))``.

    ``encodings`` limits what is offered (default: every one installed); ``gzip_level``,
    ``brotli_quality`` and ``zstd_level`` trade CPU for size (the defaults favour speed, as a
    server that compresses every response should).
    """

    def __init__(
        self,
        *,
        minimum_size: int = 500,
        encodings: tuple[str, ...] | None = None,
        gzip_level: int = 6,
        brotli_quality: int = 4,
        zstd_level: int = 3,
    ) -> None:
        installed = available_encodings()
        if encodings is None:
            encodings = installed
        unknown = [name for name in encodings if name not in installed]
        if unknown:
            raise ValueError(
                f"cannot compress with {', '.join(unknown)} here (available: {', '.join(installed)}); "
                "br and zstd come with: pip install 'stario[compression]'"
            )
        self.minimum_size = minimum_size
        self.encodings = tuple(name for name in _PREFERENCE if name in encodings)
        self.gzip_level = gzip_level
        self.brotli_quality = brotli_quality
        self.zstd_level = zstd_level

    def compressible(self, content_type: bytes | str) -> bool:
        """True for text-like types worth compressing (not images, video, fonts or archives)."""
        kind = content_type.decode("latin-1") if isinstance(content_type, bytes) else content_type
        kind = kind.split(";", 1)[0].strip().lower()
        return kind.startswith(_COMPRESSIBLE)

    def choose(self, headers: list[tuple[bytes, bytes]]) -> str | None:
        """The encoding for a request with these (ASGI) headers, or None."""
        for name, value in headers:
            if name == b"accept-encoding":
                return choose_encoding(value.decode("latin-1"), self.encodings)
        return None

    def encoder(self, encoding: str) -> Encoder:
        """A fresh compressor for one response."""
        if encoding == "gzip":
            return _Gzip(self.gzip_level)
        if encoding == "br":
            return _Brotli(self.brotli_quality)
        if encoding == "zstd":
            return _Zstd(self.zstd_level)
        raise ValueError(f"unknown encoding {encoding!r}")

    def compress(self, encoding: str, body: bytes) -> bytes:
        """``body`` compressed whole."""
        if encoding == "gzip":
            return zlib.compress(body, self.gzip_level, wbits=31)
        if encoding == "br":
            return _brotli.compress(body, quality=self.brotli_quality)  # type: ignore[union-attr]
        if encoding == "zstd":
            return _zstd.ZstdCompressor(level=self.zstd_level).compress(body)  # type: ignore[union-attr]
        raise ValueError(f"unknown encoding {encoding!r}")

    def __repr__(self) -> str:
        return f"Compression(minimum_size={self.minimum_size}, encodings={self.encodings})"


class _Identity:
    def decompress(self, data: bytes) -> bytes:
        return data


class _GzipDecoder:
    def __init__(self) -> None:
        self._d = zlib.decompressobj(47)  # 47: gzip or zlib, detected

    def decompress(self, data: bytes) -> bytes:
        return self._d.decompress(data)


class _BrotliDecoder:
    def __init__(self) -> None:
        self._d = _brotli.Decompressor()  # type: ignore[union-attr]

    def decompress(self, data: bytes) -> bytes:
        return self._d.process(data)


class _ZstdDecoder:
    def __init__(self) -> None:
        self._d = _zstd.ZstdDecompressor().decompressobj()  # type: ignore[union-attr]

    def decompress(self, data: bytes) -> bytes:
        return self._d.decompress(data)


def decoder(content_encoding: str | None) -> Any:
    """An incremental decompressor (``.decompress(chunk) -> bytes``) for a ``Content-Encoding``.

    Raises `ValueError` for an encoding this installation cannot read.
    """
    name = (content_encoding or "").strip().lower()
    if name in ("", "identity"):
        return _Identity()
    if name == "gzip":
        return _GzipDecoder()
    if name == "br" and _brotli is not None:
        return _BrotliDecoder()
    if name == "zstd" and _zstd is not None:
        return _ZstdDecoder()
    raise ValueError(f"cannot decode Content-Encoding {content_encoding!r} here")
