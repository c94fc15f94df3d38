"""What an app keeps between requests: `State` (``app.state.db = ...``, read as ``c.state.db``)."""

from __future__ import annotations

from typing import Any

__all__ = ["State"]


class State:
    """A namespace for what the app keeps between requests (``app.state.db = ...``)."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"app.state has no {name!r}; set it first (for example in bootstrap: app.state.{name} = ...)"
        )

    def __repr__(self) -> str:
        return f"State({vars(self)!r})"
