"""The toys catalog behind `stario toys list` and `stario toys add`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stario.toy_catalog import ToyError, add_toy, get_toy, list_toys


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    folder = tmp_path / "toys"
    for name, line in (("counter", "A button that counts."), ("clock", "The time, live.")):
        (folder / name).mkdir(parents=True)
        (folder / name / "app.py").write_text(f"# {name}\napp = None\n")
        (folder / name / "README.md").write_text(f"# {name.title()}\n\n{line}\n\nMore.\n")
    (folder / "not-a-toy").mkdir()
    return folder


def test_list_reads_names_titles_and_one_line_descriptions(shelf):
    toys = list_toys(shelf)
    assert [(t.name, t.title, t.description) for t in toys] == [
        ("clock", "Clock", "The time, live."),
        ("counter", "Counter", "A button that counts."),
    ]


def test_an_unknown_toy_is_a_clear_error(shelf):
    with pytest.raises(ToyError, match="no toy called 'nope'; there are: clock, counter"):
        get_toy("nope", shelf)


def test_add_copies_the_toy_and_refuses_to_overwrite_without_force(shelf, tmp_path):
    target = add_toy("counter", tmp_path / "x", folder=shelf)
    assert (target / "app.py").read_text() == "# counter\napp = None\n"
    assert (target / "README.md").exists()
    with pytest.raises(ToyError, match="already exists; pass --force"):
        add_toy("counter", tmp_path / "x", folder=shelf)
    (target / "app.py").write_text("changed")
    add_toy("counter", tmp_path / "x", force=True, folder=shelf)
    assert (target / "app.py").read_text() == "# counter\napp = None\n"


def test_the_command_line_lists_and_adds(tmp_path):
    listing = subprocess.run([sys.executable, "-m", "stario", "toys", "list"], capture_output=True, text=True)
    assert listing.returncode == 0, listing.stderr
    names = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    assert names, listing.stdout
    added = subprocess.run([sys.executable, "-m", "stario", "toys", "add", names[0], "mine"], cwd=tmp_path, capture_output=True, text=True)
    assert added.returncode == 0 and "stario serve mine.app:app" in added.stdout
    assert (tmp_path / "mine" / "app.py").exists()
    again = subprocess.run([sys.executable, "-m", "stario", "toys", "add", names[0], "mine"], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 1 and "--force" in again.stderr
    unknown = subprocess.run([sys.executable, "-m", "stario", "toys", "add", "nope"], cwd=tmp_path, capture_output=True, text=True)
    assert unknown.returncode == 1 and "no toy called 'nope'" in unknown.stderr


def test_adding_the_polls_toy_copies_its_stylesheet_and_its_tests(tmp_path):
    target = add_toy("polls", tmp_path / "polls")
    assert (target / "static" / "style.css").is_file() and (target / "test_polls.py").is_file()
    assert not list(target.rglob("__pycache__"))
