"""Inline validation: the email field is checked as you type; submitting checks everything again.

Run it with ``stario serve toys.inline_validation.app:app``.
"""

import re

from stario import Command, Context, Query, Stario
from stario.datastar import bind, on, post, signals
from stario.html import button, div, form, fragment, h2, label, p
from stario.html import input as input_
from stario.toys import ToyPage

TAKEN = {"taken@example.com", "admin@example.com"}  # a stand-in for a users table
users: list[dict] = []
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_email(email: str) -> str | None:
    email = email.strip().lower()
    if not email:
        return "Enter your email address."
    if len(email) > 254 or not EMAIL.fullmatch(email):
        return "That does not look like an email address."
    if email in TAKEN or any(user["email"] == email for user in users):
        return "That email is already registered."
    return None


def check_name(name: str) -> str | None:
    name = name.strip()
    if not name:
        return "Enter your name."
    if len(name) > 60:
        return "Keep your name under 60 characters."
    return None


def message(field: str, error: str | None, ok: str = "") -> str:
    # Stable ids, one per field: the answer to a check is this element, morphed by id.
    state = "error" if error else "ok"
    return p({"id": f"{field}-message", "class": state, "style": f"color: {'crimson' if error else 'seagreen'}"},
             error or ok)


def signup_form() -> str:
    return form(
        {"id": "signup"} | signals({"name": "", "email": ""}) | on("submit", post("/signup"), prevent=True),
        label("Name ", input_({"id": "name", "autocomplete": "name"} | bind("name"))),
        message("name", None),
        label(
            "Email ",
            input_({"id": "email", "type": "email", "autocomplete": "email"} | bind("email")
                   | on("input", post("/validate/email"), debounce=300)),
        ),
        message("email", None),
        button({"id": "submit"}, "Sign up"),
    )


async def home():
    return ToyPage(
        div(
            h2("Sign up"),
            signup_form(),
        ),
        title="Inline validation",
    )


async def validate_email(c: Context):
    """A Command that only checks: 200 and the email's message, error or OK."""
    email = str((await c.signals()).get("email", ""))
    with c.span.step("validate.email") as step:
        error = check_email(email)
        step.attr("valid", error is None)
    return message("email", error, "Looks good.")


async def signup(c: Context):
    """A Command that changes: everything is checked again; mistakes come back as 200 and patches."""
    data = await c.signals()
    name, email = str(data.get("name", "")), str(data.get("email", ""))
    with c.span.step("validate.all") as step:
        errors = {"name": check_name(name), "email": check_email(email)}
        step.attr("errors", sum(1 for error in errors.values() if error))
    if any(errors.values()):
        return fragment(message("name", errors["name"]), message("email", errors["email"], "Looks good."))
    with c.span.step("users.create"):
        users.append({"name": name.strip(), "email": email.strip().lower()})
    return div({"id": "signup"}, p({"id": "welcome"}, f"Welcome, {name.strip()}! Check {email.strip()} for a link."))


app = Stario(Query("/", home), Command("/validate/email", validate_email), Command("/signup", signup))
