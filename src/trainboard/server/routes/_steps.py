"""Steps of a tensor series, as the step sliders of the text and PR-curve dashboards see them.

A series may hold a step twice (a restart without a purge, or two writers): a slider
offers each step once, and that step means the point read last for it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["point_at", "unique_steps"]


def unique_steps(steps: np.ndarray, wall_times: np.ndarray) -> tuple[list[int], list[float]]:
    """Each distinct step once, ascending, with the wall time of its last point."""
    steps = np.asarray(steps, dtype=np.int64)
    distinct, first_from_end = np.unique(steps[::-1], return_index=True)
    last = len(steps) - 1 - first_from_end
    return distinct.tolist(), np.asarray(wall_times, dtype=np.float64)[last].tolist()


def point_at(steps: np.ndarray, step: int | None) -> int:
    """The index of the point a slider at ``step`` shows (None: the latest step).

    The last point of that step; for a step the series does not hold (purged since the
    page asked), the last point of the closest step before it, else of its first step.
    Raises ``IndexError`` for an empty series.
    """
    steps = np.asarray(steps, dtype=np.int64)
    if len(steps) == 0:
        raise IndexError("the series has no points")
    before = steps[steps <= step] if step is not None else steps
    target = before.max() if len(before) else steps.min()
    return int(np.flatnonzero(steps == target)[-1])
