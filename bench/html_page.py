"""A 50-row HTML page built three ways, side by side: Stario's builder, Jinja2, htpy.

Run: .venv/bin/python bench/html_page.py [--rounds N]

All three produce the same page (a table of 50 users with escaped names, links and classes);
the script checks that before timing. It reports each one's microseconds per page (median of
interleaved rounds) and the ratio of Stario to Jinja2 (the budget: <= 1.0).
"""

from __future__ import annotations

import argparse
import statistics
import time

import jinja2

from stario import html as h

USERS = [
    {"id": i, "name": f"User <{i}> & co", "email": f"user{i}@example.com", "active": i % 3 != 0}
    for i in range(50)
]

TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html><html><head><title>Users</title></head><body><main id="main"><h1>Users</h1>"""
    """<table id="users"><thead><tr><th>Id</th><th>Name</th><th>Email</th><th>Status</th></tr></thead><tbody>"""
    """{% for u in users %}<tr id="user-{{ u.id }}" class="{{ 'active' if u.active else 'inactive' }}">"""
    """<td>{{ u.id }}</td><td><a href="/users/{{ u.id }}">{{ u.name }}</a></td><td>{{ u.email }}</td>"""
    """<td><button data-on:click="@post(&#39;/users/{{ u.id }}/toggle&#39;)">{{ 'Active' if u.active else 'Inactive' }}</button></td></tr>"""
    """{% endfor %}</tbody></table></main></body></html>"""
)


def jinja_page() -> str:
    return TEMPLATE.render(users=USERS)


def stario_row(u: dict) -> h.HTML:
    uid = u["id"]
    return h.tr(
        {"id": f"user-{uid}", "class": "active" if u["active"] else "inactive"},
        h.td(str(uid)),
        h.td(h.a({"href": f"/users/{uid}"}, u["name"])),
        h.td(u["email"]),
        h.td(h.button({"data-on:click": f"@post('/users/{uid}/toggle')"}, "Active" if u["active"] else "Inactive")),
    )


def stario_page() -> str:
    return h.DOCTYPE + h.html(
        h.head(h.title("Users")),
        h.body(
            h.main(
                {"id": "main"},
                h.h1("Users"),
                h.table(
                    {"id": "users"},
                    h.thead(h.tr(h.th("Id"), h.th("Name"), h.th("Email"), h.th("Status"))),
                    h.tbody([stario_row(u) for u in USERS]),
                ),
            )
        ),
    )


def htpy_page() -> str:
    import htpy as hp

    return str(
        hp.html[
            hp.head[hp.title["Users"]],
            hp.body[
                hp.main(id="main")[
                    hp.h1["Users"],
                    hp.table(id="users")[
                        hp.thead[hp.tr[hp.th["Id"], hp.th["Name"], hp.th["Email"], hp.th["Status"]]],
                        hp.tbody[
                            (
                                hp.tr(id=f"user-{u['id']}", class_="active" if u["active"] else "inactive")[
                                    hp.td[str(u["id"])],
                                    hp.td[hp.a(href=f"/users/{u['id']}")[u["name"]]],
                                    hp.td[u["email"]],
                                    hp.td[
                                        hp.button({"data-on:click": f"@post('/users/{u['id']}/toggle')"})[
                                            "Active" if u["active"] else "Inactive"
                                        ]
                                    ],
                                ]
                                for u in USERS
                            )
                        ],
                    ],
                ]
            ],
        ]
    )


def per_call_us(fn, seconds: float = 0.2) -> float:
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(20):
            fn()
        count += 20
        now = time.perf_counter()
        if now >= deadline:
            return (now - start) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    expected = jinja_page()
    assert stario_page() == expected, "the Stario page differs from the Jinja2 page"
    contenders = {"stario": stario_page, "jinja2": jinja_page}
    try:
        import htpy  # noqa: F401

        contenders["htpy"] = htpy_page
    except ImportError:
        pass
    results: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, fn in contenders.items():
            results[name].append(per_call_us(fn))
    medians = {name: statistics.median(times) for name, times in results.items()}
    for name, value in medians.items():
        print(f"{name:>8}: {value:8.1f} us per 50-row page")
    print(f"stario / jinja2 time ratio: {medians['stario'] / medians['jinja2']:.2f} (budget <= 1.0)")


if __name__ == "__main__":
    main()
