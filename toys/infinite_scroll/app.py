"""Infinite scroll: the list loads its next page when the last row scrolls into view.

Run it with ``stario serve toys.infinite_scroll.app:app``.
"""

from stario import Context, HTTPError, Query, Stario, Writer
from stario.datastar import get, on_intersect
from stario.html import div, h2, li, p, span, strong, style, ul
from stario.toys import ToyPage

PAGE_SIZE = 20
# The "database": 100 contacts. A real app would run a query with LIMIT and OFFSET (or a keyset).
CONTACTS = [{"id": n, "name": f"Contact {n}", "email": f"contact{n}@example.com"} for n in range(1, 101)]

STYLE = """
#contacts { list-style: none; padding: 0; }
#contacts li { padding: 0.6rem 0.8rem; border-bottom: 1px solid #8884; }
#contacts .email { opacity: 0.7; }
"""


def contact_row(contact: dict) -> str:
    return li(
        {"id": f"contact-{contact['id']}", "class": "contact"},
        strong(contact["name"]),
        " ",
        span({"class": "email"}, contact["email"]),
    )


def rows_after(page: int) -> tuple[list[dict], bool]:
    start = (page - 1) * PAGE_SIZE
    rows = CONTACTS[start : start + PAGE_SIZE]
    return rows, start + PAGE_SIZE < len(CONTACTS)


def sentinel(next_page: int) -> str:
    # The last row watches itself: once it scrolls into view it asks for the next page, once.
    return li({"id": "more"} | on_intersect(get(f"/contacts?page={next_page}"), once=True), "Loading more...")


def end_row() -> str:
    return li({"id": "end"}, "That is everyone.")


def page_of_rows(page: int) -> list[str]:
    rows, more = rows_after(page)
    return [contact_row(contact) for contact in rows] + [sentinel(page + 1) if more else end_row()]


async def home():
    return ToyPage(
        div(
            style(STYLE),
            h2("Contacts"),
            p("Scroll down: each page is fetched when the last row comes into view."),
            ul({"id": "contacts"}, page_of_rows(1)),
        ),
        title="Infinite scroll",
    )


async def contacts(c: Context, w: Writer) -> None:
    """A Query: one page of rows, appended to the list in place of the old sentinel."""
    raw = c.query.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        # Checked before the stream opens, so the answer is a plain 400.
        raise HTTPError(400, "page must be a whole number from 1")
    page = int(raw)
    with c.span.step("contacts.page", page=page) as step:
        rows = page_of_rows(page)
        step.attr("contacts.rows", len(rows) - 1)
    stream = w.sse()
    await stream.remove_elements("#more")
    await stream.patch_elements("".join(rows), selector="#contacts", mode="append")


app = Stario(Query("/", home), Query("/contacts", contacts))
