"""What the browser sends: data-bind signals with @get (the `datastar` query parameter) and
@post (a JSON body), and a form posted with {contentType: 'form'}. Each handler echoes what it
received into the page, so the test reads it from the DOM."""

import json

from stario import Command, Context, Query, Stario
from stario.html import pre
from tests.e2e.apps.common import page


async def home():
    return page(
        """
        <h1>Binding and forms</h1>
        <input id="query" data-bind:query>
        <button id="get" data-on:click="@get('/echo')">GET</button>
        <button id="post" data-on:click="@post('/echo')">POST</button>
        <pre id="echo"></pre>

        <form id="form" data-on:submit="@post('/form', {contentType: 'form'})">
          <input id="title" name="title">
          <select id="color" name="color">
            <option value="red">red</option>
            <option value="blue">blue</option>
          </select>
          <label><input id="urgent" type="checkbox" name="urgent" value="yes"> urgent</label>
          <button id="submit" name="action" value="save">Save</button>
        </form>
        <pre id="form-echo"></pre>

        <form id="get-form" data-on:submit="@get('/form', {contentType: 'form'})">
          <input id="get-q" name="q">
          <button id="get-submit">Search</button>
        </form>

        <form id="required-form" data-on:submit="@post('/form', {contentType: 'form'})">
          <input id="required-field" name="needed" required>
          <button id="required-submit">Send</button>
        </form>

        <form id="multipart-form" enctype="multipart/form-data" data-on:submit="@post('/form', {contentType: 'form'})">
          <input id="mp-name" name="name">
          <input id="mp-file" type="file" name="upload">
          <button id="mp-submit">Upload</button>
        </form>
        """
    )


def _echo(c: Context, received) -> dict:
    return {
        "method": c.method,
        "received": received,
        "content_type": c.headers.get("content-type"),
        "datastar_request": c.headers.get("datastar-request"),
        "query_string": c.scope.get("query_string", b"").decode("latin-1"),
    }


async def echo(c: Context):
    signals = await c.signals()
    yield pre({"id": "echo"}, json.dumps(_echo(c, signals), sort_keys=True))


async def form(c: Context):
    fields = await c.form()
    received = [
        [name, value if isinstance(value, str) else f"file {value.filename} {value.data.decode()}"]
        for name, value in fields.multi_items()
    ]
    yield pre({"id": "form-echo"}, json.dumps(_echo(c, received), sort_keys=True))


app = Stario(
    Query("/", home),
    Query("/echo", echo),
    Command("/echo", echo),
    Command("/form", form),
    Query("/form", form),
)
