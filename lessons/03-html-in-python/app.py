from stario import Context, Query, Stario
from stario.html import DOCTYPE, body, h1, head, html, li, p, safe, title, ul

GUESTS = ["Ada", "Grace", "<b>Linus</b>"]

FOOTER = "<footer>Made with <em>Stario</em></footer>"


def page(heading, *content):
    return DOCTYPE + html(head(title(heading)), body(h1(heading), *content, safe(FOOTER)))


def guest_list(names):
    return ul({"id": "guests"}, [li({"class": "guest"}, name) for name in names])


async def home():
    return page("Guests", p(f"{len(GUESTS)} people signed the book."), guest_list(GUESTS))


async def hello(c: Context):
    name = c.query.get("name", "stranger")
    return f"<h1>Hello, {name}!</h1><p>Welcome back.</p>{FOOTER}"


app = Stario(Query("/", home), Query("/hello", hello))
