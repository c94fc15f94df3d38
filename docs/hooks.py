"""MkDocs hook: one page per lesson, generated from ``lessons/`` with `stario.lessons`.

The prose comes with its code already included from the lesson's files (``{{code app.py:home}}``),
so nothing on the site is copied by hand.
"""

from __future__ import annotations

from mkdocs.structure.files import File, Files

from stario.lessons import load_lessons


def on_files(files: Files, config) -> Files:
    """Add a generated page for every lesson, and an index of them."""
    lessons = load_lessons()
    index = ["# Lessons", "", "The course, in order. Each lesson is also in the playground, where its code runs.", ""]
    for lesson in lessons:
        name = f"{lesson.number:02d}-{lesson.slug}"
        kind = "exercise" if lesson.is_exercise else "reading"
        index.append(f"{lesson.number}. [{lesson.title}]({name}.md): {lesson.summary} *({kind})*")
        page = [f"# {lesson.number}. {lesson.title}", "", f"*{lesson.summary}*", "", lesson.markdown]
        if lesson.is_exercise:
            page += ["", "??? note \"The checks\"", ""]
            page += ["    " + line for line in ["```python", *(lesson.path / "check.py").read_text().splitlines(), "```"]]
        files.append(File.generated(config, f"lessons/{name}.md", content="\n".join(page) + "\n"))
    files.append(File.generated(config, "lessons/index.md", content="\n".join(index) + "\n"))
    return files
