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

The tag functions are the elements of `TAGS` (with children), of `VOID_TAGS` (attributes only),
and ``script`` and ``style``, whose text is written as it is (only what could end the element
early is escaped). Each is named after its tag, but ``del_`` for ``<del>``, a Python keyword. Any
other element, such as a custom one, is `element`.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Callable, Iterable, Mapping
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
    # \x3C in JavaScript strings and regexes, \3C in CSS. The children are joined first and
    # escaped together: "<" in one child and "/script>" in the next must not meet unescaped.
    text = "".join(
        child.__html__() if hasattr(child, "__html__") else str(child)
        for child in children
        if child is not None and child is not False
    )
    return text.replace("</", "\\3C/") if css else script_text(text)


def script_text(text: str) -> str:
    """``text`` made safe to place between ``<script>`` and ``</script>``.

    Each ``</``, ``<!--`` and ``<script`` gets its ``<`` written as ``\\x3C``, which means the
    same inside JavaScript strings, template literals and regexes, so the browser cannot see the
    element end early (``h.script`` and `stario.datastar.ExecuteScript` both use it).
    """
    return _SCRIPT_DANGER.sub(lambda m: "\\x3C" + m.group(0)[1:], text)


def _make_tag(name: str, void: bool = False, raw_text: bool = False) -> Callable[..., HTML]:
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


# -- The tags -------------------------------------------------------------------------------------
# The lines below are the one list of tags: each makes a tag's function and records it, and TAGS,
# VOID_TAGS and __all__ are gathered from the record after the last line. A new tag is one line.
# Plain assignments, so readers, editors and type checkers see every name.

_TAG_RECORD: list[tuple[str, str, str]] = []  # (function name, tag name, kind), in the order below


def _tag(name: str, *, void: bool = False, raw_text: bool = False) -> Callable[..., HTML]:
    """The function of the tag ``name``, recorded for `TAGS`, `VOID_TAGS` and ``__all__``."""
    function_name = name + "_" if keyword.iskeyword(name) else name
    kind = "void" if void else "raw text" if raw_text else "children"
    _TAG_RECORD.append((function_name, name, kind))
    return _make_tag(name, void=void, raw_text=raw_text)


# Elements with children. `del` is a Python keyword, so its function is `del_`.
a = _tag("a")
abbr = _tag("abbr")
address = _tag("address")
article = _tag("article")
aside = _tag("aside")
audio = _tag("audio")
b = _tag("b")
bdi = _tag("bdi")
bdo = _tag("bdo")
blockquote = _tag("blockquote")
body = _tag("body")
button = _tag("button")
canvas = _tag("canvas")
caption = _tag("caption")
cite = _tag("cite")
code = _tag("code")
colgroup = _tag("colgroup")
data = _tag("data")
datalist = _tag("datalist")
dd = _tag("dd")
details = _tag("details")
dfn = _tag("dfn")
dialog = _tag("dialog")
div = _tag("div")
dl = _tag("dl")
dt = _tag("dt")
em = _tag("em")
fieldset = _tag("fieldset")
figcaption = _tag("figcaption")
figure = _tag("figure")
footer = _tag("footer")
form = _tag("form")
h1 = _tag("h1")
h2 = _tag("h2")
h3 = _tag("h3")
h4 = _tag("h4")
h5 = _tag("h5")
h6 = _tag("h6")
head = _tag("head")
header = _tag("header")
hgroup = _tag("hgroup")
html = _tag("html")
i = _tag("i")
iframe = _tag("iframe")
ins = _tag("ins")
kbd = _tag("kbd")
label = _tag("label")
legend = _tag("legend")
li = _tag("li")
main = _tag("main")
mark = _tag("mark")
menu = _tag("menu")
meter = _tag("meter")
nav = _tag("nav")
noscript = _tag("noscript")
object = _tag("object")
ol = _tag("ol")
optgroup = _tag("optgroup")
option = _tag("option")
output = _tag("output")
p = _tag("p")
picture = _tag("picture")
pre = _tag("pre")
progress = _tag("progress")
q = _tag("q")
rp = _tag("rp")
rt = _tag("rt")
ruby = _tag("ruby")
s = _tag("s")
samp = _tag("samp")
search = _tag("search")
section = _tag("section")
select = _tag("select")
slot = _tag("slot")
small = _tag("small")
span = _tag("span")
strong = _tag("strong")
sub = _tag("sub")
summary = _tag("summary")
sup = _tag("sup")
table = _tag("table")
tbody = _tag("tbody")
td = _tag("td")
template = _tag("template")
textarea = _tag("textarea")
tfoot = _tag("tfoot")
th = _tag("th")
thead = _tag("thead")
time = _tag("time")
title = _tag("title")
tr = _tag("tr")
u = _tag("u")
ul = _tag("ul")
var = _tag("var")
video = _tag("video")
del_ = _tag("del")

# SVG, for charts and icons.
svg = _tag("svg")
g = _tag("g")
path = _tag("path")
circle = _tag("circle")
ellipse = _tag("ellipse")
line = _tag("line")
polyline = _tag("polyline")
polygon = _tag("polygon")
rect = _tag("rect")
text = _tag("text")
tspan = _tag("tspan")
defs = _tag("defs")
use = _tag("use")
symbol = _tag("symbol")
linearGradient = _tag("linearGradient")
stop = _tag("stop")

# Void elements: attributes only.
area = _tag("area", void=True)
base = _tag("base", void=True)
br = _tag("br", void=True)
col = _tag("col", void=True)
embed = _tag("embed", void=True)
hr = _tag("hr", void=True)
img = _tag("img", void=True)
input = _tag("input", void=True)
link = _tag("link", void=True)
meta = _tag("meta", void=True)
source = _tag("source", void=True)
track = _tag("track", void=True)
wbr = _tag("wbr", void=True)

# Raw-text elements: their text is not escaped (see _raw_text).
script = _tag("script", raw_text=True)
style = _tag("style", raw_text=True)

TAGS = tuple(name for _, name, kind in _TAG_RECORD if kind == "children")
"""Every element with children that has a function here (not ``script`` and ``style``, whose text is raw)."""

VOID_TAGS = tuple(name for _, name, kind in _TAG_RECORD if kind == "void")
"""Elements that have no children and no end tag."""

__all__ = [
    "HTML",
    "safe",
    "script_text",
    "render",
    "element",
    "fragment",
    "DOCTYPE",
    "TAGS",
    "VOID_TAGS",
    *(function_name for function_name, _, _ in _TAG_RECORD),
]
