"""HTML in Python: one function per tag, escaping by default.

::

    from stario.html import a, li, ul

    def user_list(users):
        return ul({"id": "users"}, [li(a({"href": f"/users/{u.id}"}, u.name)) for u in users])

A tag function takes an optional dict of attributes first, then children. Children may be text
(escaped), numbers, other elements, lists or generators of children (flattened), or ``None`` /
``False`` (skipped, handy for ``cond and span(...)``). Attribute values are escaped too:

- ``True`` writes the bare attribute (``disabled``); ``False`` and ``None`` leave it out;
- a list or tuple is joined with spaces (``{"class": ["btn", "primary"]}``);
- a dict is written as JSON (``{"data-signals": {"count": 0}}``).

Each call returns `HTML` at once: a ``str`` that is already safe markup. Nothing is built up and
rendered later, which keeps it about as fast as a compiled template. To insert markup you trust
(your own, never a user's), wrap it with `safe`. Components are plain functions returning HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from types import GeneratorType
from typing import Any

from markupsafe import escape as _markupsafe_escape

try:
    # markupsafe's C escaper for plain text: the same rules as markupsafe.escape, without
    # building a Markup object per call (about ten times faster for short strings).
    from markupsafe._speedups import _escape_inner as _escape_str
except ImportError:  # pragma: no cover - a markupsafe without its compiled speedups

    def _escape_str(text: str) -> str:
        return str(_markupsafe_escape(text))


def _escape(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute (``&<>"'``)."""
    if type(value) is str:
        return _escape_str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_str(str(value))

__all__ = [
    "HTML",
    "safe",
    "render",
    "element",
    "fragment",
    "DOCTYPE",
    "TAGS",
    "VOID_TAGS",
]


class HTML(str):
    """A string of markup that is safe to insert as it is (it is never escaped again)."""

    __slots__ = ()

    def __html__(self) -> HTML:
        return self

    def __add__(self, other: Any) -> HTML:
        if isinstance(other, str):
            return HTML(str.__add__(self, _text(other)))
        return NotImplemented

    def __radd__(self, other: Any) -> HTML:
        if isinstance(other, str):
            return HTML(str.__add__(_text(other), self))
        return NotImplemented

    def __repr__(self) -> str:
        return f"HTML({str.__repr__(self)})"


def safe(markup: str) -> HTML:
    """Mark ``markup`` as trusted HTML, inserted without escaping. Never pass user input here."""
    return HTML(markup)


def _text(value: Any) -> str:
    return value if type(value) is HTML else _escape(value)


DOCTYPE = HTML("<!doctype html>")
"""The HTML5 doctype, to put before ``html(...)``."""

_ATTRIBUTE_NAME = re.compile(r"^[^\s\"'<>/=\x00-\x1f\x7f]+$")
_checked_names: set[str] = set()


def _attribute_name(name: str) -> str:
    if name not in _checked_names:
        if not isinstance(name, str) or not _ATTRIBUTE_NAME.match(name):
            raise ValueError(f"not a valid HTML attribute name: {name!r}")
        _checked_names.add(name)
    return name


def _attributes(attrs: Mapping[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        if name not in _checked_names:
            _attribute_name(name)
        if value is True:
            parts.append(" " + name)
            continue
        kind = type(value)
        if kind is str:
            parts.append(f' {name}="{_escape_str(value)}"')
        elif kind is list or kind is tuple:
            parts.append(f' {name}="{_escape(" ".join(str(item) for item in value if item))}"')
        elif kind is dict:
            parts.append(f' {name}="{_escape(json.dumps(value, separators=(",", ":")))}"')
        else:
            # Always escaped, even markup (__html__): what is safe as HTML text is not safe
            # inside a quoted attribute value.
            parts.append(f' {name}="{_escape_str(str(value))}"')
    return "".join(parts)


def _children(children: Iterable[Any], out: list[str]) -> None:
    for child in children:
        kind = type(child)
        if kind is HTML:
            out.append(child)
        elif kind is str:
            out.append(_escape_str(child))
        elif child is None or child is False or child is True:
            continue
        elif kind is list or kind is tuple or kind is GeneratorType:
            _children(child, out)
        elif hasattr(child, "__html__"):
            out.append(child.__html__())
        elif kind is int or kind is float:
            out.append(str(child))
        elif isinstance(child, Iterable) and not isinstance(child, (str, bytes, Mapping)):
            _children(child, out)
        elif isinstance(child, Mapping):
            raise TypeError(
                "an attribute dict must be the first argument of a tag (div({'id': 'x'}, ...)); "
                f"got a dict among the children: {child!r}"
            )
        else:
            out.append(_escape(child))


_SCRIPT_DANGER = re.compile(r"</|<!--|<script", re.IGNORECASE)


def _raw_text(children: Iterable[Any], css: bool = False) -> str:
    # <script> and <style> content is not HTML: entities are not decoded there, so text is not
    # escaped. What could end the element early or change how the browser reads it ("</", and in
    # a script "<!--" and "<script") gets its "<" written as an escape the language understands:
    # \x3C in JavaScript strings and regexes, \3C in CSS.
    parts: list[str] = []
    for child in children:
        if child is None or child is False:
            continue
        text = child.__html__() if hasattr(child, "__html__") else str(child)
        if css:
            parts.append(text.replace("</", "\\3C/"))
        else:
            parts.append(_SCRIPT_DANGER.sub(lambda m: "\\x3C" + m.group(0)[1:], text))
    return "".join(parts)


def _make_tag(name: str, void: bool = False, raw_text: bool = False):
    css = name == "style"
    start = "<" + name
    end = "</" + name + ">"

    if void:

        def tag(*args: Any) -> HTML:
            if not args:
                return HTML(f"{start}>")
            if len(args) > 1 or not isinstance(args[0], Mapping):
                raise TypeError(f"<{name}> is a void element: it takes attributes only, no children")
            return HTML(f"{start}{_attributes(args[0])}>")

    elif raw_text:

        def tag(*args: Any) -> HTML:
            if args and isinstance(args[0], Mapping):
                return HTML(f"{start}{_attributes(args[0])}>{_raw_text(args[1:], css)}{end}")
            return HTML(f"{start}>{_raw_text(args, css)}{end}")

    else:

        def tag(*args: Any) -> HTML:
            if not args:
                return HTML(f"{start}>{end}")
            first = args[0]
            if type(first) is dict:
                attrs = _attributes(first) if first else ""
                args = args[1:]
            elif isinstance(first, Mapping):
                attrs = _attributes(first)
                args = args[1:]
            else:
                attrs = ""
            if len(args) == 1:
                child = args[0]
                kind = type(child)
                if kind is str:
                    return HTML(f"{start}{attrs}>{_escape_str(child)}{end}")
                if kind is HTML:
                    return HTML(f"{start}{attrs}>{child}{end}")
            out: list[str] = []
            _children(args, out)
            return HTML(f"{start}{attrs}>{''.join(out)}{end}")

    tag.__name__ = name
    tag.__qualname__ = name
    tag.__doc__ = f"The <{name}> element: ``{name}({{attributes}}, *children)``." if not void else (
        f"The void <{name}> element: ``{name}({{attributes}})``, no children."
    )
    return tag


def element(name: str, *args: Any) -> HTML:
    """Any element by name, such as a custom element: ``element("my-card", {"id": "c"}, "hi")``."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9-]*$", name):
        raise ValueError(f"not a valid element name: {name!r}")
    return _make_tag(name)(*args)


def fragment(*children: Any) -> HTML:
    """Several children side by side, without a wrapping element."""
    out: list[str] = []
    _children(children, out)
    return HTML("".join(out))


def render(node: Any) -> str:
    """Any child (text, element, list...) as an HTML string."""
    return str(fragment(node))


VOID_TAGS = ('area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr')
"""Elements that have no children and no end tag."""

# Elements with children. `del` is a Python keyword, so its function is `del_`.
a = _make_tag("a")
abbr = _make_tag("abbr")
address = _make_tag("address")
article = _make_tag("article")
aside = _make_tag("aside")
audio = _make_tag("audio")
b = _make_tag("b")
bdi = _make_tag("bdi")
bdo = _make_tag("bdo")
blockquote = _make_tag("blockquote")
body = _make_tag("body")
button = _make_tag("button")
canvas = _make_tag("canvas")
caption = _make_tag("caption")
cite = _make_tag("cite")
code = _make_tag("code")
colgroup = _make_tag("colgroup")
data = _make_tag("data")
datalist = _make_tag("datalist")
dd = _make_tag("dd")
details = _make_tag("details")
dfn = _make_tag("dfn")
dialog = _make_tag("dialog")
div = _make_tag("div")
dl = _make_tag("dl")
dt = _make_tag("dt")
em = _make_tag("em")
fieldset = _make_tag("fieldset")
figcaption = _make_tag("figcaption")
figure = _make_tag("figure")
footer = _make_tag("footer")
form = _make_tag("form")
h1 = _make_tag("h1")
h2 = _make_tag("h2")
h3 = _make_tag("h3")
h4 = _make_tag("h4")
h5 = _make_tag("h5")
h6 = _make_tag("h6")
head = _make_tag("head")
header = _make_tag("header")
hgroup = _make_tag("hgroup")
html = _make_tag("html")
i = _make_tag("i")
iframe = _make_tag("iframe")
ins = _make_tag("ins")
kbd = _make_tag("kbd")
label = _make_tag("label")
legend = _make_tag("legend")
li = _make_tag("li")
main = _make_tag("main")
mark = _make_tag("mark")
menu = _make_tag("menu")
meter = _make_tag("meter")
nav = _make_tag("nav")
noscript = _make_tag("noscript")
object = _make_tag("object")
ol = _make_tag("ol")
optgroup = _make_tag("optgroup")
option = _make_tag("option")
output = _make_tag("output")
p = _make_tag("p")
picture = _make_tag("picture")
pre = _make_tag("pre")
progress = _make_tag("progress")
q = _make_tag("q")
rp = _make_tag("rp")
rt = _make_tag("rt")
ruby = _make_tag("ruby")
s = _make_tag("s")
samp = _make_tag("samp")
search = _make_tag("search")
section = _make_tag("section")
select = _make_tag("select")
slot = _make_tag("slot")
small = _make_tag("small")
span = _make_tag("span")
strong = _make_tag("strong")
sub = _make_tag("sub")
summary = _make_tag("summary")
sup = _make_tag("sup")
table = _make_tag("table")
tbody = _make_tag("tbody")
td = _make_tag("td")
template = _make_tag("template")
textarea = _make_tag("textarea")
tfoot = _make_tag("tfoot")
th = _make_tag("th")
thead = _make_tag("thead")
time = _make_tag("time")
title = _make_tag("title")
tr = _make_tag("tr")
u = _make_tag("u")
ul = _make_tag("ul")
var = _make_tag("var")
video = _make_tag("video")
del_ = _make_tag("del")

# SVG, for charts and icons.
svg = _make_tag("svg")
g = _make_tag("g")
path = _make_tag("path")
circle = _make_tag("circle")
ellipse = _make_tag("ellipse")
line = _make_tag("line")
polyline = _make_tag("polyline")
polygon = _make_tag("polygon")
rect = _make_tag("rect")
text = _make_tag("text")
tspan = _make_tag("tspan")
defs = _make_tag("defs")
use = _make_tag("use")
symbol = _make_tag("symbol")
linearGradient = _make_tag("linearGradient")
stop = _make_tag("stop")

# Void elements: attributes only.
area = _make_tag("area", void=True)
base = _make_tag("base", void=True)
br = _make_tag("br", void=True)
col = _make_tag("col", void=True)
embed = _make_tag("embed", void=True)
hr = _make_tag("hr", void=True)
img = _make_tag("img", void=True)
input = _make_tag("input", void=True)
link = _make_tag("link", void=True)
meta = _make_tag("meta", void=True)
source = _make_tag("source", void=True)
track = _make_tag("track", void=True)
wbr = _make_tag("wbr", void=True)

# Raw-text elements: their text is not escaped (see _raw_text).
script = _make_tag("script", raw_text=True)
style = _make_tag("style", raw_text=True)

TAGS = ('a', 'abbr', 'address', 'article', 'aside', 'audio', 'b', 'bdi', 'bdo', 'blockquote', 'body', 'button', 'canvas', 'caption', 'cite', 'code', 'colgroup', 'data', 'datalist', 'dd', 'details', 'dfn', 'dialog', 'div', 'dl', 'dt', 'em', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'header', 'hgroup', 'html', 'i', 'iframe', 'ins', 'kbd', 'label', 'legend', 'li', 'main', 'mark', 'menu', 'meter', 'nav', 'noscript', 'object', 'ol', 'optgroup', 'option', 'output', 'p', 'picture', 'pre', 'progress', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'search', 'section', 'select', 'slot', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'template', 'textarea', 'tfoot', 'th', 'thead', 'time', 'title', 'tr', 'u', 'ul', 'var', 'video', 'del', 'svg', 'g', 'path', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'rect', 'text', 'tspan', 'defs', 'use', 'symbol', 'linearGradient', 'stop')
"""Every element with children that has a function here."""

__all__ += [
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "body",
    "button",
    "canvas",
    "caption",
    "cite",
    "code",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "html",
    "i",
    "iframe",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "main",
    "mark",
    "menu",
    "meter",
    "nav",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "u",
    "ul",
    "var",
    "video",
    "del_",
    "svg",
    "g",
    "path",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "rect",
    "text",
    "tspan",
    "defs",
    "use",
    "symbol",
    "linearGradient",
    "stop",
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "script",
    "style",
]
