"""One poll, for real: SQLite opened in bootstrap, a form checked on the server, live results,
a stylesheet served from a folder, and a session (the exercise: one vote per browser)."""

import os
import secrets
import sqlite3
from pathlib import Path

from stario import Command, Context, Query, Relay, Stario, Writer
from stario import html as h
from stario.datastar import get, init
from stario.datastar import script as client_script

HERE = Path(__file__).parent
CHOICES = ["Tea", "Coffee", "Water"]
relay = Relay()


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("create table if not exists votes (choice text primary key, count integer not null default 0)")
    db.executemany("insert or ignore into votes (choice) values (?)", [(choice,) for choice in CHOICES])
    return db


def results(db: sqlite3.Connection):
    counts = dict(db.execute("select choice, count from votes"))
    total = sum(counts.values())
    rows = [
        h.tr(
            h.th(choice),
            h.td({"class": "bar"}, h.span({"style": f"width: {100 * counts[choice] // total if total else 0}%"})),
            h.td({"class": "count", "id": f"count-{choice.lower()}"}, counts[choice]),
        )
        for choice in CHOICES
    ]
    return h.table({"id": "results"}, h.caption(f"{total} vote" + ("" if total == 1 else "s")), h.tbody(rows))


def page(c: Context, *content):
    return h.DOCTYPE + h.html(
        h.head(
            h.meta({"charset": "utf-8"}),
            h.title("Tea or coffee?"),
            h.link({"rel": "stylesheet", "href": c.app.static_url("style.css")}),
            client_script(),
        ),
        h.body(h.h1("Tea or coffee?"), *content),
    )


def poll(c: Context, *, error: str = "", notice: str = ""):
    return page(
        c,
        h.p({"class": "notice"}, notice) if notice else None,
        h.form(
            {"method": "post", "action": "/vote"},
            h.fieldset([h.label(h.input({"type": "radio", "name": "choice", "value": choice}), choice) for choice in CHOICES]),
            h.p({"class": "error", "id": "error"}, error) if error else None,
            h.button("Vote"),
        ),
        h.div(init(get("/results", retry="always")), results(c.state.db)),
    )


async def home(c: Context):
    return poll(c, notice="Thanks for voting." if "voted" in c.query else "")


async def vote(c: Context, w: Writer) -> None:
    form = await c.form()
    choice = form.get("choice")
    if choice not in CHOICES:
        w.html(poll(c, error="Choose one of the options."), status=422)
        return
    c.state.db.execute("update votes set count = count + 1 where choice = ?", (choice,))
    relay.publish("poll", results(c.state.db))
    w.redirect("/?voted")


async def live_results(c: Context):
    async with relay.subscribe("poll") as inbox:
        yield results(c.state.db)
        async for table in inbox:
            yield table


async def bootstrap(app: Stario, span):
    app.state.db = open_db(os.environ.get("POLL_DB", ":memory:"))
    yield
    relay.close()
    app.state.db.close()


app = Stario(
    Query("/", home),
    Command("/vote", vote),
    Query("/results", live_results),
    bootstrap=bootstrap,
    secret_key=os.environ.get("STARIO_SECRET_KEY") or secrets.token_urlsafe(32),
)
app.static("/static", HERE / "static")
