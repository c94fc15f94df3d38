"""Signed-cookie sessions: `c.session`, a dict that comes back with the browser's next request.

::

    app = Stario(secret_key=os.environ["STARIO_SECRET_KEY"])   # or just set STARIO_SECRET_KEY

    async def vote(c: Context, w: Writer) -> None:
        if c.session.get("voted"):
            raise HTTPError(409, "you have voted already")
        c.session["voted"] = True          # changed: the response carries a new cookie

The whole session travels in one cookie, as JSON signed with the app's secret key (by
`itsdangerous`, as Flask and Starlette do): the browser can read it but cannot change it, and a
cookie that was changed, signed with an unknown key, or is older than ``max_age`` reads as an
empty session, never as an error. So keep it small (ids, flags; a cookie holds about 4 KB) and
never put secrets in it.

- **Lazy.** A request that never touches ``c.session`` pays nothing; one that only reads it
  sends no cookie back. Changing it (set, delete, `Session.clear`, `Session.rotate`) re-sends it.
- **Safe defaults.** ``HttpOnly`` (scripts cannot read it), ``SameSite=Lax`` (other sites'
  forms do not carry it), ``Secure`` when the request came over https, ``Path=/``.
- **Key rotation.** ``secret_key`` may be a list, newest first: the newest signs, every key
  verifies, so sessions survive while an old key is phased out. ``STARIO_SECRET_KEY`` takes
  several keys separated by commas.
- **Logging in.** Call `Session.rotate` when the user logs in: the session gets a new id, and the
  ids a page may have seen before the login stop matching (session fixation). A signed cookie
  cannot be revoked by the server; for "log out everywhere", keep a per-user counter in your
  database, store it in the session, and compare.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, MutableMapping
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer

__all__ = ["Session", "SessionCookies", "SessionTooLarge", "keys_from_env", "MISSING_KEY_MESSAGE"]

MISSING_KEY_MESSAGE = (
    "c.session needs a secret key to sign its cookie: Stario(secret_key=...) or the STARIO_SECRET_KEY "
    "environment variable. Make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
)
"""What `c.session` says when the app has no secret key."""

_MIN_KEY_LENGTH = 16


class SessionTooLarge(ValueError):
    """The signed session is bigger than a browser keeps in one cookie."""


class Session(MutableMapping[str, Any]):
    """One request's session: a dict of JSON values, plus `id`, `rotate` and `changed`.

    Made by `SessionCookies.load`; handlers reach it as ``c.session``.
    """

    __slots__ = ("_data", "_id", "changed", "_sent", "_cookies")

    def __init__(
        self, data: dict[str, Any] | None = None, session_id: str | None = None, cookies: SessionCookies | None = None
    ) -> None:
        self._data: dict[str, Any] = data or {}
        self._id = session_id
        self._cookies = cookies
        #: True once the session was changed, so the response re-sends (or deletes) its cookie.
        self.changed = False
        self._sent = False

    @property
    def id(self) -> str:
        """A random id for this session, made when first asked for and kept in the cookie.

        It changes on `rotate` and `clear`; use it to tell sessions apart, not to authenticate.
        """
        if self._id is None:
            self._change()
            self._id = secrets.token_urlsafe(16)
        return self._id

    def rotate(self) -> None:
        """Give the session a new id, keeping its values: call it when the user logs in."""
        self._change()
        self._id = secrets.token_urlsafe(16)

    def clear(self) -> None:
        """Forget every value and the id; the browser is told to delete the cookie (log out)."""
        if self._data or self._id is not None:
            self._change()
        self._data.clear()
        self._id = None

    def cookie_header(self, *, secure: bool) -> str:
        """The ``Set-Cookie`` value for this session; from then on it cannot change (its headers went out)."""
        if self._cookies is None:
            raise RuntimeError("this session was not loaded by SessionCookies, so it has no cookie to write")
        self._sent = True
        self.changed = False  # written once: an error page after a failure here sends no cookie
        return self._cookies.set_cookie_header(self, secure=secure)

    def mark_sent(self) -> None:
        """Called when the response's headers go out: changing the session after that is an error."""
        self._sent = True

    def _change(self) -> None:
        if self._sent:
            raise RuntimeError(
                "the session changed after the response's headers were sent, so its cookie cannot go "
                "with them: change c.session before the first event of a stream (or before returning)"
            )
        self.changed = True

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` (the dict's own lookup: no exception on a miss)."""
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"session keys are strings, got {key!r}")
        if key not in self._data or self._data[key] != value:
            self._change()
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._change()

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Session({self._data!r}{', changed' if self.changed else ''})"

    def payload(self) -> dict[str, Any]:
        """What goes into the cookie: the values and the id."""
        return {"d": self._data, "i": self._id}


class SessionCookies:
    """How an app signs and reads its session cookie (made by `Stario` from its ``secret_key``).

    ``keys`` are newest first. ``max_age`` (seconds) is how long a session lasts without being
    re-sent; ``max_bytes`` bounds the cookie (browsers keep about 4 KB per cookie).
    """

    def __init__(
        self,
        keys: str | bytes | list[str | bytes] | tuple[str | bytes, ...],
        *,
        cookie_name: str = "stario_session",
        max_age: int = 14 * 24 * 3600,
        max_bytes: int = 4000,
    ) -> None:
        key_list = [keys] if isinstance(keys, (str, bytes)) else list(keys)
        if not key_list:
            raise ValueError("secret_key is empty; give at least one key")
        for key in key_list:
            if not isinstance(key, (str, bytes)) or len(key) < _MIN_KEY_LENGTH:
                raise ValueError(
                    f"a secret key must be at least {_MIN_KEY_LENGTH} characters of random text; make one with "
                    "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
                )
        # itsdangerous signs with the last key of its list and verifies with all of them.
        self._serializer = URLSafeTimedSerializer(list(reversed(key_list)), salt="stario.session")
        if not cookie_name.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"a session cookie name is letters, digits, '-' and '_', got {cookie_name!r}")
        self.cookie_name = cookie_name
        self.max_age = max_age
        self.max_bytes = max_bytes

    def load(self, cookie_value: str | None) -> Session:
        """The session in a cookie's value; an empty one when it is missing, tampered with or expired."""
        if not cookie_value:
            return Session(cookies=self)
        try:
            payload = self._serializer.loads(cookie_value, max_age=self.max_age)
        except (BadData, ValueError, TypeError):
            return Session(cookies=self)
        if not isinstance(payload, dict) or not isinstance(payload.get("d"), dict):
            return Session(cookies=self)
        session_id = payload.get("i")
        return Session(payload["d"], session_id if isinstance(session_id, str) else None, self)

    def dump(self, session: Session) -> str:
        """The signed cookie value for ``session``; `SessionTooLarge` past ``max_bytes``."""
        try:
            value = self._serializer.dumps(session.payload())
        except (TypeError, ValueError) as exc:
            raise TypeError(f"a session holds JSON values (str, int, float, bool, None, lists, dicts): {exc}") from None
        if len(value) > self.max_bytes:
            raise SessionTooLarge(
                f"the session is {len(value)} bytes once signed; a cookie holds about {self.max_bytes}. "
                "Keep ids in the session and the data they point to in your database"
            )
        return value

    def set_cookie_header(self, session: Session, *, secure: bool) -> str:
        """The ``Set-Cookie`` value that stores ``session`` (or deletes the cookie when it is empty)."""
        # The signed value is URL-safe base64 and dots, so it needs no quoting.
        if len(session) == 0 and session.payload()["i"] is None:
            value, max_age = "", 0
        else:
            value, max_age = self.dump(session), self.max_age
        header = f"{self.cookie_name}={value}; HttpOnly; Max-Age={max_age}; Path=/; SameSite=Lax"
        return header + "; Secure" if secure else header


def keys_from_env() -> list[str] | None:
    """The keys in ``STARIO_SECRET_KEY`` (comma-separated, newest first), or None when it is unset."""
    raw = os.environ.get("STARIO_SECRET_KEY", "").strip()
    if not raw:
        return None
    return [key.strip() for key in raw.split(",") if key.strip()]
