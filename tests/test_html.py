"""HTML in Python: tags, attributes, escaping, trusted markup, components."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stario import html as h
from stario.html import HTML, safe


def test_text_children_and_attribute_values_are_escaped():
    assert h.p("<script>alert('x')</script> & co") == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>"
    assert h.a({"href": '/x?a=1&b="2"'}, "x") == '<a href="/x?a=1&amp;b=&#34;2&#34;">x</a>'


def test_nested_elements_are_not_escaped_twice():
    assert h.ul({"id": "l"}, h.li("a & b"), h.li(h.b("c"))) == '<ul id="l"><li>a &amp; b</li><li><b>c</b></li></ul>'


def test_attribute_value_kinds():
    rendered = h.button(
        {"class": ["btn", None, "primary"], "disabled": True, "hidden": False, "title": None, "data-signals": {"n": 1}, "tabindex": 0},
        "go",
    )
    assert rendered == '<button class="btn primary" disabled data-signals="{&#34;n&#34;:1}" tabindex="0">go</button>'


def test_children_kinds_lists_generators_numbers_none_and_bools():
    items = (h.li(i) for i in range(2))
    assert h.ol(items, [h.li("x"), None, False], 3, 1.5) == "<ol><li>0</li><li>1</li><li>x</li>31.5</ol>"


def test_trusted_markup_is_inserted_as_is():
    assert h.div(safe("<b>trusted</b>")) == "<div><b>trusted</b></div>"
    assert isinstance(h.div(), HTML) and h.div().__html__() == "<div></div>"


def test_objects_with_dunder_html_are_trusted():
    from markupsafe import Markup

    assert h.p(Markup("<i>x</i>")) == "<p><i>x</i></p>"


def test_void_elements_take_no_children():
    assert h.input({"name": "q", "value": "a\"b"}) == '<input name="q" value="a&#34;b">'
    assert h.br() == "<br>"
    with pytest.raises(TypeError, match="void element"):
        h.img({"src": "x"}, "child")


def test_script_children_are_escaped_together_so_split_markup_cannot_close_the_tag():
    rendered = h.script("<", "/script><img src=x onerror=alert(1)>")
    assert "</script><img" not in rendered
    assert _parsed_body(rendered) == [("script", [])]
    assert _parsed_body(h.style("<", "/style><b>x</b>")) == [("style", [])]
    assert _parsed_body(h.script("<!-", "-<scr", "ipt>", "</scr", "ipt>")) == [("script", [])]


def _parsed_body(markup: str) -> list[tuple[str, list[str]]]:
    """The elements an HTML5 parser finds in the body around ``markup``, each with its child elements.

    A raw-text element must also hold exactly the text written between its tags, with nothing
    after it: text that ended the element early shows up as a difference here.
    """
    import html5lib

    document = html5lib.parse(f"<!doctype html><html><head></head><body>{markup}<p>after</p></body></html>", namespaceHTMLElements=False)
    body = document.find("body")
    elements = [(child.tag, [grandchild.tag for grandchild in child]) for child in body]
    assert elements[-1] == ("p", []), f"the element did not end where it should: {elements}"
    first = body[0]
    if first.tag in ("script", "style"):
        inner = markup[markup.index(">") + 1 : markup.rindex("<")]
        assert (first.text or "") == inner.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
        assert not (first.tail or "").strip(), f"text escaped the element: {first.tail!r}"
    return elements[:-1]


_RAW_TEXT_PIECES = st.lists(
    st.one_of(
        st.sampled_from(["<", "/", "!", "-", "--", ">", "</", "<!--", "-->", "script", "SCRIPT", "style", "Style", "/script", "/STYLE>", "!--", "<scr", "ipt", " ", "\n", "x", "<img src=x>"]),
        st.text(max_size=6),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(pieces=_RAW_TEXT_PIECES)
def test_raw_text_elements_hold_any_text_without_ending_early(pieces):
    """Fuzzed: whatever text goes into <script> or <style>, an HTML5 parser sees one element, no children."""
    assert _parsed_body(h.script(*pieces)) == [("script", [])]
    assert _parsed_body(h.style(*pieces)) == [("style", [])]


def test_script_and_style_text_is_not_escaped_but_cannot_close_the_tag():
    assert h.script("if (a < b && c) { x('</script>') }") == "<script>if (a < b && c) { x('\\x3C/script>') }</script>"
    assert h.script("var s = '<!--<script>';") == "<script>var s = '\\x3C!--\\x3Cscript>';</script>"
    assert h.style({"id": "s"}, "a > b { content: '</style>' }") == '<style id="s">a > b { content: \'\\3C/style>\' }</style>'


def test_markup_in_an_attribute_value_is_escaped():
    """Safe as HTML text is not safe inside a quoted attribute: it could add attributes."""
    user = "x autofocus onfocus=alert(1) z"
    assert h.a({"title": h.span({"class": user}, "tip")}, "x") == (
        '<a title="&lt;span class=&#34;x autofocus onfocus=alert(1) z&#34;&gt;tip&lt;/span&gt;">x</a>'
    )


def test_bad_attribute_names_are_refused():
    with pytest.raises(ValueError, match="attribute name"):
        h.div({'onclick="x"': 1})
    with pytest.raises(ValueError, match="attribute name"):
        h.div({"a b": 1})


def test_a_dict_among_children_is_a_clear_error():
    with pytest.raises(TypeError, match="must be the first argument"):
        h.div("text", {"id": "x"})


def test_components_are_functions_and_fragments_join():
    def card(title: str, *body) -> HTML:
        return h.article({"class": "card"}, h.h2(title), *body)

    page = h.fragment(h.DOCTYPE, card("A <b>", h.p("one")), card("B", "two"))
    assert page == (
        '<!doctype html><article class="card"><h2>A &lt;b&gt;</h2><p>one</p></article>'
        '<article class="card"><h2>B</h2>two</article>'
    )


def test_custom_elements_and_del():
    assert h.element("my-card", {"id": "c"}, "hi") == '<my-card id="c">hi</my-card>'
    assert h.del_("gone") == "<del>gone</del>"
    with pytest.raises(ValueError):
        h.element("bad name")


def test_html_concatenation_escapes_plain_strings():
    assert safe("<b>") + "<i>" == "<b>&lt;i&gt;"
    assert "<i>" + safe("<b>") == "&lt;i&gt;<b>"
    assert isinstance(safe("a") + "b", HTML)


def test_svg_elements():
    chart = h.svg({"viewBox": "0 0 10 10"}, h.circle({"cx": 5, "cy": 5, "r": 4}))
    assert chart == '<svg viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"></circle></svg>'


def test_datastar_helpers_merge_into_attributes():
    from stario.datastar import on, post, text

    button = h.button({"id": "inc"} | on("click", post("/inc")) | text("$count"), "+")
    assert button == '<button id="inc" data-on:click="@post(&#39;/inc&#39;)" data-text="$count">+</button>'


def test_each_tag_is_named_once_in_a_plain_assignment_that_type_checkers_read():
    """The tag list is the ``name = _tag("name")`` lines of html.py; TAGS, VOID_TAGS, __all__ follow it."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(h))
    assigned = [
        (node.targets[0].id, node.value.args[0].value)
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "_tag"
    ]
    functions = [name for name, _ in assigned]
    assert len(assigned) > 100 and len(set(functions)) == len(functions)
    assert h.__all__[-len(functions):] == functions
    for name, tag in assigned:
        assert getattr(h, name).__name__ == tag, f"{name} makes <{getattr(h, name).__name__}>, not <{tag}>"
    assert {tag for _, tag in assigned} == {*h.TAGS, *h.VOID_TAGS, "script", "style"}
    assert not set(h.TAGS) & set(h.VOID_TAGS)
    assert ("del_", "del") in assigned and "input" in h.VOID_TAGS and "script" not in h.TAGS


def test_star_import_gives_every_tag_and_nothing_private():
    names: dict = {}
    exec("from stario.html import *", names)
    assert {"div", "del_", "input", "script", "style", "linearGradient", "safe", "DOCTYPE"} <= set(names)
    assert not {"json", "re", "keyword", "Callable", "_tag"} & set(names)
