"""Text: the steps of a (run, tag) and the strings of one step, rendered by the page.

The page renders Markdown itself (markdown-it, raw HTML off), so the server sends the
strings as written, never HTML. A string tensor of rank 0, or of one element and rank
1 (what ``add_text`` writes), is one Markdown text; rank 1 and 2 are tables (a rank-1
tensor is one column, as TensorBoard's ``make_table`` lays it out); a higher rank is
cut to its 2-D slice ``[0, ..., 0, :, :]``, as TensorBoard does, and says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data.provider import DataProvider, TensorSeries
from trainboard.errors import NotFoundError
from trainboard.format.kinds.text import PLUGIN_NAME, decode_strings, display_tag
from trainboard.server.params import integer, required
from trainboard.server.routes._steps import point_at, unique_steps
from trainboard.server.routes._util import call_impl, provider_of, query_param
from trainboard.server.wire import json_response
from trainboard.server.wire.text import TextContent, TextResponse, TextStepsResponse

__all__ = ["MAX_CELLS", "OPENAPI", "ROUTES", "display_tag", "text_impl", "text_steps_impl"]

# Cells sent for one step; a bigger table is cut after the last whole row that fits.
MAX_CELLS = 10_000


def _series(provider: DataProvider, run: str, tag: str) -> TensorSeries:
    if not any(info.tag == tag for info in provider.tags(run, plugin_name=PLUGIN_NAME)):
        raise NotFoundError(f"run {run!r} has no text tag {tag!r}")
    return provider.read_tensors(run, tag)


def text_steps_impl(provider: DataProvider, run: str, tag: str) -> TextStepsResponse:
    """Every step of a text series (each once, ascending) with its wall time."""
    series = _series(provider, run, tag)
    steps, wall_times = unique_steps(series.steps, series.wall_times)
    return {
        "run": run,
        "tag": tag,
        "display_tag": display_tag(tag),
        "steps": steps,
        "wall_times": wall_times,
    }


def _content(array: np.ndarray) -> TextContent:
    """What the page draws for one step's string array (see the module docstring)."""
    shape = [int(n) for n in array.shape]
    content: TextContent = {
        "shape": shape,
        "sliced": False,
        "total_rows": 0,
        "markdown": None,
        "table": None,
    }
    if array.ndim == 0 or (array.ndim == 1 and array.size == 1):
        content["markdown"] = str(decode_strings(array.reshape(-1)[:1])[0])
        return content
    if array.ndim > 2:
        leading = array.shape[:-2]
        array = array[(0,) * len(leading)] if all(leading) else np.empty((0, 0), dtype=object)
        content["sliced"] = True
    table = array.reshape(-1, 1) if array.ndim == 1 else array
    columns = max(1, table.shape[1])
    rows = min(table.shape[0], max(1, MAX_CELLS // columns))
    content["table"] = decode_strings(table[:rows]).tolist()
    content["total_rows"] = int(table.shape[0])
    return content


def text_impl(provider: DataProvider, run: str, tag: str, step: int | None) -> TextResponse:
    """The strings of one step (``step`` None: the latest; see :func:`point_at`)."""
    series = _series(provider, run, tag)
    if len(series) == 0:
        raise NotFoundError(f"text tag {tag!r} of run {run!r} has no points")
    i = point_at(series.steps, step)
    return {
        "run": run,
        "tag": tag,
        "step": int(series.steps[i]),
        "wall_time": float(series.wall_times[i]),
        **_content(series.values[i]),
    }


async def text_steps_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    return JSONResponse(await call_impl(text_steps_impl, await provider_of(request), run, tag))


async def text_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    step = integer(query, "step") if query.get("step") else None
    return JSONResponse(await call_impl(text_impl, await provider_of(request), run, tag, step))


ROUTES = [
    Route("/api/text/steps", text_steps_route),
    Route("/api/text", text_route),
]

_RUN_TAG = [
    query_param("run", "The run.", required=True),
    query_param("tag", "The text tag as stored (e.g. notes/text_summary).", required=True),
]

OPENAPI: dict[str, Any] = {
    "/api/text/steps": {
        "get": {
            "summary": "Every step of a text series, ascending, with wall times.",
            "parameters": _RUN_TAG,
            "responses": json_response(TextStepsResponse),
        }
    },
    "/api/text": {
        "get": {
            "summary": "The strings of one step: Markdown text, or a table of Markdown cells.",
            "parameters": [
                *_RUN_TAG,
                query_param(
                    "step",
                    "The step (default: the latest).",
                    schema={"type": "integer"},
                ),
            ],
            "responses": json_response(TextResponse),
        }
    },
}
