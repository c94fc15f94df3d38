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


def shown(response) -> list[str]:
    """What an answer patches into the page: the HTML of each of its events."""
    assert response.status == 200, f"the answer should be 200, it was {response.status}: {response.text!r}"
    return [event.elements for event in response.events]


def test_clicking_adds_one(client: TestClient):
    first = shown(client.post("/inc"))
    assert first == ['<p id="count">1</p>'], f'after one click the answer should be <p id="count">1</p>; it was {first}'
    second = shown(client.post("/inc"))
    assert second == ['<p id="count">2</p>'], f'after two clicks the answer should be <p id="count">2</p>; it was {second}'


def test_reset_goes_back_to_zero(client: TestClient):
    client.post("/inc")
    client.post("/inc")
    reset = shown(client.post("/reset"))
    assert reset == ['<p id="count">0</p>'], f'the reset should answer <p id="count">0</p>; it was {reset}'
    after = shown(client.post("/inc"))
    assert after == ['<p id="count">1</p>'], f'one click after a reset should show <p id="count">1</p>; it was {after}'
