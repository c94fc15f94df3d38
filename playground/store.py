"""What the playground remembers between runs: the learner's code per lesson (and per toy), the
code Reset or Solve replaced (a restore point), and which lessons are complete. One SQLite file in
the user's data directory (``$STARIO_PLAYGROUND_DATA``, else ``$XDG_DATA_HOME/stario``, else
``~/.local/share/stario``), beside the token (see `stario.playground.security.load_token`)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

__all__ = ["Store", "data_dir"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS edits (
    lesson     TEXT PRIMARY KEY,   -- the lesson folder's name, 01-hello-query, or toy:NAME
    code       TEXT NOT NULL,      -- the learner's code, as last saved
    saved_at   REAL NOT NULL       -- seconds since the epoch
);
CREATE TABLE IF NOT EXISTS restore_points (
    lesson     TEXT PRIMARY KEY,   -- as in edits
    code       TEXT NOT NULL,      -- the learner's code before the last Reset or Solve
    saved_at   REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS completed (
    lesson       TEXT PRIMARY KEY,
    completed_at REAL NOT NULL
);
"""


def data_dir() -> Path:
    """The folder the playground keeps its file in (created when missing)."""
    explicit = os.environ.get("STARIO_PLAYGROUND_DATA")
    if explicit:
        folder = Path(explicit)
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        folder = Path(base) / "stario"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Store:
    """Edits and completed lessons, kept in ``playground.db``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "playground.db"
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def code(self, lesson: str) -> str | None:
        """The learner's saved code for ``lesson``, or None when they have not edited it."""
        row = self.db.execute("SELECT code FROM edits WHERE lesson = ?", [lesson]).fetchone()
        return None if row is None else row[0]

    def save(self, lesson: str, code: str) -> None:
        """Keep the learner's code for ``lesson``."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO edits VALUES (?, ?, ?)", [lesson, code, time.time()])

    def reset(self, lesson: str) -> None:
        """Forget the learner's code for ``lesson`` (back to the starting code)."""
        with self.db:
            self.db.execute("DELETE FROM edits WHERE lesson = ?", [lesson])

    def keep_restore_point(self, lesson: str, code: str) -> None:
        """Keep ``code`` as what "Restore my code" brings back (the code Reset or Solve replaces)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO restore_points VALUES (?, ?, ?)", [lesson, code, time.time()])

    def restore_point(self, lesson: str) -> str | None:
        """The code kept by the last Reset or Solve, or None."""
        row = self.db.execute("SELECT code FROM restore_points WHERE lesson = ?", [lesson]).fetchone()
        return None if row is None else row[0]

    def complete(self, lesson: str) -> None:
        """Mark ``lesson`` complete."""
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO completed VALUES (?, ?)", [lesson, time.time()])

    def completed(self) -> set[str]:
        """The lessons marked complete."""
        return {row[0] for row in self.db.execute("SELECT lesson FROM completed")}

    def close(self) -> None:
        """Close the file."""
        self.db.close()
