from stario import Context, Query, Stario
from stario import datastar as ds
from stario.html import button, div, h1, input, p, span
from stario.toys import ToyPage


async def home():
    return ToyPage(
        div(
            ds.signals({"name": "", "shout": "", "count": 0}),
            h1("Signals"),
            p(input({"placeholder": "Your name"} | ds.bind("name"))),
            p("Hello, ", span(ds.text("$name")), "!"),
            p(button(ds.on("click", ds.get("/shout")), "Shout"), " ", span(ds.text("$shout"))),
            p(button(ds.on("click", "$count++"), "+1 here"), " Count: ", span({"id": "count"} | ds.text("$count"))),
        ),
        title="Signals",
    )


async def shout(c: Context):
    signals = await c.signals()
    yield {"shout": signals.get("name", "").upper() + "!"}


app = Stario(Query("/", home), Query("/shout", shout))
