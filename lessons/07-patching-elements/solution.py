import time

from stario import Command, Context, Query, Stario
from stario.datastar import PatchElements
from stario.html import li, p
from stario.toys import ToyPage

count = 0


async def home():
    return ToyPage(
        f"""
        <h2>Clicks</h2>
        <button data-on:click="@post('/inc')">+1</button>
        <p id="count">{count}</p>
        <ul id="history"></ul>
        """,
        title="Patching elements",
    )


async def inc(c: Context):
    global count
    count += 1
    yield p({"id": "count"}, count)
    yield PatchElements(li(f"click {count} at {time.strftime('%X')}"), selector="#history", mode="append")


app = Stario(Query("/", home), Command("/inc", inc))
