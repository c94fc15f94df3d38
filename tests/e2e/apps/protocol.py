"""The SSE parsing rules of DATASTAR.md 1.2, 1.3 and 1.6, with raw bytes: line endings, comments,
events the client must ignore, events split across network chunks, multi-line values, keys in
any order, signals as a JS object literal. GET /sse/CASE writes the case's chunks as they are.
GET /burst is a generator handler yielding `BURST` items back to back, which Stario writes
together (several events in one network chunk)."""

import asyncio

from stario import Context, Query, Stario, Writer
from stario.datastar import PatchElements
from tests.e2e.apps.common import page

PAUSE = object()

CASES = {
    "crlf": ['event: datastar-patch-elements\r\ndata: elements <p id="t-crlf">crlf ok</p>\r\n\r\n'],
    "cr": ['event: datastar-patch-elements\rdata: elements <p id="t-cr">cr ok</p>\r\r'],
    "comments": [
        ": ping\n\n",
        ": a comment\nevent: datastar-patch-elements\n: between fields\ndata: elements <p id=\"t-comments\">comments ok</p>\n\n",
    ],
    "ignored": [
        'event: message\ndata: elements <p id="t-ignored">WRONG: not a datastar event</p>\n\n',
        'data: elements <p id="t-ignored">WRONG: no event line</p>\n\n',
        'event: datastar-no-such-event\ndata: elements <p id="t-ignored">WRONG: unknown type</p>\n\n',
        'event: datastar-patch-elements\nunknown: field\nno colon line\ndata: elements <p id="t-ignored-after">after ok</p>\n\n',
    ],
    "split": [
        "event: datastar-pa", PAUSE, "tch-elements\ndata: elem", PAUSE,
        'ents <p id="t-split">split ok</p>\n', PAUSE, "\n",
    ],
    "multiline": [
        "event: datastar-patch-elements\n"
        'data: elements <div id="t-multi">\n'
        "data: elements   <span>one</span>\n"
        "data: elements \n"
        "data: elements   <span>two</span>\n"
        "data: elements </div>\n\n"
    ],
    "nospace": ['event:datastar-patch-elements\ndata:elements <p id="t-nospace">nospace ok</p>\n\n'],
    "order": [
        'event: datastar-patch-elements\ndata: elements <i>order ok</i>\ndata: selector #t-order\ndata: mode inner\n\n'
    ],
    "signals-js": ["event: datastar-patch-signals\ndata: signals {fromJs: 'js ok', n: 1 + 1}\n\n"],
    "signals-multiline": ['event: datastar-patch-signals\ndata: signals {"fromLines":\ndata: signals  "lines ok"}\n\n'],
    "missing-id": [
        'event: datastar-patch-elements\ndata: elements <p id="t-no-such-id">nowhere</p>\n\n',
        'event: datastar-patch-elements\ndata: elements <p id="t-missing-after">after ok</p>\n\n',
    ],
}


async def home():
    buttons = "\n".join(f"<button id=\"do-{name}\" data-on:click=\"@get('/sse/{name}')\">{name}</button>" for name in CASES)
    return page(
        f"""
        <h1>SSE parsing</h1>
        {buttons}
        <p id="t-crlf"></p><p id="t-cr"></p><p id="t-comments"></p>
        <p id="t-ignored">unchanged</p><p id="t-ignored-after"></p>
        <p id="t-split"></p><div id="t-multi"></div><p id="t-nospace"></p><p id="t-order"></p>
        <div data-signals="{{fromJs: '', fromLines: '', n: 0}}"></div>
        <span id="from-js" data-text="$fromJs + ' ' + $n"></span>
        <span id="from-lines" data-text="$fromLines"></span>
        <p id="t-missing-after"></p>
        <button id="do-burst" data-on:click="@get('/burst')">burst</button>
        <ul id="t-burst"></ul>
        """
    )


async def sse(c: Context, w: Writer) -> None:
    stream = w.sse()
    await stream.open()
    for chunk in CASES[c.params["name"]]:
        if chunk is PAUSE:
            await asyncio.sleep(0.05)
        else:
            await c.send({"type": "http.response.body", "body": chunk.encode(), "more_body": True})


BURST = 30


async def burst(c: Context):
    """Items ready one after another, with no wait between them: sent in one write after the first."""
    for n in range(1, BURST + 1):
        yield PatchElements(f"<li>{n}</li>", selector="#t-burst", mode="append")
    await asyncio.sleep(0.05)
    yield PatchElements("<li>last</li>", selector="#t-burst", mode="append")


app = Stario(Query("/", home), Query("/sse/{name}", sse), Query("/burst", burst))
