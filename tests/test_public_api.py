"""The public surface is deliberate: sorted, complete __all__, nothing private re-exported."""

from __future__ import annotations

import importlib
import inspect

import pytest

import trainboard

PUBLIC_MODULES = ["trainboard", "trainboard.writer", "trainboard.errors"]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported)
    public = {
        n
        for n, obj in vars(module).items()
        if not n.startswith("_") and not inspect.ismodule(obj) and n != "annotations"
    }
    assert public <= set(exported) | {"annotations"}, f"{name}: public but not in __all__"
    for n in exported:
        assert hasattr(module, n), f"{name}.__all__ lists missing {n!r}"


def test_nothing_private_is_reachable_from_the_package_root() -> None:
    for n in trainboard.__all__:
        obj = getattr(trainboard, n)
        module = getattr(obj, "__module__", "trainboard") or "trainboard"
        assert not any(
            part.startswith("_") and part != "__init__" for part in module.split(".")[1:]
        ) or (n == "__version__"), f"trainboard.{n} lives in a private module {module}"
