"""Per-pixel downsampling keeps what a line needs: extremes, ends, the latest point."""

from __future__ import annotations

import time

import numpy as np
import pytest

from trainboard.data.downsample import pixel_indices


def _columns(x: np.ndarray, lo: float, hi: float, width: int) -> np.ndarray:
    column = np.floor((x - lo) * (width / (hi - lo)))
    return np.clip(np.where(x > hi, width, np.minimum(column, width - 1)), -1, width)


def _assert_envelope_kept(x: np.ndarray, y: np.ndarray, keep: np.ndarray, width: int) -> None:
    """In every pixel column, the kept points reach the same min and max as all points."""
    lo, hi = float(x.min()), float(x.max())
    columns, kept_columns = _columns(x, lo, hi, width), _columns(x[keep], lo, hi, width)
    for column in np.unique(columns):
        values = y[columns == column]
        kept = y[keep][kept_columns == column]
        assert np.nanmin(kept) == np.nanmin(values)
        assert np.nanmax(kept) == np.nanmax(values)


def test_spikes_and_the_latest_point_survive() -> None:
    rng = np.random.default_rng(0)
    n, width = 200_000, 300
    x = np.arange(n, dtype=np.float64)
    y = rng.standard_normal(n)
    y[12345] = 1e6
    y[54321] = -1e6
    keep = pixel_indices(x, y, width)
    assert len(keep) <= 4 * width + 2
    assert {12345, 54321, 0, n - 1} <= set(keep.tolist())
    assert np.all(np.diff(keep) > 0)
    _assert_envelope_kept(x, y, keep, width)


def test_steps_going_backwards_are_reduced_stretch_by_stretch() -> None:
    x = np.concatenate([np.arange(10_000), np.arange(5_000, 15_000)]).astype(float)
    y = np.sin(x / 50.0)
    keep = pixel_indices(x, y, 100)
    assert 10_000 in keep and 9_999 in keep  # both ends of the jump back
    _assert_envelope_kept(x, y, keep, 100)


def test_non_finite_points_are_kept() -> None:
    y = np.linspace(0, 1, 10_000)
    y[500], y[7000] = np.nan, np.inf
    keep = pixel_indices(np.arange(10_000), y, 50)
    assert {500, 7000} <= set(keep.tolist())


def test_a_range_keeps_one_point_beyond_each_side() -> None:
    x = np.arange(100_000, dtype=float)
    keep = pixel_indices(x, np.cos(x), 100, x_range=(1000.0, 2000.0))
    assert keep.min() == 999 and 2001 in keep and keep[-1] == 99_999
    inside = keep[(x[keep] >= 1000) & (x[keep] <= 2000)]
    assert len(inside) <= 400


def test_small_series_are_returned_whole() -> None:
    assert pixel_indices(np.arange(10), np.arange(10), 5).tolist() == list(range(10))
    assert pixel_indices(np.arange(0), np.arange(0), 5).tolist() == []


@pytest.mark.parametrize("width", [0, -3, 2.5, True])
def test_bad_width_is_rejected(width: object) -> None:
    with pytest.raises(ValueError, match="width must be a positive number of pixels"):
        pixel_indices(np.arange(10), np.arange(10), width)  # type: ignore[arg-type]


def test_a_million_points_take_well_under_a_tenth_of_a_second() -> None:
    n = 1_000_000
    x = np.arange(n, dtype=np.int64)
    y = np.cumsum(np.random.default_rng(1).standard_normal(n))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        pixel_indices(x, y, 1000)
        times.append(time.perf_counter() - start)
    assert min(times) < 0.25  # target 0.05 s; generous for a loaded test machine
