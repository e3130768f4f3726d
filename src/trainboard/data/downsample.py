"""Per-pixel downsampling of a series for drawing: exact at the pixel level.

For an x-range split into ``width`` pixel columns, :func:`pixel_indices` keeps,
for each stretch of consecutive points that fall in the same column, the first,
the lowest, the highest and the last point (the "M4" reduction), plus its first
non-finite point. A polyline through the kept points covers the same pixels as
one through every point: spikes survive, and so does the latest point. Points
outside the range are reduced the same way in one column on each side, so lines
still enter and leave the view. Steps that go backwards just start new stretches.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pixel_indices"]


def _first_per_run(positions: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each run ``[start, end)``, the first of ``positions`` (sorted) inside it, if any."""
    if not len(positions):
        return positions
    first = np.searchsorted(positions, starts)
    found = first < len(positions)
    hit = positions[first[found]]
    return hit[hit < ends[found]]


def _m4(x: np.ndarray, y: np.ndarray, lo: float, hi: float, width: int) -> np.ndarray:
    scale = width / (hi - lo) if hi > lo else 0.0
    column = np.floor((x - lo) * scale)
    column = np.where(x > hi, width, np.minimum(column, width - 1))
    column = np.maximum(column, -1)
    change = np.flatnonzero(column[1:] != column[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(x)]))
    finite = np.isfinite(y)
    all_finite = bool(finite.all())
    low = y if all_finite else np.where(finite, y, np.inf)
    high = y if all_finite else np.where(finite, y, -np.inf)
    lengths = ends - starts
    mins = np.repeat(np.minimum.reduceat(low, starts), lengths)
    maxs = np.repeat(np.maximum.reduceat(high, starts), lengths)
    parts = [
        starts,
        ends - 1,
        _first_per_run(np.flatnonzero(low == mins), starts, ends),
        _first_per_run(np.flatnonzero(high == maxs), starts, ends),
    ]
    if not all_finite:
        parts.append(_first_per_run(np.flatnonzero(~finite), starts, ends))
    return np.unique(np.concatenate(parts))


def pixel_indices(
    x: np.ndarray, y: np.ndarray, width: int, x_range: tuple[float, float] | None = None
) -> np.ndarray:
    """Indices (ascending) of the points to draw ``y`` over ``x`` in ``width`` pixels.

    Example::

        keep = pixel_indices(series.steps, series.values, width=800)
        xs, ys = series.steps[keep], series.values[keep]
    """
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise ValueError(f"width must be a positive number of pixels, got {width!r}")
    n = len(x)
    if len(y) != n:
        raise ValueError(f"x has {n} points but y has {len(y)}")
    if n <= 4 * width + 4:
        return np.arange(n)
    xf = np.asarray(x, dtype=np.float64)
    yf = np.asarray(y, dtype=np.float64)
    lo, hi = (float(xf.min()), float(xf.max())) if x_range is None else map(float, x_range)
    if not lo <= hi:
        raise ValueError(f"x_range must be (low, high) with low <= high, got {x_range!r}")
    start, stop = 0, n
    if np.all(xf[1:] >= xf[:-1]):  # sorted: only the range and one point on each side
        start = max(int(np.searchsorted(xf, lo, "left")) - 1, 0)
        stop = min(int(np.searchsorted(xf, hi, "right")) + 1, n)
    kept = _m4(xf[start:stop], yf[start:stop], lo, hi, width) + start
    if kept[-1] != n - 1:  # the latest point, always
        kept = np.append(kept, n - 1)
    return kept
