from stario import Command, Context, Query, Stario
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
            p(button(ds.on("click", ds.post("/inc")), "+1 on the server")),
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
