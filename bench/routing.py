"""Route lookup cost with 10, 100, 1,000 and 10,000 routes: Stario's trie vs Starlette's list.

Run: .venv/bin/python bench/routing.py [--rounds N] [--sizes 10,100,1000,10000]

The route tables come from `apps.route_patterns`: five routes per section, static ones such as
``/section17/items`` and parametrised ones such as ``/section17/items/{id}/edit``. For each
size two paths are looked up: one matching the route in the middle of the table (a static
``/section{i}/items``) and one matching the last route registered (a parametrised
``/section{i}/items/42/edit``), the worst case for a router that tries routes in order.

What is timed, kept to the same work on both sides (finding the route for a GET and its
parameters, not calling a handler):

- Stario: ``Router.match(path)``, then picking the GET route, exactly as `Stario.__call__` does
  (it keeps the parameter values as a list; ``c.params`` names them on first read);
- Starlette: the loop ``Router.app`` runs, ``route.matches(scope)`` for each route in order
  until a full match (keeping the first partial one), with the parameter conversion and child
  scope that ``matches`` builds. Calling ``Router`` itself would add an endpoint call and
  response we do not want to time.

A third Stario column, ``stario match() last``, times ``Router.match`` alone on the last route,
to show what the trie walk costs by itself. The budgeted figures are the full Stario lookups.

The script checks both routers find the expected route, then reports the median microseconds
per lookup of interleaved rounds. The budget: Stario <= 1 us and flat up to 10,000 routes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from starlette.routing import Match
from starlette.routing import Route as StarletteRoute

from apps import route_patterns
from stario.routing import Query, Route, Router


async def handler(c: Any, w: Any) -> None:
    w.text("never called")


async def starlette_endpoint(request: Any) -> None:
    return None


def fill(pattern: str) -> str:
    """A concrete path for ``pattern``: every parameter becomes ``42``."""
    return "/".join("42" if part.startswith("{") else part for part in pattern.split("/"))


def stario_lookup(router: Router, path: str) -> tuple[Route, list[str]] | None:
    """What the app does to find a route: match, then pick the method's route.

    The app keeps the parameter values as a list; ``c.params`` names them only when a handler
    first reads it, so that is not part of the lookup.
    """
    found = router.match(path)
    if found is None:
        return None
    routes, values = found
    route = routes.get("GET")
    if route is None:
        return None
    return route, values


def starlette_lookup(routes: list[StarletteRoute], scope: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
    """The matching loop of Starlette's ``Router.app``, without the call to the endpoint."""
    partial = None
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            return route, child_scope
        if match is Match.PARTIAL and partial is None:
            partial = route, child_scope
    return partial


def per_call_us(fn: Callable[[], Any], seconds: float) -> float:
    """Call ``fn`` in batches for about ``seconds``; return microseconds per call."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    batch = max(1, min(1000, int(0.002 / max(once, 1e-9))))
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(batch):
            fn()
        count += batch
        now = time.perf_counter()
        if now >= deadline:
            return (now - start) / count * 1e6


def contenders(size: int) -> dict[str, Callable[[], Any]]:
    """The four timed lookups for one table size, checked to find the right route."""
    patterns = route_patterns(size)
    router = Router()
    for pattern in patterns:
        router.add(Query(pattern, handler))
    starlette_routes = [StarletteRoute(pattern, starlette_endpoint) for pattern in patterns]
    lookups: dict[str, Callable[[], Any]] = {}
    for where, pattern in (("middle", patterns[size // 2]), ("last", patterns[-1])):
        path = fill(pattern)
        scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
        found = stario_lookup(router, path)
        assert found is not None and found[0].pattern == pattern, f"Stario found {found} for {path}"
        other = starlette_lookup(starlette_routes, scope)
        assert other is not None and other[0].path == pattern, f"Starlette found {other} for {path}"
        lookups[f"stario {where}"] = partial(stario_lookup, router, path)
        lookups[f"starlette {where}"] = partial(starlette_lookup, starlette_routes, scope)
    # Router.match alone, without picking the method and naming the parameters, for reference.
    lookups["stario match() last"] = partial(router.match, fill(patterns[-1]))
    return lookups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.1, help="time per lookup per round")
    parser.add_argument("--sizes", default="10,100,1000,10000", help="comma-separated route counts")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    tables = {size: contenders(size) for size in sizes}
    results: dict[tuple[int, str], list[float]] = {}
    for _ in range(args.rounds):
        for size, lookups in tables.items():
            for name, fn in lookups.items():
                results.setdefault((size, name), []).append(per_call_us(fn, args.seconds))
    medians = {key: statistics.median(times) for key, times in results.items()}
    names = ["stario middle", "stario last", "stario match() last", "starlette middle", "starlette last"]
    print(f"{'routes':>7}  " + "  ".join(f"{name:>19}" for name in names) + "   (us per lookup)")
    for size in sizes:
        print(f"{size:>7}  " + "  ".join(f"{medians[(size, name)]:19.3f}" for name in names))
    budgeted = ("stario middle", "stario last")
    worst = max(medians[(size, name)] for size in sizes for name in budgeted)
    spread = max(medians[(sizes[-1], name)] / medians[(sizes[0], name)] for name in budgeted)
    verdict = "ok" if worst <= 1.0 else "OVER BUDGET"
    print(f"stario slowest lookup: {worst:.3f} us (budget <= 1 us): {verdict}")
    print(f"stario {sizes[-1]:,} routes / {sizes[0]:,} routes time ratio: {spread:.2f} (flat is about 1.0)")
    for where in ("middle", "last"):
        key = (sizes[-1], f"starlette {where}")
        ratio = medians[key] / medians[(sizes[-1], f"stario {where}")]
        print(f"starlette / stario at {sizes[-1]:,} routes, {where} route: {ratio:,.0f}x")


if __name__ == "__main__":
    main()
