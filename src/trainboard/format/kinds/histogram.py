"""Histograms: bucket counts of a tensor's values per step (``add_histogram``).

Written old-style, as torch does: ``Summary.Value(histo=HistogramProto(...))`` with no
plugin metadata. ``bucket_limit[i]`` is bucket *i*'s right edge; a bucket's left edge
is the previous right edge, and the first bucket is kept empty so that the left edge
of the first non-empty bucket survives. TensorBoard's readers migrate the proto to a
``[k, 3]`` float32 tensor of (left, right, count) rows under the ``histograms`` plugin,
dropping empty buckets at both ends and replacing the outer edges by ``min`` and
``max``; :func:`histogram_to_buckets` and :func:`tensor_to_buckets` do the same, and
the data layer reads histograms through them (:func:`decode`, :func:`decode_array`).

The bucket counting itself lives in :mod:`trainboard._native` (a C kernel, a numpy
fallback and a torch-ops path for device tensors); this module turns counts into
protos and back.
"""

from __future__ import annotations

import numbers
import operator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from trainboard.format.proto.summary_pb2 import HistogramProto, Summary
from trainboard.format.proto.tensor_pb2 import TensorProto

__all__ = [
    "NUMPY_ESTIMATORS",
    "PLUGIN_NAME",
    "VERSION",
    "BucketCounts",
    "RawHistogram",
    "check_bins",
    "check_max_bins",
    "check_raw_histogram",
    "decode",
    "decode_array",
    "default_edges",
    "histogram_proto",
    "histogram_to_buckets",
    "histogram_value",
    "raw_histogram_proto",
    "tensor_to_buckets",
]

PLUGIN_NAME = "histograms"
VERSION = 0

NUMPY_ESTIMATORS = ("auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt")

Bins = str | int | np.ndarray  # "tensorflow", a numpy estimator name, a bin count, or edges


@lru_cache(maxsize=1)
def default_edges() -> np.ndarray:
    """TensorBoard's default bucket edges (``bins="tensorflow"``), as torch builds them.

    ``1e-12 * 1.1**k`` up to 1e20, mirrored to the negatives, with 0 in the middle:
    1549 float64 edges, so 1548 buckets. The result is read-only and shared.
    """
    positive = []
    v = 1e-12
    while v < 1e20:
        positive.append(v)
        v *= 1.1
    edges = np.array([-x for x in reversed(positive)] + [0.0] + positive, dtype=np.float64)
    edges.setflags(write=False)
    return edges


def check_bins(bins: Any) -> Bins:
    """Validate ``add_histogram``'s ``bins``: "tensorflow", an estimator, an int or edges.

    Accepts what ``np.histogram`` accepts: a positive bin count, a numpy estimator name
    (``"auto"``, ``"fd"``, ...), or a 1-D non-decreasing sequence of at least two edges.
    """
    if isinstance(bins, str):
        if bins == "tensorflow" or bins in NUMPY_ESTIMATORS:
            return bins
        raise ValueError(
            f"bins={bins!r} is not a known binning; expected 'tensorflow', one of "
            f"{list(NUMPY_ESTIMATORS)}, a positive int or a sequence of edges"
        )
    if isinstance(bins, bool):
        raise TypeError(f"bins must be an int, a string or a sequence of edges, got {bins!r}")
    if isinstance(bins, numbers.Integral) or np.ndim(bins) == 0:
        try:
            count = operator.index(bins)
        except TypeError:
            raise TypeError(
                f"bins must be an int, a string or a sequence of edges, got "
                f"{type(bins).__name__} {bins!r}"
            ) from None
        if count < 1:
            raise ValueError(f"bins must be a positive number of buckets, got {bins!r}")
        return count
    try:
        edges = np.asarray(bins.detach().cpu() if hasattr(bins, "detach") else bins)
    except Exception:
        edges = np.asarray([], dtype=object)
    if edges.ndim != 1 or edges.dtype.kind not in "iuf":
        raise TypeError(
            f"bins must be 'tensorflow', an estimator name, a positive int or a 1-D sequence "
            f"of numbers, got {type(bins).__name__} {bins!r}"
        )
    edges = edges.astype(np.float64)
    if edges.size < 2:
        raise ValueError(f"bins as edges needs at least 2 edges, got {edges.size}")
    if np.isnan(edges).any():
        raise ValueError(f"bins edges must not be NaN, got {bins!r}")
    if (edges[:-1] > edges[1:]).any():
        raise ValueError(f"bins edges must increase monotonically, got {bins!r}")
    edges.setflags(write=False)
    return edges


def check_max_bins(max_bins: Any) -> int | None:
    """``max_bins`` as a positive int, or None."""
    if max_bins is None:
        return None
    if isinstance(max_bins, bool) or not isinstance(max_bins, numbers.Integral):
        raise TypeError(f"max_bins must be a positive int or None, got {max_bins!r}")
    if max_bins < 1:
        raise ValueError(f"max_bins must be a positive int or None, got {max_bins!r}")
    return int(max_bins)


@dataclass(frozen=True, slots=True)
class BucketCounts:
    """What a histogram is made of: every bucket's count and the values' statistics.

    ``counts[i]`` counts the values in ``[edges[i], edges[i + 1])`` (the last bucket
    includes its right edge), as ``np.histogram`` does; values outside the edges,
    NaN and (with finite edges) infinities are in no bucket but are in the
    statistics, computed over the values as float64 (NaN propagates, as in numpy).
    """

    edges: np.ndarray
    counts: np.ndarray
    num: int
    min: float
    max: float
    sum: float
    sum_squares: float


def histogram_proto(data: BucketCounts, max_bins: int | None = None) -> HistogramProto:
    """The ``HistogramProto`` torch's ``make_histogram`` builds from the same counts.

    With ``max_bins``, runs of ``len(counts) // max_bins`` buckets are merged. Empty
    buckets are trimmed at both ends, one empty bucket being kept on the left so the
    first non-empty bucket's left edge is written. When no value fell in any bucket
    (all NaN, say) the bucket lists are empty, which TensorBoard reads as an empty
    histogram (torch raises instead).
    """
    counts, limits = data.counts, data.edges
    num_bins = len(counts)
    if max_bins is not None and num_bins > max_bins:
        step = num_bins // max_bins
        if num_bins % step:
            counts = np.pad(counts, (0, step - num_bins % step))
        counts = counts.reshape(-1, step).sum(axis=-1)
        limits = np.concatenate([limits[:-1:step], limits[-1:]])
    nonzero = np.flatnonzero(counts)
    histo = HistogramProto(
        min=data.min, max=data.max, num=data.num, sum=data.sum, sum_squares=data.sum_squares
    )
    if nonzero.size == 0:
        return histo
    start, end = int(nonzero[0]), int(nonzero[-1]) + 1
    # One empty bucket on the left, so the first non-empty bucket's left edge is written.
    kept = counts[start - 1 : end] if start > 0 else np.concatenate([[0], counts[:end]])
    histo.bucket_limit.extend(limits[start : end + 1].tolist())
    histo.bucket.extend(kept.tolist())
    return histo


def histogram_value(tag: str, histo: HistogramProto) -> Summary.Value:
    """The old-style ``Summary.Value`` torch writes (no metadata; readers migrate it)."""
    return Summary.Value(tag=tag, histo=histo)


def _number(value: Any, name: str) -> float:
    """One real number from a Python or numpy number (or a one-element array)."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    array = np.asarray(value)
    if array.size != 1:
        raise ValueError(f"{name} must hold exactly one value, got shape {array.shape}")
    if array.dtype.kind not in "iufb":
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    return float(array.reshape(-1)[0])


def _vector(value: Any, name: str) -> np.ndarray:
    array: np.ndarray = np.asarray(value)
    if array.ndim != 1 or array.dtype.kind not in "iufb":
        raise ValueError(
            f"{name} must be a 1-D sequence of numbers, got shape {array.shape} "
            f"of dtype {array.dtype}"
        )
    return array.astype(np.float64)


@dataclass(frozen=True, slots=True)
class RawHistogram:
    """``add_histogram_raw``'s arguments, validated: ``bucket_limits`` are right edges."""

    min: float
    max: float
    num: float
    sum: float
    sum_squares: float
    bucket_limits: np.ndarray
    bucket_counts: np.ndarray


def check_raw_histogram(
    min: Any,
    max: Any,
    num: Any,
    sum: Any,
    sum_squares: Any,
    bucket_limits: Any,
    bucket_counts: Any,
) -> RawHistogram:
    """Validate ``add_histogram_raw``'s arguments: numbers, and 1-D sequences or arrays.

    The writer turns tensors into numbers and numpy arrays before calling this.

    Raises ValueError/TypeError naming the argument: limits and counts of different
    lengths, NaN or decreasing limits, negative or NaN counts, a negative ``num``,
    or ``min > max``. NaN/inf statistics are kept as they are.
    """
    stats = {
        name: _number(v, name)
        for name, v in (("min", min), ("max", max), ("num", num), ("sum", sum),
                        ("sum_squares", sum_squares))
    }
    limits = _vector(bucket_limits, "bucket_limits")
    counts = _vector(bucket_counts, "bucket_counts")
    if len(limits) != len(counts):
        raise ValueError(
            f"bucket_limits and bucket_counts must have the same length, got "
            f"{len(limits)} and {len(counts)}"
        )
    if np.isnan(limits).any() or (limits[:-1] > limits[1:]).any():
        raise ValueError(f"bucket_limits must be non-decreasing right edges, got {limits.tolist()}")
    if np.isnan(counts).any() or (counts < 0).any():
        raise ValueError(f"bucket_counts must be non-negative, got {counts.tolist()}")
    if not stats["num"] >= 0:
        raise ValueError(f"num must be a non-negative count, got {num!r}")
    if stats["min"] > stats["max"]:
        raise ValueError(f"min must not exceed max, got min={min!r} and max={max!r}")
    return RawHistogram(**stats, bucket_limits=limits, bucket_counts=counts)


def raw_histogram_proto(raw: RawHistogram) -> HistogramProto:
    """The ``HistogramProto`` of :func:`check_raw_histogram`'s result, written as given."""
    return HistogramProto(
        min=raw.min,
        max=raw.max,
        num=raw.num,
        sum=raw.sum,
        sum_squares=raw.sum_squares,
        bucket_limit=raw.bucket_limits.tolist(),
        bucket=raw.bucket_counts.tolist(),
    )


def histogram_to_buckets(
    histo: HistogramProto, dtype: npt.DTypeLike = np.float64
) -> np.ndarray:
    """(left, right, count) rows from a ``HistogramProto``, as TensorBoard migrates it.

    Empty buckets at both ends are dropped; the first left edge is ``min`` and the
    last right edge ``max``. Returns ``dtype``: float64 by default, float32 for the
    data layer, which keeps what TensorBoard's readers keep. Shape ``[0, 3]`` when
    every bucket is empty.
    """
    counts = np.asarray(histo.bucket, dtype=np.float64)
    nonzero = np.flatnonzero(counts > 0)
    if nonzero.size == 0:
        return np.zeros((0, 3), dtype=dtype)
    start, end = int(nonzero[0]), int(nonzero[-1])
    inner = np.asarray(histo.bucket_limit, dtype=np.float64)[start:end]
    lefts = np.concatenate([[histo.min], inner])
    rights = np.concatenate([inner, [histo.max]])
    buckets = np.stack([lefts, rights, counts[start : end + 1]], axis=1)
    return buckets.astype(dtype, copy=False)


def tensor_to_buckets(tensor: TensorProto, dtype: npt.DTypeLike = np.float64) -> np.ndarray:
    """(left, right, count) rows from a new-style ``histograms`` tensor, as ``dtype``.

    Raises ValueError unless the tensor has shape ``[k, 3]`` (an empty tensor reads as
    ``[0, 3]``).
    """
    from trainboard.format.kinds.tensor import tensor_to_ndarray

    array = tensor_to_ndarray(tensor)
    if array.size == 0:
        return np.zeros((0, 3), dtype=dtype)
    if array.ndim != 2 or array.shape[1] != 3 or array.dtype.kind not in "iuf":
        raise ValueError(
            f"a histogram tensor must have shape [k, 3] of numbers, got {list(array.shape)} "
            f"of {array.dtype}"
        )
    buckets: np.ndarray = array.astype(dtype)
    return buckets


def decode(value: Summary.Value, dtype: npt.DTypeLike = np.float64) -> np.ndarray:
    """The ``[k, 3]`` (left, right, count) buckets of an old- or new-style histogram value."""
    which = value.WhichOneof("value")
    if which == "histo":
        return histogram_to_buckets(value.histo, dtype)
    if which == "tensor":
        return tensor_to_buckets(value.tensor, dtype)
    raise ValueError(f"tag {value.tag!r}: expected a histogram, got a {which or 'empty'} value")


def decode_array(array: np.ndarray) -> np.ndarray:
    """A histogram point as the data layer holds it, read as float64 ``[k, 3]`` rows.

    The data layer keeps each point as TensorBoard's readers do: the ``[k, 3]``
    float32 rows of an old-style value (see :func:`histogram_to_buckets`), or a
    new-style value's tensor as written. Raises ValueError when its size is not a
    multiple of 3.
    """
    buckets: np.ndarray = np.asarray(array, dtype=np.float64).reshape(-1, 3)
    return buckets
