"""The three ways to write a handler, turned into one at registration.

Every handler ends up as the explicit form, ``async def h(c: Context, w: Writer) -> None``.
The two shorter forms are sugar over it, recognised once when the route is added (never per
request):

- **returns**: ``async def home(): return "<h1>Hi</h1>"``. HTML (a ``str`` or anything with
  ``__html__``) answers 200 ``text/html``; ``None`` answers 204. It may take ``(c)`` or nothing.
- **yields**: ``async def ticks(c): yield "<p id=t>1</p>"``. Each item becomes an SSE event
  (see `stario.datastar.to_event`). The response head goes out with the first item, as in Go
  (see `STREAM_GRACE`), so ``raise HTTPError(404, ...)`` before it still answers 404. When
  the browser goes away the generator is closed, so its ``finally`` runs. It may take
  ``(c, w)``, ``(c)`` or nothing. Items it has ready one after another, without waiting in
  between, go out in one write (see `_send_the_rest`).
"""

from __future__ import annotations

import asyncio
import inspect
import types
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from stario.datastar import Event, to_event
from stario.errors import ClientDisconnected

__all__ = ["Handler", "Middleware", "adapt", "answer", "STREAM_GRACE", "HOLD_BYTES"]

Handler = Callable[[Any, Any], Awaitable[None]]
"""The explicit handler form: ``async (c: Context, w: Writer) -> None``."""

Middleware = Callable[[Handler], Handler]
"""Middleware takes the next handler and returns a handler that wraps it."""


def adapt(fn: Callable[..., Any], where: str = "") -> Handler:
    """Return the explicit ``(c, w)`` form of any supported handler, or raise `TypeError` saying why."""
    label = getattr(fn, "__qualname__", repr(fn)) + (f" (for {where})" if where else "")
    call = fn if inspect.isfunction(fn) or inspect.ismethod(fn) else getattr(fn, "__call__", fn)
    if inspect.isasyncgenfunction(call):
        arity = _arity(fn, label)
        return _streaming(fn, arity)
    if inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(fn):
        arity = _arity(fn, label)
        if arity == 2:
            # Already the explicit form: used as it is, no wrapper in the request path. The app
            # answers 204 when it wrote nothing.
            return fn
        return _returning(fn, arity)
    raise TypeError(
        f"handler {label} must be defined with 'async def' (a coroutine that returns, or an async "
        "generator that yields); got a plain function"
    )


def _arity(fn: Callable[..., Any], label: str) -> int:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 2
    count = 0
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return 2
        if parameter.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            count += 1
        elif parameter.default is inspect.Parameter.empty and parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(f"handler {label} has a required keyword-only parameter {parameter.name!r}")
    if count > 2:
        raise TypeError(f"handler {label} takes {count} parameters; a handler takes (c, w), (c) or ()")
    return count


def answer(w: Any, result: Any) -> None:
    """Turn what a handler returned into the response, unless it already wrote one."""
    if w.written:
        if result is not None:
            raise TypeError("the handler wrote a response with w and also returned a value; do one or the other")
        return
    if result is None:
        w.empty()
    elif isinstance(result, str) or hasattr(result, "__html__"):
        w.html(result)
    else:
        raise TypeError(
            f"a handler returned {type(result).__name__}; return HTML (a str or something with __html__) "
            "or None, or write the response with w.json(...), w.text(...)"
        )


def _returning(fn: Callable[..., Any], arity: int) -> Handler:
    if arity == 0:

        async def returning(c: Any, w: Any) -> None:
            answer(w, await fn())

    else:

        async def returning(c: Any, w: Any) -> None:
            answer(w, await fn(c))

    returning.__wrapped__ = fn  # type: ignore[attr-defined]
    return returning


STREAM_GRACE = 0.25
"""Seconds a generator handler may take to its first item before its stream opens anyway.

The response head goes out with the first item, so a handler that raises `HTTPError`, writes a
redirect with ``w``, or returns before yielding answers with that status. A handler still
working after this long (waiting on a subscription, say) gets its ``200`` and SSE headers
anyway, so the browser sees the stream open promptly; from then on, problems are events."""


def _streaming(fn: Callable[..., Any], arity: int) -> Handler:
    async def streaming(c: Any, w: Any) -> None:
        w.request.capture_task()  # now, in the request's task: a late opening runs in another
        generator: AsyncIterator[Any] = fn(c, w) if arity == 2 else fn(c) if arity == 1 else fn()
        grace = asyncio.get_running_loop().call_later(STREAM_GRACE, _open_late, w)
        try:
            try:
                first = await generator.__anext__()
            except StopAsyncIteration:
                return  # nothing yielded: the response is what the handler wrote, or 204
            finally:
                grace.cancel()
                del grace  # a stream may stay open for hours: keep nothing of the timer
            stream = w.stream or w.sse()  # the first item opens the stream (unless grace did)
            if c.method == "HEAD":
                await stream.open()  # the head is what HEAD asked for: the generator stops here
                return
            await stream.send_item(first)  # the head goes out with the first item
            await _send_the_rest(generator, stream)
        finally:
            # Runs the generator's `finally` when the client left (cancellation) or on error.
            try:
                await generator.aclose()  # type: ignore[attr-defined]
            except RuntimeError:
                pass  # still suspended inside the generator: the event loop itself is closing

    streaming.__wrapped__ = fn  # type: ignore[attr-defined]
    return streaming


HOLD_BYTES = 65536
"""Items a generator has ready at once are held and sent together, up to this many bytes a write."""


@types.coroutine
def _send_the_rest(generator: Any, stream: Any) -> Any:
    """Send a generator handler's items on ``stream`` until it ends.

    Each item is held (`SSEStream.hold_item`), and the held events go out in one write when the
    generator has to wait for its next item. So items it has ready without waiting (a relay
    subscription that fell behind holds several messages) share a write: a system call per
    write, not per event, is most of what a stream costs the server, and lagging is when that
    matters. What is still held when the generator ends goes out with the stream's last chunk.

    A generator-based coroutine, to see whether the generator waits: it drives each
    ``__anext__()`` step itself. When the step waits, the held events are handed to the stream
    without waiting for the write (`SSEStream.flush_soon`), and the task waits for what the
    generator waits for, as under ``await``; a cancellation meanwhile is raised inside the
    generator, where it waits.
    """
    next_step = generator.__anext__
    while True:
        step = next_step()
        try:
            waiting_on = step.send(None)
        except StopIteration as ready:
            item = ready.value  # ready at once: held with the others
        except StopAsyncIteration:
            return
        else:
            stream.flush_soon()  # it waits: what is held goes now
            try:
                try:
                    yield waiting_on  # the task waits for what the generator waits for...
                except BaseException as exc:  # ...and a cancellation meanwhile is the generator's
                    item = yield from _throw_into(step, exc)
                else:
                    item = yield from step  # ...then the generator goes on, as under a plain `await`
            except StopAsyncIteration:
                return
        stream.hold_item(item)
        if stream.held_bytes >= HOLD_BYTES:
            yield from stream.flush()


@types.coroutine
def _throw_into(step: Any, exc: BaseException) -> Any:
    """Raise ``exc`` inside the waiting generator; if it still waits after that, wait with it."""
    while True:
        try:
            waiting_on = step.throw(exc)
        except StopIteration as ready:
            return ready.value
        try:
            yield waiting_on
        except BaseException as again:
            exc = again
            continue
        return (yield from step)


def _open_late(w: Any) -> None:
    """The grace period is over and nothing was yielded nor written: open the stream now."""
    if not w.written:
        stream = w.sse()
        task = asyncio.ensure_future(stream.open())
        task.add_done_callback(lambda done: _opened(done, w))


def _opened(task: asyncio.Future[Any], w: Any) -> None:
    """A late opening failed: the client went away meanwhile (so the handler is stopped), or the
    connection broke (the handler finds out when it next writes)."""
    if task.cancelled():
        return
    if isinstance(task.exception(), ClientDisconnected):
        w.request.client_left(events_sent=0)
