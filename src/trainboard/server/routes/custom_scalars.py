"""Custom scalars: the merged layout, with each chart's lines resolved against the scalars.

Every run's latest ``custom_scalars__config__`` layout is merged in run-name order:
categories by title (the first one's ``closed`` wins), charts appended unless an equal
chart is already there (TensorBoard's ``layout_impl`` rule). A multiline chart's tag
entries are regular expressions, matched with Python's ``re.match`` (anchored at the
start, as TensorBoard) against every scalar tag of every run; each match is a line
``(run, tag)``. A margin chart's series name exact tags. The points themselves come from
``/api/scalars``, as for any scalar card.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data.provider import DataClass, DataProvider
from trainboard.format.kinds import custom_scalars as kind
from trainboard.format.proto.layout_pb2 import Category, Chart, Layout
from trainboard.server.routes._util import call_impl, provider_of
from trainboard.server.wire import custom_scalars as wire
from trainboard.server.wire import json_response

__all__ = ["OPENAPI", "ROUTES", "custom_scalars_impl", "merge_layouts"]


def _latest_layout(provider: DataProvider, run: str) -> Layout | None:
    values = provider.read_tensors(run, kind.CONFIG_TAG).values
    if not values:  # purged
        return None
    try:
        return kind.decode_array(values[-1])
    except ValueError:  # not one serialized layout: skipped
        return None


def merge_layouts(layouts: list[Layout]) -> Layout:
    """The layouts merged in order: categories by title, charts without duplicates."""
    merged = Layout()
    by_title: dict[str, Category] = {}
    for layout in layouts:
        for category in layout.category:
            target = by_title.get(category.title)
            if target is None:
                target = merged.category.add()
                target.title = category.title
                target.closed = category.closed
                by_title[category.title] = target
            for chart in category.chart:
                if chart not in target.chart:
                    target.chart.add().CopyFrom(chart)
    return merged


def _compile(patterns: list[str]) -> tuple[list[re.Pattern[str]], list[str]]:
    compiled, errors = [], []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            errors.append(f"invalid regular expression {pattern!r}: {exc}")
    return compiled, errors


def _multiline(chart: Chart, scalars: list[tuple[str, str]]) -> wire.MultilineChart:
    patterns = list(chart.multiline.tag)
    compiled, errors = _compile(patterns)
    lines: list[wire.Line] = [
        {"run": run, "tag": tag}
        for run, tag in scalars
        if any(regex.match(tag) for regex in compiled)
    ]
    return {
        "title": chart.title,
        "kind": "multiline",
        "tags": patterns,
        "lines": lines,
        "errors": errors,
    }


def _margin(chart: Chart, scalars: list[tuple[str, str]]) -> wire.MarginChart:
    series: list[wire.MarginSeries] = []
    for s in chart.margin.series:
        runs_of = {
            name: [run for run, tag in scalars if tag == name]
            for name in (s.value, s.lower, s.upper)
        }
        series.append(
            {
                "value": s.value,
                "lower": s.lower,
                "upper": s.upper,
                "runs": runs_of[s.value],
                "band_runs": [r for r in runs_of[s.lower] if r in runs_of[s.upper]],
            }
        )
    return {"title": chart.title, "kind": "margin", "series": series, "errors": []}


def custom_scalars_impl(provider: DataProvider) -> wire.CustomScalarsResponse:
    """The merged layout and the runs it came from; each chart with its resolved lines."""
    layout_runs = sorted(
        {info.run for info in provider.tags(plugin_name=kind.PLUGIN_NAME)
         if info.tag == kind.CONFIG_TAG}
    )
    layouts = [(run, _latest_layout(provider, run)) for run in layout_runs]
    found = [(run, layout) for run, layout in layouts if layout is not None]
    merged = merge_layouts([layout for _, layout in found])
    scalars = sorted((i.run, i.tag) for i in provider.tags(data_class=DataClass.SCALAR))
    categories: list[wire.Category] = []
    for category in merged.category:
        charts: list[wire.Chart] = [
            _margin(chart, scalars)
            if chart.WhichOneof("content") == "margin"
            else _multiline(chart, scalars)
            for chart in category.chart
        ]
        categories.append({"title": category.title, "closed": category.closed, "charts": charts})
    return {"layout_runs": [run for run, _ in found], "categories": categories}


async def custom_scalars_route(request: Request) -> JSONResponse:
    return JSONResponse(await call_impl(custom_scalars_impl, await provider_of(request)))


ROUTES = [Route("/api/custom_scalars", custom_scalars_route)]

OPENAPI: dict[str, Any] = {
    "/api/custom_scalars": {
        "get": {
            "summary": "The merged custom-scalars layout; each chart with the (run, tag) lines "
            "it draws (docs/http/custom_scalars.md).",
            "responses": json_response(wire.CustomScalarsResponse),
        }
    },
}
