from stario import Command, Context, Query, Relay, Stario
from stario import datastar as ds
from stario import html as h
from stario.datastar import PatchElements, PatchSignals, RemoveElements
from stario.toys import ToyPage

MESSAGES = ["Welcome to the feed.", "Every line here came as an SSE event.", "Patches have modes."]
relay = Relay()


def item(number: int):
    return h.li({"id": f"m{number}"}, f"#{number} ", MESSAGES[number - 1])


async def home():
    return ToyPage(
        h.div(
            ds.signals({"text": ""}),
            h.h1("Feed"),
            h.p({"id": "status"}, "Connecting..."),
            h.ul({"id": "feed"} | ds.init(ds.get("/feed"))),
            h.input({"id": "text", "placeholder": "Say something"} | ds.bind("text")),
            h.button(ds.on("click", ds.post("/messages")), "Post"),
            h.button(ds.on("click", ds.post("/notice")), "Add a notice"),
            h.button(ds.on("click", ds.delete("/messages/oldest")), "Hide the oldest"),
        ),
        title="Feed",
    )


async def feed(c: Context):
    seen = c.headers.get("last-event-id", "")  # sent by the browser when it reconnects
    start = int(seen) + 1 if seen.isdigit() else 1
    async with relay.subscribe("feed") as inbox:
        yield PatchElements(h.p({"id": "status"}, "Live."), retry_duration=5000)  # mode outer: morph #status
        for number in range(start, len(MESSAGES) + 1):
            yield PatchElements(item(number), selector="#feed", mode="append", event_id=str(number))
        async for number in inbox:
            yield PatchElements(item(number), selector="#feed", mode="append", event_id=str(number))


async def post_message(c: Context):
    text = str((await c.signals()).get("text", "")).strip()
    if text:
        MESSAGES.append(text)
        relay.publish("feed", len(MESSAGES))
    yield PatchSignals({"text": ""})


async def notice(c: Context):
    yield PatchElements(h.p({"class": "notice"}, "Be kind."), selector="#feed", mode="before")


async def hide_oldest(c: Context):
    yield RemoveElements("#feed > li:first-child")
    yield PatchElements(h.p({"id": "status"}, "Hidden."))


app = Stario(
    Query("/", home),
    Query("/feed", feed),
    Command("/messages", post_message),
    Command("/notice", notice),
    Command("/messages/oldest", hide_oldest, method="DELETE"),
)
