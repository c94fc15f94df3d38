"""Compression: chosen by Accept-Encoding, only where it helps, SSE flushed per event."""

from __future__ import annotations

import gzip

import brotli
import pytest
import zstandard

from stario import Command, Query, Stario
from stario.compression import Compression, choose_encoding, decoder
from stario.testing import TestClient

PAGE = "<ul>" + "".join(f'<li id="row-{i}" class="row">row {i}</li>' for i in range(200)) + "</ul>"


async def page(c):
    return PAGE


async def tiny(c):
    return "<p>hi</p>"


async def picture(c, w):
    w.raw(b"\x89PNG" + bytes(4000), "image/png")


async def nothing(c, w):
    w.empty()


async def feed(c):
    for i in range(50):
        yield f'<tr id="vote-{i % 5}"><td class="name">Option {i % 5}</td><td class="count">{i}</td></tr>'


def _app(**options) -> Stario:
    return Stario(
        Query("/", page), Query("/tiny", tiny), Query("/picture", picture), Command("/nothing", nothing),
        Query("/feed", feed), compression=options.pop("compression", True), **options,
    )


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "zstd"),
        ("gzip, br", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("*", "zstd"),
        ("*;q=0.1, gzip;q=0.5", "gzip"),
        ("identity", None),
        ("", None),
        ("gzip;q=bogus, br", "br"),
    ],
)
def test_the_encoding_follows_accept_encoding_and_q_values(accept, expected):
    assert choose_encoding(accept, ("zstd", "br", "gzip")) == expected


@pytest.mark.parametrize("encoding, decompress", [("gzip", gzip.decompress), ("br", brotli.decompress), ("zstd", None)])
def test_a_page_is_compressed_as_asked_and_reads_back(encoding, decompress):
    with TestClient(_app()) as client:
        response = client.get("/", headers={"accept-encoding": encoding})
    assert response.headers["content-encoding"] == encoding and response.headers["vary"] == "Accept-Encoding"
    assert response.text == PAGE  # the test client decodes, as a browser does
    assert int(response.headers["content-length"]) == len(response.raw_body) < len(PAGE) / 4
    if decompress is None:
        decompress = zstandard.ZstdDecompressor().decompressobj().decompress
    assert decompress(response.raw_body).decode() == PAGE


def test_what_is_not_worth_compressing_is_sent_as_it_is():
    with TestClient(_app()) as client:
        small = client.get("/tiny")
        assert "content-encoding" not in small.headers and small.headers["vary"] == "Accept-Encoding"
        image = client.get("/picture")
        assert "content-encoding" not in image.headers and "vary" not in image.headers
        assert client.post("/nothing").status == 204
        assert "content-encoding" not in client.post("/nothing").headers
        plain = client.get("/", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"


def test_compression_is_off_unless_asked_for():
    with TestClient(_app(compression=False)) as client:
        response = client.get("/")
    assert "content-encoding" not in response.headers and "vary" not in response.headers


def test_a_handler_that_encoded_its_body_itself_is_left_alone():
    async def pre(c, w):
        w.header("Content-Encoding", "gzip")
        w.raw(gzip.compress(PAGE.encode()), "text/html; charset=utf-8")

    with TestClient(Stario(Query("/", pre), compression=True)) as client:
        response = client.get("/")
    assert response.headers.getall("content-encoding") == ["gzip"] and response.text == PAGE


def test_ranges_of_static_files_are_not_compressed(tmp_path):
    (tmp_path / "big.css").write_text("a { color: red }\n" * 500)
    app = Stario(compression=True)
    app.static("/static", tmp_path)
    with TestClient(app) as client:
        whole = client.get("/static/big.css")
        part = client.get("/static/big.css", headers={"range": "bytes=0-99"})
    assert whole.headers["content-encoding"] == "zstd"
    assert part.status == 206 and "content-encoding" not in part.headers and len(part.body) == 100


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_an_sse_stream_is_compressed_and_every_event_arrives_at_once(encoding):
    with TestClient(_app()) as client:
        with client.stream("GET", "/feed", headers={"accept-encoding": encoding}) as events:
            assert events.headers["content-encoding"] == encoding
            # Each event can be read as soon as it is sent: the compressor is flushed per event.
            first = events.next(timeout=5)
            assert 'id="vote-0"' in first.elements
            rest = [events.next(timeout=5) for _ in range(49)]
        assert rest[-1].elements.endswith("<td class=\"count\">49</td></tr>")
        assert events.raw_bytes < len(events.body) / 2


def test_the_incremental_decoder_reads_a_stream_split_anywhere():
    body = Compression().compress("gzip", PAGE.encode())
    unzip = decoder("gzip")
    assert b"".join(unzip.decompress(body[i : i + 7]) for i in range(0, len(body), 7)).decode() == PAGE
    with pytest.raises(ValueError, match="cannot decode"):
        decoder("compress")


def test_unknown_encodings_are_refused_with_what_is_available():
    with pytest.raises(ValueError, match="available: zstd, br, gzip"):
        Compression(encodings=("lzma",))
