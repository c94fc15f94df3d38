from stario import Command, Context, Headers, Query, QueryParams, Stario, Writer
from stario.html import DOCTYPE, body, button, form, h1, head, html, input, p, title

GREETINGS = {"en": "Hello", "fr": "Bonjour", "de": "Hallo"}


def language(c: Context) -> str:
    """?lang= wins; else the browser's first preference; else English."""
    query: QueryParams = c.query  # ?lang=fr, decoded
    headers: Headers = c.headers  # names in any case: "Accept-Language" or "accept-language"
    wanted = query.get("lang") or headers.get("accept-language", "en")[:2]
    return wanted if wanted in GREETINGS else "en"


async def home(c: Context, w: Writer) -> None:
    name = c.cookies.get("name")
    greeting = f"{GREETINGS[language(c)]}, {name or 'stranger'}!"
    sign_in = form(
        {"method": "post", "action": "/login"},
        input({"name": "name", "placeholder": "Your name"}),
        button("Sign in"),
    )
    w.html(DOCTYPE + html(head(title(greeting)), body(h1(greeting), p("Signed in.") if name else sign_in)))


async def login(c: Context, w: Writer) -> None:
    fields = await c.form()
    name = fields.get("name", "").strip()
    if not name:
        w.text("say who you are: the form needs a name", status=400)
        return
    w.cookie("name", name, max_age=30 * 24 * 3600)
    w.redirect("/")


async def logout(c: Context, w: Writer) -> None:
    w.delete_cookie("name")
    w.redirect("/")


async def me(c: Context, w: Writer) -> None:
    name = c.cookies.get("name")
    if name is None:
        w.json({"error": "not signed in"}, status=401)
        return
    w.json({"name": name})


async def greet_json(c: Context, w: Writer) -> None:
    w.json({"greeting": GREETINGS[language(c)], "lang": language(c)})


app = Stario(
    Query("/", home),
    Command("/login", login),
    Command("/logout", logout),
    Query("/api/me", me),
    Query("/api/greeting", greet_json),
)
