from __future__ import annotations

import math
from typing import Any

import pytest

from trainboard.format.kinds import scalar
from trainboard.format.proto.event_pb2 import Event
from trainboard.format.proto.summary_pb2 import Summary


def _reference(tag: str, value: float, step: int, wall_time: float) -> bytes:
    return Event(
        wall_time=wall_time,
        step=step,
        summary=Summary(value=[Summary.Value(tag=tag, simple_value=value)]),
    ).SerializeToString()


@pytest.mark.parametrize("tag", ["loss", "a/b/c", "ü" * 3, "x" * 200])
@pytest.mark.parametrize("step", [0, 1, 127, 128, 2**40, -1])
@pytest.mark.parametrize("value", [0.0, -1.5, 1e30, 1e-45, math.inf, -math.inf, 1e39, -1e39])
@pytest.mark.parametrize("wall_time", [0.0, 1700000000.25])
def test_hand_packed_event_is_byte_identical_to_protobuf(
    tag: str, step: int, value: float, wall_time: float
) -> None:
    got = scalar.encode_event(scalar.event_tail_prefix(tag), value, step, wall_time)
    assert got == _reference(tag, value, step, wall_time)


def test_nan_is_written_as_nan() -> None:
    data = scalar.encode_event(scalar.event_tail_prefix("x"), math.nan, 3, 1.0)
    assert math.isnan(Event.FromString(data).summary.value[0].simple_value)


def test_new_style_value_carries_scalars_plugin_metadata() -> None:
    value = scalar.scalar_value("t", 0.25, new_style=True)
    assert value.metadata.plugin_data.plugin_name == "scalars"
    assert list(value.tensor.float_val) == [0.25]
    assert scalar.decode(value) == 0.25
    double = scalar.scalar_value("t", 0.1, new_style=True, double_precision=True)
    assert list(double.tensor.double_val) == [0.1]
    assert scalar.decode(double) == 0.1


def test_decode_reads_simple_values_and_rejects_non_scalars() -> None:
    assert scalar.decode(Summary.Value(tag="t", simple_value=2.0)) == 2.0
    with pytest.raises(ValueError, match=r"'h'.*histo"):
        scalar.decode(Summary.Value(tag="h", histo={"num": 1}))


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("scalar_simple", {}),
        ("scalar_new_style", {"new_style": True}),
        ("scalar_new_style_double", {"new_style": True, "double_precision": True}),
    ],
)
def test_summary_equals_torchs_and_the_golden_file(
    name: str, kwargs: dict[str, Any], golden: object
) -> None:
    summary = Summary(value=[scalar.scalar_value("loss/train", 0.1, **kwargs)])
    golden.check(name, summary)  # type: ignore[attr-defined]
    torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")
    theirs = torch_summary.scalar("loss/train", 0.1, **kwargs)
    assert Summary.FromString(theirs.SerializeToString()) == summary
    assert theirs.SerializeToString() == summary.SerializeToString()
