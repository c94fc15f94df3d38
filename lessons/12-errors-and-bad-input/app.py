import os

from stario import Command, Context, HTTPError, Query, Stario, Writer
from stario import datastar as ds
from stario import html as h
from stario.toys import ToyPage

NOTES = {1: "Bring a pen.", 2: "The door sticks; push hard."}
GUESTS: list[str] = []


def guest_list():
    return h.ul({"id": "guests"}, [h.li(name) for name in GUESTS])


async def home():
    return ToyPage(
        h.div(
            ds.signals({"name": ""}),
            h.h1("Guest book"),
            h.input({"id": "name", "placeholder": "Your name"} | ds.bind("name")),
            h.button(ds.on("click", ds.post("/sign")), "Sign"),
            h.p({"id": "error", "class": "error"}),
            guest_list(),
            h.p(h.a({"href": "/notes/1"}, "Read note 1")),
        ),
        title="Guest book",
    )


async def note(c: Context):
    text = NOTES[int(c.params["id"])]
    return ToyPage(h.article(h.h1(f"Note {c.params['id']}"), h.p(text)))


async def sign(c: Context):
    signals = await c.signals()  # malformed JSON never gets here: Stario answers 400
    name = str(signals.get("name", "")).strip()
    if not name:
        raise HTTPError(422, "a name is required")
    GUESTS.append(name)
    yield guest_list()
    yield {"name": ""}


async def error_page(c: Context, w: Writer, exc: HTTPError) -> None:
    page = ToyPage(h.div(h.h1(f"{exc.status}"), h.p(exc.message), h.a({"href": "/"}, "Back home")))
    w.html(page, status=exc.status)


app = Stario(
    Query("/", home),
    Query("/notes/{id}", note),
    Command("/sign", sign),
    debug=os.environ.get("APP_ENV") == "development",
    max_body_size=16 * 1024,
)
app.on_error(HTTPError, error_page)
