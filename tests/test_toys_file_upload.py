"""The file upload toy in process: a multipart upload, the size limit, and no file."""


def test_page_has_a_multipart_form_posted_as_form_with_an_indicator(toy_client):
    client = toy_client("file_upload")
    response = client.get("/")
    assert response.status == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert "@post(&#39;/upload&#39;, {contentType: &#39;form&#39;})" in response.text
    assert "data-indicator:uploading" in response.text


def test_upload_answers_with_name_and_size(toy_client):
    client = toy_client("file_upload")
    response = client.post("/upload", files={"file": ("<notes>.txt", b"hello world", "text/plain")})
    assert response.status == 200
    [event] = response.events
    assert 'id="result" class="ok"' in event.elements
    assert '<strong id="name">&lt;notes&gt;.txt</strong>' in event.elements
    assert '<strong id="size">11 bytes</strong>' in event.elements
    names = [s.name for s in response.spans]
    assert "upload.read" in names and "upload.digest" in names
    assert response.span.attributes["upload.size"] == 11


def test_too_large_file_is_200_with_an_error_patch(toy_client):
    client = toy_client("file_upload")
    response = client.post("/upload", files={"file": ("big.bin", b"x" * (100 * 1024 + 1))})
    assert response.status == 200
    [event] = response.events
    assert 'class="error"' in event.elements and "the limit is 100.0 KB" in event.elements
    assert not any(s.name == "upload.digest" for s in response.spans)


def test_no_file_is_200_with_an_error_patch(toy_client):
    client = toy_client("file_upload")
    for files in ({"file": ("", b"")}, None):
        response = client.post("/upload", files=files, data={"other": "1"})
        assert response.status == 200
        [event] = response.events
        assert "Choose a file first." in event.elements
