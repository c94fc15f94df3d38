"""Reading JSON a client sent: `parse_client_json`.

``json.loads`` trusts its input more than a server can: about a thousand nested brackets raise
`RecursionError`, and an integer of more than 4,300 digits raises `ValueError` (Python's guard
against slow conversions). Both come from the client, so both are answered 400 here, with what
is wrong, like any other malformed JSON, and never logged as a server error.
"""

from __future__ import annotations

import json
from typing import Any

from stario.errors import HTTPError

__all__ = ["parse_client_json"]


def parse_client_json(text: str | bytes, where: str, *, plural: bool = False) -> Any:
    """``text`` parsed as JSON; `HTTPError` 400 naming the problem when the client sent bad JSON.

    ``where`` names what was read ("the request body", or with ``plural`` "signals in ..."),
    as the subject of the message.
    """
    be = "are" if plural else "is"
    try:
        return json.loads(text)
    except RecursionError:
        raise HTTPError(400, f"{where} {be} JSON nested too deeply to read") from None
    except UnicodeDecodeError as exc:
        raise HTTPError(400, f"{where} {be} not valid JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        raise HTTPError(400, f"{where} {be} not valid JSON: {exc}") from None
    except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
        raise HTTPError(400, f"{where} {'hold' if plural else 'holds'} a number too long to read (more than 4,300 digits): {exc}") from None
