from stario import Command, Context, Query, Stario
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
            p(button({"data-on:click": "@post('/inc')"}, "+1 on the server")),
        ),
        title="Signals",
    )


async def shout(c: Context):
    signals = await c.signals()
    yield {"shout": signals.get("name", "").upper() + "!"}


async def inc(c: Context):
    count = (await c.signals()).get("count", 0)
    if type(count) is not int:
        count = 0  # the browser may send anything: start again from nothing
    yield {"count": count + 1}


app = Stario(Query("/", home), Query("/shout", shout), Command("/inc", inc))
