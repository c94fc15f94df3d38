import asyncio
import os
import secrets
import time

from stario import Context, Query, Span, Stario, Writer
from stario import html as h
from stario.toys import ToyPage

DEVELOPMENT = os.environ.get("APP_ENV") == "development"


async def bootstrap(app: Stario, span: Span):
    app.state.started = time.time()
    span.attr("development", DEVELOPMENT)
    yield  # the server serves requests here
    span.event("teardown", uptime_s=round(time.time() - app.state.started))


async def home(c: Context, w: Writer) -> None:
    if "session" not in c.cookies:
        w.cookie("session", secrets.token_urlsafe(16), max_age=7 * 24 * 3600)
    w.html(ToyPage(h.div(h.h1("Live clock"), h.p({"id": "clock", "data-init": "@get('/clock')"}, "--:--:--"))))


async def clock(c: Context):
    try:
        while True:
            yield h.p({"id": "clock"}, time.strftime("%H:%M:%S"))
            await asyncio.sleep(1)
    finally:
        c.span.event("clock.stopped")  # the tab closed, or the server is shutting down


async def healthz(c: Context, w: Writer) -> None:
    w.text(f"ok, up {time.time() - c.state.started:.0f} s")


app = Stario(
    Query("/", home),
    Query("/clock", clock),
    Query("/healthz", healthz),
    bootstrap=bootstrap,
    debug=True,
)
