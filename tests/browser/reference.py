"""What TensorBoard computes, written out in Python, to check what the page draws."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["tensorboard_ema"]


def tensorboard_ema(values: Sequence[float], weight: float) -> list[float]:
    """TensorBoard's debiased EMA (its scalar card's "classicSmoothing").

    ``last = last * w + (1 - w) * y``, ``n += 1``, ``smoothed = last / (1 - w ** n)`` over
    the finite values in order; non-finite values pass through without advancing ``n``; a
    series whose values are all equal comes back unsmoothed.
    """
    if all(v == values[0] for v in values):
        return list(values)
    last = 0.0
    count = 0
    out: list[float] = []
    for y in values:
        if not math.isfinite(y):
            out.append(y)
            continue
        last = last * weight + (1 - weight) * y
        count += 1
        out.append(last / (1 - weight**count) if weight != 1 else last)
    return out
