from stario import Query, Stario


async def home():
    return "<h1>Hello, Stario</h1>"


async def about():
    return "<p>This app is where I learn how the web works.</p>"


app = Stario(Query("/", home), Query("/about", about))
