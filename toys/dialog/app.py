"""A confirm dialog: Delete opens a native <dialog>; Confirm runs a Command; Cancel closes it."""

from stario import Command, Context, Query, Stario
from stario.datastar import RemoveElements, on, post, signals, text
from stario.html import button, dialog, div, h2, li, p, span, strong, style, ul
from stario.toys import ToyPage

# Module state: id -> name. A real app would keep this in a database.
ITEMS = {1: "Quarterly report.pdf", 2: "Holiday <photos>.zip", 3: "Notes & ideas.txt"}


def item_row(item_id: int, name: str):
    # The name goes into an escaped data- attribute and is read from there, never pasted into
    # the JavaScript expression, so a name with quotes cannot break out of it.
    open_dialog = "$pending = +el.dataset.id; $pendingName = el.dataset.name; document.getElementById('confirm').showModal()"
    return li(
        {"id": f"item-{item_id}"},
        span(name),
        " ",
        button({"class": "delete", "type": "button", "data-id": item_id, "data-name": name} | on("click", open_dialog), "Delete"),
    )


def error(message: str = ""):
    return p({"id": "error", "class": "error"}, message)


def confirm_dialog():
    close = "el.closest('dialog').close()"
    return dialog(
        {"id": "confirm", "aria-labelledby": "confirm-title"},
        h2({"id": "confirm-title"}, "Delete this file?"),
        p(strong(text("$pendingName")), " will be gone for good."),
        div(
            {"class": "actions"},
            button({"id": "cancel", "type": "button", "class": "secondary"} | on("click", close), "Cancel"),
            button({"id": "confirm-delete", "type": "button"} | on("click", f"{post('/delete')}; {close}"), "Delete"),
        ),
    )


async def home():
    return ToyPage(
        div(
            signals({"pending": 0, "pendingName": ""}),
            STYLE,
            h2("Files"),
            ul({"id": "items"}, [item_row(i, name) for i, name in ITEMS.items()]),
            error(),
            confirm_dialog(),
        ),
        title="Confirm dialog",
    )


async def delete(c: Context):
    """Delete the item whose id is in the ``pending`` signal (a Command)."""
    raw = (await c.signals()).get("pending")
    item_id = raw if isinstance(raw, int) else None
    if item_id is None or item_id not in ITEMS:
        yield error("That file is already gone.")  # 200 with a patch the page shows
        return
    with c.span.step("item.delete", item_id=item_id) as step:
        step.attr("item.name", ITEMS.pop(item_id))
    yield RemoveElements(f"#item-{item_id}")
    yield error()
    yield {"pending": 0, "pendingName": ""}


STYLE = style("""
#items li { display: flex; gap: .5rem; align-items: center; padding: .25rem 0; }
#items li span { flex: 1; }
dialog { border: 1px solid #8884; border-radius: .5rem; padding: 1.25rem; max-width: 24rem; }
dialog::backdrop { background: #0006; }
dialog h2 { margin-top: 0; }
.actions { display: flex; gap: .5rem; justify-content: flex-end; }
button.secondary { background: none; color: inherit; border-color: #8886; }
.error { color: #c33; min-height: 1.6em; }
""")

app = Stario(Query("/", home), Command("/delete", delete))
