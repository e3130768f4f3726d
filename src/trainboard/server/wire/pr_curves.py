"""Models of ``/api/pr_curves/steps`` and ``/api/pr_curves``."""

from __future__ import annotations

from typing_extensions import NotRequired, TypedDict

__all__ = ["CurveArrays", "PrCurve", "PrCurvesResponse", "PrRunSteps", "PrStepsResponse"]


class PrRunSteps(TypedDict):
    """One run's steps of a PR-curve tag (each once, ascending)."""

    run: str
    steps: list[int]
    wall_times: list[float]
    num_thresholds: int | None


class PrStepsResponse(TypedDict):
    """The steps of a PR-curve tag for each run that has it."""

    tag: str
    runs: list[PrRunSteps]


class CurveArrays(TypedDict):
    """The arrays of one curve, per threshold; ``error`` when the tensor is not ``[6, T]``."""

    thresholds: list[float]
    true_positives: list[float | None]
    false_positives: list[float | None]
    true_negatives: list[float | None]
    false_negatives: list[float | None]
    precision: list[float | None]
    recall: list[float | None]
    error: NotRequired[str]


class PrCurve(CurveArrays):
    """One run's curve at one step."""

    run: str
    step: int
    wall_time: float
    num_thresholds: int | None


class PrCurvesResponse(TypedDict):
    """One PR curve per run that has the tag."""

    tag: str
    curves: list[PrCurve]
