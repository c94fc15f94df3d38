from stario import Command, Context, FormData, UploadedFile, HTTPError, Query, Stario, Writer
from stario.html import DOCTYPE, body, button, form, h1, head, html, input, li, title, ul

TODOS = {1: "Learn Stario"}


def todo_item(todo_id, text):
    return li(
        {"id": f"todo-{todo_id}"},
        text,
        form({"method": "post", "action": f"/todos/{todo_id}/remove"}, button("Done")),
    )


async def home():
    return DOCTYPE + html(
        head(title("Todos")),
        body(
            h1("Todos"),
            ul([todo_item(todo_id, text) for todo_id, text in TODOS.items()]),
            form(
                {"method": "post", "action": "/todos"},
                input({"name": "title", "placeholder": "What needs doing?"}),
                button("Add"),
            ),
        ),
    )


async def add_todo(c: Context, w: Writer):
    fields: FormData = await c.form()  # text fields are str, file fields UploadedFile
    text = fields.get("title", "").strip()
    if not text:
        raise HTTPError(400, "a todo needs a title")
    TODOS[max(TODOS, default=0) + 1] = text
    w.redirect("/")


async def remove_todo(c: Context, w: Writer):
    todo_id = c.params["id"]
    if not todo_id.isdigit() or int(todo_id) not in TODOS:
        raise HTTPError(404, f"no todo with id {todo_id}")
    del TODOS[int(todo_id)]
    w.redirect("/")


app = Stario(Query("/", home), Command("/todos", add_todo), Command("/todos/{id}/remove", remove_todo))


def is_upload(value: str | UploadedFile) -> bool:
    """A form field holds text, or an UploadedFile when the form sends a file (enctype multipart)."""
    return isinstance(value, UploadedFile)
