import asyncio

from stario import Context, Query, Stario
from stario.html import h2, li, p, ul

WORDS = ["python", "pyramid", "stario", "datastar", "starlette", "span", "trace", "query", "command", "relay"]


async def lookup(q: str) -> list[str]:
    await asyncio.sleep(0.02)  # pretend this is a database
    return [word for word in WORDS if q in word]


async def search(c: Context):
    q = c.query.get("q", "")
    c.span.attr("search.query", q)
    with c.span.step("search.lookup"):
        found = await lookup(q)
    c.span.attr("search.results", len(found))
    if not found:
        c.span.event("search.empty", query=q)
        return p({"id": "results"}, f"Nothing matches {q!r}.")
    return ul({"id": "results"}, [li(word) for word in found])


async def home():
    return h2("Try /search?q=py")


app = Stario(Query("/", home), Query("/search", search))
