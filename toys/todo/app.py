"""Todo list: add with a form (a Command), toggle done, delete; empty titles get an error patch.

Run it with ``stario serve toys.todo.app:app`` (or ``stario serve app:app`` next to this file).
"""

from dataclasses import dataclass

from stario import Command, Context, HTTPError, Query, Stario
from stario.datastar import PatchElements, PatchSignals, RemoveElements, bind, delete, on, post, signals
from stario.html import button, form, fragment, h1, input, li, p, span, style, ul
from stario.toys import ToyPage

MAX_TITLE = 200


@dataclass
class Todo:
    id: int
    title: str
    done: bool = False


# The state: a module global, shared by every browser. Ids only ever grow, so an element's id
# (todo-3) always means the same todo, even after others are deleted.
todos: dict[int, Todo] = {}
next_id = 1

STYLE = """
#todos { list-style: none; padding: 0; }
#todos li { display: flex; gap: 0.5rem; align-items: center; padding: 0.25rem 0; }
#todos li .title { flex: 1; }
#todos li.done .title { text-decoration: line-through; opacity: 0.6; }
#todo-error { color: #c0392b; min-height: 1.6em; margin: 0.25rem 0; }
"""


def todo_item(todo: Todo):
    """One todo. The title is text, so stario.html escapes it: a title of "<b>" shows as <b>."""
    return li(
        {"id": f"todo-{todo.id}", "class": "done" if todo.done else None},
        span({"class": "title"}, todo.title),
        button(
            {"type": "button", "class": "toggle"} | on("click", post(f"/todos/{todo.id}/toggle")),
            "Undo" if todo.done else "Done",
        ),
        button({"type": "button", "class": "delete"} | on("click", delete(f"/todos/{todo.id}")), "Delete"),
    )


def todo_list():
    return ul({"id": "todos"}, [todo_item(t) for t in todos.values()])


def error_view(message: str = ""):
    return p({"id": "todo-error", "role": "alert"}, message)


def find(c: Context) -> Todo:
    try:
        return todos[int(c.params["id"])]
    except (ValueError, KeyError):
        raise HTTPError(404, "no such todo") from None


async def home():
    """Query: the page with the current list."""
    return ToyPage(
        fragment(
            style(STYLE),
            h1("Todo"),
            form(
                {"id": "add-form"}
                | signals({"title": ""})
                | on("submit", post("/todos"), prevent=True),
                input({"id": "new-title", "placeholder": "What needs doing?", "autocomplete": "off"} | bind("title")),
                " ",
                button({"id": "add"}, "Add"),
            ),
            error_view(),
            todo_list(),
        ),
        title="Todo",
    )


async def add(c: Context):
    """Command: add a todo from the ``title`` signal.

    A bad title is not an HTTP error: the request worked, the answer is "fix this", so it is a
    200 with a patch of the error message, and the typed text stays in the input.
    """
    global next_id
    title = str((await c.signals()).get("title", "")).strip()
    if not title:
        c.span.event("todo.invalid", reason="empty")
        yield error_view("Write a title first.")
        return
    if len(title) > MAX_TITLE:
        c.span.event("todo.invalid", reason="too long")
        yield error_view(f"Keep it under {MAX_TITLE} characters.")
        return
    with c.span.step("todo.add") as step:
        todo = Todo(next_id, title)
        todos[todo.id] = todo
        next_id += 1
        step.attr("todo.id", todo.id)
    yield PatchElements(todo_item(todo), selector="#todos", mode="append")
    yield error_view()
    yield PatchSignals({"title": ""})


async def toggle(c: Context):
    """Command: flip done; answer with the todo, morphed by its id."""
    todo = find(c)
    todo.done = not todo.done
    c.span.attr("todo.id", todo.id).attr("todo.done", todo.done)
    return todo_item(todo)


async def remove(c: Context):
    """Command: delete a todo and remove its element (an unknown id is a 404: `find` raises
    before the first yield, and a stream's status goes out with its first item)."""
    todo = find(c)
    del todos[todo.id]
    c.span.attr("todo.id", todo.id)
    yield RemoveElements(f"#todo-{todo.id}")


app = Stario(
    Query("/", home),
    Command("/todos", add),
    Command("/todos/{id}/toggle", toggle),
    Command("/todos/{id}", remove, method="DELETE"),
)
