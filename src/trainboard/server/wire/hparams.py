"""Model of ``/api/hparams`` (docs/http/hparams.md)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

__all__ = [
    "ColumnType",
    "HParamColumn",
    "HParamsResponse",
    "JsonNumber",
    "JsonValue",
    "MetricColumn",
    "MetricValue",
    "Session",
    "SessionStatus",
]

# Non-finite floats are sent as the strings "NaN", "Infinity" and "-Infinity".
JsonNumber = float | str
JsonValue = float | str | bool | None
ColumnType = Literal["number", "string", "bool"]
SessionStatus = Literal["unknown", "success", "failure", "running"]


class HParamColumn(TypedDict):
    """One hyperparameter, merged over its declarations and the values sessions set."""

    name: str
    display_name: str
    description: str
    type: ColumnType
    domain: list[JsonValue] | None
    interval: list[JsonNumber] | None


class MetricColumn(TypedDict):
    """One metric: a scalar tag, in the run ``group`` below each session."""

    tag: str
    group: str
    display_name: str
    description: str


class MetricValue(TypedDict):
    """A metric's latest point in one session."""

    value: JsonNumber
    step: int
    wall_time: float


class Session(TypedDict):
    """One hparams session: its hyperparameters and one value (or null) per metric."""

    run: str
    parent: str | None
    group_name: str
    status: SessionStatus | None
    start_time: float | None
    end_time: float | None
    hparams: dict[str, JsonValue]
    metrics: list[MetricValue | None]


class HParamsResponse(TypedDict):
    """Columns (hyperparameters, then metrics) and one entry per session."""

    hparams: list[HParamColumn]
    metrics: list[MetricColumn]
    sessions: list[Session]
