"""Two pages talking through a Relay: each page streams `room.*`; a page's message is published
on `room.lobby` and appended to the message list of every subscribed page."""

from stario import Command, Context, Query, Stario
from stario.datastar import PatchElements
from stario.html import li
from stario.relay import Relay
from tests.e2e.apps.common import page

relay = Relay()


async def home():
    return page(
        """
        <h1>Chat</h1>
        <div data-init="@get('/events')"></div>
        <p id="status">connecting</p>
        <input id="text" data-bind:text>
        <button id="send" data-on:click="@post('/send')">Send</button>
        <ul id="messages"></ul>
        """
    )


async def events():
    messages = relay.subscribe("room.*")  # subscribed from here on, before the first event goes out
    yield '<p id="status">connected</p>'
    async for message in messages:
        yield PatchElements(li(message), selector="#messages", mode="append")


async def send(c: Context):
    text = (await c.signals()).get("text", "")
    relay.publish("room.lobby", text)


app = Stario(Query("/", home), Query("/events", events), Command("/send", send))
