"""The small containers a request is read through: headers, query parameters, form data, uploads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

__all__ = ["MultiDict", "Headers", "QueryParams", "FormData", "UploadedFile", "Locals"]

V = TypeVar("V")


class MultiDict(Mapping[str, V], Generic[V]):
    """A read-only mapping where a key may have several values, in order.

    ``md["tag"]`` is the first value (as browsers and most code expect); ``md.getall("tag")``
    is every value. Iteration yields each key once.
    """

    __slots__ = ("_items", "_first")

    def __init__(self, items: list[tuple[str, V]] | None = None) -> None:
        self._items: list[tuple[str, V]] = items or []
        first: dict[str, V] = {}
        for key, value in self._items:
            first.setdefault(key, value)
        self._first = first

    def __getitem__(self, key: str) -> V:
        return self._first[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def getall(self, key: str) -> list[V]:
        """Every value of ``key``, in the order they came (``[]`` when absent)."""
        return [value for name, value in self._items if name == key]

    def multi_items(self) -> list[tuple[str, V]]:
        """All (key, value) pairs, repeats included, in order."""
        return list(self._items)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"


class QueryParams(MultiDict[str]):
    """The decoded query string: ``c.query["q"]``, ``c.query.getall("tag")``."""

    __slots__ = ()


class Headers(MultiDict[str]):
    """Request headers with case-insensitive names: ``c.headers["content-type"]``."""

    __slots__ = ()

    def __init__(self, raw: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__([(name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in raw or ()])

    def __getitem__(self, key: str) -> str:
        return self._first[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._first

    def get(self, key: str, default=None):  # type: ignore[override]
        """The first value of header ``key`` (any case), or ``default``."""
        return self._first.get(key.lower(), default)

    def getall(self, key: str) -> list[str]:
        """Every value of header ``key`` (any case)."""
        return super().getall(key.lower())


class UploadedFile:
    """A file sent in a multipart form: its name, its content type and its bytes."""

    __slots__ = ("filename", "content_type", "data")

    def __init__(self, filename: str, content_type: str, data: bytes) -> None:
        self.filename = filename
        self.content_type = content_type
        self.data = data

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {self.size} bytes)"


class FormData(MultiDict["str | UploadedFile"]):
    """A submitted form: text fields are ``str``, file fields are `UploadedFile`."""

    __slots__ = ()


class Locals(SimpleNamespace):
    """Values that live as long as one request: ``c.locals.user = user`` in a middleware, then
    ``c.locals.user`` in the handler. Empty at the start of every request.

    ``c.locals.get("user")`` reads a value that may not have been set; reading a missing name
    directly raises `AttributeError` saying that nothing set it.
    """

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` when no middleware or handler set it."""
        return self.__dict__.get(name, default)

    def __getattr__(self, name: str) -> Any:
        # Only called when the name is missing.
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"c.locals has no {name!r}: nothing set it for this request (a middleware sets it with "
            f"c.locals.{name} = ...; use c.locals.get({name!r}) when it may be missing)"
        )

    def __repr__(self) -> str:
        return f"Locals({self.__dict__!r})"
