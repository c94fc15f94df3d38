from stario import Command, Context, FormData, UploadedFile, Query, Stario, Writer
from stario.html import DOCTYPE, body, button, form, h1, head, html, input, li, title, ul

TODOS = {1: "Learn Stario"}


def todo_item(todo_id, text):
    return li({"id": f"todo-{todo_id}"}, text)


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
    TODOS[max(TODOS, default=0) + 1] = fields.get("title", "")
    w.redirect("/")


app = Stario(Query("/", home), Command("/todos", add_todo))


def is_upload(value: str | UploadedFile) -> bool:
    """A form field holds text, or an UploadedFile when the form sends a file (enctype multipart)."""
    return isinstance(value, UploadedFile)
