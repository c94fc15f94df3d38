"""The active search toy in process: the page, results for a query signal, escaping, the span."""


def test_page_lists_everyone_and_searches_as_you_type(toy_client):
    c = toy_client("active_search")
    response = c.get("/")
    assert response.status == 200
    assert 'data-on:input__debounce.300ms="@get(&#39;/search&#39;)"' in response.text
    assert "data-bind:q" in response.text
    assert response.text.count("<li>") == 20


def test_search_reads_the_q_signal_and_answers_with_the_results_list(toy_client):
    c = toy_client("active_search")
    response = c.get("/search", signals={"q": "  TUR "})
    assert response.status == 200
    assert response.content_type.startswith("text/html")
    assert response.text == '<ul id="results"><li>Alan <mark>Tur</mark>ing</li></ul>'


def test_no_query_lists_everyone_and_no_match_says_so(toy_client):
    c = toy_client("active_search")
    assert c.get("/search", signals={"q": ""}).text.count("<li>") == 20
    assert c.get("/search").text.count("<li>") == 20
    assert "No one matches \u201czzz\u201d." in c.get("/search", signals={"q": "zzz"}).text


def test_the_query_is_escaped_when_echoed(toy_client):
    c = toy_client("active_search")
    text = c.get("/search", signals={"q": "<img src=x onerror=alert(1)>"}).text
    assert "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_the_search_is_a_span_with_the_query_and_the_count(toy_client):
    c = toy_client("active_search")
    response = c.get("/search", signals={"q": "an"})
    [step] = [s for s in response.spans if s.name == "search.people"]
    assert step.attributes["query"] == "an"
    assert step.attributes["search.results"] == 5


def test_search_is_a_query(toy_client):
    c = toy_client("active_search")
    assert c.post("/search").status == 405
