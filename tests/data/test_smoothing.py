"""Smoothing: TensorBoard's debiased EMA exactly, and a time-weighted variant."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trainboard.data import _kernel
from trainboard.data.smoothing import ema, ema_time_weighted


def tensorboard_classic(values: list[float], weight: float) -> list[float]:
    """TensorBoard's ``classicSmoothing``, transcribed step by step."""
    if all(v == values[0] for v in values):
        return list(values)
    last, count, out = 0.0, 0, []
    for y in values:
        if not math.isfinite(y):
            out.append(y)
            continue
        last = last * weight + (1 - weight) * y
        count += 1
        debias = 1.0 if weight == 1 else 1 - weight**count
        out.append(last / debias)
    return out


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.6, 0.999, 1.0])
def test_ema_is_tensorboards_classic_smoothing(kernel: str, weight: float) -> None:
    values = np.random.default_rng(2).standard_normal(3000)
    values[[10, 20, 30]] = [np.nan, np.inf, -np.inf]
    ours = ema(values, weight)
    assert np.array_equal(ours, tensorboard_classic(values.tolist(), weight), equal_nan=True)


def test_constant_series_is_left_alone() -> None:
    assert ema(np.full(5, 3.0), 0.9).tolist() == [3.0] * 5


def test_bad_weight_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"smoothing weight must be in \[0, 1\], got 1.5"):
        ema(np.arange(3.0), 1.5)


def test_time_weighted_equals_classic_on_1001_evenly_spaced_points(kernel: str) -> None:
    values = np.random.default_rng(3).standard_normal(1001)
    assert np.allclose(ema_time_weighted(np.arange(1001) * 7.0, values, 0.6), ema(values, 0.6))


def test_time_weighted_smooths_dense_and_sparse_logging_alike(kernel: str) -> None:
    """The same signal logged every step and every 10th step: the smoothed curves agree."""
    dense_x = np.arange(0.0, 10_001.0)
    sparse_x = dense_x[::10]
    signal = np.sin(dense_x / 800.0)
    dense = ema_time_weighted(dense_x, signal, 0.9)
    sparse = ema_time_weighted(sparse_x, signal[::10], 0.9)
    assert np.max(np.abs(dense[::10][50:] - sparse[50:])) < 0.02
    classic_gap = np.max(np.abs(ema(signal, 0.9)[::10][50:] - ema(signal[::10], 0.9)[50:]))
    assert classic_gap > 0.05  # TensorBoard's per-point EMA does depend on the density


def test_time_weighted_matches_the_front_ends_reference_values(kernel: str) -> None:
    # The formula of docs/http/api.md, which frontend/.../smoothing.ts implements too.
    got = ema_time_weighted(np.arange(5.0), np.array([0.0, 1.0, 0.0, 1.0, 0.0]), 0.6)
    scale = 4.0 / 1000
    d = 0.6 ** (1 / scale)
    num = den = 0.0
    expected = []
    for v in [0.0, 1.0, 0.0, 1.0, 0.0]:
        num, den = num * d + v, den * d + 1
        expected.append(num / den)
    np.testing.assert_allclose(got, expected)


def test_time_weighted_decays_by_distance(kernel: str) -> None:
    x = np.array([0.0, 1.0, 2.0, 102.0])
    smoothed = ema_time_weighted(x, np.array([0.0, 0.0, 0.0, 10.0]), 0.5, scale=1.0)
    assert smoothed[3] == pytest.approx(10.0)  # after a long gap the past weighs nothing
    dense = ema_time_weighted(np.arange(4.0), np.array([0.0, 0.0, 0.0, 10.0]), 0.5, scale=1.0)
    assert dense[3] < 10.0


@pytest.mark.skipif(_kernel.native is None, reason="compiled kernel not built")
@pytest.mark.parametrize("weight", [0.0, 0.25, 0.95, 1.0])
def test_kernel_and_fallback_agree_exactly(
    weight: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(4)
    x = np.cumsum(rng.integers(0, 3, 5000)).astype(float)
    values = rng.standard_normal(5000)
    values[::97] = np.nan
    native = ema(values, weight), ema_time_weighted(x, values, weight)
    monkeypatch.setattr(_kernel, "native", None)
    python = ema(values, weight), ema_time_weighted(x, values, weight)
    for a, b in zip(native, python, strict=True):
        assert np.array_equal(a, b, equal_nan=True)


VECTORS = json.loads(
    (Path(__file__).parents[1] / "vectors" / "smoothing.json").read_text(encoding="utf-8")
)


def _floats(items: list[Any]) -> np.ndarray:
    """JSON numbers, with non-finite ones spelled "NaN", "Infinity", "-Infinity"."""
    return np.array([float(v) for v in items], dtype=np.float64)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: f"{c['kind']}: {c['name']}")
def test_shared_vectors(kernel: str, case: dict[str, Any]) -> None:
    """tests/vectors/smoothing.json, which the front end's smoothing.ts is held to as well."""
    values = _floats(case["values"])
    if case["kind"] == "ema":
        got = ema(values, case["weight"])
    else:
        got = ema_time_weighted(_floats(case["x"]), values, case["weight"])
    expected = _floats(case["expected"])
    finite = np.isfinite(expected)
    assert np.array_equal(got[~finite], expected[~finite], equal_nan=True)
    tolerance = VECTORS["tolerance"]
    np.testing.assert_allclose(got[finite], expected[finite], rtol=tolerance, atol=tolerance)
