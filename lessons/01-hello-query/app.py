from stario import Query, Stario


async def home():
    return "<h1>Hello, web</h1>"


app = Stario(Query("/", home))
