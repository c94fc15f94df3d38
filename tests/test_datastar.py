"""stario.datastar: SSE events checked byte for byte against datastar-py 1.0.3, the events parsed
back as a Datastar client would, signals read from requests, and the action and attribute helpers.

datastar-py is the oracle for the event bytes. Where Stario differs on purpose (it refuses
multi-line selectors and ids, escapes redirect targets, writes single-quoted JavaScript) the
difference is tested as such.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import Any
from urllib.parse import quote_plus, urlencode

import pytest
from datastar_py import ServerSentEventGenerator as SSE
from datastar_py import action_generator
from datastar_py.consts import ElementPatchMode, ElementPatchNamespace
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from stario import datastar as ds
from stario.html import script_text
from stario.errors import HTTPError

ORACLE_EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every character str.splitlines() breaks on; datastar-py and Stario split data with it.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# --------------------------------------------------------------------------------------------
# A minimal SSE parser, written from DATASTAR.md 1.6 (independent of stario.testing).
# --------------------------------------------------------------------------------------------


def parse_sse(text: str) -> list[dict[str, Any]]:
    """Parse an SSE body the way the Datastar client does.

    Returns one dict per dispatched event: ``type``, ``id``, ``retry``, ``lines`` (the data
    lines as sent) and ``data`` (each line split at its first space, repeated keys joined
    with ``\\n``).
    """
    events: list[dict[str, Any]] = []
    kind: str | None = None
    event_id: str | None = None
    retry: int | None = None
    data: list[str] = []
    for line in re.split(r"\r\n|\r|\n", text):
        if line == "":
            if kind is not None and kind.startswith("datastar"):
                fields: dict[str, str] = {}
                for data_line in "\n".join(data).split("\n") if data else []:
                    key, _, value = data_line.partition(" ")
                    fields[key] = fields[key] + "\n" + value if key in fields else value
                events.append({"type": kind, "id": event_id, "retry": retry, "lines": data, "data": fields})
            kind, retry, data = None, None, []
            continue
        if line.startswith(":"):
            continue
        field, colon, value = line.partition(":")
        if not colon:
            continue
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            kind = value
        elif field == "data":
            data.append(value)
        elif field == "id":
            event_id = value
        elif field == "retry" and value.isdigit():
            retry = int(value)
    return events


def only_event(text: str) -> dict[str, Any]:
    """The one event ``text`` holds, after checking its framing."""
    assert text.endswith("\n\n")
    assert "\r" not in text
    assert "\n\n" not in text[:-2], "a blank line inside the event would end it early"
    for line in text[:-2].split("\n"):
        assert line.split(": ", 1)[0] in ("event", "id", "retry", "data"), line
    events = parse_sse(text)
    assert len(events) == 1, events
    return events[0]


def normalised(value: str) -> str:
    """What the browser gets back for multi-line text: lines rejoined with ``\\n``."""
    return "\n".join(value.splitlines())


def test_parser_follows_the_sse_rules():
    text = (
        ": keep-alive\r\n\r\n"
        "event: datastar-patch-elements\r\nid: 7\rretry: 2000\ndata:mode inner\ndata: elements a\n"
        "data: elements  b\nignored\nfoo: bar\n\n"
        "event: message\ndata: x\n\n"
        "data: no event line\n\n"
    )
    [event] = parse_sse(text)
    assert event["type"] == "datastar-patch-elements"
    assert event["id"] == "7" and event["retry"] == 2000
    assert event["data"] == {"mode": "inner", "elements": "a\n b"}


# --------------------------------------------------------------------------------------------
# Strategies.
# --------------------------------------------------------------------------------------------

single_line = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=LINE_BREAKS), max_size=30)
nonblank_single_line = single_line.filter(lambda s: s.strip() != "")

html_line = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            '<div id="feed">',
            "    <span>1</span>",
            "</div>",
            "",
            "  ",
            "\t<li>ü → 😀</li>",
            "data: elements evil",
            "event: datastar-patch-signals",
            "selector #other",
            "</script><script>alert(1)</script>",
        ]
    ),
)
line_separator = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\x85", "\u2028", "\x0b", "\x0c", "\x1e"])


@st.composite
def multiline_text(draw) -> str:
    lines = draw(st.lists(html_line, min_size=1, max_size=6))
    text = lines[0]
    for line in lines[1:]:
        text += draw(line_separator) + line
    if draw(st.booleans()):
        text += draw(line_separator)
    return text


elements_text = st.one_of(st.text(), multiline_text())
retry_durations = st.one_of(st.none(), st.sampled_from([0, 1, 1000, 2000]), st.integers(-5, 10**7))
event_ids = st.one_of(st.none(), st.just(""), single_line, st.integers())

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    multiline_text(),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
signal_dicts = st.dictionaries(st.text(max_size=10), json_values, max_size=5)


class Html:
    """An object with ``__html__``, as HTML builders make them."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __html__(self) -> str:
        return self.text


# --------------------------------------------------------------------------------------------
# 1. Oracle: the same bytes as datastar-py 1.0.3.
# --------------------------------------------------------------------------------------------


@ORACLE_EXAMPLES
@given(
    elements=st.one_of(st.none(), elements_text),
    selector=st.one_of(st.none(), single_line),
    mode=st.one_of(st.none(), st.sampled_from(list(ElementPatchMode))),
    use_view_transition=st.sampled_from([None, True, False]),
    view_transition_selector=st.one_of(st.none(), single_line),
    namespace=st.one_of(st.none(), st.sampled_from(list(ElementPatchNamespace))),
    event_id=event_ids,
    retry_duration=retry_durations,
)
def test_patch_elements_matches_oracle(
    elements, selector, mode, use_view_transition, view_transition_selector, namespace, event_id, retry_duration
):
    common = dict(
        selector=selector,
        use_view_transition=use_view_transition,
        view_transition_selector=view_transition_selector,
        event_id=event_id,
        retry_duration=retry_duration,
    )
    expected = SSE.patch_elements(elements, mode=mode, namespace=namespace, **common)
    with_strings = ds.patch_elements(
        elements,
        mode=None if mode is None else mode.value,
        namespace=None if namespace is None else namespace.value,
        **common,
    )
    assert with_strings == expected
    # The datastar-py enums are accepted as they are.
    assert ds.patch_elements(elements, mode=mode, namespace=namespace, **common) == expected
    # Anything with __html__ is rendered first, as datastar-py does.
    if elements is not None:
        assert ds.patch_elements(Html(elements), mode=mode, namespace=namespace, **common) == expected
    # The event object encodes to the same bytes.
    event = ds.PatchElements(
        elements,
        selector=selector,
        mode=None if mode is None else mode.value,
        namespace=None if namespace is None else namespace.value,
        use_view_transition=use_view_transition,
        view_transition_selector=view_transition_selector,
        event_id=event_id,
        retry_duration=retry_duration,
    )
    assert event.encode() == expected
    assert event.type == "datastar-patch-elements"


def test_patch_elements_examples_from_the_notes():
    """DATASTAR.md examples 1 and 2, byte for byte."""
    assert ds.patch_elements('<div id="foo">Hello world!</div>') == (
        'event: datastar-patch-elements\ndata: elements <div id="foo">Hello world!</div>\n\n'
    )
    html = '<div id="feed">\n    <span>1</span>\n</div>'
    assert ds.patch_elements(
        html, selector="#feed", mode="inner", use_view_transition=True, event_id="123", retry_duration=2000
    ) == (
        "event: datastar-patch-elements\nid: 123\nretry: 2000\ndata: mode inner\ndata: selector #feed\n"
        "data: useViewTransition true\ndata: elements <div id=\"feed\">\ndata: elements     <span>1</span>\n"
        "data: elements </div>\n\n"
    )


def test_blank_source_lines_keep_the_space_after_the_key():
    text = ds.patch_elements("<ul>\r\n\r\n</ul>")
    assert "data: elements \n" in text
    assert only_event(text)["data"]["elements"] == "<ul>\n\n</ul>"


@ORACLE_EXAMPLES
@given(
    signals=signal_dicts,
    event_id=event_ids,
    only_if_missing=st.sampled_from([None, True, False]),
    retry_duration=retry_durations,
)
def test_patch_signals_dict_matches_oracle(signals, event_id, only_if_missing, retry_duration):
    expected = SSE.patch_signals(
        signals, event_id=event_id, only_if_missing=only_if_missing, retry_duration=retry_duration
    )
    got = ds.patch_signals(signals, event_id=event_id, only_if_missing=only_if_missing, retry_duration=retry_duration)
    assert got == expected
    event = ds.PatchSignals(
        signals, only_if_missing=only_if_missing, event_id=event_id, retry_duration=retry_duration
    )
    assert event.encode() == expected


@ORACLE_EXAMPLES
@given(
    raw=st.one_of(
        st.text(),
        multiline_text(),
        st.builds(
            lambda value, indent, ascii_only: json.dumps(value, indent=indent, ensure_ascii=ascii_only),
            signal_dicts,
            st.sampled_from([None, 0, 2, "\t"]),
            st.booleans(),
        ),
    ),
    event_id=event_ids,
    only_if_missing=st.sampled_from([None, True, False]),
    retry_duration=retry_durations,
)
def test_patch_signals_raw_json_matches_oracle(raw, event_id, only_if_missing, retry_duration):
    expected = SSE.patch_signals(raw, event_id=event_id, only_if_missing=only_if_missing, retry_duration=retry_duration)
    assert ds.patch_signals(raw, event_id=event_id, only_if_missing=only_if_missing, retry_duration=retry_duration) == (
        expected
    )
    event = ds.PatchSignals(raw, only_if_missing=only_if_missing, event_id=event_id, retry_duration=retry_duration)
    assert event.encode() == expected


def test_patch_signals_with_newlines_in_strings_matches_oracle():
    signals = {"msg": "line one\nline two\r\n\u2028end", "nested": {"x": None, "list": [1, "a\nb"]}}
    assert ds.patch_signals(signals) == SSE.patch_signals(signals)
    pretty = json.dumps(signals, indent=2)
    text = ds.patch_signals(pretty, only_if_missing=True, event_id="7", retry_duration=3000)
    assert text == SSE.patch_signals(pretty, only_if_missing=True, event_id="7", retry_duration=3000)
    assert text.count("data: signals ") == len(pretty.splitlines())
    assert json.loads(only_event(text)["data"]["signals"]) == signals


@ORACLE_EXAMPLES
@given(
    script=elements_text,
    auto_remove=st.booleans(),
    attributes=st.one_of(
        st.none(),
        st.dictionaries(st.text(max_size=10), st.text(max_size=15), max_size=3),
        st.lists(st.text(max_size=15), max_size=3),
    ),
    event_id=event_ids,
    retry_duration=retry_durations,
)
def test_execute_script_matches_oracle(script, auto_remove, attributes, event_id, retry_duration):
    # The one intended difference from datastar-py: "</script" and friends inside the script are
    # escaped (as h.script does), so user data cannot end the tag early.
    expected = SSE.execute_script(
        script_text(script), auto_remove=auto_remove, attributes=attributes, event_id=event_id, retry_duration=retry_duration
    )
    got = ds.execute_script(
        script, auto_remove=auto_remove, attributes=attributes, event_id=event_id, retry_duration=retry_duration
    )
    assert got == expected
    event = ds.ExecuteScript(
        script, auto_remove=auto_remove, attributes=attributes, event_id=event_id, retry_duration=retry_duration
    )
    assert event.encode() == expected


def test_execute_script_escapes_what_would_end_the_tag():
    encoded = ds.execute_script("show('</script><img src=x onerror=alert(1)>')")
    assert "</script><img" not in encoded and "show('\\x3C/script><img" in encoded


def test_execute_script_examples():
    assert ds.execute_script("console.log('Here')") == (
        "event: datastar-patch-elements\ndata: mode append\ndata: selector body\n"
        "data: elements <script data-effect=\"el.remove()\">console.log('Here')</script>\n\n"
    )
    text = ds.execute_script("go()", auto_remove=False, attributes={"type": "module", "data-x": 'a"<b>'})
    assert text == SSE.execute_script("go()", auto_remove=False, attributes={"type": "module", "data-x": 'a"<b>'})
    assert '<script type="module" data-x="a&#34;&lt;b&gt;">go()</script>' in text


@ORACLE_EXAMPLES
@given(selector=nonblank_single_line, event_id=event_ids, retry_duration=retry_durations)
def test_remove_elements_matches_oracle(selector, event_id, retry_duration):
    expected = SSE.remove_elements(selector, event_id=event_id, retry_duration=retry_duration)
    assert ds.remove_elements(selector, event_id=event_id, retry_duration=retry_duration) == expected
    assert ds.RemoveElements(selector, event_id=event_id, retry_duration=retry_duration).encode() == expected
    fields = only_event(expected)["data"]
    assert fields == {"mode": "remove", "selector": selector}


def test_remove_elements_example():
    assert ds.remove_elements("#feed, #other") == (
        "event: datastar-patch-elements\ndata: mode remove\ndata: selector #feed, #other\n\n"
    )


def test_svg_namespace_example():
    assert ds.patch_elements('<circle id="c1" cx="10" r="5"/>', selector="#vis", mode="append", namespace="svg") == (
        "event: datastar-patch-elements\ndata: mode append\ndata: selector #vis\ndata: namespace svg\n"
        'data: elements <circle id="c1" cx="10" r="5"/>\n\n'
    )


def test_oracle_quirks_are_kept():
    """DATASTAR.md 5, quirks 2-4: falsy retry and id are dropped, a lone viewTransitionSelector is sent."""
    assert ds.patch_elements("<p id=a></p>", retry_duration=0, event_id="") == SSE.patch_elements(
        "<p id=a></p>", retry_duration=0, event_id=""
    )
    assert "retry" not in ds.patch_elements("x", retry_duration=0)
    assert "retry" not in ds.patch_elements("x", retry_duration=1000)
    assert "retry: 1\n" in ds.patch_elements("x", retry_duration=1)
    assert "viewTransitionSelector #main" in ds.patch_elements("x", view_transition_selector="#main")
    assert ds.patch_elements("") == "event: datastar-patch-elements\n\n" == SSE.patch_elements("")


# Options: by keyword, with datastar-py's names ----------------------------------------------

# Each event class, its function, and datastar-py's function of the same event.
PAIRS = [
    (ds.PatchElements, ds.patch_elements, SSE.patch_elements),
    (ds.RemoveElements, ds.remove_elements, SSE.remove_elements),
    (ds.PatchSignals, ds.patch_signals, SSE.patch_signals),
    (ds.ExecuteScript, ds.execute_script, SSE.execute_script),
    (ds.Redirect, ds.redirect, SSE.redirect),
]


def parameters(fn) -> list[inspect.Parameter]:
    return list(inspect.signature(fn).parameters.values())


@pytest.mark.parametrize(("cls", "function", "oracle"), PAIRS, ids=lambda x: getattr(x, "__name__", ""))
def test_options_are_keyword_only_named_as_datastar_py_and_in_one_order(cls, function, oracle):
    first, *options = parameters(cls)
    assert first.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(option.kind is inspect.Parameter.KEYWORD_ONLY for option in options), options
    names = [option.name for option in options]
    # The class and the function take the same options, in the same order, with the same defaults.
    assert [(p.name, p.kind, p.default) for p in parameters(function)] == [
        (p.name, p.kind, p.default) for p in parameters(cls)
    ]
    # datastar-py's names; the event's own options in datastar-py's order, then the two every
    # event has (datastar-py puts event_id before only_if_missing, and gives redirect neither).
    theirs = [p.name for p in parameters(oracle)[1:]]
    own = [name for name in theirs if name not in ("event_id", "retry_duration")]
    assert names == [*own, "event_id", "retry_duration"]


@pytest.mark.parametrize(
    "function", [ds.patch_elements, ds.remove_elements, ds.patch_signals, ds.execute_script, ds.redirect]
)
def test_functions_refuse_options_by_position(function):
    with pytest.raises(TypeError, match="positional"):
        function("/x", "#a")


def test_options_go_by_keyword_with_datastar_pys_names():
    with pytest.raises(TypeError):
        ds.RemoveElements("#a", "7", 2000)  # type: ignore[misc]
    with pytest.raises(TypeError):
        ds.PatchSignals({"a": 1}, True)  # type: ignore[misc]
    with pytest.raises(TypeError):
        ds.PatchElements("x", retry=5000)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="retry"):
        ds.patch_elements("x", retry=5000)  # type: ignore[call-arg]


@pytest.mark.parametrize("event_id", [5, 0, -3, 10**20, "5", ""])
def test_an_int_event_id_is_written_as_datastar_py_writes_it(event_id):
    expected = SSE.patch_elements("<p>x</p>", event_id=event_id)
    assert ds.patch_elements("<p>x</p>", event_id=event_id) == expected
    assert ds.PatchElements("<p>x</p>", event_id=event_id).encode() == expected
    assert ds.patch_signals({"a": 1}, event_id=event_id) == SSE.patch_signals({"a": 1}, event_id=event_id)
    assert ds.execute_script("x()", event_id=event_id) == SSE.execute_script("x()", event_id=event_id)
    assert ds.remove_elements("#a", event_id=event_id) == SSE.remove_elements("#a", event_id=event_id)
    assert only_event(expected)["id"] == (str(event_id) if event_id else None)


@pytest.mark.parametrize("event_id", [True, 1.5, b"7", ["7"]])
def test_an_event_id_that_is_neither_text_nor_a_whole_number_is_refused(event_id):
    with pytest.raises(TypeError, match="event_id must be a str or an int"):
        ds.patch_elements("<p>x</p>", event_id=event_id)


# Intended deviations ------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    before=single_line,
    brk=st.sampled_from(list(LINE_BREAKS) + ["\r\n"]),
    after=single_line,
    field=st.sampled_from(["selector", "event_id", "view_transition_selector"]),
)
def test_multi_line_selector_or_id_is_refused(before, brk, after, field):
    value = before + brk + after
    with pytest.raises(ValueError, match="single line"):
        ds.patch_elements("<p id=a></p>", **{field: value})
    with pytest.raises(ValueError, match="single line"):
        ds.PatchElements("<p id=a></p>", **{field: value}).encode()
    if field == "event_id":
        for make in (
            lambda: ds.patch_signals({"a": 1}, event_id=value),
            lambda: ds.execute_script("x()", event_id=value),
            lambda: ds.remove_elements("#a", event_id=value),
        ):
            with pytest.raises(ValueError, match="single line"):
                make()
    if field == "selector":
        with pytest.raises(ValueError, match="single line"):
            ds.remove_elements(value)


def test_the_oracle_would_emit_a_broken_event_for_a_multi_line_selector():
    """Why Stario refuses: with datastar-py the rest of the value becomes SSE lines of its own."""
    selector = "#a\ndata: elements <script>alert(1)</script>\n\nevent: datastar-patch-signals\ndata: signals {}"
    events = parse_sse(SSE.patch_elements("<p>x</p>", selector=selector))
    assert [event["type"] for event in events] == ["datastar-patch-elements", "datastar-patch-signals"]
    assert events[0]["data"]["elements"] == "<script>alert(1)</script>"
    with pytest.raises(ValueError):
        ds.patch_elements("<p>x</p>", selector=selector)


def test_unknown_mode_or_namespace_is_refused():
    with pytest.raises(ValueError, match="mode must be one of"):
        ds.patch_elements("x", selector="#a", mode="upsert")
    with pytest.raises(ValueError, match="namespace must be one of"):
        ds.patch_elements("x", namespace="xml")


def test_remove_without_selector_is_refused():
    with pytest.raises(ValueError, match="selector"):
        ds.remove_elements("")
    with pytest.raises(ValueError, match="selector"):
        ds.RemoveElements("").encode()


# Redirect -----------------------------------------------------------------------------------

REDIRECT_PREFIX = '<script data-effect="el.remove()">setTimeout(() => window.location = '
REDIRECT_SUFFIX = ")</script>"


def redirect_target(text: str) -> str:
    """The URL a redirect event sends the browser to, read back from its script."""
    event = only_event(text)
    assert event["data"]["mode"] == "append" and event["data"]["selector"] == "body"
    elements = event["data"]["elements"]
    assert elements.startswith(REDIRECT_PREFIX) and elements.endswith(REDIRECT_SUFFIX)
    literal = elements[len(REDIRECT_PREFIX) : -len(REDIRECT_SUFFIX)]
    # A double-quoted JS string with nothing that could end the script element or the string.
    assert re.fullmatch(r'"(?:[^"\\<>&\n\r]|\\.)*"', literal), literal
    assert "</script" not in elements[: -len("</script>")].lower()
    return json.loads(literal)


def test_redirect_writes_an_escaped_string():
    assert ds.redirect("/login") == (
        "event: datastar-patch-elements\ndata: mode append\ndata: selector body\n"
        'data: elements <script data-effect="el.remove()">setTimeout(() => window.location = "/login")</script>\n\n'
    )
    assert redirect_target(ds.redirect("/a'b\"c")) == "/a'b\"c"
    assert redirect_target(ds.redirect("/search?q=x';alert(1);'")) == "/search?q=x';alert(1);'"
    text = ds.redirect("/x</script><script>alert(1)</script>")
    assert text.count("</script>") == 1
    assert "\\u003c/script\\u003e" in text
    assert redirect_target(text) == "/x</script><script>alert(1)</script>"
    assert redirect_target(ds.redirect("https://example.com/a?b=1&c=2")) == "https://example.com/a?b=1&c=2"


def test_the_oracle_redirect_is_raw():
    """The deviation: datastar-py interpolates the URL into a single-quoted string as it is."""
    assert "window.location = '/a'b'" in SSE.redirect("/a'b")
    assert redirect_target(ds.redirect("/a'b")) == "/a'b"


@settings(max_examples=300, deadline=None)
@given(
    path=st.text(alphabet=st.characters(codec="utf-8", min_codepoint=0x20, exclude_characters="\x7f"), max_size=40),
    event_id=event_ids,
    retry_duration=retry_durations,
)
def test_redirect_target_always_round_trips(path, event_id, retry_duration):
    location = "/" + path
    try:
        ds.redirect(location)
    except ValueError:
        assume(False)
    text = ds.redirect(location, event_id=event_id, retry_duration=retry_duration)
    assert redirect_target(text) == location
    assert ds.Redirect(location, event_id=event_id, retry_duration=retry_duration).encode() == text


@pytest.mark.parametrize(
    "location",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/ok\r\nSet-Cookie: a=b",
        "/ok\nx",
        "/ok\rx",
        "java\tscript:alert(1)",
        " /padded",
        "",
        "https:///nohost",
    ],
)
def test_redirect_refuses_unsafe_targets(location):
    with pytest.raises(ValueError):
        ds.redirect(location)
    with pytest.raises(ValueError):
        ds.Redirect(location).encode()


# --------------------------------------------------------------------------------------------
# 2. Injection: whatever the text, one event of the right type, and the text comes back.
# --------------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    elements=elements_text,
    selector=st.one_of(st.none(), single_line),
    mode=st.sampled_from([None, *ds.MODES]),
)
def test_elements_cannot_inject_fields_or_events(elements, selector, mode):
    text = ds.patch_elements(elements, selector=selector, mode=mode)
    event = only_event(text)
    assert event["type"] == "datastar-patch-elements"
    assert event["id"] is None and event["retry"] is None
    assert event["data"].get("elements", "") == normalised(elements)
    expected_keys = {"elements"} if elements else set()
    if selector:
        expected_keys.add("selector")
        assert event["data"]["selector"] == selector
    if mode and mode != "outer":
        expected_keys.add("mode")
        assert event["data"]["mode"] == mode
    assert set(event["data"]) == expected_keys


@settings(max_examples=400, deadline=None)
@given(signals=signal_dicts, key=st.text(), value=st.one_of(st.text(), multiline_text()))
def test_signal_strings_cannot_inject_fields_or_events(signals, key, value):
    signals = {**signals, key: value}
    event = only_event(ds.patch_signals(signals))
    assert event["type"] == "datastar-patch-signals"
    assert set(event["data"]) == {"signals"}
    assert json.loads(event["data"]["signals"]) == signals


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(), multiline_text()))
def test_raw_signal_text_comes_back_with_normalised_line_breaks(raw):
    event = only_event(ds.patch_signals(raw))
    assert event["type"] == "datastar-patch-signals"
    assert event["data"].get("signals", "") == normalised(raw)
    assert set(event["data"]) <= {"signals"}


def test_raw_json_with_unescaped_unicode_line_breaks_changes_meaning():
    """Oracle quirk 1, kept for byte equality: a raw JSON string is split with splitlines(), so a
    U+2028 left unescaped inside a JSON string value reaches the client as a newline, and the
    client's JSON.parse then fails. Dicts are safe (dumped with ensure_ascii)."""
    raw = json.dumps({"a": "x\u2028y"}, ensure_ascii=False)
    assert ds.patch_signals(raw) == SSE.patch_signals(raw)
    delivered = only_event(ds.patch_signals(raw))["data"]["signals"]
    assert delivered == '{"a": "x\ny"}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(delivered)
    assert json.loads(only_event(ds.patch_signals({"a": "x\u2028y"}))["data"]["signals"]) == {"a": "x\u2028y"}


@settings(max_examples=200, deadline=None)
@given(script=elements_text)
def test_script_text_comes_back(script):
    event = only_event(ds.execute_script(script))
    assert event["data"]["elements"] == normalised(f'<script data-effect="el.remove()">{script_text(script)}</script>')


# --------------------------------------------------------------------------------------------
# to_event: what a streaming handler may yield.
# --------------------------------------------------------------------------------------------


def test_to_event():
    assert ds.to_event('<p id="a">x</p>') == ds.patch_elements('<p id="a">x</p>')
    assert ds.to_event(Html('<p id="a">x</p>')) == ds.patch_elements('<p id="a">x</p>')
    assert ds.to_event({"a": 1}) == ds.patch_signals({"a": 1})
    assert ds.to_event(ds.RemoveElements("#a")) == ds.remove_elements("#a")
    assert ds.to_event(None) is None
    with pytest.raises(TypeError, match="'int'"):
        ds.to_event(3)


# datastar-py's events (a str subclass holding the whole event) are sent as the events they are.

DATASTAR_PY_EVENTS = [
    pytest.param(
        SSE.patch_elements('<li id="c">c</li>', selector="#list", mode=ElementPatchMode.APPEND, event_id="4"),
        id="append",
    ),
    pytest.param(SSE.patch_elements('<p id="a">x</p>'), id="morph"),
    pytest.param(
        SSE.patch_elements(
            '<circle id="d"/>', selector="#vis", mode=ElementPatchMode.PREPEND, namespace=ElementPatchNamespace.SVG
        ),
        id="svg",
    ),
    pytest.param(SSE.patch_signals({"count": 2, "gone": None}, only_if_missing=True), id="signals"),
    pytest.param(SSE.patch_signals('{"raw": "json"}', retry_duration=3000), id="raw-signals"),
    pytest.param(SSE.remove_elements("#list > li:first-child"), id="remove"),
    pytest.param(SSE.execute_script("console.log(1)", auto_remove=False, attributes={"type": "module"}), id="script"),
    pytest.param(SSE.redirect("/elsewhere"), id="redirect"),
]


@pytest.mark.parametrize("event", DATASTAR_PY_EVENTS)
def test_to_event_sends_a_datastar_py_event_as_it_is(event):
    assert type(event) is not str and event.startswith("event: datastar-")
    text = ds.to_event(event)
    assert text == event
    assert only_event(text)["type"] == only_event(event)["type"]


def test_to_event_sends_stario_s_own_formatted_events_as_they_are():
    for text in (
        ds.patch_elements('<li id="c">c</li>', selector="#list", mode="append"),
        ds.patch_signals({"a": 1}, only_if_missing=True),
        ds.remove_elements("#a"),
        ds.execute_script("go()"),
        ds.redirect("/x"),
        ds.PatchElements("<p id=a></p>", selector="#a", mode="inner").encode(),
    ):
        assert ds.to_event(text) == text


def test_to_event_keeps_plain_text_and_markup_as_html():
    from markupsafe import Markup

    text = "event: datastar-patch-signals\ndata: signals {}\n\n"
    assert ds.to_event(text) == ds.patch_elements(text)  # a plain str is HTML, whatever it says
    assert ds.to_event(Markup(text)) == ds.patch_elements(text)  # so is anything with __html__

    class Label(str):
        """A str subclass that is not an event."""

    assert ds.to_event(Label('<p id="a">x</p>')) == ds.patch_elements('<p id="a">x</p>')


def test_to_event_refuses_event_text_that_is_not_one_whole_event():
    from datastar_py.sse import DatastarEvent

    with pytest.raises(ValueError, match="blank line"):
        ds.to_event(DatastarEvent("event: datastar-patch-signals\ndata: signals {}\n"))


def test_datastar_py_events_yielded_by_a_handler_reach_the_browser_unchanged():
    """Through a real app and the test client: mode, selector and signals survive."""
    from stario import Query, Stario
    from stario.testing import TestClient

    async def feed(c):
        yield SSE.patch_elements('<li id="c">c</li>', selector="#list", mode=ElementPatchMode.APPEND, event_id=7)
        yield SSE.patch_signals({"count": 2}, only_if_missing=True)
        yield SSE.remove_elements("#old")
        yield SSE.execute_script("go()")
        yield ds.patch_elements('<li id="d">d</li>', selector="#list", mode="prepend")
        yield '<p id="plain">still html</p>'

    with TestClient(Stario(Query("/feed", feed))) as client:
        events = client.get("/feed").events
        assert [(e.type, e.mode, e.selector) for e in events] == [
            ("datastar-patch-elements", "append", "#list"),
            ("datastar-patch-signals", "outer", None),
            ("datastar-patch-elements", "remove", "#old"),
            ("datastar-patch-elements", "append", "body"),
            ("datastar-patch-elements", "prepend", "#list"),
            ("datastar-patch-elements", "outer", None),
        ]
        assert events[0].elements == '<li id="c">c</li>' and events[0].id == "7"
        assert events[1].signals == {"count": 2} and events[1].only_if_missing
        assert events[3].elements == '<script data-effect="el.remove()">go()</script>'
        assert events[5].elements == '<p id="plain">still html</p>'
        # raw is each event's lines as they came, without the blank line that ends it.
        assert "".join(e.raw + "\n" for e in events[:4]) == "".join(
            [
                SSE.patch_elements('<li id="c">c</li>', selector="#list", mode=ElementPatchMode.APPEND, event_id=7),
                SSE.patch_signals({"count": 2}, only_if_missing=True),
                SSE.remove_elements("#old"),
                SSE.execute_script("go()"),
            ]
        )
        with client.stream("GET", "/feed") as stream:
            first = next(stream)
        assert (first.mode, first.selector, first.elements) == ("append", "#list", '<li id="c">c</li>')


# --------------------------------------------------------------------------------------------
# 3. read_signals.
# --------------------------------------------------------------------------------------------


def test_read_signals_from_the_query_string():
    query = b"datastar=%7B%22query%22%3A%22a+b%22%2C%22page%22%3A1%7D"
    assert ds.read_signals("GET", query, "", b"") == {"query": "a b", "page": 1}
    assert ds.read_signals("DELETE", query, "", b"") == {"query": "a b", "page": 1}
    assert ds.read_signals("HEAD", query, "", b"") == {"query": "a b", "page": 1}
    # GET ignores a body, even a JSON one.
    assert ds.read_signals("GET", b"", "application/json", b'{"a":1}') == {}
    assert ds.read_signals("GET", b"page=2&other=x", "", b"") == {}
    assert ds.read_signals("GET", b"", "", b"") == {}


@settings(max_examples=200, deadline=None)
@given(signals=signal_dicts, ascii_only=st.booleans(), method=st.sampled_from(["GET", "DELETE"]))
def test_read_signals_query_round_trip(signals, ascii_only, method):
    """What the browser sends (JSON, form-urlencoded as URLSearchParams does) comes back."""
    query = urlencode({"page": "1", "datastar": json.dumps(signals, ensure_ascii=ascii_only)}, quote_via=quote_plus)
    assert ds.read_signals(method, query.encode("ascii"), "", b"") == signals


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON ;charset=UTF-8"]
)
def test_read_signals_from_a_json_body(method, content_type):
    body = json.dumps({"name": "Zoë", "tags": ["a", None]}, ensure_ascii=False).encode()
    assert ds.read_signals(method, b"", content_type, body) == {"name": "Zoë", "tags": ["a", None]}
    # Signals in the query string do not count for these methods.
    assert ds.read_signals(method, b"datastar=%7B%22a%22%3A1%7D", "", b"") == {}


@pytest.mark.parametrize(
    "content_type", ["", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_read_signals_ignores_other_bodies(content_type):
    assert ds.read_signals("POST", b"", content_type, b'{"a":1}') == {}


def test_read_signals_empty_json_body_is_no_signals():
    assert ds.read_signals("POST", b"", "application/json", b"") == {}


@settings(max_examples=200, deadline=None)
@given(signals=signal_dicts, method=st.sampled_from(["POST", "PUT", "PATCH"]))
def test_read_signals_body_round_trip(signals, method):
    assert ds.read_signals(method, b"", "application/json", json.dumps(signals).encode()) == signals


@pytest.mark.parametrize(
    ("method", "query", "body", "problem"),
    [
        ("GET", b"datastar=%7Bnot+json", b"", "not valid JSON"),
        ("GET", b"datastar=", b"", "not valid JSON"),
        ("DELETE", b"datastar=%5B1%2C2%5D", b"", "must be a JSON object, got list"),
        ("GET", b"datastar=42", b"", "must be a JSON object, got int"),
        ("POST", b"", b"{'a': 1}", "not valid JSON"),
        ("PUT", b"", b"null", "must be a JSON object, got NoneType"),
        ("PATCH", b"", b'"text"', "must be a JSON object, got str"),
        ("POST", b"", b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_read_signals_rejects_malformed_signals(method, query, body, problem):
    with pytest.raises(HTTPError) as info:
        ds.read_signals(method, query, "application/json", body)
    assert info.value.status == 400
    assert problem in info.value.message
    where = "query parameter" if method in ("GET", "DELETE") else "request body"
    assert where in info.value.message


# --------------------------------------------------------------------------------------------
# 4. Actions.
# --------------------------------------------------------------------------------------------


def test_actions_without_options():
    assert ds.get("/x") == "@get('/x')"
    assert ds.post("/x") == "@post('/x')"
    assert ds.put("/x") == "@put('/x')"
    assert ds.patch("/x") == "@patch('/x')"
    assert ds.delete("/x") == "@delete('/x')"
    assert ds.get.__name__ == "get" and "GET request" in ds.get.__doc__


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"content_type": "form"}, "{contentType: 'form'}"),
        ({"content_type": "form", "selector": "#f"}, "{contentType: 'form', selector: '#f'}"),
        ({"open_when_hidden": True}, "{openWhenHidden: true}"),
        ({"retry_interval": 500}, "{retryInterval: 500}"),
        ({"retry_max_wait": 30000}, "{retryMaxWait: 30000}"),
        ({"retry_max_count": 3, "retry_scaler": 1.5}, "{retryScaler: 1.5, retryMaxCount: 3}"),
        ({"retry": "error"}, "{retry: 'error'}"),
        ({"request_cancellation": "disabled"}, "{requestCancellation: 'disabled'}"),
        ({"request_cancellation": ds.js("controller")}, "{requestCancellation: controller}"),
        ({"payload": {"id": 3, "tags": ["a"], "x-y": None}}, "{payload: {id: 3, tags: ['a'], 'x-y': null}}"),
        ({"headers": {"X-CSRF": "t0k'en"}}, "{headers: {'X-CSRF': 't0k\\'en'}}"),
        ({"include_signals": "^form\\."}, "{filterSignals: {include: new RegExp('^form\\\\.')}}"),
        ({"exclude_signals": "secret"}, "{filterSignals: {exclude: new RegExp('secret')}}"),
        (
            {"include_signals": ds.js("/^a/"), "exclude_signals": "b"},
            "{filterSignals: {include: /^a/, exclude: new RegExp('b')}}",
        ),
        ({"content_type": None, "retry": None}, None),
    ],
)
def test_action_options(options, expected):
    assert ds.post("/x", **options) == (f"@post('/x', {expected})" if expected else "@post('/x')")


def test_action_url_is_escaped():
    assert ds.get("/a'b") == "@get('/a\\'b')"
    assert ds.get("/a\\b") == "@get('/a\\\\b')"
    assert ds.get("/a\nb\u2028") == "@get('/a\\nb\\u2028')"
    assert ds.get("/x</script>") == "@get('/x\\x3c/script>')"
    assert ds.get(ds.js("`/items/${$id}`")) == "@get(`/items/${$id}`)"


@pytest.mark.parametrize(
    "options",
    [
        {"content_type": "xml"},
        {"retry": "sometimes"},
        {"request_cancellation": "maybe"},
        {"selector": "#f"},
        {"selector": "#f", "content_type": "json"},
    ],
)
def test_action_invalid_options(options):
    with pytest.raises(ValueError):
        ds.post("/x", **options)


@pytest.mark.parametrize("url", ["", "   "])
def test_action_needs_a_url(url):
    with pytest.raises(ValueError, match="URL"):
        ds.get(url)


def test_payload_keys_are_quoted_unless_plain_identifiers():
    """A key such as "abc\\n" must not be written bare (a "$" regex anchor once let it through)."""
    assert ds.post("/x", payload={"abc\n": 1, "ok_$1": 2, "1a": 3}) == "@post('/x', {payload: {'abc\\n': 1, ok_$1: 2, '1a': 3}})"


# A parser for the JavaScript literals both Stario and datastar-py write, so that their actions
# can be compared by meaning: quotes, key quoting and parentheses around expressions differ.

_JS_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class _JsReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def eat(self, token: str) -> bool:
        self.skip()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        assert self.eat(token), f"expected {token!r} at {self.pos} in {self.text!r}"

    def string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out = []
        while True:
            ch = self.text[self.pos]
            assert ch not in "\n\r\u2028\u2029", f"raw line terminator in a string in {self.text!r}"
            self.pos += 1
            if ch == quote:
                break
            if ch != "\\":
                out.append(ch)
                continue
            esc = self.text[self.pos]
            self.pos += 1
            if esc == "x":
                out.append(chr(int(self.text[self.pos : self.pos + 2], 16)))
                self.pos += 2
            elif esc == "u":
                out.append(chr(int(self.text[self.pos : self.pos + 4], 16)))
                self.pos += 4
            else:
                out.append(_JS_ESCAPES.get(esc, esc))
        # Join surrogate pairs written as two \u escapes.
        return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le")

    def value(self) -> Any:
        self.skip()
        ch = self.text[self.pos]
        if ch in "'\"":
            return self.string()
        if self.eat("("):
            inner = self.value()
            self.expect(")")
            return inner
        if self.eat("new RegExp("):
            pattern = self.value()
            self.expect(")")
            return ("RegExp", pattern)
        if self.eat("{"):
            result = {}
            if self.eat("}"):
                return result
            while True:
                self.skip()
                if self.text[self.pos] in "'\"":
                    key = self.string()
                else:
                    match = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*").match(self.text, self.pos)
                    assert match, f"bad key at {self.pos} in {self.text!r}"
                    key = match.group()
                    self.pos = match.end()
                self.expect(":")
                result[key] = self.value()
                if self.eat("}"):
                    return result
                self.expect(",")
        if self.eat("["):
            items = []
            if self.eat("]"):
                return items
            while True:
                items.append(self.value())
                if self.eat("]"):
                    return items
                self.expect(",")
        for word, meaning in (("true", True), ("false", False), ("null", None)):
            if self.eat(word):
                return meaning
        match = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?").match(self.text, self.pos)
        assert match, f"unexpected {ch!r} at {self.pos} in {self.text!r}"
        self.pos = match.end()
        return float(match.group()) if match.group(1) or match.group(2) else int(match.group())


def parse_action(text: str) -> tuple[str, list[Any]]:
    """``@post('/x', {...})`` -> ``("post", ["/x", {...}])``."""
    match = re.match(r"@([a-z]+)\(", text)
    assert match, text
    reader = _JsReader(text)
    reader.pos = match.end()
    args = [reader.value()]
    while reader.eat(","):
        args.append(reader.value())
    reader.expect(")")
    assert reader.pos == len(text), text
    return match.group(1), args


def test_action_parser_reads_both_styles():
    assert parse_action("@get('/a\\'b', {x: [1, 2.5, null], 'y z': (new RegExp(\"\\u00e9\"))})") == (
        "get",
        ["/a'b", {"x": [1, 2.5, None], "y z": ("RegExp", "é")}],
    )


json_like = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=10),
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


@st.composite
def action_options(draw) -> dict[str, Any]:
    options: dict[str, Any] = {}
    content_type = draw(st.sampled_from([None, "json", "form"]))
    if content_type is not None:
        options["content_type"] = content_type
    if content_type == "form" and draw(st.booleans()):
        options["selector"] = draw(st.text(min_size=1, max_size=10).filter(str.strip))
    if content_type != "form" and draw(st.booleans()):
        options["payload"] = draw(json_like)
    optional = {
        "include_signals": st.text(max_size=10),
        "exclude_signals": st.text(max_size=10),
        "headers": st.dictionaries(st.text(min_size=1, max_size=8).filter(str.strip), st.text(max_size=10), max_size=3),
        "open_when_hidden": st.booleans(),
        "retry": st.sampled_from(["auto", "error", "always", "never"]),
        "retry_interval": st.integers(0, 10**6),
        "retry_scaler": st.floats(0, 100, allow_nan=False),
        "retry_max_wait": st.integers(0, 10**6),
        "retry_max_count": st.integers(0, 100),
        "request_cancellation": st.sampled_from(["auto", "cleanup", "disabled"]),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            options[name] = draw(strategy)
    return options


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["get", "post", "put", "patch", "delete"]),
    url=st.text(min_size=1, max_size=20).filter(str.strip),
    options=action_options(),
)
def test_actions_mean_what_datastar_py_means(method, url, options):
    ours = getattr(ds, method)(url, **options)
    theirs = getattr(action_generator, method)(url, **options)
    assert parse_action(ours) == parse_action(theirs)
    # Stario's strings are single-quoted (datastar-py's double-quoted), so the expression reads
    # naturally inside a double-quoted attribute value.
    assert ours.startswith(f"@{method}('") and theirs.startswith(f'@{method}("')


# --------------------------------------------------------------------------------------------
# 5. Attribute helpers.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (ds.on("input", "@post('/s')", debounce=200), {"data-on:input__debounce.200ms": "@post('/s')"}),
        (ds.on("keydown", "x()", window=True), {"data-on:keydown__window": "x()"}),
        (ds.on("click", "x()"), {"data-on:click": "x()"}),
        (ds.on("scroll", "x()", throttle="1s", passive=True), {"data-on:scroll__passive__throttle.1s": "x()"}),
        (
            ds.on("submit", "x()", once=True, capture=True, prevent=True, stop=True, delay=0),
            {"data-on:submit__once__capture__prevent__stop__delay.0ms": "x()"},
        ),
        (ds.on("click", "x()", outside=True, viewtransition=True), {"data-on:click__outside__viewtransition": "x()"}),
        (ds.on("visibilitychange", "x()", document=True), {"data-on:visibilitychange__document": "x()"}),
        (ds.signals({"a": 1}), {"data-signals": '{"a":1}'}),
        (ds.signals({"a": "x", "b": None}, only_if_missing=True), {"data-signals__ifmissing": '{"a":"x","b":null}'}),
        (ds.computed("total", "$a + $b"), {"data-computed:total": "$a + $b"}),
        (ds.bind("name"), {"data-bind:name": ""}),
        (ds.text("$count"), {"data-text": "$count"}),
        (ds.show("$open"), {"data-show": "$open"}),
        (ds.classes({"active": "$on", "a b": "!$on"}), {"data-class": "{'active': $on, 'a b': !$on}"}),
        (ds.attr({"disabled": "$busy"}), {"data-attr": "{'disabled': $busy}"}),
        (ds.style({"background-color": "$c"}), {"data-style": "{'background-color': $c}"}),
        (ds.init("@get('/feed')"), {"data-init": "@get('/feed')"}),
        (ds.init("go()", delay=500), {"data-init__delay.500ms": "go()"}),
        (ds.effect("$b = $a * 2"), {"data-effect": "$b = $a * 2"}),
        (ds.on_interval("tick()"), {"data-on-interval": "tick()"}),
        (ds.on_interval("tick()", duration=500), {"data-on-interval__duration.500ms": "tick()"}),
        (ds.on_interval("tick()", duration="2s", leading=True), {"data-on-interval__duration.2s.leading": "tick()"}),
        (ds.on_interval("tick()", leading=True), {"data-on-interval__duration.1000ms.leading": "tick()"}),
        (ds.on_intersect("load()"), {"data-on-intersect": "load()"}),
        (ds.on_intersect("load()", once=True, half=True), {"data-on-intersect__once__half": "load()"}),
        (ds.on_intersect("x()", full=True, exit=True), {"data-on-intersect__full__exit": "x()"}),
        (ds.indicator("loading"), {"data-indicator:loading": ""}),
        (ds.ref("_el"), {"data-ref:_el": ""}),
        (ds.json_signals(), {"data-json-signals": ""}),
        (ds.json_signals(terse=True), {"data-json-signals__terse": ""}),
        (ds.ignore(), {"data-ignore": True}),
        (ds.ignore(self_only=True), {"data-ignore__self": True}),
        (ds.ignore_morph(), {"data-ignore-morph": True}),
        (ds.preserve_attr("open"), {"data-preserve-attr": "open"}),
        (ds.preserve_attr(["open", "class"]), {"data-preserve-attr": "open class"}),
    ],
)
def test_attribute_helpers(made, expected):
    assert made == expected


def test_attribute_helpers_compose():
    attrs = {"id": "search"} | ds.bind("q") | ds.on("input", ds.get("/search"), debounce=300) | ds.indicator("busy")
    assert attrs == {
        "id": "search",
        "data-bind:q": "",
        "data-on:input__debounce.300ms": "@get('/search')",
        "data-indicator:busy": "",
    }


def test_class_and_style_keys_are_js_strings():
    assert ds.classes({"it's": "$x"}) == {"data-class": "{'it\\'s': $x}"}
    assert parse_action("@f(" + ds.attr({"a\nb": "1"})["data-attr"] + ")") == ("f", [{"a\nb": 1}])


@settings(max_examples=200, deadline=None)
@given(values=signal_dicts)
def test_signals_attribute_is_the_json_of_the_values(values):
    [(name, value)] = ds.signals(values).items()
    assert name == "data-signals"
    assert json.loads(value) == values
    assert not any(ch in value for ch in LINE_BREAKS)


def test_payload_cannot_go_with_a_form():
    from stario.datastar import post

    with pytest.raises(ValueError, match="payload"):
        post("/x", content_type="form", payload={"a": 1})
