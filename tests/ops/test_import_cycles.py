"""No import cycle inside ``ingestion``: every module imports, and no chain of imports
(module-level or deferred inside a function) leads back to where it started."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from ingestion.warehouse import REPO_ROOT

PACKAGE = REPO_ROOT / "ingestion"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The module of ``ingestion`` that ``name`` imports (a name in a package: the package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(module: str) -> set[str]:
    """Modules of ``ingestion`` that ``module`` imports, at run time."""
    path = MODULES[module]
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node, parents):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from pkg import mod` imports the submodule; `from pkg import name`, the package
            targets = [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            resolved = _resolve(target)
            if resolved and resolved != module:
                found.add(resolved)
    return found


def find_cycles() -> list[list[str]]:
    graph = {module: imports_of(module) for module in MODULES}
    cycles: list[list[str]] = []
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_no_import_cycle() -> None:
    assert find_cycles() == []


def test_the_scan_sees_a_deferred_import_cycle(tmp_path: Path) -> None:
    """The scanner itself: a cycle through a lazy import inside a function is found."""
    global MODULES
    saved = MODULES
    pkg = tmp_path / "ingestion" / "demo_pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("def f():\n    from . import b\n")
    (pkg / "b.py").write_text("from ingestion.demo_pkg import f\n")
    MODULES = {"ingestion.demo_pkg": pkg / "__init__.py", "ingestion.demo_pkg.b": pkg / "b.py"}
    try:
        assert find_cycles() == [
            ["ingestion.demo_pkg", "ingestion.demo_pkg.b", "ingestion.demo_pkg"]
        ]
    finally:
        MODULES = saved
