from stario import Command, Context, Query, Stario, Writer
from stario.html import p
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


async def inc(c: Context, w: Writer) -> None:
    global count
    count += 1
    w.html(p({"id": "count"}, count))


app = Stario(Query("/", home), Command("/inc", inc))
