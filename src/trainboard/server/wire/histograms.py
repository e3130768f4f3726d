"""Models of ``/api/histograms`` (JSON and the binary header) and ``/api/distributions``."""

from __future__ import annotations

from typing_extensions import TypedDict

from trainboard.server.wire.scalars import ArrayRef

__all__ = ["DistributionsResponse", "HistogramsHeader", "HistogramsResponse"]


class HistogramsResponse(TypedDict):
    """One histogram card: the chosen steps' counts on a common grid of ``bins`` bins
    over ``[x_min, x_max]`` (both null when no step holds data)."""

    run: str
    tag: str
    total_steps: int
    bins: int
    x_min: float | None
    x_max: float | None
    steps: list[int]
    wall_times: list[float]
    counts: list[list[float]]


class HistogramsHeader(TypedDict):
    """The JSON header of the binary ``/api/histograms`` answer (``counts`` is row-major,
    steps x bins, float32)."""

    run: str
    tag: str
    total_steps: int
    bins: int
    x_min: float | None
    x_max: float | None
    steps: ArrayRef
    wall_times: ArrayRef
    counts: ArrayRef


class DistributionsResponse(TypedDict):
    """One distribution card: per chosen step, the values at ``basis_points`` (of 10000)."""

    run: str
    tag: str
    total_steps: int
    basis_points: list[int]
    steps: list[int]
    wall_times: list[float]
    values: list[list[float | None]]
