"""TensorBoard's reader-side migration rules, applied to what the reader keeps.

TensorBoard rewrites values as it reads them (``data_compat`` then
``dataclass_compat``); the same rules decide here which data class a tag belongs
to and what array a stored value decodes to. The decoding itself is each kind's
(``trainboard.format.kinds``); this module picks the kind and keeps what it gives:

* ``simple_value`` -> ``scalars``; ``histo`` -> ``histograms``, the ``[k, 3]`` float32
  (left, right, count) rows of :func:`histogram.histogram_to_buckets`; ``image`` ->
  ``images``, the strings ``[width, height, encoded]`` of :func:`image.migrate`;
  ``audio`` -> ``audio``, whose points keep only their clips (:func:`audio.clips`).
* A tag's metadata is that of its first value in the run, and fixes its data
  class: from ``SummaryMetadata.data_class`` when set, else from the plugin name.
* ``Event.graph_def`` becomes the blob series ``__run_graph__`` (plugin ``graphs``);
  ``tagged_run_metadata`` becomes a blob series named by its tag.
"""

from __future__ import annotations

import numpy as np

from trainboard.data.provider import DataClass
from trainboard.format.kinds import audio as audio_kind
from trainboard.format.kinds import custom_scalars as custom_scalars_kind
from trainboard.format.kinds import graph as graph_kind
from trainboard.format.kinds import histogram as histogram_kind
from trainboard.format.kinds import hparams as hparams_kind
from trainboard.format.kinds import image as image_kind
from trainboard.format.kinds import mesh as mesh_kind
from trainboard.format.kinds import pr_curve as pr_curve_kind
from trainboard.format.kinds import scalar as scalar_kind
from trainboard.format.kinds import text as text_kind
from trainboard.format.kinds.tensor import tensor_to_ndarray
from trainboard.format.proto.plugin_data_pb2 import AudioPluginData, ImagePluginData
from trainboard.format.proto.summary_pb2 import (
    DATA_CLASS_BLOB_SEQUENCE,
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

# Plugin names, from each kind's module.
SCALARS = scalar_kind.PLUGIN_NAME
HISTOGRAMS = histogram_kind.PLUGIN_NAME
IMAGES = image_kind.PLUGIN_NAME
AUDIO = audio_kind.PLUGIN_NAME
TEXT = text_kind.PLUGIN_NAME
PR_CURVES = pr_curve_kind.PLUGIN_NAME
HPARAMS = hparams_kind.PLUGIN_NAME
MESH = mesh_kind.PLUGIN_NAME
CUSTOM_SCALARS = custom_scalars_kind.PLUGIN_NAME
GRAPHS = graph_kind.PLUGIN_NAME
GRAPH_TAGGED_RUN_METADATA = graph_kind.RUN_METADATA_PLUGIN_NAME
RUN_GRAPH_TAG = graph_kind.RUN_GRAPH_TAG
_GRAPH_SUB_PLUGINS = (
    graph_kind.PROFILE_PLUGIN_NAME,
    graph_kind.OP_GRAPH_PLUGIN_NAME,
    graph_kind.KERAS_MODEL_PLUGIN_NAME,
)

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


def decode_tensor(value: Summary.Value, plugin_name: str) -> np.ndarray:
    """The array TensorBoard's readers see for ``value``, under its tag's plugin.

    Raises ``ValueError`` when the value holds nothing decodable (TensorBoard
    drops such points as data loss).
    """
    which = value.WhichOneof("value")
    if which == "tensor":
        array = tensor_to_ndarray(value.tensor)
    elif which == "simple_value":
        array = np.asarray(scalar_kind.decode(value), dtype=np.float32)
    elif which == "histo":
        array = histogram_kind.histogram_to_buckets(value.histo, np.float32)
    elif which == "image":
        array = image_kind.migrate(value.image)
    elif which == "audio":
        array = audio_kind.migrate(value.audio)
    elif plugin_name == HPARAMS:  # hparams values are metadata only
        array = np.zeros((0,), dtype=np.float32)
    else:
        raise ValueError(f"tag {value.tag!r}: the value holds no data ({which or 'empty'})")
    if plugin_name == AUDIO:
        array = audio_kind.clips(array)
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
