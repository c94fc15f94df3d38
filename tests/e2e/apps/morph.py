"""Morphing around a focused input. The page keeps a stream open (data-init @get('/updates'));
the test tells the server to re-render the input's container (POST /render/N from the test
process), while the user's focus and typed text sit in the input."""

import asyncio

from stario import Command, Context, Query, Stario
from tests.e2e.apps.common import page

listeners: set[asyncio.Queue] = set()


def box(n: int) -> str:
    if n == 0:  # as first served
        return '<div id="box"><p id="stamp">render 0</p><input id="name" value="server"></div>'
    if n == 1:  # the same markup, new stamp: the input's value attribute is unchanged
        return '<div id="box"><p id="stamp">render 1</p><input id="name" value="server"></div>'
    if n == 2:  # a new element before the input (same parent): it is found by its id
        return (
            '<div id="box"><p id="stamp">render 2</p><p id="notice">something new</p>'
            '<input id="name" value="server"></div>'
        )
    if n == 4:  # a new wrapper around the input: the id-matched input is moved into it
        return (
            '<div id="box"><p id="stamp">render 4</p>'
            '<label>Name <input id="name" value="server"></label></div>'
        )
    # a different value attribute: the server means it, so the input takes the new value
    return '<div id="box"><p id="stamp">render 3</p><input id="name" value="from the server"></div>'


async def home():
    return page(
        f"""
        <h1>Morph keeps focus</h1>
        <div data-init="@get('/updates')"></div>
        <p id="stream">connecting</p>
        {box(0)}
        """
    )


async def updates():
    queue: asyncio.Queue = asyncio.Queue()
    listeners.add(queue)
    try:
        yield '<p id="stream">connected</p>'
        while True:
            yield box(await queue.get())
    finally:
        listeners.discard(queue)


async def render(c: Context):
    n = int(c.params["n"])
    for queue in listeners:
        queue.put_nowait(n)
    return None


app = Stario(Query("/", home), Query("/updates", updates), Command("/render/{n}", render))
