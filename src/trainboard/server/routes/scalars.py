"""Scalars: per-pixel downsampled views of cards (JSON or binary) and full downloads."""

from __future__ import annotations

import io
import json
import struct
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trainboard.data.provider import DataClass, DataProvider, ScalarView, XAxis
from trainboard.errors import NotFoundError
from trainboard.server.errors import BadRequestError
from trainboard.server.params import choice, floating, integer, required, string_list, x_range
from trainboard.server.routes._util import call_impl, finite_or_none, provider_of, query_param
from trainboard.server.wire import ERRORS, json_response
from trainboard.server.wire.scalars import ScalarsResponse

__all__ = ["OPENAPI", "ROUTES", "encode_binary", "scalar_data_impl", "scalars_impl"]

_X_AXES: dict[str, XAxis] = {"step": "step", "relative": "relative", "wall": "wall_time"}


def _check_run_tags(provider: DataProvider, runs: list[str], tag: str) -> list[str]:
    """The runs that have ``tag`` as a scalar; 404 for a run that does not exist."""
    known = {run.name for run in provider.runs()}
    unknown = [r for r in runs if r not in known]
    if unknown:
        raise NotFoundError(f"unknown run {unknown[0]!r}")
    having = {info.run for info in provider.tags(data_class=DataClass.SCALAR) if info.tag == tag}
    return [r for r in runs if r in having]


def scalars_impl(
    provider: DataProvider,
    tag: str,
    runs: list[str],
    *,
    width: int,
    xaxis: str,
    x_range: tuple[float, float] | None,
    smoothing: float,
    time_weighted: bool,
) -> dict[str, Any]:
    """One card: the view of ``tag`` for each run that has it, as numpy columns."""
    series = []
    for run in _check_run_tags(provider, runs, tag):
        view = provider.read_scalar_view(
            run,
            tag,
            width=width,
            x_axis=_X_AXES[xaxis],
            x_range=x_range,
            smoothing=smoothing,
            time_weighted=time_weighted,
        )
        series.append(_columns(view, _first_wall_time(provider, run, tag)))
    return {"tag": tag, "xaxis": xaxis, "series": series}


def _first_wall_time(provider: DataProvider, run: str, tag: str) -> float | None:
    """The wall time of the series' first point: the origin of the relative axis."""
    wall_times = provider.read_scalars(run, tag).wall_times
    return float(wall_times[0]) if len(wall_times) else None


def _columns(view: ScalarView, first_wall_time: float | None) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "run": view.run,
        "total_points": view.total,
        "returned_points": len(view),
        "first_wall_time": first_wall_time,
        "steps": view.steps,
        "wall_times": view.wall_times,
        "values": view.values,
    }
    if view.smoothed is not None:
        columns["smoothed"] = view.smoothed
    return columns


_ARRAYS = {"steps": "i8", "wall_times": "f8", "values": "f8", "smoothed": "f8"}


def to_json(card: dict[str, Any]) -> ScalarsResponse:
    """The JSON shape: arrays as lists, non-finite floats as null."""
    out = dict(card)
    out["series"] = [
        {
            k: (v.tolist() if k == "steps" else finite_or_none(v)) if k in _ARRAYS else v
            for k, v in s.items()
        }
        for s in card["series"]
    ]
    return cast(ScalarsResponse, out)


def encode_binary(card: dict[str, Any]) -> bytes:
    """The binary shape (docs/http/api.md): a JSON header, then 8-byte aligned arrays.

    Array offsets count from the start of the body, so they depend on the header's
    own length: grow the assumed header size until the header fits it.
    """
    import numpy as np

    blobs: list[bytes] = []
    layout: list[tuple[dict[str, Any], str, int, int]] = []  # (entry, key, relative offset, n)
    header_series = []
    position = 0
    for s in card["series"]:
        entry = {k: v for k, v in s.items() if k not in _ARRAYS}
        for key, dtype in _ARRAYS.items():
            if key in s:
                data = np.ascontiguousarray(s[key], dtype="<" + dtype).tobytes()
                layout.append((entry, key, position, len(s[key])))
                blobs.append(data)
                position += len(data)
        header_series.append(entry)
    base = 8
    while True:
        for entry, key, relative, length in layout:
            entry[key] = {"offset": base + relative, "length": length, "dtype": _ARRAYS[key]}
        header = json.dumps({**card, "series": header_series}).encode()
        needed = 4 + len(header) + (-(4 + len(header))) % 8
        if needed <= base:
            break
        base = needed
    padding = b" " * (base - 4 - len(header))  # spaces: still valid JSON if read with it
    return struct.pack("<I", len(header) + len(padding)) + header + padding + b"".join(blobs)


async def scalars_route(request: Request) -> Response:
    query = request.query_params
    tag = required(query, "tag")
    runs = string_list(query, "runs")
    if not runs:
        raise BadRequestError("missing query parameter 'runs'; expected one or more run names")
    width = integer(query, "width", 1000, low=1, high=10_000)
    xaxis = choice(query, "xaxis", tuple(_X_AXES), "step")
    zoom = x_range(query)
    smoothing = floating(query, "smoothing", 0.0, low=0.0, high=1.0, high_open=True) or 0.0
    kind = choice(query, "smoothing_kind", ("ema", "time_ema"), "ema")
    fmt = choice(query, "format", ("json", "binary"), "json")
    card = await call_impl(
        scalars_impl,
        await provider_of(request),
        tag,
        runs,
        width=width,
        xaxis=xaxis,
        x_range=zoom,
        smoothing=smoothing,
        time_weighted=kind == "time_ema",
    )
    if fmt == "binary":
        return Response(encode_binary(card), media_type="application/octet-stream")
    return JSONResponse(to_json(card))


def scalar_data_impl(provider: DataProvider, run: str, tag: str, fmt: str) -> bytes:
    """Every point of one series as CSV (``wall_time,step,value``) or TensorBoard's JSON."""
    if not _check_run_tags(provider, [run], tag):
        raise NotFoundError(f"run {run!r} has no scalar tag {tag!r}")
    series = provider.read_scalars(run, tag)
    if fmt == "json":
        columns = (series.wall_times.tolist(), series.steps.tolist(), series.values.tolist())
        rows = zip(*columns, strict=True)
        return json.dumps([list(r) for r in rows]).encode()
    out = io.StringIO()
    out.write("wall_time,step,value\n")
    for wall, step, value in zip(
        series.wall_times.tolist(), series.steps.tolist(), series.values.tolist(), strict=True
    ):
        out.write(f"{wall!r},{step},{value!r}\n")
    return out.getvalue().encode()


async def scalar_data_route(request: Request) -> Response:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    fmt = choice(query, "format", ("csv", "json"), "csv")
    body = await call_impl(scalar_data_impl, await provider_of(request), run, tag, fmt)
    name = f"{run}_{tag}".replace("/", "_").replace('"', "") + f".{fmt}"
    media = "text/csv" if fmt == "csv" else "application/json"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


ROUTES = [
    Route("/api/scalars", scalars_route),
    Route("/api/scalars/data", scalar_data_route),
]

OPENAPI: dict[str, Any] = {
    "/api/scalars": {
        "get": {
            "summary": "One scalar card: a per-pixel downsampled view of a tag for several runs.",
            "parameters": [
                query_param("tag", "The scalar tag.", required=True),
                query_param("runs", "Run names, comma-separated or repeated.", required=True),
                query_param("width", "Card width in pixels (1-10000).", schema={"type": "integer"}),
                query_param(
                    "xaxis",
                    "step, relative or wall.",
                    schema={"type": "string", "enum": list(_X_AXES)},
                ),
                query_param("xmin", "Start of the x-range (zoom).", schema={"type": "number"}),
                query_param("xmax", "End of the x-range (zoom).", schema={"type": "number"}),
                query_param("smoothing", "EMA weight in [0, 1).", schema={"type": "number"}),
                query_param(
                    "smoothing_kind",
                    "ema or time_ema.",
                    schema={"type": "string", "enum": ["ema", "time_ema"]},
                ),
                query_param(
                    "format",
                    "json or binary.",
                    schema={"type": "string", "enum": ["json", "binary"]},
                ),
            ],
            "responses": json_response(
                ScalarsResponse,
                "JSON; format=binary: a ScalarsHeader, then the arrays (docs/http/api.md).",
                binary="application/octet-stream",
            ),
        }
    },
    "/api/scalars/data": {
        "get": {
            "summary": "Every point of one series, as a CSV or JSON download.",
            "parameters": [
                query_param("run", "The run.", required=True),
                query_param("tag", "The scalar tag.", required=True),
                query_param(
                    "format", "csv or json.", schema={"type": "string", "enum": ["csv", "json"]}
                ),
            ],
            "responses": {
                "200": {
                    "description": "CSV (wall_time,step,value) or TensorBoard's JSON rows.",
                    "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/json": {
                            "schema": {"type": "array", "items": {"type": "array"}}
                        },
                    },
                },
                **ERRORS,
            },
        }
    },
}
