"""Custom-scalars layouts (``add_custom_scalars`` and its two shorthands).

A layout groups existing scalar tags into charts: ``{category: {chart title:
["Multiline", [tag regex, ...]] | ["Margin", [value, lower, upper]]}}``. It is
written once, as a serialized ``Layout`` proto in a rank-0 ``DT_STRING`` tensor
under the tag ``custom_scalars__config__``. TensorBoard's dashboard reads the
latest layout of each run and merges the runs' layouts by category title; chart
tags are regular expressions matched against the scalar tags of every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from google.protobuf.message import DecodeError

from trainboard.format.proto.layout_pb2 import (
    Category,
    Chart,
    Layout,
    MarginChartContent,
    MultilineChartContent,
)
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.format.proto.tensor_pb2 import DT_STRING, TensorProto, TensorShapeProto

__all__ = [
    "CHART_KINDS",
    "CONFIG_TAG",
    "PLUGIN_NAME",
    "VERSION",
    "decode",
    "decode_array",
    "layout_proto",
    "layout_to_dict",
    "layout_value",
]

PLUGIN_NAME = "custom_scalars"
VERSION = 0
CONFIG_TAG = "custom_scalars__config__"
CHART_KINDS = ("Multiline", "Margin")

_SHAPE = "['Multiline', [tag, ...]] or ['Margin', [value_tag, lower_tag, upper_tag]]"


def _check_tags(tags: Any, where: str) -> list[str]:
    if isinstance(tags, str) or not isinstance(tags, (list, tuple)):
        raise TypeError(
            f"{where} tags must be a list of tag strings, got {type(tags).__name__} {tags!r}"
        )
    for tag in tags:
        if not isinstance(tag, str):
            raise TypeError(f"{where} tags must be strings, got {type(tag).__name__} {tag!r}")
    return list(tags)


def _chart(title: Any, spec: Any, where: str) -> Chart:
    if not isinstance(title, str):
        raise TypeError(f"chart titles must be strings, got {type(title).__name__} {title!r}")
    if isinstance(spec, str) or not isinstance(spec, (list, tuple)) or len(spec) != 2:
        raise TypeError(f"{where} must be {_SHAPE}, got {spec!r}")
    kind, tags = spec
    if kind not in CHART_KINDS:
        raise ValueError(
            f"{where}: unknown chart kind {kind!r}; expected 'Multiline' or 'Margin'"
        )
    tags = _check_tags(tags, where)
    if kind == "Margin":
        if len(tags) != 3:
            raise ValueError(
                f"{where}: a 'Margin' chart needs exactly 3 tags [value, lower, upper], "
                f"got {len(tags)}: {tags!r}"
            )
        series = MarginChartContent.Series(value=tags[0], lower=tags[1], upper=tags[2])
        return Chart(title=title, margin=MarginChartContent(series=[series]))
    return Chart(title=title, multiline=MultilineChartContent(tag=tags))


def layout_proto(layout: Any) -> Layout:
    """Validate a layout dict and build its ``Layout`` proto, as torch's ``custom_scalars`` does.

    Raises:
        TypeError: ``layout`` or a part of it has the wrong type.
        ValueError: an unknown chart kind, or a margin chart without exactly 3 tags.
    """
    if not isinstance(layout, Mapping):
        raise TypeError(
            f"layout must be a dict {{category: {{chart title: {_SHAPE}}}}}, got "
            f"{type(layout).__name__} {layout!r}"
        )
    categories = []
    for category, charts in layout.items():
        if not isinstance(category, str):
            raise TypeError(
                f"layout categories must be strings, got {type(category).__name__} {category!r}"
            )
        if not isinstance(charts, Mapping):
            raise TypeError(
                f"layout[{category!r}] must be a dict {{chart title: {_SHAPE}}}, got "
                f"{type(charts).__name__} {charts!r}"
            )
        built = [
            _chart(title, spec, f"layout[{category!r}][{title!r}]")
            for title, spec in charts.items()
        ]
        categories.append(Category(title=category, chart=built))
    return Layout(category=categories)


def layout_value(layout: Layout) -> Summary.Value:
    """The ``Summary.Value`` holding ``layout``, as torch's ``custom_scalars`` builds it."""
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME))
    tensor = TensorProto(
        dtype=DT_STRING, string_val=[layout.SerializeToString()], tensor_shape=TensorShapeProto()
    )
    return Summary.Value(tag=CONFIG_TAG, tensor=tensor, metadata=metadata)


def decode(value: Summary.Value) -> Layout:
    """The ``Layout`` in a ``custom_scalars__config__`` value."""
    strings = value.tensor.string_val
    if value.WhichOneof("value") != "tensor" or len(strings) != 1:
        raise ValueError(f"tag {value.tag!r}: expected one serialized Layout in a string tensor")
    return _parse(strings[0])


def decode_array(array: np.ndarray) -> Layout:
    """The ``Layout`` of a config point as the data layer holds it: its first string.

    Raises ValueError when the array holds no string, or one that is no ``Layout``.
    """
    first = array.reshape(-1)[0] if array.size else None
    if not isinstance(first, bytes):
        raise ValueError("expected a serialized Layout in a string tensor")
    return _parse(first)


def _parse(data: bytes) -> Layout:
    layout = Layout()
    try:
        layout.ParseFromString(data)
    except DecodeError as error:
        raise ValueError(f"not a serialized Layout: {error}") from None
    return layout


def layout_to_dict(layout: Layout) -> dict[str, dict[str, list[Any]]]:
    """The inverse of :func:`layout_proto`: ``{category: {title: [kind, tags]}}``.

    A margin chart with several series lists each series' three tags in turn.
    """
    result: dict[str, dict[str, list[Any]]] = {}
    for category in layout.category:
        charts = result.setdefault(category.title, {})
        for chart in category.chart:
            if chart.WhichOneof("content") == "margin":
                tags = [t for s in chart.margin.series for t in (s.value, s.lower, s.upper)]
                charts[chart.title] = ["Margin", tags]
            else:
                charts[chart.title] = ["Multiline", list(chart.multiline.tag)]
    return result
