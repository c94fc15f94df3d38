import time

from stario import Command, Context, Query, Stario
from stario import datastar as ds
from stario.datastar import PatchElements
from stario.html import button, h2, li, p, ul
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


async def inc(c: Context):
    global count
    count += 1
    yield p({"id": "count"}, count)
    yield PatchElements(li(f"click {count} at {time.strftime('%X')}"), selector="#history", mode="append")


app = Stario(Query("/", home), Command("/inc", inc))
