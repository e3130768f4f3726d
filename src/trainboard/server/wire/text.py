"""Models of ``/api/text/steps`` and ``/api/text``."""

from __future__ import annotations

from typing_extensions import TypedDict

__all__ = ["TextContent", "TextResponse", "TextStepsResponse"]


class TextStepsResponse(TypedDict):
    """Every step of a text series (each once, ascending) with its wall time."""

    run: str
    tag: str
    display_tag: str
    steps: list[int]
    wall_times: list[float]


class TextContent(TypedDict):
    """One step's strings: ``markdown`` for a single string, else a ``table`` of cells
    (its first ``len(table)`` of ``total_rows`` rows; ``sliced``: a >2-D array's first 2-D
    slice)."""

    shape: list[int]
    sliced: bool
    total_rows: int
    markdown: str | None
    table: list[list[str]] | None


class TextResponse(TextContent):
    """The strings of one step."""

    run: str
    tag: str
    step: int
    wall_time: float
