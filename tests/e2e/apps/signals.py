"""datastar-patch-signals semantics (DATASTAR.md 1.4): a JSON merge patch where null deletes,
objects merge, arrays replace; onlyIfMissing sets only what is missing and deletes nothing.
The page shows its signals with data-json-signals and data-text. No expression reads `fresh`
or `marker` before the server sets them (reading a missing signal creates it, DATASTAR.md 3.2)."""

from stario import Command, Query, Stario
from stario.datastar import PatchSignals
from tests.e2e.apps.common import page

CASES = {
    "delete": [PatchSignals({"gone": None, "nested": {"a": None}})],
    "merge": [PatchSignals({"nested": {"c": 3}, "list": [9], "keep": "server"})],
    "if-missing": [PatchSignals({"keep": "server", "fresh": "new", "nested": {"a": 100, "d": 4}}, only_if_missing=True)],
    # the second event shows that the first one has been applied
    "if-missing-null": [PatchSignals({"keep": None}, only_if_missing=True), PatchSignals({"marker": "done"})],
}


async def home():
    buttons = "\n".join(
        f"<button id=\"do-{name}\" data-on:click=\"@post('/signals/{name}')\">{name}</button>" for name in CASES
    )
    return page(
        f"""
        <h1>Patch signals</h1>
        <div data-signals="{{keep: 'client', gone: 'bye', nested: {{a: 1, b: 2}}, list: [1, 2, 3]}}"></div>
        {buttons}
        <p>keep: <span id="keep" data-text="$keep"></span></p>
        <pre id="json" data-json-signals></pre>
        """
    )


async def patch(c):
    for event in CASES[c.params["name"]]:
        yield event


app = Stario(Query("/", home), Command("/signals/{name}", patch))
