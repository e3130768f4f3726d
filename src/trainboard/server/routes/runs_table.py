"""The runs table: one row per run with hyperparameters, environment and metric summaries.

The table is computed below the server (:mod:`trainboard.data.runs_table`: which runs are
rows, how sessions fold, how a metric is summed up); this module parses the asked-for
metric tags, turns the table into JSON (non-finite numbers as strings) and routes it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data import runs_table as table
from trainboard.data.provider import DataProvider
from trainboard.server.errors import BadRequestError
from trainboard.server.routes._util import call_impl, provider_of, query_param

# The hyperparameter columns are the HParams dashboard's, sent the same way.
from trainboard.server.routes.hparams import hparam_column, json_number, json_value
from trainboard.server.wire import json_response
from trainboard.server.wire.runs_table import MetricSummary, RunsTableResponse, RunsTableRow

__all__ = ["MAX_METRICS", "OPENAPI", "ROUTES", "parse_metrics", "runs_table_impl"]

MAX_METRICS = 256


def parse_metrics(raw: list[str]) -> list[str]:
    """The metric tags of ``metrics=a,b`` (one value) or ``metrics=a&metrics=b`` (each exact).

    Raises BadRequestError naming the value for an empty tag or too many tags.
    """
    tags = (raw[0].split(",") if raw[0] else []) if len(raw) == 1 else raw
    for tag in tags:
        if not tag:
            shown = raw[0] if len(raw) == 1 else tag
            raise BadRequestError(f"metrics={shown!r} holds an empty tag name")
    if len(dict.fromkeys(tags)) > MAX_METRICS:
        raise BadRequestError(f"metrics names {len(tags)} tags; at most {MAX_METRICS}")
    return tags


def _summary(summary: table.MetricSummary | None) -> MetricSummary | None:
    if summary is None:
        return None
    return {
        "last": json_number(summary.last),
        "last_step": summary.last_step,
        "min": json_number(summary.min),
        "max": json_number(summary.max),
        "points": summary.points,
        "nonfinite": summary.nonfinite,
    }


def _row(row: table.RunRow) -> RunsTableRow:
    return {
        "run": row.run,
        "members": list(row.members),
        "start_time": row.start_time,
        "display_name": row.display_name,
        "color": row.color,
        "tags": list(row.tags),
        "hidden": row.hidden,
        "archived": row.archived,
        "hparams": {name: json_value(value) for name, value in row.hparams.items()},
        "environment": {name: json_value(value) for name, value in row.environment.items()},
        "metrics": [_summary(summary) for summary in row.metrics],
    }


def runs_table_impl(provider: DataProvider, metrics: list[str]) -> RunsTableResponse:
    """Columns, the scalar tags one may ask for, and one row per run, in run-name order."""
    try:
        found = table.runs_table(provider, metrics)
    except ValueError as error:
        raise BadRequestError(str(error)) from None
    return {
        "hparams": [hparam_column(column) for column in found.hparams],
        "environment": [{"name": c.name, "type": c.type} for c in found.environment],
        "metrics": list(found.metrics),
        "scalar_tags": list(found.scalar_tags),
        "rows": [_row(row) for row in found.rows],
    }


async def runs_table_route(request: Request) -> JSONResponse:
    metrics = parse_metrics(request.query_params.getlist("metrics"))
    return JSONResponse(await call_impl(runs_table_impl, await provider_of(request), metrics))


ROUTES = [Route("/api/runs/table", runs_table_route)]

OPENAPI: dict[str, Any] = {
    "/api/runs/table": {
        "get": {
            "summary": "One row per run: hyperparameters, captured environment and the last, "
            "min and max of the asked-for scalar tags.",
            "parameters": [
                query_param(
                    "metrics",
                    "Scalar tags to sum up: metrics=a,b, or metrics=a&metrics=b (each exact).",
                )
            ],
            "responses": json_response(RunsTableResponse),
        }
    },
}
