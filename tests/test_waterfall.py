"""The waterfall layout both trace views draw."""

from stario.waterfall import waterfall_rows


def span(span_id, parent, start, duration):
    return {"span_id": span_id, "parent_id": parent, "start_ns": start, "duration_ns": duration}


def test_children_sit_under_their_parent_in_start_order_scaled_to_the_trace():
    spans = [
        span("c2", "root", 600, 300),
        span("root", None, 0, 1000),
        span("c1", "root", 100, 400),
        span("g1", "c1", 200, 100),
    ]
    rows, length = waterfall_rows(spans)
    assert length == 1000
    assert [(r.span["span_id"], r.depth) for r in rows] == [("root", 0), ("c1", 1), ("g1", 2), ("c2", 1)]
    assert [(round(r.offset), round(r.width)) for r in rows] == [(0, 100), (10, 40), (20, 10), (60, 30)]


def test_open_spans_and_strangers_still_show():
    rows, length = waterfall_rows([span("a", "elsewhere", 0, None), span("b", "a", 5, 0)])
    assert [(r.span["span_id"], r.depth) for r in rows] == [("a", 0), ("b", 1)]
    assert rows[1].width > 0 and length == 5
    assert waterfall_rows([]) == ([], 0)
