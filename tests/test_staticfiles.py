"""app.static: a folder served with caching headers, 304, ranges, and nothing outside it."""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path

import pytest

from stario import Query, Stario
from stario.staticfiles import parse_range
from stario.testing import TestClient

CSS = b"body { color: #222; }\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder to serve, a secret next to it, and a symlink from inside to the secret."""
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "style.css").write_bytes(CSS)
    (static / "app.min.js").write_bytes(b"console.log(1)")
    (static / "img" / "dot.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    (static / "movie.bin").write_bytes(bytes(range(256)) * 4096)  # 1 MiB: streamed in pieces
    (static / ".env").write_bytes(b"SECRET=1")
    (tmp_path / "secret.txt").write_bytes(b"top secret")
    os.symlink(tmp_path / "secret.txt", static / "link-out.txt")
    os.symlink(static / "style.css", static / "link-in.css")
    return static


def _client(site: Path) -> TestClient:
    async def home(c):
        return f'<link rel="stylesheet" href="{c.app.static_url("style.css")}">'

    app = Stario(Query("/", home))
    app.static("/static", site)
    return TestClient(app)


def test_files_are_served_with_their_types_and_revalidation_headers(site):
    with _client(site) as client:
        css = client.get("/static/style.css")
        assert css.status == 200 and css.body == CSS
        assert css.headers["content-type"] == "text/css; charset=utf-8"
        assert css.headers["cache-control"] == "no-cache"
        assert css.headers["etag"].startswith('"') and css.headers["last-modified"].endswith("GMT")
        assert css.headers["accept-ranges"] == "bytes" and css.headers["x-content-type-options"] == "nosniff"
        assert client.get("/static/app.min.js").headers["content-type"] == "text/javascript; charset=utf-8"
        assert client.get("/static/img/dot.svg").headers["content-type"].startswith("image/svg+xml")


def test_etag_and_last_modified_answer_304(site):
    with _client(site) as client:
        first = client.get("/static/style.css")
        again = client.get("/static/style.css", headers={"if-none-match": first.headers["etag"]})
        assert again.status == 304 and again.body == b"" and again.headers["etag"] == first.headers["etag"]
        assert client.get("/static/style.css", headers={"if-none-match": '"other", W/' + first.headers["etag"]}).status == 304
        assert client.get("/static/style.css", headers={"if-none-match": '"other"'}).status == 200
        since = client.get("/static/style.css", headers={"if-modified-since": first.headers["last-modified"]})
        assert since.status == 304
        old = formatdate(0, usegmt=True)
        assert client.get("/static/style.css", headers={"if-modified-since": old}).status == 200
        assert client.get("/static/style.css", headers={"if-modified-since": "not a date"}).status == 200


def test_head_sends_the_headers_only(site):
    with _client(site) as client:
        head = client.request("HEAD", "/static/movie.bin")
        assert head.status == 200 and head.body == b"" and head.headers["content-length"] == str(1024 * 1024)


def test_static_url_is_fingerprinted_and_cached_for_a_year(site):
    with _client(site) as client:
        page = client.get("/").text
        url = page.split('href="')[1].split('"')[0]
        assert url.startswith("/static/style.") and url.endswith(".css") and len(url) == len("/static/style.css") + 13
        fingerprinted = client.get(url)
        assert fingerprinted.body == CSS and fingerprinted.headers["cache-control"] == "public, max-age=31536000, immutable"
        (site / "style.css").write_bytes(b"body { color: red; }\n")
        os.utime(site / "style.css", ns=(1, 1))
        stale = client.get(url)  # an old page still gets the file, no longer cached for a year
        assert stale.body == b"body { color: red; }\n" and stale.headers["cache-control"] == "no-cache"
        assert client.app.static_url("style.css") != url
        assert client.app.static_url("app.min.js").endswith(".js") and ".min." in client.app.static_url("app.min.js")


def test_static_url_names_what_is_missing(site):
    app = Stario()
    with pytest.raises(LookupError, match="call app.static"):
        app.static_url("style.css")
    app.static("/static", site)
    with pytest.raises(LookupError, match="no static folder has 'nope.css'"):
        app.static_url("nope.css")


def test_a_static_folder_must_exist(tmp_path):
    with pytest.raises(ValueError, match="needs a folder"):
        Stario().static("/static", tmp_path / "missing")


@pytest.mark.parametrize(
    "path",
    [
        "/static/../secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/img/..%2F..%2Fsecret.txt",
        "/static/img%2F..%2F..%2Fsecret.txt",
        "/static/..%5Csecret.txt",
        "/static/%00style.css",
        "/static/.env",
        "/static/link-out.txt",
        "/static/img",
        "/static/",
        "/static/nope.css",
    ],
)
def test_nothing_outside_the_folder_or_hidden_is_served(site, path):
    with _client(site) as client:
        response = client.get(path)
    assert response.status == 404, (path, response.status, response.body[:40])
    assert b"top secret" not in response.body and b"SECRET=1" not in response.body


def test_a_symlink_that_stays_inside_is_served(site):
    with _client(site) as client:
        assert client.get("/static/link-in.css").body == CSS


def test_byte_ranges(site):
    movie = (site / "movie.bin").read_bytes()
    with _client(site) as client:
        part = client.get("/static/movie.bin", headers={"range": "bytes=100-199"})
        assert part.status == 206 and part.body == movie[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{len(movie)}" and part.headers["content-length"] == "100"
        tail = client.get("/static/movie.bin", headers={"range": "bytes=-10"})
        assert tail.status == 206 and tail.body == movie[-10:]
        rest = client.get("/static/movie.bin", headers={"range": f"bytes={len(movie) - 5}-"})
        assert rest.body == movie[-5:]
        past = client.get("/static/movie.bin", headers={"range": f"bytes={len(movie)}-"})
        assert past.status == 416 and past.headers["content-range"] == f"bytes */{len(movie)}"
        etag = client.get("/static/style.css").headers["etag"]
        same = client.get("/static/style.css", headers={"range": "bytes=0-3", "if-range": etag})
        assert same.status == 206 and same.body == CSS[:4]
        changed = client.get("/static/style.css", headers={"range": "bytes=0-3", "if-range": '"old"'})
        assert changed.status == 200 and changed.body == CSS


def test_a_large_file_streams_whole(site):
    movie = (site / "movie.bin").read_bytes()
    with _client(site) as client:
        response = client.get("/static/movie.bin")
    assert response.status == 200 and response.body == movie and response.headers["content-length"] == str(len(movie))


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=5-", (5, 9)),
        ("bytes=-3", (7, 9)),
        ("bytes=-30", (0, 9)),
        ("bytes=8-100", (8, 9)),
        ("bytes=10-", "unsatisfiable"),
        ("bytes=-0", "unsatisfiable"),
        ("bytes=5-2", None),
        ("bytes=0-1,4-5", None),
        ("items=0-1", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 10) == expected
