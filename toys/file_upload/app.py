"""File upload: a multipart form posted with @post(..., {contentType: 'form'}); name and size back."""

import hashlib

from stario import Command, Context, Query, Stario, UploadedFile
from stario.datastar import attr, indicator, on, post, show
from stario.html import button, div, form, input, label, li, p, span, strong, style, ul
from stario.toys import ToyPage

MAX_FILE_SIZE = 100 * 1024  # bytes; larger files are refused with a message, not an error status


def human(size: int) -> str:
    return f"{size} bytes" if size < 1024 else f"{size / 1024:.1f} KB"


def result(*children, kind: str = "ok"):
    return div({"id": "result", "class": kind}, *children)


async def home():
    return ToyPage(
        div(
            STYLE,
            form(
                # data-indicator before data-on: $uploading is true while this form's request runs.
                {"id": "upload", "enctype": "multipart/form-data"}
                | indicator("uploading")
                | on("submit", post("/upload", content_type="form")),
                label("File ", input({"id": "file", "type": "file", "name": "file"})),
                " ",
                button({"id": "send", "type": "submit"} | attr({"disabled": "$uploading"}), "Upload"),
                span({"id": "progress", "class": "progress"} | show("$uploading"), " Uploading…"),
            ),
            p({"class": "hint"}, f"Up to {human(MAX_FILE_SIZE)}."),
            result(),
        ),
        title="File upload",
    )


async def upload(c: Context):
    """A Command: read the multipart form, check the file, answer with what arrived."""
    with c.span.step("upload.read"):
        form_data = await c.form()
    file = form_data.get("file")
    if not isinstance(file, UploadedFile) or not file.filename:
        yield result("Choose a file first.", kind="error")
        return
    c.span.attr("upload.size", file.size)
    if file.size > MAX_FILE_SIZE:
        yield result(f"{file.filename} is {human(file.size)}; the limit is {human(MAX_FILE_SIZE)}.", kind="error")
        return
    with c.span.step("upload.digest", size=file.size):
        digest = hashlib.sha256(file.data).hexdigest()
    yield result(
        ul(
            li("Name: ", strong({"id": "name"}, file.filename)),  # escaped: the name is user input
            li("Size: ", strong({"id": "size"}, human(file.size))),
            li("Type: ", file.content_type or "unknown"),
            li("SHA-256: ", span({"class": "digest"}, digest[:16] + "…")),
        )
    )


STYLE = style("""
.progress { opacity: .7; }
.hint { opacity: .7; font-size: .9em; }
#result.error { color: #c33; }
.digest { font-family: ui-monospace, monospace; }
""")

app = Stario(Query("/", home), Command("/upload", upload))
