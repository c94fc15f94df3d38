"""MkDocs hook: one page per lesson, generated from ``lessons/`` with `stario.lessons`.

The prose comes with its code already included from the lesson's files (``{{code app.py:home}}``),
so nothing on the site is copied by hand. An exercise's page ends with its checks and its hints,
each folded away in a ``<details>`` block, so a reader opens them only when they want them.
"""

from __future__ import annotations

from mkdocs.structure.files import File, Files

from stario.lessons import Lesson, load_lessons, render_markdown


def _folded(summary: str, html: str) -> list[str]:
    """A collapsed ``<details>`` block around ``html``, as raw HTML lines for the Markdown page."""
    # Python-Markdown keeps a block of raw HTML as it is, so the body is rendered to HTML here.
    return ["", "<details>", f"<summary>{summary}</summary>", html.strip(), "</details>", ""]


def lesson_page(lesson: Lesson) -> str:
    """The Markdown of a lesson's page: the prose, then its checks and hints when it is an exercise."""
    page = [f"# {lesson.number}. {lesson.title}", "", f"*{lesson.summary}*", "", lesson.markdown]
    if lesson.is_exercise:
        checks = (lesson.path / "check.py").read_text(encoding="utf-8").rstrip()
        page += ["", "## The checks", "", "*Check* in the playground runs these against your code:"]
        page += _folded("check.py", render_markdown(f"```python\n{checks}\n```\n"))
    if lesson.hints:
        page += ["", "## Hints", "", "Open one at a time, and try again between them."]
        for number, hint in enumerate(lesson.hints, start=1):
            page += _folded(f"Hint {number}", render_markdown(hint))
    return "\n".join(page) + "\n"


def on_files(files: Files, config) -> Files:
    """Add a generated page for every lesson, and an index of them."""
    lessons = load_lessons()
    index = ["# Lessons", "", "The course, in order. Each lesson is also in the playground, where its code runs.", ""]
    for lesson in lessons:
        name = f"{lesson.number:02d}-{lesson.slug}"
        kind = "exercise" if lesson.is_exercise else "reading"
        index.append(f"{lesson.number}. [{lesson.title}]({name}.md): {lesson.summary} *({kind})*")
        files.append(File.generated(config, f"lessons/{name}.md", content=lesson_page(lesson)))
    files.append(File.generated(config, "lessons/index.md", content="\n".join(index) + "\n"))
    return files
