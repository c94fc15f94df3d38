"""More of DATASTAR.md: which signals are sent (underscore-prefixed ones are not; filterSignals,
payload, headers; DELETE in the query string), data-bind on other controls, key casing,
data-ignore-morph, data-preserve-attr, data-init re-running only when its value changes,
scripts inside patches, the svg namespace, cleanup of removed elements, data-on modifiers,
and patches of the whole document and body. (@setAll, @toggleAll and data-on-signal-patch are
not in Stario's client: DESIGN 3.4 lists what it implements.)"""

import json

from stario import Command, Context, Query, Stario
from stario.datastar import PatchElements
from stario.html import pre
from tests.e2e.apps.common import page

EXPRESSIONS = {
    "plain": "@post('/echo')",
    "delete": "@delete('/echo')",
    "payload": "@post('/echo', {payload: {chosen: 'by payload'}})",
    "headers": "@post('/echo', {headers: {'X-Test': 'from options'}})",
    "filter": "@post('/echo', {filterSignals: {include: /^shown$/}})",
}


async def home():
    buttons = "\n".join(f'<button id="send-{name}" data-on:click="{expr}">{name}</button>' for name, expr in EXPRESSIONS.items())
    return page(
        f"""
        <h1>Misc</h1>
        <div data-signals="{{shown: 'yes', _private: 'secret', nested: {{_hidden: 1, ok: 2}}}}"></div>
        {buttons}
        <pre id="echo"></pre>

        <section>
          <div data-signals="{{num: 5, agree: false, color: 'red'}}"></div>
          <input id="num" type="number" data-bind:num>
          <input id="agree" type="checkbox" data-bind:agree>
          <select id="color" data-bind:color><option value="red">red</option><option value="blue">blue</option></select>
          <span id="bound" data-text="JSON.stringify([$num, $agree, $color])"></span>
        </section>

        <div data-signals:foo-bar="'kebab to camel'"></div>
        <span id="camel" data-text="$fooBar"></span>

        <button id="render" data-on:click="@post('/render')">render</button>
        <div id="region">
          <p id="ignored" data-ignore-morph>client side</p>
          <details id="details" open data-preserve-attr="open"><summary>more</summary>inside</details>
          <div id="init-box" data-init="$inits = ($inits || 0) + 1"></div>
          <p id="stamp">0</p>
        </div>
        <span id="inits" data-text="$inits"></span>

        <button id="patch-script" data-on:click="@post('/script-patch')">script</button>
        <div id="script-slot"></div>

        <button id="patch-svg" data-on:click="@post('/svg')">svg</button>
        <svg id="vis" width="20" height="20"></svg>

        <div data-signals:ticks="0"></div>
        <div id="ticker" data-on-interval__duration.50ms="$ticks++"></div>
        <span id="ticks" data-text="$ticks"></span>
        <button id="remove-ticker" data-on:click="@post('/remove-ticker')">stop</button>

        <div data-signals="{{onceCount: 0, outsideCount: 0}}"></div>
        <button id="once" data-on:click__once="$onceCount++">once</button>
        <span id="once-count" data-text="$onceCount"></span>
        <div id="inside" data-on:click__outside="$outsideCount++">inside <button id="inside-button">in</button></div>
        <span id="outside-count" data-text="$outsideCount"></span>

        <button id="whole-document" data-on:click="@post('/whole-document')">whole document</button>
        <button id="whole-body" data-on:click="@post('/whole-body')">whole body</button>
        """
    )


async def echo(c: Context):
    signals = await c.signals()
    yield pre(
        {"id": "echo"},
        json.dumps(
            {
                "method": c.method,
                "received": signals,
                "content_type": c.headers.get("content-type"),
                "x_test": c.headers.get("x-test"),
                "in_query": "datastar" in c.query,
            },
            sort_keys=True,
        ),
    )


renders = 0


async def render():
    global renders
    renders += 1
    # The same data-init value the first time, a new one from the second time on.
    init = "$inits = ($inits || 0) + 1" if renders == 1 else f"$inits = ($inits || 0) + 1; $render = {renders}"
    yield (
        '<div id="region">'
        '<p id="ignored" data-ignore-morph>server side</p>'
        '<details id="details" open data-preserve-attr="open"><summary>more</summary>inside</details>'
        f'<div id="init-box" data-init="{init}"></div>'
        f'<p id="stamp">{renders}</p>'
        "</div>"
    )


async def script_patch():
    yield PatchElements(
        '<div id="script-slot"><script>document.body.dataset.patched = "yes"</script></div>'
    )


async def svg():
    yield PatchElements('<circle id="dot" cx="10" cy="10" r="5"/>', selector="#vis", mode="append", namespace="svg")


async def remove_ticker():
    yield PatchElements(selector="#ticker", mode="remove")


async def whole_document():
    # Contains </html> (and </head>, </body>): the whole document is patched.
    yield '<html><head><title>patched</title></head><body><p id="whole">the whole document</p></body></html>'


async def whole_body():
    # Contains </body> only: the body is patched.
    yield '<body><p id="whole">the whole body</p></body>'


app = Stario(
    Query("/", home),
    Command("/echo", echo),
    Command("/echo", echo, method="DELETE"),
    Command("/render", render),
    Command("/script-patch", script_patch),
    Command("/svg", svg),
    Command("/remove-ticker", remove_ticker),
    Command("/whole-document", whole_document),
    Command("/whole-body", whole_body),
)
