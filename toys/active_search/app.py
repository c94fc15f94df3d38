"""Active search: results update as you type; the query goes to a Query as a signal, debounced.

Run it with ``stario serve toys.active_search.app:app`` (or ``stario serve app:app`` next to this file).
"""

from stario import Context, Query, Stario
from stario.datastar import bind, get, indicator, on, show, signals
from stario.html import div, fragment, h1, input, li, mark, p, span, style, ul
from stario.toys import ToyPage

MAX_RESULTS = 20
MAX_QUERY = 100

# The data: in a real app a database query. Kept here so the toy is one file.
PEOPLE = [
    "Ada Lovelace", "Alan Turing", "Barbara Liskov", "Claude Shannon", "Dennis Ritchie",
    "Donald Knuth", "Edsger Dijkstra", "Frances Allen", "Grace Hopper", "Guido van Rossum",
    "John McCarthy", "Katherine Johnson", "Ken Thompson", "Leslie Lamport", "Linus Torvalds",
    "Margaret Hamilton", "Niklaus Wirth", "Radia Perlman", "Tim Berners-Lee", "Tony Hoare",
]

STYLE = """
#results { padding-left: 1.2rem; }
#results mark { background: #ffe08a; color: inherit; padding: 0 0.1em; }
#searching { opacity: 0.6; font-size: 0.9em; }
"""


def search(query: str) -> list[str]:
    needle = query.casefold()
    return [name for name in PEOPLE if needle in name.casefold()][:MAX_RESULTS]


def highlighted(name: str, query: str):
    """The name with the match wrapped in <mark>. Every piece is text, so it is escaped."""
    if not query:
        return name
    start = name.casefold().find(query.casefold())
    if start < 0:
        return name
    end = start + len(query)
    return fragment(name[:start], mark(name[start:end]), name[end:])


def results_view(query: str):
    """The results list. Its id is stable, so each answer morphs it in place."""
    found = search(query)
    if not found:
        # The query is echoed back as text: "<img onerror=...>" shows as typed, it does not run.
        return ul({"id": "results"}, li({"class": "empty"}, "No one matches \u201c", query, "\u201d."))
    return ul({"id": "results"}, [li(highlighted(name, query)) for name in found])


async def home():
    """Query: the page, with every name listed before anything is typed."""
    return ToyPage(
        fragment(
            style(STYLE),
            h1("Active search"),
            div(
                signals({"q": ""}),
                input(
                    {"id": "search", "type": "search", "placeholder": "Search people...", "autocomplete": "off"}
                    | bind("q")
                    | on("input", get("/search"), debounce=300)
                    | indicator("searching"),
                ),
                " ",
                span({"id": "searching"} | show("$searching"), "searching..."),
            ),
            p("Type part of a name; the list follows, 300 ms after you stop."),
            results_view(""),
        ),
        title="Active search",
    )


async def search_results(c: Context):
    """Query: read the ``q`` signal (sent in the query string by @get) and answer with the results."""
    query = str((await c.signals()).get("q", "")).strip()[:MAX_QUERY]
    with c.span.step("search.people", query=query) as step:
        view = results_view(query)
        step.attr("search.results", len(search(query)))
    return view


app = Stario(Query("/", home), Query("/search", search_results))
