"""Smoothing of scalar series, computed on every point (before any downsampling).

:func:`ema` is TensorBoard's "classic" debiased exponential moving average: the
smoothing slider's weight ``w`` in [0, 1], non-finite values passed through
without advancing the average, and a series whose values are all equal returned
as is. :func:`ema_time_weighted` decays by distance along x instead of by point,
so that densely and sparsely logged series smooth alike: the decay between two
points ``dx`` apart is ``w ** (dx / scale)`` (computed as ``exp(dx * log(w) / scale)``),
with ``scale`` a thousandth of the series' x extent.

Both run in the compiled kernel when it is built, else in a Python loop doing the
same floating-point operations in the same order (identical results, slower). Both
paths, and the front end's ``frontend/src/charts/smoothing.ts``, are held to the shared
vectors of ``tests/vectors/smoothing.json``.
"""

from __future__ import annotations

import math

import numpy as np

from trainboard.data import _kernel

__all__ = ["ema", "ema_time_weighted"]

_TINY = 2.0**-54  # below it, 1 - w**n rounds to exactly 1
TIME_EMA_RESOLUTION = 1000  # the time-weighted EMA's scale: this fraction of the x extent


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

    Over the finite points in order: ``num = num*d + y``, ``den = den*d + 1``,
    ``smoothed = num / den`` with ``d = weight ** (max(0, dx) / scale)``. ``scale``
    defaults to 1/1000 of the series' x extent (last x minus first), the same for
    a densely and a sparsely logged series of the same length, so both smooth
    alike; on 1001 evenly spaced points this equals :func:`ema`. With a zero
    extent each point decays the average by ``weight``, as :func:`ema` does.
    This is the front end's ``timeEmaSmooth`` (docs/http/api.md).

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
        extent = float(x[-1] - x[0]) if len(x) > 1 else 0.0
        scale = extent / TIME_EMA_RESOLUTION if math.isfinite(extent) and extent > 0 else 0.0
    if _kernel.native is not None:
        _kernel.native.ema_weighted(x, values, out, weight, float(scale))
        return out
    num = den = prev_x = 0.0
    prev_dx, decay = -1.0, 1.0
    rate = -math.inf if weight == 0.0 else (math.log(weight) / scale if scale > 0 else 0.0)
    result = values.tolist()
    for i, (xi, value) in enumerate(zip(x.tolist(), result, strict=True)):
        if not math.isfinite(value):
            continue
        if den > 0.0:
            if scale > 0:
                dx = xi - prev_x
                dx = dx if dx > 0.0 else 0.0
                if dx != prev_dx:  # the same shortcut as the kernel: identical results
                    decay, prev_dx = (1.0 if dx == 0.0 else math.exp(dx * rate)), dx
            else:
                decay = weight
            num *= decay
            den *= decay
        num += value
        den += 1.0
        prev_x = xi
        result[i] = num / den
    out[:] = result
    return out
