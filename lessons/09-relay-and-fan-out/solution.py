from stario import Command, Context, HTTPError, Message, Query, Relay, Stario, Subscription
from stario.datastar import PatchElements
from stario.html import li, p
from stario.toys import ToyPage

relay = Relay(inbox_size=64)  # each reader keeps at most 64 unread messages


async def home():
    return ToyPage(
        """
        <h2>Lobby</h2>
        <div data-init="@get('/messages')"><p id="status">connecting...</p></div>
        <ul id="messages"></ul>
        <form data-signals="{text: ''}" data-on:submit__prevent="@post('/send'); $text = ''">
            <input data-bind:text placeholder="Say something" autocomplete="off">
            <button>Send</button>
        </form>
        """,
        title="Chat",
    )


async def messages(c: Context):
    subscription: Subscription = relay.subscribe("chat.>", with_topic=True, span=c.span)
    async with subscription as inbox:
        relay.publish("chat.presence", "someone joined")
        try:
            yield p({"id": "status"}, "connected")  # subscribed first, so nothing sent from now on is missed
            message: Message  # with_topic=True: each item has .topic and .data
            async for message in inbox:
                if message.topic == "chat.presence":
                    item = li({"class": "presence"}, message.data)
                else:
                    item = li(message.data)
                yield PatchElements(item, selector="#messages", mode="append")
        finally:
            relay.publish("chat.presence", "someone left")


async def send(c: Context) -> None:
    text = str((await c.signals()).get("text", "")).strip()
    if not text:
        raise HTTPError(400, "an empty message is not sent")
    relay.publish("chat.lobby", text)


app = Stario(Query("/", home), Query("/messages", messages), Command("/send", send))
