"""A chat room: one stream per browser, fanned out with `stario.relay.Relay`.

Run it with ``stario serve toys.chat.app:app`` (or, after ``stario toys add chat``, ``stario serve chat.app:app``).
"""

import secrets
from collections import deque
from itertools import count

from stario import Command, Context, Query, Relay, Stario
from stario.datastar import PatchElements, bind, get, on, post, signals
from stario.html import b, button, div, form, h2, li, p, span, ul
from stario.html import input as input_
from stario.toys import ToyPage

ROOM = "chat.lobby"
relay = Relay(inbox_size=64)  # a reader that falls behind loses its oldest unread messages
history: deque = deque(maxlen=50)  # the last messages, shown to whoever joins
ids = count(1)
PROCESS = secrets.token_hex(4)  # tells this process's messages from other workers' (see the README)


def message_item(message: dict) -> str:
    # Names and texts are the users' own words: the tag functions escape them. Ids count up in
    # each process, so a message from another worker gets that worker's mark in its element id.
    origin = message.get("from", PROCESS)
    element_id = f"msg-{message['id']}" if origin == PROCESS else f"msg-{origin}-{message['id']}"
    return li({"id": element_id}, b({"class": "name"}, message["name"]), ": ", span(message["text"]))


def error_box(text: str = "") -> str:
    return p({"id": "error", "role": "alert", "style": "color: crimson"}, text)


async def home():
    return ToyPage(
        div(
            h2("Lobby"),
            div({"data-init": get("/messages")}, p({"id": "status"}, "connecting...")),
            ul({"id": "messages"}),
            form(
                signals({"name": "", "text": ""}) | on("submit", post("/send"), prevent=True),
                input_({"id": "name", "placeholder": "Your name", "maxlength": "30", "autocomplete": "off"} | bind("name")),
                " ",
                input_({"id": "text", "placeholder": "Say something", "autocomplete": "off"} | bind("text")),
                " ",
                button({"id": "send"}, "Send"),
            ),
            error_box(),
        ),
        title="Chat",
    )


async def messages(c: Context):
    """A Query that never ends: the room so far, then each new message as it is published."""
    async with relay.subscribe(ROOM, span=c.span) as inbox:
        # Subscribed before the first yield, so nothing published from now on is missed.
        yield p({"id": "status"}, "connected")
        shown = set()
        for message in list(history):
            shown.add((message.get("from"), message["id"]))
            yield PatchElements(message_item(message), selector="#messages", mode="append")
        async for message in inbox:
            if (message.get("from"), message["id"]) in shown:
                continue  # already sent with the history
            yield PatchElements(message_item(message), selector="#messages", mode="append")


async def send(c: Context):
    """A Command: check the message, publish it; a mistake is answered with 200 and a patch."""
    data = await c.signals()
    name = str(data.get("name", "")).strip()
    text = str(data.get("text", "")).strip()
    if not name:
        yield error_box("Choose a name first.")
        return
    if not text:
        yield error_box("An empty message is not sent.")
        return
    if len(name) > 30 or len(text) > 500:
        yield error_box("That is too long (names up to 30 characters, messages up to 500).")
        return
    with c.span.step("chat.publish", room=ROOM) as step:
        message = {"id": next(ids), "from": PROCESS, "name": name, "text": text}
        history.append(message)
        step.attr("chat.readers", relay.publish(ROOM, message))
    yield error_box()
    yield {"text": ""}  # clear the input for the next message


app = Stario(Query("/", home), Query("/messages", messages), Command("/send", send))
