"""Rendering a lesson's prose: Markdown to HTML, fenced code highlighted with Pygments.

The playground and the docs site show the same HTML: both call `render_markdown` (a `Lesson`
renders itself through it as `Lesson.html`). markdown-it and Pygments are imported on first use,
so importing the course does not load them until a page is rendered.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["render_markdown"]


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"highlight": _highlight}).enable("table")


def _highlight(code: str, language: str, attributes: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language.split()[0]) if language else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    # Starting with <pre tells markdown-it the block is complete (it wraps it otherwise).
    return f'<pre class="highlight"><code>{highlight(code, lexer, HtmlFormatter(nowrap=True))}</code></pre>'


def render_markdown(text: str) -> str:
    """Markdown to HTML (CommonMark and tables), fenced code highlighted with Pygments."""
    return _markdown().render(text)
