import os

from stario import App, Context, Handler, Query, Span, Stario, State, Writer
from stario.html import h1, li, ul


async def bootstrap(app: Stario, span: Span):
    # Before the yield: set up, once, before the first request.
    state: State = app.state  # shared by every request: c.state in a handler
    state.admin_key = os.environ.get("ADMIN_KEY", "letmein")
    state.log = []
    span.attr("log.ready", True)
    yield  # the server serves requests here
    # After the yield: tear down, once, when the server stops.
    app.state.log.clear()


def log_requests(next: Handler) -> Handler:  # a Middleware: Handler -> Handler
    async def handler(c: Context, w: Writer) -> None:
        c.state.log.append(f"{c.method} {c.path}")
        await next(c, w)

    return handler


async def home():
    return h1("Welcome")


async def show_log(c: Context):
    return ul({"id": "log"}, [li(line) for line in c.state.log])


admin: App = Stario(Query("/log", show_log))  # App is another name for Stario

app = Stario(Query("/", home), bootstrap=bootstrap)
app.use(log_requests)
app.mount("/admin", admin)
