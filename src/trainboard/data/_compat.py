"""TensorBoard's reader-side migration rules, applied to what the reader keeps.

TensorBoard rewrites values as it reads them (``data_compat`` then
``dataclass_compat``); the same rules decide here which data class a tag belongs
to and what array a stored value decodes to:

* ``simple_value`` -> ``scalars``; ``histo`` -> ``histograms``, a ``[k, 3]`` float32
  array of (left, right, count) with empty end buckets dropped, the first left edge
  set to ``min`` and the last right edge to ``max``; ``image`` -> ``images``, the
  strings ``[width, height, encoded]``; ``audio`` -> ``audio``, ``[[wav, b""]]``.
* A tag's metadata is that of its first value in the run, and fixes its data
  class: from ``SummaryMetadata.data_class`` when set, else from the plugin name.
* ``Event.graph_def`` becomes the blob series ``__run_graph__`` (plugin ``graphs``);
  ``tagged_run_metadata`` becomes a blob series named by its tag.
"""

from __future__ import annotations

import numpy as np

from trainboard.data.provider import DataClass
from trainboard.format.kinds import scalar as scalar_kind
from trainboard.format.kinds.tensor import tensor_to_ndarray
from trainboard.format.proto.plugin_data_pb2 import AudioPluginData, ImagePluginData
from trainboard.format.proto.summary_pb2 import (
    DATA_CLASS_BLOB_SEQUENCE,
    HistogramProto,
    Summary,
    SummaryMetadata,
)

__all__ = [
    "GRAPHS",
    "GRAPH_TAGGED_RUN_METADATA",
    "RUN_GRAPH_TAG",
    "blob_metadata",
    "data_class_of",
    "decode_blobs",
    "decode_tensor",
    "initial_metadata",
    "scalar_metadata",
]

# Plugin names; ``scalars`` comes from its kinds module, the rest as TensorBoard names them.
SCALARS = scalar_kind.PLUGIN_NAME
HISTOGRAMS = "histograms"
IMAGES = "images"
AUDIO = "audio"
TEXT = "text"
PR_CURVES = "pr_curves"
HPARAMS = "hparams"
MESH = "mesh"
CUSTOM_SCALARS = "custom_scalars"
GRAPHS = "graphs"
GRAPH_TAGGED_RUN_METADATA = "graph_tagged_run_metadata"
RUN_GRAPH_TAG = "__run_graph__"
_GRAPH_SUB_PLUGINS = ("graph_run_metadata", "graph_run_metadata_graph", "graph_keras_model")

_BY_PLUGIN = {
    SCALARS: DataClass.SCALAR,
    HISTOGRAMS: DataClass.TENSOR,
    TEXT: DataClass.TENSOR,
    HPARAMS: DataClass.TENSOR,
    PR_CURVES: DataClass.TENSOR,
    MESH: DataClass.TENSOR,
    CUSTOM_SCALARS: DataClass.TENSOR,
    IMAGES: DataClass.BLOB_SEQUENCE,
    AUDIO: DataClass.BLOB_SEQUENCE,
    GRAPHS: DataClass.BLOB_SEQUENCE,
    GRAPH_TAGGED_RUN_METADATA: DataClass.BLOB_SEQUENCE,
    **{name: DataClass.BLOB_SEQUENCE for name in _GRAPH_SUB_PLUGINS},
}
_BY_PROTO = {1: DataClass.SCALAR, 2: DataClass.TENSOR, 3: DataClass.BLOB_SEQUENCE}
_IMAGE_CONTENT = ImagePluginData(converted_to_tensor=True).SerializeToString()
_AUDIO_CONTENT = AudioPluginData(
    encoding=AudioPluginData.WAV, converted_to_tensor=True
).SerializeToString()


def _metadata(plugin: str, content: bytes, value: Summary.Value) -> SummaryMetadata:
    return SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=plugin, content=content),
        display_name=value.metadata.display_name or value.tag,
        summary_description=value.metadata.summary_description,
    )


def scalar_metadata(tag: str, metadata: SummaryMetadata | None) -> SummaryMetadata:
    """The metadata a ``simple_value`` tag gets: ``scalars``, display name defaulting to the tag."""
    value = Summary.Value(tag=tag)
    if metadata is not None:
        value.metadata.CopyFrom(metadata)
    return _metadata(SCALARS, b"", value)


def blob_metadata(plugin: str) -> SummaryMetadata:
    """The metadata of the series made from ``graph_def`` / ``tagged_run_metadata`` events."""
    return SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=plugin),
        data_class=DATA_CLASS_BLOB_SEQUENCE,
    )


def initial_metadata(value: Summary.Value) -> SummaryMetadata:
    """The metadata a tag gets from its first value (after ``data_compat``)."""
    which = value.WhichOneof("value")
    if which == "simple_value":
        return _metadata(SCALARS, b"", value)
    if which == "histo":
        return _metadata(HISTOGRAMS, b"", value)
    if which == "image":
        return _metadata(IMAGES, _IMAGE_CONTENT, value)
    if which == "audio":
        return _metadata(AUDIO, _AUDIO_CONTENT, value)
    return value.metadata


def data_class_of(metadata: SummaryMetadata) -> DataClass:
    """The data class of a tag, from its initial metadata (``dataclass_compat``)."""
    if metadata.data_class in _BY_PROTO:
        return _BY_PROTO[metadata.data_class]
    return _BY_PLUGIN.get(metadata.plugin_data.plugin_name, DataClass.UNKNOWN)


def _histogram(histo: HistogramProto) -> np.ndarray:
    counts = list(histo.bucket)
    nonzero = [i for i, c in enumerate(counts) if c > 0]
    if not nonzero:
        return np.zeros((0, 3), dtype=np.float32)
    start, end = nonzero[0], nonzero[-1]
    inner = list(histo.bucket_limit[start:end])
    lefts = [histo.min, *inner]
    rights = [*inner, histo.max]
    table: np.ndarray = np.array([lefts, rights, counts[start : end + 1]], dtype=np.float32)
    out: np.ndarray = table.T.copy()
    return out


def decode_tensor(value: Summary.Value, plugin_name: str) -> np.ndarray:
    """The array TensorBoard's readers see for ``value``, under its tag's plugin.

    Raises ``ValueError`` when the value holds nothing decodable (TensorBoard
    drops such points as data loss).
    """
    which = value.WhichOneof("value")
    if which == "tensor":
        array = tensor_to_ndarray(value.tensor)
    elif which == "simple_value":
        array = np.asarray(value.simple_value, dtype=np.float32)
    elif which == "histo":
        array = _histogram(value.histo)
    elif which == "image":
        image = value.image
        array = np.empty(3, dtype=object)
        size = [str(image.width).encode(), str(image.height).encode()]
        array[:] = [*size, image.encoded_image_string]
    elif which == "audio":
        array = np.empty((1, 2), dtype=object)
        array[0, 0], array[0, 1] = value.audio.encoded_audio_string, b""
    elif plugin_name == HPARAMS:
        array = np.zeros((0,), dtype=np.float32)
    else:
        raise ValueError(f"tag {value.tag!r}: the value holds no data ({which or 'empty'})")
    if plugin_name == AUDIO and array.ndim > 1:
        array = array.reshape(array.shape[0], -1)[:, 0]  # the clips, not their labels
    return array


def decode_blobs(value: Summary.Value, plugin_name: str) -> tuple[bytes, ...]:
    """The blobs of a blob-sequence value: the tensor's strings, flattened."""
    array = decode_tensor(value, plugin_name)
    if array.dtype != object:
        raise ValueError(f"tag {value.tag!r}: a blob sequence must hold strings, got {array.dtype}")
    return tuple(array.reshape(-1).tolist())


def decode_scalar(value: Summary.Value) -> float:
    """A scalar point's value; ``ValueError`` when it is not a one-element number."""
    return scalar_kind.decode(value)
