import itertools
import secrets

from stario import Command, Context, HTTPError, Query, Relay, Stario, Writer
from stario import datastar as ds
from stario import html as h
from stario.toys import ToyPage

TODOS: dict[str, dict[int, str]] = {}  # visitor -> {todo id: text}
NEXT_ID = itertools.count(1)
relay = Relay()


def todos_of(c: Context) -> dict[int, str]:
    visitor = c.cookies.get("visitor")
    if visitor is None:
        raise HTTPError(400, "no visitor cookie: open / first")
    return TODOS.setdefault(visitor, {})


def todo_list(todos: dict[int, str]):
    return h.ul(
        {"id": "todos"},
        [h.li({"id": f"todo-{n}"}, text, " ", h.button(ds.on("click", ds.delete(f"/todos/{n}")), "done")) for n, text in todos.items()],
    )


async def home(c: Context, w: Writer) -> None:
    visitor = c.cookies.get("visitor")
    if visitor is None:
        visitor = secrets.token_urlsafe(8)
        w.cookie("visitor", visitor, max_age=30 * 24 * 3600)
    todos = TODOS.setdefault(visitor, {})
    w.html(
        ToyPage(
            h.div(
                ds.signals({"text": "", "count": len(todos)}),
                h.h1("To do (", h.span(ds.text("$count")), ")"),
                h.span(ds.init(ds.get("/todos/count"))),
                h.input({"id": "text"} | ds.bind("text")),
                h.button(ds.on("click", ds.post("/todos")), "Add"),
                todo_list(todos),
            ),
            title="To do",
        )
    )


async def add(c: Context, w: Writer) -> None:
    text = str((await c.signals()).get("text", "")).strip()
    todos = todos_of(c)
    with c.span.step("todo.add", length=len(text)):
        if text:
            todos[next(NEXT_ID)] = text
    relay.publish(f"todos.{c.cookies['visitor']}", len(todos))
    async with w.sse() as sse:
        await sse.patch_elements(todo_list(todos))
        await sse.patch_signals({"text": ""})


async def count(c: Context):
    topic = f"todos.{c.cookies.get('visitor', 'nobody')}"
    async with relay.subscribe(topic) as inbox:
        yield {"count": len(TODOS.get(c.cookies.get("visitor", ""), {}))}
        async for n in inbox:
            yield {"count": n}


app = Stario(
    Query("/", home),
    Command("/todos", add),
    Query("/todos/count", count),
)
