"""Smoothing of scalar series, computed on every point (before any downsampling).

:func:`ema` is TensorBoard's "classic" debiased exponential moving average: the
smoothing slider's weight ``w`` in [0, 1], non-finite values passed through
without advancing the average, and a series whose values are all equal returned
as is. :func:`ema_time_weighted` decays by distance along x instead of by point,
so that densely and sparsely logged series smooth alike: the decay between two
points ``dx`` apart is ``w ** (dx / scale)`` (computed as ``exp(dx * log(w) / scale)``),
with ``scale`` the median spacing, which makes it equal to :func:`ema` on evenly
spaced points (up to rounding); points at the same x count as one step apart.

Both run in the compiled kernel when it is built, else in a Python loop doing the
same floating-point operations in the same order (identical results, slower).
"""

from __future__ import annotations

import math

import numpy as np

from trainboard.data import _kernel

__all__ = ["ema", "ema_time_weighted"]

_TINY = 2.0**-54  # below it, 1 - w**n rounds to exactly 1


def _check_weight(weight: float) -> float:
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"smoothing weight must be in [0, 1], got {weight!r}")
    return float(weight)


def _is_constant(values: np.ndarray) -> bool:
    return len(values) == 0 or bool(np.all(values == values[0]))


def ema(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's debiased EMA of ``values`` with smoothing ``weight``.

    Example::

        smoothed = ema(series.values, 0.6)
    """
    weight = _check_weight(weight)
    values = np.ascontiguousarray(values, dtype=np.float64)
    out: np.ndarray = values.copy()
    if _is_constant(values):
        return out
    if _kernel.native is not None:
        _kernel.native.ema(values, out, weight)
        return out
    last, count, saturated = 0.0, 0.0, weight == 1.0
    result = values.tolist()
    for i, value in enumerate(result):
        if not math.isfinite(value):
            continue
        last = last * weight + (1.0 - weight) * value
        count += 1.0
        debias = 1.0
        if not saturated:  # the same shortcut as the kernel: identical results
            power = math.pow(weight, count)
            saturated = power < _TINY
            debias = 1.0 - power
        result[i] = last / debias
    out[:] = result
    return out


def ema_time_weighted(
    x: np.ndarray, values: np.ndarray, weight: float, scale: float | None = None
) -> np.ndarray:
    """A debiased EMA whose decay depends on the x-distance between points.

    ``scale`` defaults to the median positive spacing of ``x``.

    Example::

        smoothed = ema_time_weighted(series.wall_times, series.values, 0.6)
    """
    weight = _check_weight(weight)
    x = np.ascontiguousarray(x, dtype=np.float64)
    values = np.ascontiguousarray(values, dtype=np.float64)
    if len(x) != len(values):
        raise ValueError(f"x has {len(x)} points but values has {len(values)}")
    out: np.ndarray = values.copy()
    if _is_constant(values):
        return out
    if scale is None:
        gaps = np.abs(np.diff(x))
        gaps = gaps[gaps > 0]
        scale = float(np.median(gaps)) if len(gaps) else 1.0
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if _kernel.native is not None:
        _kernel.native.ema_weighted(x, values, out, weight, float(scale))
        return out
    last = norm = prev = decay = 0.0
    prev_gap, started = -1.0, False
    rate = -math.inf if weight == 0.0 else math.log(weight) / scale
    result = values.tolist()
    for i, (xi, value) in enumerate(zip(x.tolist(), result, strict=True)):
        if not math.isfinite(value):
            continue
        a = weight  # the first point, and points at the same x, count as one step
        if started:
            gap = math.fabs(xi - prev)
            if gap != prev_gap:
                decay, prev_gap = (weight if gap == 0.0 else math.exp(gap * rate)), gap
            a = decay
        last = last * a + (1.0 - a) * value
        norm = norm * a + (1.0 - a)
        prev, started = xi, True
        result[i] = last if norm == 0.0 else last / norm
    out[:] = result
    return out
