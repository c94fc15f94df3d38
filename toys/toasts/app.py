"""Toasts: a Command appends a notification to a container; it removes itself after a while."""

import itertools

from stario import Command, Context, Query, Stario
from stario.datastar import PatchElements, bind, init, on, post, signals
from stario.html import button, div, form, input, p, strong, style
from stario.toys import ToyPage

TOAST_MS = 2500  # how long a toast stays on screen
MAX_LENGTH = 80

_ids = itertools.count(1)  # stable, unique ids: toast-1, toast-2, ...


def toast(toast_id: int, message: str, kind: str = "info"):
    # data-init runs once, when the toast lands in the page; after the delay it removes itself,
    # so the server does not have to keep a timer per toast.
    return div(
        {"id": f"toast-{toast_id}", "class": ["toast", kind], "role": "status"}
        | init("el.remove()", delay=TOAST_MS),
        strong(kind.title() + ": "),
        message,  # escaped by stario.html
    )


def error(message: str = ""):
    return p({"id": "error", "class": "error"}, message)


async def home():
    return ToyPage(
        div(
            STYLE,
            form(
                {"id": "notify"} | signals({"message": "Saved!"}) | on("submit", post("/notify")),
                input({"name": "message", "maxlength": MAX_LENGTH, "autocomplete": "off"} | bind("message")),
                button({"id": "send", "type": "submit"}, "Show a toast"),
            ),
            error(),
            div({"id": "toasts", "aria-live": "polite"}),
        ),
        title="Toasts",
    )


async def notify(c: Context):
    """Validate the message; answer with an error patch (200) or append a toast."""
    message = str((await c.signals()).get("message", "")).strip()
    if not message:
        yield error("Write a message first.")
        return
    if len(message) > MAX_LENGTH:
        yield error(f"At most {MAX_LENGTH} characters.")
        return
    toast_id = next(_ids)
    with c.span.step("toast.create", toast_id=toast_id, length=len(message)):
        html = toast(toast_id, message, "success")
    yield error()  # clear an earlier error
    yield PatchElements(html, selector="#toasts", mode="append")


STYLE = style("""
#toasts { position: fixed; top: 1rem; right: 1rem; display: grid; gap: .5rem; }
.toast { padding: .6rem 1rem; border-radius: .4rem; background: #1d1d22; color: #fff; box-shadow: 0 .3rem 1rem #0004; }
.toast.success { border-left: .3rem solid #3c3; }
.error { color: #c33; min-height: 1.6em; }
""")

app = Stario(Query("/", home), Command("/notify", notify))
