"""HParams: every session with its hyperparameters and metrics, in one answer.

The table is computed below the server (:mod:`trainboard.data.hparams_table`: what a
session is, how columns merge, which point is a metric's value); this module turns it
into JSON (non-finite numbers as strings) and routes it.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data import hparams_table as table
from trainboard.data.provider import DataProvider
from trainboard.server.routes._util import call_impl, provider_of
from trainboard.server.wire import json_response
from trainboard.server.wire.hparams import (
    HParamColumn,
    HParamsResponse,
    JsonValue,
    MetricValue,
    Session,
)

__all__ = ["OPENAPI", "ROUTES", "hparams_impl", "json_number"]


def json_number(value: float) -> float | str:
    """A float for strict JSON: non-finite values as ``"NaN"``, ``"Infinity"``, ``"-Infinity"``."""
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def json_value(value: table.HParamValue | None) -> JsonValue:
    if isinstance(value, float):
        return json_number(value)
    return value


def hparam_column(column: table.HParamColumn) -> HParamColumn:
    interval = None
    if column.interval is not None:
        interval = [json_number(column.interval[0]), json_number(column.interval[1])]
    return {
        "name": column.name,
        "display_name": column.display_name,
        "description": column.description,
        "type": column.type,
        "domain": None if column.domain is None else [json_value(v) for v in column.domain],
        "interval": interval,
    }


def _metric_value(value: table.MetricValue | None) -> MetricValue | None:
    if value is None:
        return None
    return {"value": json_number(value.value), "step": value.step, "wall_time": value.wall_time}


def _session(session: table.Session) -> Session:
    return {
        "run": session.run,
        "parent": session.parent,
        "group_name": session.group_name,
        "status": session.status,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "hparams": {name: json_value(value) for name, value in session.hparams.items()},
        "metrics": [_metric_value(value) for value in session.metrics],
    }


def hparams_impl(provider: DataProvider) -> HParamsResponse:
    """Columns (hyperparameters, then metrics) and one entry per session, in run-name order."""
    found = table.hparams_table(provider)
    return {
        "hparams": [hparam_column(column) for column in found.hparams],
        "metrics": [
            {
                "tag": m.tag,
                "group": m.group,
                "display_name": m.display_name,
                "description": m.description,
            }
            for m in found.metrics
        ],
        "sessions": [_session(session) for session in found.sessions],
    }


async def hparams_route(request: Request) -> JSONResponse:
    return JSONResponse(await call_impl(hparams_impl, await provider_of(request)))


ROUTES = [Route("/api/hparams", hparams_route)]

OPENAPI: dict[str, Any] = {
    "/api/hparams": {
        "get": {
            "summary": "Every hparams session: its hyperparameters and latest metric values "
            "(docs/http/hparams.md).",
            "responses": json_response(HParamsResponse),
        }
    },
}
