"""Scalars: one number per step (``add_scalar``, ``add_scalars``).

Written old-style as ``Summary.Value(simple_value=...)`` with no plugin metadata,
as torch does; TensorBoard's readers migrate that to the ``scalars`` plugin. With
``new_style=True`` the value is a rank-0 float (or double) tensor that carries the
plugin metadata itself.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from trainboard.format.kinds._wire import (
    PACK_DOUBLE,
    PACK_FLOAT,
    ZERO_DOUBLE,
    encode_varint,
    length_delimited,
)

if TYPE_CHECKING:
    from trainboard.format.proto.summary_pb2 import Summary

__all__ = [
    "PLUGIN_NAME",
    "VERSION",
    "decode",
    "encode_event",
    "event_tail_prefix",
    "scalar_value",
    "tag_field",
]

PLUGIN_NAME = "scalars"
VERSION = 0


def tag_field(tag: str) -> bytes:
    """The encoded ``Summary.Value.tag`` field; cache it per tag.

    Empty for the empty tag: proto3 leaves out a string field that is ``""``.
    """
    if not tag:
        return b""
    return length_delimited(b"\x0a", tag.encode("utf-8"))


def _float32_bytes(value: float) -> bytes:
    """``value`` as a little-endian float32, infinite when out of range (as protobuf stores it)."""
    try:
        return PACK_FLOAT(value)
    except OverflowError:
        # Out of float32 range: protobuf (and numpy) store an infinity; struct refuses.
        return PACK_FLOAT(math.copysign(math.inf, value))


def event_tail_prefix(tag: str) -> bytes:
    """Everything of a scalar Event after wall time and step, up to the float's 4 bytes.

    Constant per tag: ``summary`` (field 5) > ``value`` (field 1) > ``tag``, then the
    ``simple_value`` key. :func:`encode_event` appends the float to it.
    """
    value_len = len(tag_field(tag)) + 5
    summary = b"\x0a" + encode_varint(value_len) + tag_field(tag) + b"\x15"
    return b"\x2a" + encode_varint(value_len + 1 + len(encode_varint(value_len))) + summary


def encode_event(tail_prefix: bytes, value: float, step: int, wall_time: float) -> bytes:
    """Serialize ``Event(wall_time, step, summary{value{tag, simple_value}})``.

    ``tail_prefix`` is :func:`event_tail_prefix` of the tag. Byte-identical to the
    protobuf runtime's output for the same message (proto3 omits a zero step or
    wall time).
    """
    wall = PACK_DOUBLE(wall_time)
    head = b"" if wall == ZERO_DOUBLE else b"\x09" + wall
    if step:
        head += b"\x10" + encode_varint(step)
    return head + tail_prefix + _float32_bytes(value)


def scalar_value(
    tag: str,
    value: float,
    *,
    new_style: bool = False,
    double_precision: bool = False,
    display_name: str = "",
    summary_description: str = "",
) -> Summary.Value:
    """The ``Summary.Value`` for one scalar, as torch's ``add_scalar`` builds it.

    A ``display_name`` or ``summary_description`` goes into the value's metadata
    beside a ``simple_value``, as tensorboardX writes it.
    """
    from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
    from trainboard.format.proto.tensor_pb2 import DT_DOUBLE, DT_FLOAT, TensorProto

    if display_name or summary_description:
        described = SummaryMetadata(
            display_name=display_name, summary_description=summary_description
        )
        return Summary.Value(tag=tag, simple_value=value, metadata=described)
    if not new_style:
        return Summary.Value(tag=tag, simple_value=value)
    if double_precision:
        tensor = TensorProto(dtype=DT_DOUBLE, double_val=[value])
    else:
        tensor = TensorProto(dtype=DT_FLOAT, float_val=[value])
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME))
    return Summary.Value(tag=tag, tensor=tensor, metadata=metadata)


def decode(value: Summary.Value) -> float:
    """Read one scalar from a ``simple_value`` or a rank-0 numeric tensor.

    Raises ``ValueError`` when the value holds neither (TensorBoard drops such
    points as data loss).
    """
    which = value.WhichOneof("value")
    if which == "simple_value":
        return float(value.simple_value)
    if which == "tensor":
        from trainboard.format.kinds.tensor import tensor_to_ndarray

        array = tensor_to_ndarray(value.tensor)
        if array.size == 1 and array.dtype.kind in "fiub":
            return float(array.reshape(()))
    raise ValueError(f"tag {value.tag!r}: expected a scalar, got a {which or 'empty'} value")
