from stario import Command, Context, Query, Stario
from stario import html as h
from stario.datastar import PatchElements, PatchSignals
from stario.toys import ToyInspector, ToyPage


async def home():
    return ToyPage(
        h.div(
            {"data-signals": "{count: 0, name: ''}"},
            h.h1("Inside the client"),
            h.label("Your name ", h.input({"id": "name", "data-bind:name": True})),
            h.p({"data-show": "$name", "data-text": "'Hello, ' + $name + '!'"}),
            h.p(
                "Count: ",
                h.strong({"data-text": "$count", "data-class:big": "$count >= 10"}),
            ),
            h.button({"data-on:click": "$count++"}, "+1 (in the browser)"),
            " ",
            h.button(
                {"data-on:click": "@post('/double')", "data-indicator:_busy": True, "data-attr:disabled": "$_busy"},
                "Double it (on the server)",
            ),
            h.p({"id": "log"}, "The server has not answered yet."),
            h.style(".big { color: crimson; font-size: 1.5em; }"),
            ToyInspector(),
        ),
        title="Inside the client",
    )


async def double(c: Context):
    signals = await c.signals()  # {"count": 3, "name": "Ada"}: every signal not starting with _
    count = int(signals.get("count", 0)) * 2
    yield PatchSignals({"count": count})
    yield PatchElements(h.p({"id": "log"}, f"The server doubled it to {count}."))


app = Stario(Query("/", home), Command("/double", double))
