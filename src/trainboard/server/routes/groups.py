"""Grouped runs: one line and a band per group of runs, over every point (data/groups.py)."""

from __future__ import annotations

from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data.groups import BAND_KINDS, STATS, GroupSeries, grouped_scalars, parse_group_by
from trainboard.data.provider import DataProvider
from trainboard.errors import NotFoundError
from trainboard.server.errors import BadRequestError
from trainboard.server.params import choice, floating, integer, required, string_list, x_range
from trainboard.server.routes._util import call_impl, finite_or_none, provider_of, query_param
from trainboard.server.wire import json_response
from trainboard.server.wire.groups import GroupedSeries, GroupsResponse

__all__ = ["OPENAPI", "ROUTES", "groups_impl"]


def _series(group: GroupSeries) -> GroupedSeries:
    return {
        "name": group.name,
        "members": list(group.members),
        "total_points": group.total_points,
        "returned_points": len(group),
        "steps": group.steps.tolist(),
        "value": finite_or_none(group.value),
        "low": finite_or_none(group.low),
        "high": finite_or_none(group.high),
        "count": group.count.tolist(),
        "nonfinite": group.nonfinite.tolist(),
    }


def groups_impl(
    provider: DataProvider,
    tag: str,
    by: str,
    *,
    stat: str,
    band: str,
    width: int,
    smoothing: float,
    time_weighted: bool,
    runs: list[str] | None = None,
    zoom: tuple[float, float] | None = None,
) -> GroupsResponse:
    """The groups of the runs holding scalar ``tag`` (of ``runs`` only, when given), as the
    JSON answer; ``zoom`` is the step range to downsample within.

    A pattern Python's ``re`` refuses is a 400 naming the pattern and ``re``'s error (the
    board shows it beside the regex box); a run of ``runs`` that does not exist, a 404.
    """
    try:
        group_by = parse_group_by(by)
    except ValueError as error:
        raise BadRequestError(str(error)) from None
    if stat == "rank0" and group_by.kind != "rank":
        raise BadRequestError(f"stat=rank0 needs by=rank, not by={by}")
    if runs is not None:
        known = {run.name for run in provider.runs()}
        unknown = [run for run in runs if run not in known]
        if unknown:
            raise NotFoundError(f"unknown run {unknown[0]!r}")
    groups, ungrouped = grouped_scalars(
        provider,
        tag,
        group_by,
        stat=cast(Any, stat),
        band=cast(Any, band),
        width=width,
        smoothing=smoothing,
        time_weighted=time_weighted,
        runs=runs,
        x_range=zoom,
    )
    return {
        "tag": tag,
        "by": str(group_by),
        "stat": cast(Any, stat),
        "band": cast(Any, band),
        "groups": [_series(g) for g in groups],
        "ungrouped": ungrouped,
    }


async def groups_route(request: Request) -> JSONResponse:
    query = request.query_params
    tag, by = required(query, "tag"), required(query, "by")
    stat = choice(query, "stat", STATS, "mean")
    band = choice(query, "band", BAND_KINDS, "minmax")
    width = integer(query, "width", 1000, low=1, high=10_000)
    smoothing = floating(query, "smoothing", 0.0, low=0.0, high=1.0, high_open=True) or 0.0
    kind = choice(query, "smoothing_kind", ("ema", "time_ema"), "ema")
    runs = string_list(query, "runs") or None
    zoom = x_range(query)
    body = await call_impl(
        groups_impl,
        await provider_of(request),
        tag,
        by,
        stat=stat,
        band=band,
        width=width,
        smoothing=smoothing,
        time_weighted=kind == "time_ema",
        runs=runs,
        zoom=zoom,
    )
    return JSONResponse(body)


ROUTES = [Route("/api/scalars/groups", groups_route)]

OPENAPI: dict[str, Any] = {
    "/api/scalars/groups": {
        "get": {
            "summary": "Runs holding a scalar tag, grouped: one line and a band per group.",
            "parameters": [
                query_param("tag", "The scalar tag.", required=True),
                query_param(
                    "by",
                    "hparam:<name>, regex:<pattern> (Python re syntax, first capture group; "
                    "a pattern re refuses is a 400 naming it and re's error), tag:<note tag>, "
                    "or rank (each run written by several processes is a group of its "
                    "ranks <run>/rank_<N>, in rank order).",
                    required=True,
                ),
                query_param(
                    "stat",
                    "mean, median, or rank0 (by=rank only: rank 0's value; the band stays "
                    "across the ranks).",
                    schema={"type": "string", "enum": list(STATS)},
                ),
                query_param(
                    "band",
                    "minmax, std (mean ± std) or p10_90.",
                    schema={"type": "string", "enum": list(BAND_KINDS)},
                ),
                query_param(
                    "runs",
                    "Group only these runs, comma-separated or repeated (absent: every run "
                    "holding the tag); a run without the tag is skipped.",
                ),
                query_param("width", "Card width in pixels (1-10000).", schema={"type": "integer"}),
                query_param(
                    "xmin",
                    "Start of the step range (zoom): downsampled per pixel within xmin..xmax.",
                    schema={"type": "number"},
                ),
                query_param("xmax", "End of the step range (zoom).", schema={"type": "number"}),
                query_param(
                    "smoothing", "EMA weight in [0, 1), per member.", schema={"type": "number"}
                ),
                query_param(
                    "smoothing_kind",
                    "ema or time_ema.",
                    schema={"type": "string", "enum": ["ema", "time_ema"]},
                ),
            ],
            "responses": json_response(GroupsResponse, "The groups, by name."),
        }
    },
}
