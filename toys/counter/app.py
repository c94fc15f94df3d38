"""Counter: a button that increments a count kept on the server; the answer is a patch of the count.

Run it with ``stario serve toys.counter.app:app`` (or ``stario serve app:app`` next to this file).
"""

from stario import Command, Context, Query, Stario, Writer
from stario.datastar import on, post
from stario.html import button, div, fragment, h1, p, strong
from stario.toys import ToyPage

# The state lives on the server, in a module global: every browser sees the same count.
count = 0


def counter_view() -> str:
    """The part of the page that changes. Its id is stable, so a patch morphs it in place."""
    return p({"id": "count"}, "Count: ", strong({"id": "count-value"}, count))


async def home():
    """Query: read the count and render the whole page."""
    return ToyPage(
        fragment(
            h1("Counter"),
            counter_view(),
            div(
                button({"id": "increment", "type": "button"} | on("click", post("/increment")), "+1"),
                " ",
                button({"id": "reset", "type": "button"} | on("click", post("/reset")), "Reset"),
            ),
        ),
        title="Counter",
    )


async def increment(c: Context, w: Writer) -> None:
    """Command: change the count, answer with the new view (morphed into the page by its id)."""
    global count
    with c.span.step("counter.increment") as step:
        count += 1
        step.attr("counter.value", count)
    w.html(counter_view())


async def reset(c: Context, w: Writer) -> None:
    """Command: back to zero."""
    global count
    count = 0
    c.span.event("counter.reset")
    w.html(counter_view())


app = Stario(
    Query("/", home),
    Command("/increment", increment),
    Command("/reset", reset),
)
