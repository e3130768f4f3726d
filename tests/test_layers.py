"""The package's layers: no module imports a layer above its own (docs/architecture.md).

Every ``import`` statement under ``src/trainboard`` counts, also the ones inside functions
(lazy imports are still dependencies). A layer may import a layer of a lower rank and
itself; two different layers of one rank are independent of each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "trainboard"

# Lowest first. "" is the package's own __init__ (the public re-exports).
RANKS: dict[str, int] = {
    "errors": 0,
    "_version": 0,
    "format": 1,
    "_native": 2,
    "_storage": 2,
    "writer": 3,
    "data": 3,
    "projector": 4,
    "visdom": 4,
    "_hparams_session": 4,
    "server": 5,
    "notebook": 5,
    "": 6,
    "demo": 7,
    "lightning": 7,
    "transformers": 7,
    "cli": 8,
    "__main__": 9,  # python -m trainboard: the command line
}


def _layer_of(module: str) -> str:
    """``trainboard.format.kinds.image`` -> ``format``; ``trainboard`` -> ``""``."""
    parts = module.split(".")
    assert parts[0] == "trainboard", module
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(path: Path, tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every trainboard module the file imports, relative ones resolved."""
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("trainboard")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module != "trainboard" and not module.startswith("trainboard."):
                continue
            if module == "trainboard":
                # `from trainboard import writer` names a layer; `import __version__` the root.
                for alias in node.names:
                    name = alias.name
                    found.append((node.lineno, f"trainboard.{name}" if name in RANKS else module))
            else:
                found.append((node.lineno, module))
    return found


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not p.name.endswith("_pb2.py"))


def _violations() -> list[str]:
    bad = []
    for path in _sources():
        source = _module_name(path)
        layer = _layer_of(source)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, module in _imported(path, tree):
            target = _layer_of(module)
            if target == layer:
                continue
            if RANKS[target] >= RANKS[layer]:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {layer or 'trainboard'}"
                           f" (rank {RANKS[layer]}) imports {module} (rank {RANKS[target]})")
    return bad


def test_every_top_level_module_has_a_rank() -> None:
    layers = {_layer_of(_module_name(p)) for p in _sources()}
    assert sorted(layers - RANKS.keys()) == []


def test_no_module_imports_a_higher_or_sibling_layer() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("file", "code", "expected"),
    [
        ("format/kinds/x.py", "from trainboard.writer._convert import to_numpy", "writer"),
        ("format/kinds/x.py", "def f():\n    from ...writer import _convert", "writer"),
        ("data/x.py", "from trainboard import writer", "writer"),
        ("server/x.py", "import trainboard.cli.main", "cli"),
        ("writer/x.py", "from trainboard import __version__", "trainboard"),
    ],
)
def test_the_check_sees_every_form_of_import(file: str, code: str, expected: str) -> None:
    path = PACKAGE / file
    modules = [m for _, m in _imported(path, ast.parse(code))]
    assert len(modules) == 1
    layer = _layer_of(modules[0])
    assert (layer or "trainboard") == expected
    assert RANKS[layer] >= RANKS[_layer_of(_module_name(path))]
