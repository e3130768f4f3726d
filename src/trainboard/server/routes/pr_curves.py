"""PR curves: the steps of a tag per run, and the curve of one chosen step per run.

A curve is the ``[6, T]`` tensor ``add_pr_curve(_raw)`` writes (TP, FP, TN, FN,
precision, recall at the thresholds ``linspace(0, 1, T)``). As TensorBoard's plugin
does, the thresholds at the end where TP + FP = 0 (no prediction above them, so
precision is undefined) are left out; every array of a curve is cut at the same place.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data.provider import DataProvider, TagInfo
from trainboard.errors import NotFoundError
from trainboard.format.kinds.pr_curve import (
    FIELDS,
    PLUGIN_NAME,
    decode_array,
    parse_plugin_data,
)
from trainboard.server.errors import BadRequestError
from trainboard.server.params import required, string_list
from trainboard.server.routes._steps import point_at, unique_steps
from trainboard.server.routes._util import call_impl, finite_or_none, provider_of, query_param
from trainboard.server.wire import json_response
from trainboard.server.wire.pr_curves import (
    CurveArrays,
    PrCurve,
    PrCurvesResponse,
    PrRunSteps,
    PrStepsResponse,
)

__all__ = ["OPENAPI", "ROUTES", "curve_entry", "pr_curves_impl", "pr_steps_impl"]


def _infos(provider: DataProvider, tag: str, runs: list[str]) -> list[TagInfo]:
    """The PR-curve TagInfo of ``tag`` for each run that has it; 404 for an unknown run."""
    known = {run.name for run in provider.runs()}
    unknown = [r for r in runs if r not in known]
    if unknown:
        raise NotFoundError(f"unknown run {unknown[0]!r}")
    having = {info.run: info for info in provider.tags(plugin_name=PLUGIN_NAME) if info.tag == tag}
    return [having[r] for r in runs if r in having]


def _num_thresholds(info: TagInfo) -> int | None:
    try:
        value = int(parse_plugin_data(info.plugin_content).num_thresholds)
    except Exception:  # damaged metadata: the curve's own width still tells
        return None
    return value or None


def pr_steps_impl(provider: DataProvider, tag: str, runs: list[str]) -> PrStepsResponse:
    """For each run having ``tag``: its steps (each once, ascending) and wall times."""
    entries: list[PrRunSteps] = []
    for info in _infos(provider, tag, runs):
        series = provider.read_tensors(info.run, tag)
        steps, wall_times = unique_steps(series.steps, series.wall_times)
        entries.append(
            {
                "run": info.run,
                "steps": steps,
                "wall_times": wall_times,
                "num_thresholds": _num_thresholds(info),
            }
        )
    return {"tag": tag, "runs": entries}


def curve_entry(data: np.ndarray) -> CurveArrays:
    """The JSON arrays of one ``[6, T]`` curve, cut where TP + FP stays 0 to the end."""
    try:
        data = decode_array(data)
    except ValueError as error:
        return cast(CurveArrays, {"thresholds": [], **{f: [] for f in FIELDS}, "error": str(error)})
    positive = np.nonzero(data[0] + data[1] > 0)[0]
    end = int(positive[-1]) + 1 if len(positive) else 1
    thresholds = np.linspace(0.0, 1.0, data.shape[1])[:end]
    entry: dict[str, Any] = {"thresholds": thresholds.tolist()}
    for row, field in enumerate(FIELDS):
        entry[field] = finite_or_none(data[row, :end])
    return cast(CurveArrays, entry)


def pr_curves_impl(
    provider: DataProvider, tag: str, runs: list[str], steps: list[int | None]
) -> PrCurvesResponse:
    """One curve per run having ``tag``: at ``steps[i]`` for ``runs[i]`` (None: the latest)."""
    chosen = dict(zip(runs, steps, strict=True))
    curves: list[PrCurve] = []
    for info in _infos(provider, tag, runs):
        series = provider.read_tensors(info.run, tag)
        if len(series) == 0:
            continue
        i = point_at(series.steps, chosen[info.run])
        curves.append(
            {
                "run": info.run,
                "step": int(series.steps[i]),
                "wall_time": float(series.wall_times[i]),
                "num_thresholds": _num_thresholds(info),
                **curve_entry(series.values[i]),
            }
        )
    return {"tag": tag, "curves": curves}


def _runs(request: Request) -> list[str]:
    runs = string_list(request.query_params, "runs")
    if not runs:
        raise BadRequestError("missing query parameter 'runs'; expected one or more run names")
    return runs


def _steps(request: Request, count: int) -> list[int | None]:
    raw = request.query_params.getlist("steps")
    texts = raw[0].split(",") if len(raw) == 1 else raw
    if not raw:
        return [None] * count
    if len(texts) != count:
        raise BadRequestError(
            f"steps={','.join(texts)!r} has {len(texts)} entries; expected one per run ({count})"
        )
    steps: list[int | None] = []
    for text in texts:
        if text in ("", "latest"):
            steps.append(None)
            continue
        try:
            steps.append(int(text))
        except ValueError:
            raise BadRequestError(
                f"steps entry {text!r} is not an integer; expected a step or 'latest'"
            ) from None
    return steps


async def pr_steps_route(request: Request) -> JSONResponse:
    tag, runs = required(request.query_params, "tag"), _runs(request)
    return JSONResponse(await call_impl(pr_steps_impl, await provider_of(request), tag, runs))


async def pr_curves_route(request: Request) -> JSONResponse:
    tag, runs = required(request.query_params, "tag"), _runs(request)
    steps = _steps(request, len(runs))
    provider = await provider_of(request)
    return JSONResponse(await call_impl(pr_curves_impl, provider, tag, runs, steps))


ROUTES = [
    Route("/api/pr_curves/steps", pr_steps_route),
    Route("/api/pr_curves", pr_curves_route),
]

_TAG_RUNS = [
    query_param("tag", "The PR-curve tag.", required=True),
    query_param("runs", "Run names, comma-separated or repeated.", required=True),
]

OPENAPI: dict[str, Any] = {
    "/api/pr_curves/steps": {
        "get": {
            "summary": "The steps of a PR-curve tag for each run (for the step sliders).",
            "parameters": _TAG_RUNS,
            "responses": json_response(PrStepsResponse),
        }
    },
    "/api/pr_curves": {
        "get": {
            "summary": "One PR curve per run: precision, recall and counts per threshold.",
            "parameters": [
                *_TAG_RUNS,
                query_param(
                    "steps",
                    "One step per run, in the order of runs (an integer or 'latest'; "
                    "default: the latest of each).",
                ),
            ],
            "responses": json_response(PrCurvesResponse),
        }
    },
}
