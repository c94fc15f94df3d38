"""stario.datastar is a package of small modules: every old name is still importable from the
package, the modules depend on nothing of Stario's request handling, and each has its place in
the reference."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import stario.datastar as ds

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "stario" / "datastar"
SUBMODULES = ("events", "request_signals", "actions", "attributes", "client")

# Every public name of the single module stario.datastar was before it became a package.
NAMES_BEFORE = """
MODES NAMESPACES DEFAULT_RETRY_MS Event PatchElements PatchSignals ExecuteScript RemoveElements
Redirect patch_elements patch_signals execute_script remove_elements redirect to_event read_signals
data_fields js to_js get post put patch delete signals computed bind text show classes attr style on
init effect on_interval on_intersect indicator ref json_signals ignore ignore_morph preserve_attr script
""".split()

# The request-handling modules that import stario.datastar: it must never import them back.
HANDLING = {"stario.app", "stario.context", "stario.writer", "stario.sse", "stario.handlers", "stario.testing"}


def stario_imports(path: Path) -> set[str]:
    """The ``stario`` modules a file imports anywhere (top level, functions, TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("stario"))
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: use absolute imports"
            if node.module and node.module.startswith("stario"):
                found.add(node.module)
    return found


def module_file(name: str) -> Path:
    """The source file of a Stario module, from its dotted name."""
    base = ROOT.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def test_every_name_of_the_old_module_is_still_in_the_package():
    missing = [name for name in NAMES_BEFORE if not hasattr(ds, name)]
    assert not missing, f"stario.datastar lost: {missing}"
    assert set(NAMES_BEFORE) <= set(ds.__all__)
    for name in ds.__all__:
        assert getattr(ds, name).__doc__, f"stario.datastar.{name} has no docstring"


def test_each_name_lives_in_one_module_and_the_package_only_re_exports():
    homes: dict[str, str] = {}
    for short in SUBMODULES:
        module = importlib.import_module(f"stario.datastar.{short}")
        assert module.__doc__, f"stario.datastar.{short} has no docstring"
        for name in module.__all__:
            assert name not in homes, f"{name} is in both {homes[name]} and {short}"
            homes[name] = short
            assert getattr(ds, name) is getattr(module, name)
    assert set(homes) == set(ds.__all__)
    assert sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__") == sorted(SUBMODULES)


def test_no_module_is_hidden_by_a_name_of_the_package():
    """`import stario.datastar.X as m` gives the package's attribute X: it must be the module."""
    for short in SUBMODULES:
        assert short not in ds.__all__


def test_the_package_never_reaches_the_request_handling_modules():
    seen: set[str] = set()
    todo = [f"stario.datastar.{short}" for short in SUBMODULES]
    while todo:
        name = todo.pop()
        if name in seen or name == "stario":
            continue
        seen.add(name)
        reached = stario_imports(module_file(name))
        assert not reached & HANDLING, f"{name} imports {sorted(reached & HANDLING)}"
        todo.extend(reached)
    assert not seen & HANDLING


def test_no_import_cycle_inside_the_package():
    inside = "stario.datastar."
    graph = {
        short: {name[len(inside) :] for name in stario_imports(PACKAGE / f"{short}.py") if name.startswith(inside)}
        for short in SUBMODULES
    }
    order: list[str] = []
    while graph:
        ready = sorted(name for name, needs in graph.items() if needs <= set(order))
        assert ready, f"an import cycle among {sorted(graph)}: {graph}"
        order.extend(ready)
        for name in ready:
            del graph[name]


def test_the_reference_page_shows_every_module():
    page = (ROOT / "docs" / "reference" / "datastar.md").read_text(encoding="utf-8")
    for short in SUBMODULES:
        assert f"::: stario.datastar.{short}\n" in page, f"docs/reference/datastar.md misses stario.datastar.{short}"
