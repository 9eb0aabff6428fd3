"""Dependencies point down the layers (docs/architecture.md): an import that points up
fails here, including ones inside functions and under ``TYPE_CHECKING``.

    api/, scenarios/   ->  nodes/  ->  contracts/  ->  ledger/

Within ``contracts/``, the framework (the modules directly in ``contracts/``) names no
built-in contract and imports nothing from ``contracts.builtin`` or the lending
library the built-ins share: plug-ins sit on the framework, not inside it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RANK = {"ledger": 0, "contracts": 1, "nodes": 2, "api": 3, "scenarios": 3}
FRAMEWORK_MAY_NOT_IMPORT = ("contracts.builtin", "contracts.lending")


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in ``path``; relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    return imports_in(path.read_text(), package)


def imports_in(text: str, package: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield node.lineno, module


def sources(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def points_up(layer: str, module: str) -> bool:
    top = module.split(".", 1)[0]
    return top in RANK and RANK[top] > RANK[layer]


def upward_imports(layer: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sources(layer)
        for line, module in imports(path)
        if points_up(layer, module)
    ]


@pytest.mark.parametrize("layer", sorted(RANK))
def test_no_import_points_up_the_layers(layer: str) -> None:
    assert upward_imports(layer) == []


def test_the_contract_framework_imports_no_built_in_contract() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "contracts").glob("*.py"))
        for line, module in imports(path)
        if module.startswith(FRAMEWORK_MAY_NOT_IMPORT)
    ]
    assert found == []


def test_the_checker_sees_imports_inside_functions_and_relative_ones() -> None:
    text = "def late() -> None:\n    from nodes.peer import Peer\n\nfrom . import encoding\n"
    found = sorted(imports_in(text, "ledger"))
    assert found == [(2, "nodes.peer"), (4, "ledger")]
    assert [points_up("ledger", module) for _, module in found] == [True, False]
    assert points_up("contracts", "api.errors")
    assert not points_up("api", "scenarios.runner")
