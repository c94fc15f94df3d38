from stario import Command, Context, Query, Stario, Writer
from stario import datastar as ds
from stario.html import button, h2, p, ul
from stario.toys import ToyPage

count = 0


async def home():
    return ToyPage(
        [
            h2("Clicks"),
            button(ds.on("click", ds.post("/inc")), "+1"),
            p({"id": "count"}, count),
            ul({"id": "history"}),
        ],
        title="Patching elements",
    )


async def inc(c: Context, w: Writer) -> None:
    global count
    count += 1
    w.html(p({"id": "count"}, count))


app = Stario(Query("/", home), Command("/inc", inc))
