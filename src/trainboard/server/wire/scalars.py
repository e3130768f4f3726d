"""Models of ``/api/scalars``: the JSON answer and the binary answer's header."""

from __future__ import annotations

from typing import Literal

from typing_extensions import NotRequired, TypedDict

__all__ = [
    "ArrayRef",
    "ScalarSeries",
    "ScalarSeriesHeader",
    "ScalarsHeader",
    "ScalarsResponse",
    "XAxis",
]

XAxis = Literal["step", "relative", "wall"]


class ArrayRef(TypedDict):
    """Where one array lies in a binary body: byte offset from the body's start, count, dtype."""

    offset: int
    length: int
    dtype: Literal["f8", "i8", "f4"]


class ScalarSeries(TypedDict):
    """One run's points, columnar; non-finite values are null. ``first_wall_time`` is the
    wall time of the series' first point (the origin of the relative axis); ``smoothed``
    is sent only when smoothing was asked for."""

    run: str
    total_points: int
    returned_points: int
    first_wall_time: float | None
    steps: list[int]
    wall_times: list[float | None]
    values: list[float | None]
    smoothed: NotRequired[list[float | None]]


class ScalarsResponse(TypedDict):
    """One scalar card: a per-pixel view of a tag for each run that has it."""

    tag: str
    xaxis: XAxis
    series: list[ScalarSeries]


class ScalarSeriesHeader(TypedDict):
    """One run's series in the binary header: every array replaced by its reference."""

    run: str
    total_points: int
    returned_points: int
    first_wall_time: float | None
    steps: ArrayRef
    wall_times: ArrayRef
    values: ArrayRef
    smoothed: NotRequired[ArrayRef]


class ScalarsHeader(TypedDict):
    """The JSON header of the binary ``/api/scalars`` answer."""

    tag: str
    xaxis: XAxis
    series: list[ScalarSeriesHeader]
