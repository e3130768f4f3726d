"""Text: Markdown strings, or tables of them (``add_text``).

Written as a ``DT_STRING`` tensor of shape ``[1]`` holding the UTF-8 text, under
the tag ``<tag>/text_summary`` with ``TextPluginData`` metadata, exactly as torch
writes it. TensorBoard's text dashboard renders each string as Markdown; a 2-D
string tensor becomes an HTML table (higher ranks are cut down to 2-D by the
dashboard), which :func:`decode` returns as nested lists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainboard.format.proto.plugin_data_pb2 import TextPluginData
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.format.proto.tensor_pb2 import DT_STRING, TensorProto, TensorShapeProto

__all__ = [
    "PLUGIN_NAME",
    "TAG_SUFFIX",
    "VERSION",
    "decode",
    "decode_strings",
    "decode_tensor",
    "display_tag",
    "text_value",
]

PLUGIN_NAME = "text"
VERSION = 0
TAG_SUFFIX = "/text_summary"  # torch appends it to the user's tag


def text_value(tag: str, text: str) -> Summary.Value:
    """The ``Summary.Value`` torch's ``add_text(tag, text)`` writes (tag ``<tag>/text_summary``)."""
    content = TextPluginData(version=VERSION).SerializeToString()
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME, content=content)
    )
    tensor = TensorProto(
        dtype=DT_STRING,
        string_val=[text.encode("utf-8")],
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]),
    )
    return Summary.Value(tag=tag + TAG_SUFFIX, metadata=metadata, tensor=tensor)


def display_tag(tag: str) -> str:
    """The tag as the user named it: torch's and tensorboardX's ``/text_summary`` removed."""
    if tag.endswith(TAG_SUFFIX) and len(tag) > len(TAG_SUFFIX):
        return tag[: -len(TAG_SUFFIX)]
    return tag


def decode_strings(array: np.ndarray) -> np.ndarray:
    """A text point's string array (as the data layer holds it) as an ``object`` array of ``str``.

    Bytes are decoded as UTF-8, invalid bytes replaced (U+FFFD) as TensorBoard's
    dashboard shows them; anything else is turned into ``str``. The shape is kept.
    """
    texts = np.empty(array.shape, dtype=object)
    texts.reshape(-1)[:] = [
        v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        for v in array.reshape(-1).tolist()
    ]
    return texts


def decode_tensor(tensor: TensorProto) -> str | list[Any]:
    """The text of a string tensor: a ``str`` when it holds one string, else nested lists.

    A rank-2 tensor comes back as a list of rows (a table). Bytes that are not
    valid UTF-8 are replaced (U+FFFD), as TensorBoard's dashboard shows them.
    """
    from trainboard.format.kinds.tensor import tensor_to_ndarray

    if tensor.dtype != DT_STRING:
        raise ValueError(f"a text tensor must hold strings (DT_STRING), got dtype {tensor.dtype}")
    texts = decode_strings(tensor_to_ndarray(tensor))
    if texts.size == 1 and texts.ndim <= 1:
        return str(texts.reshape(-1)[0])
    result: list[Any] = texts.tolist()
    return result


def decode(value: Summary.Value) -> str | list[Any]:
    """The text of a ``Summary.Value`` written by ``add_text`` (see :func:`decode_tensor`)."""
    if value.WhichOneof("value") != "tensor":
        raise ValueError(f"tag {value.tag!r}: expected a string tensor, got no tensor")
    return decode_tensor(value.tensor)
