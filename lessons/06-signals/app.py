from stario import Context, Query, Stario
from stario.html import button, div, h1, input, p, span
from stario.toys import ToyPage


async def home():
    return ToyPage(
        div(
            {"data-signals": {"name": "", "shout": "", "count": 0}},
            h1("Signals"),
            p(input({"data-bind:name": True, "placeholder": "Your name"})),
            p("Hello, ", span({"data-text": "$name"}), "!"),
            p(button({"data-on:click": "@get('/shout')"}, "Shout"), " ", span({"data-text": "$shout"})),
            p(button({"data-on:click": "$count++"}, "+1 here"), " Count: ", span({"id": "count", "data-text": "$count"})),
        ),
        title="Signals",
    )


async def shout(c: Context):
    signals = await c.signals()
    yield {"shout": signals.get("name", "").upper() + "!"}


app = Stario(Query("/", home), Query("/shout", shout))
