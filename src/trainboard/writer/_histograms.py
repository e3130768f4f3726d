"""``add_histogram`` and ``add_histogram_raw``.

The bucket counts are computed on the calling thread, where the values are, so that
only the counts are kept (no snapshot of the values): by a C kernel for host data
(:mod:`trainboard._native.histogram_cpu`, about 10x faster than torch's
``np.histogram``), or queued on the device for CUDA tensors
(:mod:`trainboard._native.histogram_torch`, read back by the background writer).
The protobuf is built on the background thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from trainboard.writer._base import WriterBase
from trainboard.writer._convert import check_tag, is_torch_tensor, scalar_of, to_numpy

if TYPE_CHECKING:
    import numpy as np

    from trainboard.format.kinds.histogram import Bins, BucketCounts

__all__ = ["HistogramMethods"]


def _host_array(values: Any) -> np.ndarray:
    """``values`` (list, number, numpy array, CPU tensor) as a flat float32/float64 array."""
    import numpy as np

    from trainboard._native.histogram_cpu import to_float_array

    if is_torch_tensor(values):
        import torch

        tensor = values.detach()
        if tensor.layout != torch.strided:
            tensor = tensor.to_dense()
        if tensor.dtype in (torch.float16, torch.bfloat16):
            tensor = tensor.float()
        array = tensor.resolve_neg().resolve_conj().numpy()
    else:
        try:
            array = np.asarray(values)
        except Exception as exc:
            raise TypeError(
                f"values must be a tensor, array or sequence of numbers, got "
                f"{type(values).__name__}: {exc}"
            ) from None
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"values must be real numbers, got {type(values).__name__} of dtype {array.dtype}"
        )
    if array.size == 0:
        raise ValueError(f"values must not be empty, got shape {tuple(array.shape)}")
    return to_float_array(array)


def _device_reader(values: Any, bins: Bins) -> Callable[[], BucketCounts]:
    """Queue a device tensor's histogram on its device; the reader runs on the worker."""
    if values.device.type == "meta":
        raise ValueError("values is a meta tensor, which holds no data to make a histogram of")
    if values.is_complex():
        raise TypeError(f"values must be real numbers, got a tensor of dtype {values.dtype}")
    if values.numel() == 0:
        raise ValueError(f"values must not be empty, got shape {tuple(values.shape)}")
    if isinstance(bins, str) and bins != "tensorflow":
        # numpy's estimators need the values themselves: copy on the device now (no
        # sync), bring them to the host on the worker.
        from trainboard._native.histogram_cpu import count

        snapshot = values.detach().clone()
        return lambda: count(_host_array(snapshot.cpu()), bins)
    from trainboard._native.histogram_torch import count_tensor

    return count_tensor(values, bins)


class HistogramMethods(WriterBase):
    """add_histogram, add_histogram_raw; mixed into :class:`~trainboard.SummaryWriter`."""

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: Any = None,
        bins: Any = "tensorflow",
        walltime: Any = None,
        max_bins: int | None = None,
    ) -> None:
        """Log the distribution of a tensor's values as a histogram.

        Args:
            tag: Series name, e.g. ``"weights/fc1"``.
            values: A tensor (any device), numpy array, sequence or number. A CUDA
                tensor is bucketed on its device; only the counts reach the host,
                read by the background writer, so the call does not synchronize.
            global_step: Step; when omitted, the tag's histograms are numbered 0, 1, ...
            bins: ``"tensorflow"`` (TensorBoard's default exponential buckets), a
                number of equal buckets, a numpy estimator (``"auto"``, ``"fd"``, ...)
                or a sequence of edges, as ``np.histogram`` takes them.
            walltime: Seconds since the epoch; defaults to now.
            max_bins: Merge runs of buckets so at most this many remain (about).

        NaN and infinities are counted in ``num`` and reflected in ``min``/``max``/
        ``sum`` as numpy computes them, but fall in no bucket (torch: the same with
        the default bins, an exception with the others).

        Example::

            for step in range(10):
                writer.add_histogram("weights", torch.randn(1000) + step, step)
        """
        from trainboard.format.kinds.histogram import check_bins, check_max_bins

        check_tag(tag)
        spec = check_bins(bins)
        limit = check_max_bins(max_bins)
        step = self._step(global_step)
        wall = self._wall(walltime)
        if is_torch_tensor(values) and values.device.type != "cpu":
            read = _device_reader(values, spec)
            nbytes = 0
        else:
            from trainboard._native.histogram_cpu import count

            data = count(_host_array(values), spec)
            nbytes = data.counts.nbytes
            read = lambda: data  # noqa: E731
        self._submit_values(
            tag, lambda: _histogram_values(tag, read(), limit), step, wall, nbytes=nbytes
        )

    def add_histogram_raw(
        self,
        tag: str,
        min: Any,
        max: Any,
        num: Any,
        sum: Any,
        sum_squares: Any,
        bucket_limits: Any,
        bucket_counts: Any,
        global_step: Any = None,
        walltime: Any = None,
    ) -> None:
        """Log a histogram you have already bucketed.

        Args:
            tag: Series name.
            min: Smallest value.
            max: Largest value.
            num: Number of values.
            sum: Sum of the values.
            sum_squares: Sum of their squares.
            bucket_limits: Each bucket's right edge (non-decreasing); the first
                bucket's left edge is taken to be ``min``.
            bucket_counts: Values per bucket, as many as ``bucket_limits``.
            global_step: Step; when omitted, numbered per tag.
            walltime: Seconds since the epoch; defaults to now.

        Example::

            counts, edges = np.histogram(values, bins=10)
            writer.add_histogram_raw(
                "raw", values.min(), values.max(), values.size, values.sum(),
                (values**2).sum(), edges[1:], counts, global_step=0,
            )
        """
        from trainboard.format.kinds.histogram import (
            check_raw_histogram,
            histogram_value,
            raw_histogram_proto,
        )

        check_tag(tag)
        raw = check_raw_histogram(  # tensors become numbers and arrays first
            _number(min, "min"),
            _number(max, "max"),
            _number(num, "num"),
            _number(sum, "sum"),
            _number(sum_squares, "sum_squares"),
            to_numpy(bucket_limits, "bucket_limits"),
            to_numpy(bucket_counts, "bucket_counts"),
        )
        self._submit_values(
            tag,
            lambda: [histogram_value(tag, raw_histogram_proto(raw))],
            global_step,
            walltime,
            nbytes=raw.bucket_limits.nbytes * 2,
        )


def _number(value: Any, name: str) -> float:
    """One statistic of ``add_histogram_raw`` as a float (a device tensor is read now:
    raw histograms are tiny)."""
    number = scalar_of(value, name)
    if not isinstance(number, float):
        number = float(number.item())
    return float(number)


def _histogram_values(tag: str, data: BucketCounts, max_bins: int | None) -> list[Any]:
    from trainboard.format.kinds.histogram import histogram_proto, histogram_value

    return [histogram_value(tag, histogram_proto(data, max_bins))]
