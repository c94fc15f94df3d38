"""Click to edit: a contact card shown read-only; Edit swaps in a form, Save validates, Cancel restores.

Run it with ``stario serve toys.click_to_edit.app:app`` (or ``stario serve app:app`` next to this file).
"""

import re

from stario import Command, Context, Query, Stario
from stario.datastar import get, on, put
from stario.html import button, div, dl, dd, dt, form, fragment, h1, input, label, p, span, style
from stario.toys import ToyPage

# The state: one contact, in a module global.
contact = {"first": "Grace", "last": "Hopper", "email": "grace@example.com"}

FIELDS = [("first", "First name", "text"), ("last", "Last name", "text"), ("email", "Email", "email")]
MAX_LENGTH = 80
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

STYLE = """
#contact { padding: 1rem 1.25rem; border: 1px solid #8884; border-radius: 0.5rem; max-width: 28rem; }
#contact dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
#contact dt { font-weight: 600; }
#contact dd { margin: 0; }
#contact label { display: block; margin-bottom: 0.6rem; }
#contact label input { display: block; width: 100%; }
#contact .error { display: block; color: #c0392b; font-size: 0.9em; }
"""


def card():
    """The read-only view. Same id as the form, so each swaps the other in by a morph."""
    return div(
        {"id": "contact"},
        dl([fragment(dt(title), dd({"id": f"contact-{name}"}, contact[name])) for name, title, _ in FIELDS]),
        button({"id": "edit", "type": "button"} | on("click", get("/contact/edit")), "Edit"),
    )


def editor(values: dict[str, str], errors: dict[str, str] | None = None):
    """The form, filled with ``values``; each error sits under its field. Values are attributes,
    so they are escaped: a name with a quote in it cannot close the value="..." early."""
    errors = errors or {}
    return div(
        {"id": "contact"},
        form(
            {"id": "contact-form"} | on("submit", put("/contact", content_type="form"), prevent=True),
            [
                label(
                    title,
                    input({"id": f"field-{name}", "name": name, "type": kind, "value": values.get(name, ""), "aria-invalid": "true" if name in errors else None}),
                    span({"class": "error", "id": f"error-{name}"}, errors[name]) if name in errors else None,
                )
                for name, title, kind in FIELDS
            ],
            button({"id": "save"}, "Save"),
            " ",
            button({"id": "cancel", "type": "button"} | on("click", get("/contact")), "Cancel"),
        ),
    )


def validate(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, title, _ in FIELDS:
        if not values[name]:
            errors[name] = f"{title} is required."
        elif len(values[name]) > MAX_LENGTH:
            errors[name] = f"{title} must be at most {MAX_LENGTH} characters."
    if "email" not in errors and not EMAIL.match(values["email"]):
        errors["email"] = "That does not look like an email address."
    return errors


async def home():
    """Query: the page with the card."""
    return ToyPage(
        fragment(
            style(STYLE),
            h1("Click to edit"),
            p("Edit swaps the card for a form; Save checks it on the server; Cancel puts the card back."),
            card(),
        ),
        title="Click to edit",
    )


async def show_card():
    """Query: the card (Cancel asks for it: nothing changed, so nothing to send but the view)."""
    return card()


async def edit_form():
    """Query: the form, filled with the saved contact."""
    return editor(contact)


async def save(c: Context):
    """Command: validate the form. Errors are answered with 200 and the form again, values kept
    and each error under its field; a valid form is saved and answered with the card."""
    submitted = await c.form()
    values = {name: str(submitted.get(name) or "").strip() for name, _, _ in FIELDS}
    with c.span.step("contact.validate") as step:
        errors = validate(values)
        step.attr("contact.errors", sorted(errors))
    if errors:
        return editor(values, errors)
    contact.update(values)
    c.span.event("contact.saved")
    return card()


app = Stario(
    Query("/", home),
    Query("/contact", show_card),
    Query("/contact/edit", edit_form),
    Command("/contact", save, method="PUT"),
)
