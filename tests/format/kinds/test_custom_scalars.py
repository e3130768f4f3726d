from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Golden
from trainboard.format.kinds import custom_scalars
from trainboard.format.proto.summary_pb2 import Summary

LAYOUT: dict[str, Any] = {
    "Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]},
    "USA": {
        "dow": ["Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]],
        "nasdaq": ["Margin", ("nasdaq/aaa", "nasdaq/bbb", "nasdaq/ccc")],
    },
    "empty": {},
}


def _value(layout: Any) -> Summary.Value:
    return custom_scalars.layout_value(custom_scalars.layout_proto(layout))


def test_value_equals_torch_summary_custom_scalars() -> None:
    summary = pytest.importorskip("torch.utils.tensorboard.summary")
    expected = Summary.FromString(summary.custom_scalars(LAYOUT).SerializeToString())
    assert Summary(value=[_value(LAYOUT)]) == expected


def test_value_matches_golden(golden: Golden) -> None:
    golden.check("custom_scalars_value", _value(LAYOUT))
    golden.check("custom_scalars_layout", custom_scalars.layout_proto(LAYOUT))


def test_decode_and_layout_to_dict_round_trip() -> None:
    layout = custom_scalars.decode(_value(LAYOUT))
    assert layout == custom_scalars.layout_proto(LAYOUT)
    as_dict = custom_scalars.layout_to_dict(layout)
    assert as_dict["USA"]["nasdaq"] == ["Margin", ["nasdaq/aaa", "nasdaq/bbb", "nasdaq/ccc"]]
    assert as_dict["Taiwan"] == LAYOUT["Taiwan"]
    assert as_dict["empty"] == {}
    with pytest.raises(ValueError, match="'x': expected one serialized Layout"):
        custom_scalars.decode(Summary.Value(tag="x", simple_value=1.0))


def test_tensorboard_layout_proto_parses_ours() -> None:
    from tensorboard.plugins.custom_scalar import layout_pb2, metadata

    value = _value(LAYOUT)
    assert value.tag == metadata.CONFIG_SUMMARY_TAG
    assert value.metadata.plugin_data.plugin_name == metadata.PLUGIN_NAME
    assert list(value.tensor.tensor_shape.dim) == []
    theirs = layout_pb2.Layout.FromString(value.tensor.string_val[0])
    assert [c.title for c in theirs.category] == ["Taiwan", "USA", "empty"]
    assert theirs.category[1].chart[0].margin.series[0].upper == "dow/ccc"
    assert list(theirs.category[0].chart[0].multiline.tag) == ["twse/0050", "twse/2330"]


@pytest.mark.parametrize(
    ("layout", "error", "match"),
    [
        ([("a", {})], TypeError, r"layout must be a dict .*got list"),
        ({1: {}}, TypeError, "categories must be strings, got int 1"),
        ({"c": ["Multiline", ["a"]]}, TypeError, r"layout\['c'\] must be a dict"),
        ({"c": {2: ["Multiline", ["a"]]}}, TypeError, "chart titles must be strings, got int 2"),
        ({"c": {"t": ["Multiline"]}}, TypeError, r"layout\['c'\]\['t'\] must be .*Multiline"),
        ({"c": {"t": "Multiline"}}, TypeError, r"layout\['c'\]\['t'\] must be"),
        ({"c": {"t": ["Bar", ["a"]]}}, ValueError, r"unknown chart kind 'Bar'"),
        ({"c": {"t": ["Margin", ["a", "b"]]}}, ValueError, r"exactly 3 tags.*got 2"),
        ({"c": {"t": ["Margin", ["a", "b", "c", "d"]]}}, ValueError, r"exactly 3 tags.*got 4"),
        ({"c": {"t": ["Multiline", "loss"]}}, TypeError, r"list of tag strings, got str 'loss'"),
        ({"c": {"t": ["Multiline", ["a", 3]]}}, TypeError, r"must be strings, got int 3"),
    ],
)
def test_bad_layouts_raise_naming_the_place(
    layout: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        custom_scalars.layout_proto(layout)
