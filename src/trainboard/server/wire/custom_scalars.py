"""Model of ``/api/custom_scalars`` (docs/http/custom_scalars.md)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

__all__ = [
    "Category",
    "Chart",
    "CustomScalarsResponse",
    "Line",
    "MarginChart",
    "MarginSeries",
    "MultilineChart",
]


class Line(TypedDict):
    """One (run, tag) a multiline chart draws."""

    run: str
    tag: str


class MultilineChart(TypedDict):
    """A chart of every scalar tag matching one of ``tags`` (regular expressions)."""

    title: str
    kind: Literal["multiline"]
    tags: list[str]
    lines: list[Line]
    errors: list[str]


class MarginSeries(TypedDict):
    """A value line, and the runs that also have both bounds of its band."""

    value: str
    lower: str
    upper: str
    runs: list[str]
    band_runs: list[str]


class MarginChart(TypedDict):
    """A chart of value lines with lower/upper bands."""

    title: str
    kind: Literal["margin"]
    series: list[MarginSeries]
    errors: list[str]


Chart = MultilineChart | MarginChart


class Category(TypedDict):
    """A titled group of charts."""

    title: str
    closed: bool
    charts: list[Chart]


class CustomScalarsResponse(TypedDict):
    """The merged layout and the runs it came from."""

    layout_runs: list[str]
    categories: list[Category]
