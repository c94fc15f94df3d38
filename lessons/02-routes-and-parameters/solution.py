from stario import Context, HTTPError, Query, Route, RouteConflict, Stario

BOOKS = {
    "1": {"title": "Dune", "author": "herbert"},
    "2": {"title": "Emma", "author": "austen"},
    "3": {"title": "Persuasion", "author": "austen"},
}

AUTHORS = {"herbert": "Frank Herbert", "austen": "Jane Austen"}


async def index(c: Context):
    items = "".join(f'<li><a href="{book.href(id=key)}">{b["title"]}</a></li>' for key, b in BOOKS.items())
    return f"<h1>Books</h1><ul>{items}</ul>"


async def show_book(c: Context):
    found = BOOKS.get(c.params["id"])
    if found is None:
        raise HTTPError(404, f"no book with id {c.params['id']}")
    author_link = c.app.url_for("show_author", author=found["author"])
    return f'<h1>{found["title"]}</h1><p>by <a href="{author_link}">{AUTHORS[found["author"]]}</a></p>'


async def show_author(c: Context):
    author = c.params["author"]
    if author not in AUTHORS:
        raise HTTPError(404, f"no author called {author}")
    items = "".join(
        f'<li><a href="{book.href(id=key)}">{b["title"]}</a></li>' for key, b in BOOKS.items() if b["author"] == author
    )
    return f"<h1>{AUTHORS[author]}</h1><ul>{items}</ul>"


async def docs(c: Context):
    return f"<p>You asked for the page <code>{c.params['path']}</code> of the manual.</p>"


book: Route = Query("/books/{id}", show_book)

app = Stario(Query("/", index), book, Query("/authors/{author}", show_author), Query("/docs/{path...}", docs))


def try_a_clashing_route() -> str:
    """Two routes for the same method and path are refused when added, naming both."""
    try:
        Stario(Query("/books/{id}", show_book), Query("/books/{slug}", show_book))
    except RouteConflict as clash:
        return str(clash)
    return "no clash"
