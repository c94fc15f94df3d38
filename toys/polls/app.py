"""Polls: a small real app. SQLite, forms checked on the server, one vote per browser, live
results, an admin page behind a login, a stylesheet.

Run it with ``stario serve toys.polls.app:app`` (or, after ``stario toys add polls``,
``stario serve polls.app:app``). Settings, all from the environment:

- ``POLLS_DB``: the SQLite file (default ``polls.db`` in the current folder);
- ``POLLS_ADMIN_PASSWORD``: the admin's password (default ``admin``, and the login page says so);
- ``STARIO_SECRET_KEY``: signs the session cookie (default: a new random key at every start,
  which logs everyone out on a restart; set one in production).
"""

import asyncio
import hashlib
import hmac
import os
import secrets
import sqlite3
from pathlib import Path
from urllib.parse import quote

from stario import Command, Context, HTTPError, Query, Relay, Stario, Writer
from stario import html as h
from stario.datastar import get, init
from stario.datastar import script as client_script

HERE = Path(__file__).resolve().parent
relay = Relay(inbox_size=16)  # a results table replaces the last: a slow reader needs only the newest

QUESTION_LIMITS = (3, 200)
OPTION_LIMITS = (2, 6)
SCHEMA = """
create table if not exists polls (id integer primary key, question text not null, closed integer not null default 0);
create table if not exists options (id integer primary key, poll_id integer not null references polls(id),
                                    label text not null, votes integer not null default 0);
create table if not exists ballots (poll_id integer not null, voter text not null, primary key (poll_id, voter));
"""


# -- the database, opened once per process in bootstrap -----------------------------------------------


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)  # autocommit; `with db:` makes a transaction
    db.row_factory = sqlite3.Row
    db.execute("pragma journal_mode = wal")
    db.execute("pragma foreign_keys = on")
    db.executescript(SCHEMA)
    return db


def find_poll(db: sqlite3.Connection, poll_id: str) -> sqlite3.Row:
    row = db.execute("select * from polls where id = ?", (poll_id,)).fetchone() if poll_id.isdigit() else None
    if row is None:
        raise HTTPError(404, f"there is no poll {poll_id}")
    return row


def options_of(db: sqlite3.Connection, poll_id: int) -> list[sqlite3.Row]:
    return db.execute("select * from options where poll_id = ? order by id", (poll_id,)).fetchall()


# -- pages ---------------------------------------------------------------------------------------------


def layout(c: Context, title: str, *content, status_line: str = "") -> str:
    user = c.session.get("user")
    account = (
        h.form({"method": "post", "action": "/logout"}, h.span(f"signed in as {user} "), h.button("Log out"))
        if user
        else h.a({"href": "/login"}, "Admin")
    )
    return h.DOCTYPE + h.html(
        {"lang": "en"},
        h.head(
            h.meta({"charset": "utf-8"}),
            h.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
            h.title(f"{title} - Polls"),
            h.link({"rel": "icon", "href": "data:,"}),
            h.link({"rel": "stylesheet", "href": c.app.static_url("style.css")}),
            client_script(),
        ),
        h.body(
            h.header(h.a({"href": "/", "class": "brand"}, "Polls"), h.nav(account)),
            h.main(h.h1(title), h.p({"class": "notice", "role": "status"}, status_line) if status_line else None, *content),
        ),
    )


def results(poll: sqlite3.Row, options: list[sqlite3.Row]) -> str:
    """The results table: its id stays the same, so each new one morphs the last in place."""
    total = sum(option["votes"] for option in options)
    rows = []
    for option in options:
        share = round(100 * option["votes"] / total) if total else 0
        rows.append(
            h.tr(
                {"id": f"option-{option['id']}"},
                h.th({"scope": "row"}, option["label"]),
                h.td({"class": "bar"}, h.span({"style": f"width: {share}%"})),
                h.td({"class": "count"}, option["votes"]),
            )
        )
    return h.table(
        {"id": f"results-{poll['id']}", "class": "results"},
        h.caption(f"{total} vote{'s' if total != 1 else ''}" + (" (closed)" if poll["closed"] else "")),
        h.tbody(rows),
    )


async def home(c: Context) -> str:
    polls = c.state.db.execute("select * from polls where closed = 0 order by id desc").fetchall()
    items = [h.li(h.a({"href": f"/polls/{poll['id']}"}, poll["question"])) for poll in polls]
    body = h.ul({"class": "polls"}, items) if items else h.p("No open polls yet. An admin can start one.")
    return layout(c, "Open polls", body)


def poll_page(c: Context, poll: sqlite3.Row, *, error: str = "", status_line: str = "") -> str:
    options = options_of(c.state.db, poll["id"])
    voted = c.session.get(f"voted-{poll['id']}")
    if poll["closed"]:
        action = h.p("This poll is closed.")
    elif voted:
        action = h.p("You have voted. The results update live.")
    else:
        action = h.form(
            {"method": "post", "action": f"/polls/{poll['id']}/vote", "class": "vote"},
            h.fieldset(
                h.legend("Your choice"),
                [
                    h.label(h.input({"type": "radio", "name": "option", "value": option["id"], "required": True}), " ", option["label"])
                    for option in options
                ],
            ),
            h.p({"class": "error", "role": "alert"}, error) if error else None,
            h.button("Vote"),
        )
    live = h.div(init(get(f"/polls/{poll['id']}/live", retry="always")), results(poll, options))
    return layout(c, poll["question"], action, h.h2("Results"), live, status_line=status_line)


async def show_poll(c: Context) -> str:
    return poll_page(c, find_poll(c.state.db, c.params["id"]), status_line="Thanks for voting." if "voted" in c.query else "")


async def vote(c: Context, w: Writer) -> None:
    """A plain form post: checked here, answered 422 with the page and its error, else 303 (PRG)."""
    db = c.state.db
    poll = find_poll(db, c.params["id"])
    form = await c.form()
    choice = str(form.get("option", ""))
    option = db.execute("select * from options where id = ? and poll_id = ?", (choice, poll["id"])).fetchone() if choice.isdigit() else None
    if poll["closed"]:
        w.html(poll_page(c, poll, error="This poll is closed."), status=409)
        return
    if option is None:
        w.html(poll_page(c, poll, error="Choose one of the options."), status=422)
        return
    voter = c.session.id  # a random id kept in this browser's signed session cookie
    with db:
        inserted = db.execute("insert or ignore into ballots (poll_id, voter) values (?, ?)", (poll["id"], voter)).rowcount
        if inserted:
            db.execute("update options set votes = votes + 1 where id = ?", (option["id"],))
    c.session[f"voted-{poll['id']}"] = True
    if not inserted:
        w.html(poll_page(c, poll, error="This browser has voted in this poll already."), status=409)
        return
    c.span.attr("polls.option", option["id"])
    relay.publish(f"poll.{poll['id']}", results(poll, options_of(db, poll["id"])))
    w.redirect(f"/polls/{poll['id']}?voted")


async def live_results(c: Context):
    """Each new results table as votes come in, from any browser."""
    poll = find_poll(c.state.db, c.params["id"])
    async with relay.subscribe(f"poll.{poll['id']}", span=c.span) as inbox:
        # Subscribed first, then the current table: no vote can fall in between.
        yield results(poll, options_of(c.state.db, poll["id"]))
        async for table in inbox:
            yield table


# -- logging in ----------------------------------------------------------------------------------------


def password_hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def login_page(c: Context, *, error: str = "") -> str:
    hint = None if os.environ.get("POLLS_ADMIN_PASSWORD") else h.p(
        {"class": "hint"}, "This demo's admin password is ", h.code("admin"), "; set POLLS_ADMIN_PASSWORD to choose one."
    )
    return layout(
        c,
        "Sign in",
        h.form(
            {"method": "post", "action": "/login" + (f"?next={quote(c.query['next'])}" if "next" in c.query else "")},
            h.label("Name ", h.input({"name": "name", "autocomplete": "username", "required": True})),
            h.label("Password ", h.input({"name": "password", "type": "password", "autocomplete": "current-password", "required": True})),
            h.p({"class": "error", "role": "alert"}, error) if error else None,
            h.button("Sign in"),
        ),
        hint,
    )


async def show_login(c: Context) -> str:
    return login_page(c)


async def login(c: Context, w: Writer) -> None:
    form = await c.form()
    admin = c.state.admin
    # scrypt is slow on purpose (tens of ms): in a thread, so live pages do not stall meanwhile.
    given = await asyncio.to_thread(password_hash, str(form.get("password", "")), admin["salt"])
    # compare_digest takes as long for a wrong first byte as for a wrong last one.
    if form.get("name") != "admin" or not hmac.compare_digest(given, admin["hash"]):
        w.html(login_page(c, error="Wrong name or password."), status=401)
        return
    c.session.rotate()  # a new session id once signed in
    c.session["user"] = "admin"
    w.redirect(c.query.get("next", "/admin/"), safe=True, fallback="/admin/")


async def logout(c: Context, w: Writer) -> None:
    c.session.clear()
    w.redirect("/")


def require_login(next):
    """Middleware for the admin pages: a visitor who is not signed in goes to the login page."""

    async def handler(c: Context, w: Writer) -> None:
        user = c.session.get("user")
        if user is None:
            w.redirect(f"/login?next={quote(c.url)}")
            return
        c.locals.user = user
        await next(c, w)

    return handler


# -- the admin pages, mounted at /admin ------------------------------------------------------------------


def admin_page(c: Context, *, errors: list[str] = (), question: str = "", choices: str = "", status_line: str = "") -> str:
    polls = c.state.db.execute("select * from polls order by id desc").fetchall()
    rows = [
        h.tr(
            h.td(h.a({"href": f"/polls/{poll['id']}"}, poll["question"])),
            h.td("closed" if poll["closed"] else "open"),
            h.td(
                None if poll["closed"] else h.form({"method": "post", "action": f"/admin/polls/{poll['id']}/close"}, h.button("Close"))
            ),
        )
        for poll in polls
    ]
    return layout(
        c,
        f"Admin ({c.locals.user})",
        h.form(
            {"method": "post", "action": "/admin/polls", "class": "new-poll"},
            h.label("Question ", h.input({"name": "question", "value": question, "required": True, "maxlength": QUESTION_LIMITS[1]})),
            h.label("Options, one per line ", h.textarea({"name": "options", "rows": 4, "required": True}, choices)),
            h.ul({"class": "error", "role": "alert"}, [h.li(error) for error in errors]) if errors else None,
            h.button("Start the poll"),
        ),
        h.table({"class": "admin-polls"}, h.tbody(rows)) if rows else h.p("No polls yet."),
        status_line=status_line,
    )


async def dashboard(c: Context) -> str:
    return admin_page(c, status_line={"created": "Poll started.", "closed": "Poll closed."}.get(c.query.get("done", ""), ""))


def check_poll(question: str, lines: list[str]) -> list[str]:
    errors = []
    low, high = QUESTION_LIMITS
    if not low <= len(question) <= high:
        errors.append(f"The question needs {low} to {high} characters.")
    low, high = OPTION_LIMITS
    if not low <= len(lines) <= high:
        errors.append(f"Give {low} to {high} options, one per line.")
    if len({line.lower() for line in lines}) != len(lines):
        errors.append("Each option must be different.")
    if any(len(line) > 80 for line in lines):
        errors.append("An option has at most 80 characters.")
    return errors


async def create_poll(c: Context, w: Writer) -> None:
    form = await c.form()
    question = str(form.get("question", "")).strip()
    choices = str(form.get("options", ""))
    lines = [line.strip() for line in choices.splitlines() if line.strip()]
    errors = check_poll(question, lines)
    if errors:
        w.html(admin_page(c, errors=errors, question=question, choices=choices), status=422)
        return
    db = c.state.db
    with db:
        poll_id = db.execute("insert into polls (question) values (?)", (question,)).lastrowid
        db.executemany("insert into options (poll_id, label) values (?, ?)", [(poll_id, line) for line in lines])
    c.span.attr("polls.created", poll_id)
    w.redirect("/admin/?done=created")


async def close_poll(c: Context, w: Writer) -> None:
    db = c.state.db
    poll = find_poll(db, c.params["id"])
    db.execute("update polls set closed = 1 where id = ?", (poll["id"],))
    relay.publish(f"poll.{poll['id']}", results(find_poll(db, c.params["id"]), options_of(db, poll["id"])))
    w.redirect("/admin/?done=closed")


admin = Stario(
    Query("/", dashboard),
    Command("/polls", create_poll),
    Command("/polls/{id}/close", close_poll),
)
admin.use(require_login)


# -- the app -------------------------------------------------------------------------------------------


async def bootstrap(app: Stario, span):
    path = os.environ.get("POLLS_DB", "polls.db")
    app.state.db = open_db(path)  # quick; every query then runs on the event loop's thread
    salt = secrets.token_bytes(16)
    app.state.admin = {"salt": salt, "hash": password_hash(os.environ.get("POLLS_ADMIN_PASSWORD", "admin"), salt)}
    span.attr("polls.db", path)
    yield
    relay.close()  # open result streams end, so the server can stop
    app.state.db.close()


app = Stario(
    Query("/", home),
    Query("/polls/{id}", show_poll),
    Command("/polls/{id}/vote", vote),
    Query("/polls/{id}/live", live_results),
    Query("/login", show_login),
    Command("/login", login),
    Command("/logout", logout),
    bootstrap=bootstrap,
    secret_key=os.environ.get("STARIO_SECRET_KEY") or secrets.token_urlsafe(32),
    compression=True,
)
app.mount("/admin", admin)
app.static("/static", HERE / "static")
