import asyncio

from stario import Context, Query, Stario
from stario.html import h2, li, p, ul

WORDS = ["python", "pyramid", "stario", "datastar", "starlette", "span", "trace", "query", "command", "relay"]


async def lookup(q: str) -> list[str]:
    await asyncio.sleep(0.02)  # pretend this is a database
    return [word for word in WORDS if q in word]


async def search(c: Context):
    q = c.query.get("q", "")
    found = await lookup(q)
    if not found:
        return p({"id": "results"}, f"Nothing matches {q!r}.")
    return ul({"id": "results"}, [li(word) for word in found])


async def home():
    return h2("Try /search?q=py")


app = Stario(Query("/", home), Query("/search", search))
