"""The toys: small, complete apps to copy into a project (``stario toys list`` / ``stario toys add``).

A toy is a folder ``toys/NAME/`` holding ``app.py`` (an app that needs only Stario) and
``README.md`` (``# Title``, then a one-line description, then how it works and how to adapt
it). Installed, the toys ship inside the package as ``stario/_toys``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Toy", "ToyError", "toys_dir", "list_toys", "get_toy", "add_toy"]


class ToyError(Exception):
    """A toy is unknown, or cannot be copied where asked."""


@dataclass
class Toy:
    """One toy: its name, title, one-line description and folder."""

    name: str
    title: str
    description: str
    path: Path

    @property
    def code(self) -> str:
        """The toy's ``app.py``."""
        return (self.path / "app.py").read_text(encoding="utf-8")

    @property
    def readme(self) -> str:
        """The toy's ``README.md``."""
        return (self.path / "README.md").read_text(encoding="utf-8")


def toys_dir() -> Path:
    """Where the toys are: the repository's ``toys/`` or, once installed, the copy in the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "toys", here / "_toys"):
        if candidate.is_dir():
            return candidate
    raise ToyError(f"no toys folder next to {here}")


def _read(folder: Path) -> Toy:
    lines = [line.strip() for line in (folder / "README.md").read_text(encoding="utf-8").splitlines() if line.strip()]
    title = lines[0].lstrip("# ").strip() if lines else folder.name
    description = lines[1] if len(lines) > 1 else ""
    return Toy(folder.name, title, description, folder)


def list_toys(folder: Path | None = None) -> list[Toy]:
    """Every toy, by name."""
    folder = folder or toys_dir()
    return [
        _read(path)
        for path in sorted(folder.iterdir())
        if path.is_dir() and (path / "app.py").is_file() and (path / "README.md").is_file()
    ]


def get_toy(name: str, folder: Path | None = None) -> Toy:
    """The toy called ``name``, or `ToyError` listing the ones there are."""
    toys = {toy.name: toy for toy in list_toys(folder)}
    if name not in toys:
        raise ToyError(f"no toy called {name!r}; there are: {', '.join(sorted(toys)) or 'none'}")
    return toys[name]


def add_toy(name: str, destination: Path | None = None, *, force: bool = False, folder: Path | None = None) -> Path:
    """Copy toy ``name`` to ``destination`` (default ``./NAME``) so it runs there.

    Serve it with ``stario serve DEST.app:app`` from the folder above. An existing destination
    is refused unless ``force``.
    """
    toy = get_toy(name, folder)
    target = Path(destination) if destination is not None else Path(name)
    occupied = target.is_file() or (target.is_dir() and any(target.iterdir()))
    if occupied and not force:
        raise ToyError(f"{target} already exists; pass --force to overwrite it")
    target.mkdir(parents=True, exist_ok=True)
    for item in toy.path.iterdir():
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(item, target / item.name)
    return target
