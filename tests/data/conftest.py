"""Fixtures for the data layer: both kernels, and an isolated cache directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trainboard.data import _kernel

KERNELS = ["native", "python"]


@pytest.fixture(params=KERNELS)
def kernel(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test with the compiled kernel, then with the pure-Python fallback."""
    if request.param == "native":
        if _kernel.native is None:
            pytest.skip("the compiled kernel is not built")
    else:
        monkeypatch.setattr(_kernel, "native", None)
    yield str(request.param)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every index these tests write out of the user's cache directory."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("TRAINBOARD_CACHE_DIR", str(cache))
    return cache
