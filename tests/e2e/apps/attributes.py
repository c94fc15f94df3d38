"""The core attributes (DATASTAR.md 3.3 and 3.4) on one page: data-show, data-class, data-attr,
data-style, data-computed, data-effect, data-indicator, data-on-interval, a debounced
data-on:input and a data-on:keydown__window. /slow holds its answer until the test releases it,
so the indicator can be seen while the request runs, and /slow-stats counts how many /slow
requests started, finished and were cancelled (the browser went away)."""

import asyncio

from stario import Command, Context, Query, Stario, Writer
from tests.e2e.apps.common import page

gate = asyncio.Event()


async def home():
    return page(
        """
        <h1>Attributes</h1>
        <div data-signals="{visible: true, on: false, label: 'first', off: false, n: 1, fired: 0, last: '', key: ''}"></div>

        <button id="toggle" data-on:click="$visible = !$visible; $on = !$on; $off = !$off; $label = 'second'">toggle</button>
        <p id="shown" data-show="$visible">now you see me</p>
        <p id="classy" class="base" data-class:active="$on" data-class="{'big bold': $on, quiet: !$on}">classy</p>
        <button id="attrs" data-attr:title="$label" data-attr:aria-label="'label ' + $label" data-attr:disabled="$off">attrs</button>
        <p id="styled" data-style:color="$on ? 'rgb(255, 0, 0)' : ''" style="color: rgb(0, 0, 255)">styled</p>

        <div data-computed:double="$n * 2"></div>
        <button id="inc" data-on:click="$n++">n + 1</button>
        <span id="n" data-text="$n"></span>
        <span id="double" data-text="$double"></span>
        <p id="effect" data-effect="window.effectRuns = (window.effectRuns || 0) + 1; el.textContent = 'n=' + $n"></p>

        <button id="slow" data-indicator:loading data-on:click="@post('/slow')">slow</button>
        <span id="loading" data-text="$loading ? 'loading' : 'idle'"></span>
        <span id="slow-result"></span>

        <div data-signals:ticks="0" data-on-interval__duration.100ms="$ticks++"></div>
        <span id="ticks" data-text="$ticks"></span>

        <input id="search" data-on:input__debounce.200ms="$fired++; $last = el.value">
        <span id="fired" data-text="$fired"></span>
        <span id="last" data-text="$last"></span>

        <div id="keys" data-on:keydown__window="$key = evt.key"></div>
        <span id="key" data-text="$key"></span>

        <div data-signals="{throttled: 0, trailing: 0, seen: 0}"></div>
        <button id="throttle" data-on:click__throttle.500ms="$throttled++">throttle</button>
        <span id="throttled" data-text="$throttled"></span>
        <button id="throttle-trailing" data-on:click__throttle.300ms.trailing="$trailing++">throttle trailing</button>
        <span id="trailing" data-text="$trailing"></span>

        <div data-ignore><span id="ignored" data-text="'processed'">left alone</span></div>
        <p id="reffed" data-ref:_para>ref me</p>
        <span id="ref-id" data-text="$_para ? $_para.id : 'no ref'"></span>
        <input id="bind-by-value" data-bind="byValue" value="from the value attribute">
        <span id="by-value" data-text="$byValue"></span>

        <div style="height: 3000px">tall spacer</div>
        <p id="far-below" data-on-intersect__once="$seen++">far below</p>
        <span id="seen" data-text="$seen"></span>
        """
    )


stats = {"started": 0, "finished": 0, "cancelled": 0}


async def slow():
    stats["started"] += 1
    gate.clear()
    done = False
    try:
        await gate.wait()
        yield f'<span id="slow-result">done ({stats["started"]} started)</span>'
        done = True
    finally:
        stats["finished" if done else "cancelled"] += 1


async def release():
    gate.set()


async def slow_stats(c: Context, w: Writer) -> None:
    w.json(stats)


app = Stario(
    Query("/", home),
    Command("/slow", slow),
    Command("/release", release),
    Query("/slow-stats", slow_stats),
)
