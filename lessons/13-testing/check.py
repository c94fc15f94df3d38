"""Checks for lesson 13: your tests pass against a working counter, and fail against broken ones.

Each check calls your test functions (the ``learner`` argument is your app.py) with a client
around a counter built here: a working one, or one broken on purpose.
"""

from stario import Command, Context, Query, Span, Stario
from stario import datastar as ds
from stario import html as h
from stario.testing import TestClient
from stario.toys import ToyPage


def counter_app(*, step: int = 1, element_id: str = "count", reset_forgets: bool = True) -> Stario:
    """The counter of app.py. Each argument can break it: a step other than 1, an answer that
    patches an element the page does not have, a reset that only pretends."""

    async def bootstrap(app: Stario, span: Span):
        app.state.count = 0
        yield

    async def home(c: Context):
        return ToyPage(
            h.div(
                h.h1("Counter"),
                h.p({"id": "count"}, c.state.count),
                h.button(ds.on("click", ds.post("/inc")), "+1"),
                " ",
                h.button(ds.on("click", ds.post("/reset")), "Reset"),
            ),
            title="Counter",
        )

    async def inc(c: Context):
        c.state.count += step
        yield h.p({"id": element_id}, c.state.count)

    async def reset(c: Context):
        if reset_forgets:
            c.state.count = 0
        yield h.p({"id": element_id}, 0)

    return Stario(Query("/", home), Command("/inc", inc), Command("/reset", reset), bootstrap=bootstrap)


def _your_test(learner, name: str):
    test = getattr(learner, name, None)
    assert callable(test), f"app.py has no function {name}(client): keep the tests' names, the checks call them by name"
    return test


def _passes(learner, name: str, app: Stario, described: str) -> None:
    """Run your test ``name`` against ``app``; it must pass."""
    test = _your_test(learner, name)
    with TestClient(app, timeout=5) as client:
        try:
            test(client)
        except AssertionError as failure:
            raise AssertionError(f"your {name} failed against {described}, which it should pass: {failure}") from failure
        except Exception as crash:
            raise AssertionError(
                f"your {name} raised {type(crash).__name__} against {described}: {crash}. "
                "A test should pass against a working app, and fail only by an assert"
            ) from crash


def _fails(learner, name: str, app: Stario, described: str, advice: str) -> None:
    """Run your test ``name`` against a broken ``app``; it must fail by an assert."""
    test = _your_test(learner, name)
    with TestClient(app, timeout=5) as client:
        try:
            test(client)
        except AssertionError:
            return  # caught it
        except Exception as crash:
            raise AssertionError(
                f"your {name} raised {type(crash).__name__} against {described}: {crash}. "
                f"It should have failed with an assert that says what went wrong. {advice}"
            ) from crash
    raise AssertionError(f"your {name} passed against {described}: it should have failed. {advice}")


def check_your_tests_pass_against_a_working_counter(client, learner):
    page = client.get("/")
    assert page.status == 200, f"your app should still serve its page at /, it answered {page.status}"
    names = sorted(name for name, value in vars(learner).items() if name.startswith("test_") and callable(value))
    for name in ["test_home_shows_zero", "test_clicking_adds_one", "test_reset_goes_back_to_zero"]:
        _your_test(learner, name)
    for name in names:
        _passes(learner, name, counter_app(), "a working counter")


def check_clicking_test_catches_a_frozen_counter(client, learner):
    _fails(
        learner, "test_clicking_adds_one", counter_app(step=0), "a counter that never changes",
        'Check what the answer shows, not only its status: after one click, <p id="count">1</p>.',
    )


def check_clicking_test_catches_a_counter_that_adds_two(client, learner):
    _fails(
        learner, "test_clicking_adds_one", counter_app(step=2), "a counter that adds 2 on each click",
        "Check for exactly 1 after one click (and 2 after two), not just for a change.",
    )


def check_clicking_test_catches_a_patch_for_a_missing_element(client, learner):
    _fails(
        learner, "test_clicking_adds_one", counter_app(element_id="counter"),
        'a counter that answers <p id="counter">1</p>, an element the page does not have, so nothing on it changes',
        'Compare the whole element, id included: response.events[0].elements == \'<p id="count">1</p>\'.',
    )


def check_reset_test_catches_a_reset_that_keeps_counting(client, learner):
    _fails(
        learner, "test_reset_goes_back_to_zero", counter_app(reset_forgets=False),
        "a counter whose reset shows 0 but goes on counting from where it was",
        "After the reset, click once more: the answer should be 1 again.",
    )
