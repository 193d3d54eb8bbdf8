"""The package's layers: each module imports only from its own layer or a lower one, and no cycles.

Layers, lowest first: the shared top-level modules (config, errors, schema, numbers,
text, resources), ``read``, ``extract``, ``build``, ``analyse``, ``report``,
``testing``, and the entry points (``cli``, ``__init__``). Every ``import`` counts,
including one inside a function: a function-level import that dodges a cycle or an
upward dependency is the defect this test exists to catch.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "eduanalysis"

#: Rank of each layer; a module may import a module of the same or a lower rank.
LAYERS = {"": 0, "read": 1, "extract": 2, "build": 3, "analyse": 4, "report": 5, "testing": 6, "entry": 7}
ENTRY_MODULES = {"cli", "__init__", "__main__"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join([root.name, *parts])


def layer_of(module: str, package: str) -> str:
    parts = module.split(".")[1:]
    if not parts or (len(parts) == 1 and parts[0] in ENTRY_MODULES):
        return "entry"
    if len(parts) == 1 and parts[0] not in LAYERS:
        return ""  # a shared top-level module
    return parts[0]


def imports(path: Path, package: str) -> list[tuple[int, str]]:
    """``(line, module)`` of every import of the package in ``path``, at any depth of the code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == package]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == package:
            # ``from eduanalysis.analyse import features`` imports the submodule features
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def graph(root: Path) -> dict[str, list[tuple[int, str]]]:
    """Each module of the package under ``root`` and the package modules it imports (resolved to files)."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts}
    out = {}
    for mod, path in files.items():
        targets = []
        for line, name in imports(path, root.name):
            while name not in files and "." in name:  # ``from pkg.mod import function`` -> pkg.mod
                name = name.rsplit(".", 1)[0]
            if name in files and name != mod:
                targets.append((line, name))
        out[mod] = targets
    return out


def upward_imports(root: Path) -> list[str]:
    """``module:line imports target (layer a -> layer b)`` for every import of a higher layer."""
    bad = []
    for mod, targets in graph(root).items():
        here = layer_of(mod, root.name)
        for line, target in targets:
            there = layer_of(target, root.name)
            if LAYERS[there] > LAYERS[here]:
                bad.append(f"{mod}:{line} imports {target} ({here or 'shared'} -> {there or 'shared'})")
    return bad


def cycles(root: Path) -> list[list[str]]:
    """Import cycles among the package's modules (package ``__init__`` files aside), each as a path."""
    g = {m: sorted({t for _, t in ts if not _is_package_init(root, t)}) for m, ts in graph(root).items()
         if not _is_package_init(root, m)}
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in g.get(node, []):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(g):
        if node not in state:
            visit(node, [node])
    return found


def _is_package_init(root: Path, module: str) -> bool:
    return (root.parent / module.replace(".", "/") / "__init__.py").is_file()


def test_no_module_imports_a_higher_layer():
    assert upward_imports(PACKAGE) == []


def test_no_import_cycles():
    assert cycles(PACKAGE) == []


@pytest.fixture
def toy(tmp_path):
    """A package laid out like eduanalysis, to show the checks fail when they should."""
    root = tmp_path / "eduanalysis"
    for folder in ("read", "extract", "report"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "text.py").write_text("import re\n")
    (root / "read" / "files.py").write_text("from eduanalysis import text\n")
    (root / "report" / "plots.py").write_text("from eduanalysis.read import files\n")
    return root


def test_an_upward_import_fails_even_inside_a_function(toy):
    assert upward_imports(toy) == []
    (toy / "extract" / "targets.py").write_text(
        "from eduanalysis.read import files\n\ndef f():\n    from eduanalysis.report.plots import save\n")
    assert upward_imports(toy) == ["eduanalysis.extract.targets:4 imports eduanalysis.report.plots (extract -> report)"]


def test_a_cycle_fails(toy):
    assert cycles(toy) == []
    (toy / "extract" / "a.py").write_text("from eduanalysis.extract import b\n")
    (toy / "extract" / "b.py").write_text("def f():\n    from eduanalysis.extract.a import g\n")
    assert cycles(toy) == [["eduanalysis.extract.a", "eduanalysis.extract.b", "eduanalysis.extract.a"]]
