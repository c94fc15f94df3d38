"""Bulk update: tick users in a table, then Activate or Deactivate them all in one Command."""

from stario import Command, Context, HTTPError, Query, Stario, Writer
from stario.datastar import on, post
from stario.html import button, div, form, input, p, style, table, tbody, td, th, thead, tr
from stario.toys import ToyPage

# Module state: id -> user. A real app would keep this in a database.
USERS = {
    1: {"name": "Ada Lovelace", "email": "ada@example.com", "active": True},
    2: {"name": "Alan Turing", "email": "alan@example.com", "active": True},
    3: {"name": "Grace <Hopper>", "email": "grace@example.com", "active": False},
    4: {"name": "Edsger Dijkstra", "email": "edsger@example.com", "active": False},
}
ACTIONS = {"activate": True, "deactivate": False}


def user_row(user_id: int, user: dict):
    state = "Active" if user["active"] else "Inactive"
    return tr(
        {"id": f"user-{user_id}", "class": "active" if user["active"] else "inactive"},
        td(input({"type": "checkbox", "name": "ids", "value": user_id, "aria-label": f"select {user['name']}"})),
        td(user["name"]),
        td(user["email"]),
        td({"class": "status"}, state),
    )


def message(text: str = "", kind: str = "info"):
    return p({"id": "message", "class": kind}, text)


async def home():
    action = lambda name: on("click", post(f"/users/{name}", content_type="form"))  # noqa: E731
    return ToyPage(
        div(
            STYLE,
            form(
                {"id": "bulk"},
                table(
                    thead(tr(th(""), th("Name"), th("Email"), th("Status"))),
                    tbody({"id": "users"}, [user_row(i, u) for i, u in USERS.items()]),
                ),
                div(
                    {"class": "actions"},
                    button({"id": "activate", "type": "button"} | action("activate"), "Activate"),
                    button({"id": "deactivate", "type": "button"} | action("deactivate"), "Deactivate"),
                ),
            ),
            message(),
        ),
        title="Bulk update",
    )


async def bulk(c: Context, w: Writer) -> None:
    """A Command: set ``active`` on every ticked user, then patch just those rows."""
    action = c.params["action"]
    if action not in ACTIONS:
        raise HTTPError(404, f"no bulk action {action!r}")
    form_data = await c.form()
    ids = []
    for raw in form_data.getall("ids"):
        if not str(raw).isdigit() or int(raw) not in USERS:
            ids = None
            break
        ids.append(int(raw))
    async with w.sse() as sse:
        if ids is None:
            await sse.patch_elements(message("Some of those users no longer exist; reload the page.", "error"))
            return
        if not ids:
            await sse.patch_elements(message("Tick at least one user first.", "error"))
            return
        with c.span.step("users.bulk_update", action=action, count=len(ids)):
            for user_id in ids:
                USERS[user_id]["active"] = ACTIONS[action]
        # One event carrying every changed row, each matched by its id. Mode "replace" rather
        # than the default morph: a morph keeps a ticked box ticked (the browser's state wins
        # while the attribute does not change), and after the update the selection should clear.
        await sse.patch_elements("".join(user_row(i, USERS[i]) for i in ids), mode="replace")
        noun = "user" if len(ids) == 1 else "users"
        await sse.patch_elements(message(f"{action.title()}d {len(ids)} {noun}.", "ok"))


STYLE = style("""
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #8883; }
tr.inactive td { opacity: .55; }
.actions { display: flex; gap: .5rem; margin-top: .75rem; }
.error { color: #c33; } .ok { color: #393; }
#message { min-height: 1.6em; }
""")

app = Stario(Query("/", home), Command("/users/{action}", bulk))
