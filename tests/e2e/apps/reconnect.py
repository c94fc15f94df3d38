"""A stream the server breaks, to see the client reconnect (DATASTAR.md 1.2 and 2.3).

Under the default retry 'auto' the client retries only a *network failure*, not a stream the
server ended cleanly. So the first request of a "broken" stream sends one event (with an id) and
then raises `BrokenConnection`, a BaseException: it escapes Stario's error handling (which would
end the response cleanly), so uvicorn closes the socket without the final empty chunk and the
browser sees a truncated body (ERR_INCOMPLETE_CHUNKED_ENCODING). The second request shows the
``last-event-id`` header it carried.

Each test uses its own key, so the attempt logs do not mix.
"""

import asyncio

from stario import Context, HTTPError, Query, Stario, Writer
from stario.datastar import PatchElements
from tests.e2e.apps.common import page

attempts: dict[str, list[str | None]] = {}
"""The last-event-id header of each request, by key."""


class BrokenConnection(BaseException):
    """Not an Exception: Stario lets it through, and uvicorn drops the connection."""


OPTIONS = {
    "always": ", {retry: 'always', retryInterval: 200}",
    "error": ", {retry: 'error', retryInterval: 100, retryMaxCount: 2}",
}


async def home(c: Context):
    key, variant = c.params["key"], c.params["variant"]
    return page(
        f"""
        <h1>Reconnect ({variant})</h1>
        <div data-signals="{{failed: 0}}"
             data-on:datastar-fetch="evt.detail.type === 'retries-failed' && $failed++"></div>
        <span id="failed" data-text="$failed"></span>
        <div data-init="@get('/{"failing" if variant == "error" else "stream"}/{key}/{variant}'{OPTIONS.get(variant, '')})"></div>
        <p id="first">waiting</p>
        <p id="last-id">none yet</p>
        """
    )


async def stream(c: Context):
    key, variant = c.params["key"], c.params["variant"]
    log = attempts.setdefault(key, [])
    log.append(c.headers.get("last-event-id"))
    if len(log) == 1:
        retry = 300 if variant == "retry" else None
        yield PatchElements(f'<p id="first">attempt 1 ({variant})</p>', event_id="1", retry_duration=retry)
        if variant in ("clean", "always"):
            return  # a clean end: not retried under 'auto', retried under 'always'
        await asyncio.sleep(0.1)  # let the event reach the browser before the connection breaks
        raise BrokenConnection
    yield f'<p id="last-id">{log[-1]}</p>'
    await asyncio.sleep(3600)  # stay open


async def failing(c: Context, w: Writer) -> None:
    # Not a generator: a generator handler has sent 200 before its first line runs.
    attempts.setdefault(c.params["key"], []).append(c.headers.get("last-event-id"))
    raise HTTPError(503, "try again")  # retried only because of retry 'error'


async def attempts_of(c: Context, w: Writer) -> None:
    """The requests so far: the last-event-id of each (null when it carried none)."""
    w.json(attempts.get(c.params["key"], []))


app = Stario(
    Query("/page/{key}/{variant}", home),
    Query("/stream/{key}/{variant}", stream),
    Query("/failing/{key}/{variant}", failing),
    Query("/attempts/{key}", attempts_of),
)
