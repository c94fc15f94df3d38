"""What every test page shares: the document around a body, with the client's script tag."""

from __future__ import annotations

from stario.datastar import script
from stario.html import safe


def page(body: str, title: str = "Stario e2e") -> str:
    """A whole HTML document: ``body`` (trusted markup) plus the client's script tag.

    ``harness.goto`` waits for the ``datastar-ready`` event the client fires once it has
    processed the page.
    """
    return safe(
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>{title}</title>{script()}</head>\n"
        f"<body>\n{body}\n</body></html>"
    )
