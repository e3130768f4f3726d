"""Model of ``/api/runs/table``: one row per run (docs/http/api.md, data/runs_table.py)."""

from __future__ import annotations

from typing_extensions import TypedDict

from trainboard.server.wire.hparams import ColumnType, HParamColumn, JsonNumber, JsonValue

__all__ = ["EnvColumn", "MetricSummary", "RunsTableResponse", "RunsTableRow"]


class EnvColumn(TypedDict):
    """One captured-environment column (a flattened key) and the one type of its values."""

    name: str
    type: ColumnType


class MetricSummary(TypedDict):
    """A scalar tag of one run summed up.

    ``last`` is the last point's value as it is (``"NaN"``, ``"Infinity"`` or
    ``"-Infinity"`` when non-finite); ``min`` and ``max`` are over the finite values only
    (``"NaN"`` when there is none); ``nonfinite`` counts the points they leave out.
    """

    last: JsonNumber
    last_step: int
    min: JsonNumber
    max: JsonNumber
    points: int
    nonfinite: int


class RunsTableRow(TypedDict):
    """One run: its note's fields, hyperparameters, environment and metric summaries.

    ``members`` are the ``add_hparams`` sub-runs folded into it; ``metrics`` has one
    entry (or null) per asked-for tag, in ``RunsTableResponse.metrics`` order.
    """

    run: str
    members: list[str]
    start_time: float | None
    display_name: str | None
    color: str | None
    tags: list[str]
    hidden: bool
    archived: bool
    hparams: dict[str, JsonValue]
    environment: dict[str, JsonValue]
    metrics: list[MetricSummary | None]


class RunsTableResponse(TypedDict):
    """The columns (hyperparameters, environment, the asked metrics), the tags one may
    ask for as metrics, and the rows in run-name order."""

    hparams: list[HParamColumn]
    environment: list[EnvColumn]
    metrics: list[str]
    scalar_tags: list[str]
    rows: list[RunsTableRow]
