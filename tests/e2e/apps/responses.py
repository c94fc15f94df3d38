"""How the client handles each kind of response (DATASTAR.md 2.2 and 1.5): text/html patches
elements, application/json patches signals, text/javascript runs, 204 does nothing, a 4xx body is
ignored (a datastar-fetch 'error' event fires), and a script patch (ExecuteScript, Redirect) runs
and removes itself."""

import json

from stario import Command, Context, Query, Stario, Writer
from stario.datastar import ExecuteScript, Redirect, to_js
from tests.e2e.apps.common import page


async def home():
    return page(
        """
        <h1>Responses</h1>
        <div data-signals="{fetchErrors: 0, fromJson: 'not yet'}"
             data-on:datastar-fetch="evt.detail.type === 'error' && $fetchErrors++"></div>
        <button id="do-html" data-on:click="@post('/html')">html</button>
        <p id="html-target">before</p>
        <button id="do-json" data-on:click="@post('/json')">json</button>
        <span id="from-json" data-text="$fromJson"></span>
        <button id="do-js" data-on:click="@post('/js')">js</button>
        <p id="js-target">before</p>
        <button id="do-empty" data-on:click="@post('/empty')">204</button>
        <button id="do-error" data-on:click="@post('/error')">400</button>
        <p id="error-target">before</p>
        <span id="fetch-errors" data-text="$fetchErrors"></span>
        <button id="do-script" data-on:click="@post('/script')">script</button>
        <p id="script-target">before</p>
        <button id="do-user-script" data-on:click="@post('/user-script')">script with user data</button>
        <p id="user-target">before</p>
        <p id="user-json-target">before</p>
        <button id="do-redirect" data-on:click="@post('/redirect')">redirect</button>
        <button id="do-html-headers" data-on:click="@post('/html-headers')">html with headers</button>
        <ul id="header-list"><li>first</li></ul>
        """
    )


async def html():
    return '<p id="html-target">from text/html</p>'


async def json_signals(c: Context, w: Writer) -> None:
    w.json({"fromJson": "from application/json"})


async def javascript(c: Context, w: Writer) -> None:
    w.raw(b"document.getElementById('js-target').textContent = 'from text/javascript'", "text/javascript")


async def empty():
    return None  # 204


async def error(c: Context, w: Writer) -> None:
    w.html('<p id="error-target">from a 400 body</p>', status=400)


async def script():
    yield ExecuteScript("document.getElementById('script-target').textContent = 'script ran'")


HOSTILE_NAME = '</script><img id="pwned" src=x onerror="window.pwned = 1">'
"""What a user might type as their name, sent back in a script."""


async def user_script():
    # The documented way: to_js writes a JavaScript literal with "<" escaped.
    yield ExecuteScript(f"document.getElementById('user-target').textContent = {to_js(HOSTILE_NAME)}")
    # And the careless one: JSON as it is. ExecuteScript escapes "</script" inside the script.
    yield ExecuteScript(f"document.getElementById('user-json-target').textContent = {json.dumps(HOSTILE_NAME)}")


async def redirect():
    yield Redirect("/landed")


async def html_headers(c: Context, w: Writer) -> None:
    # text/html whose patch options come from the response headers (DATASTAR.md 2.2).
    w.header("datastar-selector", "#header-list")
    w.header("datastar-mode", "append")
    w.html("<li>appended by headers</li>")


async def landed():
    return page('<p id="landed">landed</p>')


app = Stario(
    Query("/", home),
    Command("/html", html),
    Command("/json", json_signals),
    Command("/js", javascript),
    Command("/empty", empty),
    Command("/error", error),
    Command("/script", script),
    Command("/user-script", user_script),
    Command("/redirect", redirect),
    Command("/html-headers", html_headers),
    Query("/landed", landed),
)
