"""What every test page shares: the document around a body, with the client's script tag."""

from __future__ import annotations

from stario.datastar import script
from stario.html import safe


def page(body: str, title: str = "Stario e2e") -> str:
    """A whole HTML document: ``body`` (trusted markup) plus the client and a readiness marker.

    The hidden ``#client-ready`` span reads "ready" once the client has processed the page
    (see ``harness.goto``).
    """
    return safe(
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>{title}</title>{script()}</head>\n"
        f"<body>\n{body}\n"
        "<span id=\"client-ready\" hidden data-text=\"'ready'\"></span>\n"
        "</body></html>"
    )
