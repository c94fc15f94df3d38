"""Optional dependencies: `require` imports one, or says which extra of Stario brings it."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["require"]


def require(module: str, extra: str) -> Any:
    """Import ``module``, or raise `ImportError` saying ``pip install 'stario[EXTRA]'``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"this needs the {module!r} package: pip install 'stario[{extra}]'") from None
