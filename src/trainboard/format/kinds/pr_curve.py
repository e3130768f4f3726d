"""Precision-recall curves (``add_pr_curve``, ``add_pr_curve_raw``).

One curve is a float tensor of shape ``[6, T]``: rows true positives, false
positives, true negatives, false negatives, precision and recall, column ``i``
for the threshold ``i / (T - 1)``. ``PrCurvePluginData`` records ``T`` (torch caps
it at 127). :func:`compute_curve` is torch's (and TensorBoard's) algorithm:
predictions are bucketed by ``floor(p * (T - 1))``, reverse cumulative sums give
the counts at each threshold, and precision and recall divide by at least 1e-7.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainboard.format.proto.plugin_data_pb2 import PrCurvePluginData
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.format.proto.tensor_pb2 import DT_FLOAT, TensorProto, TensorShapeProto

__all__ = [
    "FIELDS",
    "MAX_THRESHOLDS",
    "MINIMUM_COUNT",
    "PLUGIN_NAME",
    "VERSION",
    "compute_curve",
    "curve_value",
    "decode",
    "decode_array",
    "parse_plugin_data",
]

PLUGIN_NAME = "pr_curves"
VERSION = 0
MAX_THRESHOLDS = 127  # torch caps num_thresholds here ("> 127 breaks protobuf")
MINIMUM_COUNT = 1e-7  # floor of the precision and recall denominators
# The rows of the [6, T] tensor, in order.
FIELDS = (
    "true_positives",
    "false_positives",
    "true_negatives",
    "false_negatives",
    "precision",
    "recall",
)


def compute_curve(
    labels: np.ndarray, predictions: np.ndarray, num_thresholds: int, weights: Any = None
) -> np.ndarray:
    """The ``[6, num_thresholds]`` float64 curve of ``predictions`` against boolean ``labels``.

    Exactly torch's ``compute_curve``. Predictions outside the buckets (below 0,
    above 1 by more than a bucket, NaN or infinite) count nowhere, as in torch,
    where they are cast to an out-of-range bucket index; here they are given the
    index -1 explicitly, so no cast warning is raised. ``weights`` (a number or an array shaped
    like ``predictions``) scales each example's count.
    """
    if weights is None:
        weights = 1.0
    top = num_thresholds - 1
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        floored = np.floor(predictions * top)
        inside = np.isfinite(floored) & (floored >= 0) & (floored <= top)
        # -1 lies outside the histogram's range, like torch's out-of-range casts.
        bucket_indices = np.where(inside, floored, -1).astype(np.int32)
        float_labels = labels.astype(np.float64)
        true_weights = float_labels * weights
        false_weights = (1.0 - float_labels) * weights
        tp_buckets, _ = np.histogram(
            bucket_indices, bins=num_thresholds, range=(0, top), weights=true_weights
        )
        fp_buckets, _ = np.histogram(
            bucket_indices, bins=num_thresholds, range=(0, top), weights=false_weights
        )
        tp = np.cumsum(tp_buckets[::-1])[::-1]
        fp = np.cumsum(fp_buckets[::-1])[::-1]
        tn = fp[0] - fp
        fn = tp[0] - tp
        precision = tp / np.maximum(MINIMUM_COUNT, tp + fp)
        recall = tp / np.maximum(MINIMUM_COUNT, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def curve_value(tag: str, data: np.ndarray, num_thresholds: int) -> Summary.Value:
    """The ``Summary.Value`` of one ``[6, T]`` curve, as torch's ``pr_curve(_raw)`` builds it.

    ``num_thresholds`` goes into the metadata, capped at :data:`MAX_THRESHOLDS`.
    """
    content = PrCurvePluginData(
        version=VERSION, num_thresholds=min(int(num_thresholds), MAX_THRESHOLDS)
    ).SerializeToString()
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME, content=content)
    )
    tensor = TensorProto(
        dtype=DT_FLOAT,
        float_val=data.reshape(-1).tolist(),
        tensor_shape=TensorShapeProto(
            dim=[TensorShapeProto.Dim(size=data.shape[0]), TensorShapeProto.Dim(size=data.shape[1])]
        ),
    )
    return Summary.Value(tag=tag, metadata=metadata, tensor=tensor)


def parse_plugin_data(content: bytes) -> PrCurvePluginData:
    """The ``PrCurvePluginData`` in a ``pr_curves`` value's ``metadata.plugin_data.content``."""
    data = PrCurvePluginData()
    data.ParseFromString(content)
    return data


def decode_array(array: np.ndarray) -> np.ndarray:
    """A PR-curve point as the data layer holds it, checked: the float64 ``[6, T]`` curve.

    Raises ValueError (naming the shape) unless it is ``[6, T]`` with ``T >= 1``.
    """
    data: np.ndarray = np.asarray(array, dtype=np.float64)
    if data.ndim != 2 or data.shape[0] != len(FIELDS) or data.shape[1] == 0:
        raise ValueError(f"a PR curve is a [6, T] tensor, this one has shape {list(data.shape)}")
    return data


def decode(value: Summary.Value) -> dict[str, np.ndarray]:
    """One curve as ``{field: float64 array of T}`` for each of :data:`FIELDS`, plus ``thresholds``.

    The thresholds are ``linspace(0, 1, T)``, as TensorBoard's dashboard computes them.
    """
    from trainboard.format.kinds.tensor import tensor_to_ndarray

    try:
        data = decode_array(tensor_to_ndarray(value.tensor))
    except ValueError as error:
        raise ValueError(f"tag {value.tag!r}: {error}") from None
    curve = {field: data[row] for row, field in enumerate(FIELDS)}
    curve["thresholds"] = np.linspace(0.0, 1.0, data.shape[1])
    return curve
