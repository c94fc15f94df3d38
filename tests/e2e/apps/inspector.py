"""ToyPage with a ToyInspector: the panel shows the live signals, collapses and is dragged."""

from stario import Command, Query, Stario
from stario.toys import ToyInspector, ToyPage


async def home():
    return ToyPage(
        f"""
        <div data-signals="{{count: 0, _local: 'hidden'}}">
          <button id="inc" data-on:click="$count++">+1</button>
          <button id="server" data-on:click="@post('/name')">name from the server</button>
        </div>
        {ToyInspector()}
        """,
        title="Inspector <test>",
    )


async def name(c):
    yield {"name": "Ann"}


app = Stario(Query("/", home), Command("/name", name))
