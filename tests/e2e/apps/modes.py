"""Every patch mode of datastar-patch-elements (DATASTAR.md 1.3): one button per case, each
answered by an SSE response (POST /mode/NAME)."""

from stario import Command, Context, Query, Stario
from stario.datastar import PatchElements, RemoveElements
from tests.e2e.apps.common import page

CASES = {
    # morph by id (no selector): same element, new class and text
    "outer": [PatchElements('<li id="a" class="item morphed">A</li>')],
    # replace by id (no selector): a new element in its place
    "replace": [PatchElements('<li id="a" class="item replaced">A</li>', mode="replace")],
    "inner": [PatchElements('<li id="x">x</li><li id="y">y</li>', selector="#list", mode="inner")],
    "append": [PatchElements('<li id="c">c</li>', selector="#list", mode="append")],
    "prepend": [PatchElements('<li id="z">z</li>', selector="#list", mode="prepend")],
    "before": [PatchElements('<li id="before-b">before-b</li>', selector="#b", mode="before")],
    "after": [PatchElements('<li id="after-a">after-a</li>', selector="#a", mode="after")],
    "remove": [RemoveElements("#b")],
    # remove takes every element the selector matches
    "remove-all": [RemoveElements("#list .item")],
    # a selector matching several elements patches each with its own copy
    "append-each": [PatchElements('<b class="tag">!</b>', selector="#list .item", mode="append")],
    # several events in one response, applied in order
    "sequence": [
        PatchElements('<li id="c">c</li>', selector="#list", mode="append"),
        PatchElements('<li id="z">z</li>', selector="#list", mode="prepend"),
        RemoveElements("#a"),
        PatchElements('<li id="d">d</li>', selector="#b", mode="after"),
        PatchElements('<li id="y">y</li>', selector="#z", mode="before"),
    ],
    # markup over several lines (several `elements` data lines), table rows parsed in a <template>
    "rows": [PatchElements('<tr id="r2">\n  <td>two</td>\n</tr>', selector="#table tbody", mode="append")],
}


async def home():
    buttons = "\n".join(
        f"<button id=\"do-{name}\" data-on:click=\"@post('/mode/{name}')\">{name}</button>" for name in CASES
    )
    return page(
        f"""
        <h1>Patch modes</h1>
        {buttons}
        <ul id="list"><li id="a" class="item">a</li><li id="b" class="item">b</li></ul>
        <table id="table"><tbody><tr id="r1"><td>one</td></tr></tbody></table>
        """
    )


async def mode(c: Context):
    for event in CASES[c.params["name"]]:
        yield event


app = Stario(Query("/", home), Command("/mode/{name}", mode))
