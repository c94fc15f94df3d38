from stario import Command, Context, Query, Span, Stario
from stario import datastar as ds
from stario import html as h
from stario.testing import TestClient
from stario.toys import ToyPage


async def bootstrap(app: Stario, span: Span):
    app.state.count = 0  # every start of the app, and so every test, begins at 0
    yield


def counter(count: int):
    return h.p({"id": "count"}, count)


async def home(c: Context):
    return ToyPage(
        h.div(
            h.h1("Counter"),
            counter(c.state.count),
            h.button(ds.on("click", ds.post("/inc")), "+1"),
            " ",
            h.button(ds.on("click", ds.post("/reset")), "Reset"),
        ),
        title="Counter",
    )


async def inc(c: Context):
    c.state.count += 1
    yield counter(c.state.count)


async def reset(c: Context):
    c.state.count = 0
    yield counter(0)


app = Stario(Query("/", home), Command("/inc", inc), Command("/reset", reset), bootstrap=bootstrap)


# -- Tests. Each takes a TestClient around a freshly started app. --------------------------------


def test_home_shows_zero(client: TestClient):
    page = client.get("/")
    assert page.status == 200, f"GET / should answer 200, it answered {page.status}"
    assert '<p id="count">0</p>' in page.text, f"a new counter should show <p id=\"count\">0</p>; the page was {page.text!r}"


def test_clicking_adds_one(client: TestClient):
    response = client.post("/inc")
    assert response.status == 200, f"POST /inc should answer 200, it answered {response.status}"
    # Your turn: say what the answer must show after one click, then after a second one.


def test_reset_goes_back_to_zero(client: TestClient):
    client.post("/inc")
    response = client.post("/reset")
    assert response.status == 200, f"POST /reset should answer 200, it answered {response.status}"
    # Your turn: say what the reset must show, and what the next click must show after it.
