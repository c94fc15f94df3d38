"""Reading a submitted form: urlencoded, or multipart through python-multipart's own parser.

`parse_form` turns a request body into `FormData`: text fields as ``str``, files as
`UploadedFile`. What a browser would never send (no boundary, a body cut short, bytes that are
not UTF-8 in an urlencoded form) is answered 400 with what is wrong.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from stario.datastructures import FormData, UploadedFile
from stario.errors import HTTPError

__all__ = ["parse_form", "parse_urlencoded", "parse_multipart"]

_MAX_BOUNDARY = 70  # RFC 2046's limit; browsers send about 40 characters


def parse_form(content_type: str, body: bytes) -> FormData:
    """The form in ``body``, by its ``Content-Type`` (415 for anything that is not a form)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded" or (not kind and not body):
        return parse_urlencoded(body)
    if kind == "multipart/form-data":
        return parse_multipart(content_type, body)
    raise HTTPError(
        415,
        f"expected a form (application/x-www-form-urlencoded or multipart/form-data), got {content_type or 'no Content-Type'}",
    )


def parse_urlencoded(body: bytes) -> FormData:
    """``name=value&...`` fields, decoded."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPError(400, f"the form body is not valid UTF-8: {exc}") from None
    return FormData(parse_qsl(text, keep_blank_values=True))


def parse_multipart(content_type: str, body: bytes) -> FormData:
    """The fields and files of a ``multipart/form-data`` body, in order, kept in memory."""
    from python_multipart import FormParser
    from python_multipart.multipart import parse_options_header

    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise HTTPError(400, "a multipart/form-data body needs a boundary in its Content-Type")
    if len(boundary) > _MAX_BOUNDARY:
        raise HTTPError(400, f"the multipart boundary is {len(boundary)} characters long; at most {_MAX_BOUNDARY} are allowed (RFC 2046)")
    items: list[tuple[str, str | UploadedFile]] = []
    ended: list[bool] = []

    def on_field(field) -> None:  # type: ignore[no-untyped-def]
        value = field.value or b""
        items.append((_text(field.field_name), value.decode("utf-8", "replace")))

    def on_file(file) -> None:  # type: ignore[no-untyped-def]
        file.file_object.seek(0)
        content_type = getattr(file, "content_type", None) or b"application/octet-stream"
        upload = UploadedFile(_text(file.file_name), _text(content_type), file.file_object.read())
        items.append((_text(file.field_name), upload))

    # Files stay in memory: the body is already in memory, and bounded by the app's limit.
    config = {"MAX_MEMORY_FILE_SIZE": len(body) + 1, "UPLOAD_KEEP_FILENAME": False}
    try:
        parser = FormParser("multipart/form-data", on_field, on_file, lambda: ended.append(True), boundary=boundary, config=config)
        parser.write(body)
        parser.finalize()
    except Exception as exc:  # the parser's own error types vary by version
        raise HTTPError(400, f"the multipart form is malformed: {exc}") from None
    if not ended:
        raise HTTPError(400, "the multipart form is cut short: its closing boundary is missing")
    return FormData(items)


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
