"""Histogram bucket counts of a torch tensor computed on its own device with torch ops.

For a CUDA tensor this keeps the values on the GPU: :func:`count_tensor` only
*queues* work on the current stream (``bucketize`` against the edges, a
``scatter_add_`` into a fixed-length count tensor, min/max/sum reductions), with
no data-dependent shapes, so the calling thread never waits for the device. Only
the counts and four statistics travel to the host, when the background writer
calls the returned reader. The stream keeps later in-place changes to the tensor
from being seen, so nothing is copied. Large tensors are processed in chunks to
bound the extra device memory.

The counts equal ``np.histogram``'s on the values as float64 (float16/bfloat16 are
compared as float32, exactly). The sum and sum of squares are float64 reductions in
the device's order, so they can differ from numpy's in the last bits. The same code
runs on CPU tensors (the tests compare it with numpy there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from trainboard.format.kinds.histogram import Bins, BucketCounts, default_edges

__all__ = ["CHUNK", "count_tensor"]

CHUNK = 1 << 24  # values per pass: ~300 MB of temporaries on the device at most

_cache: dict[tuple[str, Any, bytes], tuple[Any, Any]] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 16


def _float32_bounds(edges: np.ndarray) -> tuple[np.ndarray, np.float32]:
    """(least float32 >= each edge but the last, greatest float32 <= the last edge).

    For a float32 ``x``, ``x >= edge`` (compared as float64) iff ``x >= ge``, and
    ``x > last`` iff ``x > le``: float32 comparisons decide float64 edges exactly.
    """
    with np.errstate(over="ignore"):
        nearest = edges.astype(np.float32)
    wide = nearest.astype(np.float64)
    ge = np.where(wide < edges, np.nextafter(nearest, np.float32(np.inf)), nearest)
    le = np.where(wide > edges, np.nextafter(nearest, np.float32(-np.inf)), nearest)
    return ge[:-1], le[-1]


def _device_bounds(edges: np.ndarray, device: Any, dtype: Any) -> tuple[Any, Any]:
    """Comparison bounds for fixed edges, uploaded once per device and edges."""
    import torch

    key = (str(device), dtype, edges.tobytes())
    with _cache_lock:
        found = _cache.get(key)
    if found is not None:
        return found
    if dtype == torch.float32:
        ge, le = _float32_bounds(edges)
        bounds = (torch.from_numpy(ge).to(device), torch.tensor(float(le), dtype=dtype))
    else:
        bounds = (torch.from_numpy(edges[:-1].copy()).to(device), torch.tensor(edges[-1]))
    bounds = (bounds[0], bounds[1].to(device))
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = bounds
    return bounds


def _chunks(flat: Any, dtype: Any) -> Iterator[Any]:
    """``flat`` in pieces of at most CHUNK values, each converted only when reached."""
    for start in range(0, flat.numel(), CHUNK):
        yield flat[start : start + CHUNK].to(dtype)


def _linspace_edges(flat: Any, dtype: Any, bins: int) -> tuple[Any, Any, Any]:
    """``np.histogram_bin_edges(finite values, bins)`` on the device, without a sync.

    numpy's steps exactly: the finite range (0..1 when there is none, widened by 0.5
    each side when empty), then ``arange(bins + 1) * step + first`` with the last edge
    set to the range's end, all in float64.
    """
    import torch

    inf = torch.full((), float("inf"), dtype=dtype, device=flat.device)
    lows, highs = [], []
    for c in _chunks(flat, dtype):
        finite = torch.isfinite(c)
        lows.append(torch.where(finite, c, inf).amin())
        highs.append(torch.where(finite, c, -inf).amax())
    low = torch.stack(lows).amin().double()
    high = torch.stack(highs).amax().double()
    empty = low > high
    first = torch.where(empty, torch.zeros_like(low), low)
    last = torch.where(empty, torch.ones_like(high), high)
    same = first == last
    first = torch.where(same, first - 0.5, first)
    last = torch.where(same, last + 0.5, last)
    delta = last - first
    step = delta / bins
    y = torch.arange(bins + 1, dtype=torch.float64, device=low.device)
    edges = torch.where(step == 0, y / bins * delta, y * step) + first
    edges[-1] = last
    if dtype != torch.float32:
        return edges, edges[:-1], edges[-1]
    nearest = edges.float()
    up = torch.full_like(nearest, float("inf"))
    ge = torch.where(nearest.double() < edges, torch.nextafter(nearest, up), nearest)
    le = torch.where(nearest.double() > edges, torch.nextafter(nearest, -up), nearest)
    return edges, ge[:-1], le[-1]


def _count_chunks(flat: Any, dtype: Any, ge: Any, le: Any) -> tuple[Any, Any]:
    """Device tensors: the counts (below the first edge, each bucket, above the last or
    NaN) and [min, max, sum, sum of squares] as float64. Queued work only."""
    import torch

    width = ge.numel() + 2
    counts = torch.zeros(width, dtype=torch.int64, device=flat.device)
    one = torch.ones(1, dtype=torch.int64, device=flat.device)
    parts = []
    for c in _chunks(flat, dtype):
        index = torch.bucketize(c, ge, right=True)  # edges <= value, but the last
        index += c > le
        index.masked_fill_(torch.isnan(c), width - 1)
        counts.scatter_add_(0, index, one.expand(index.numel()))
        wide = c.double()
        parts.append(
            torch.stack([c.amin().double(), c.amax().double(), wide.sum(), torch.dot(wide, wide)])
        )
    table = torch.stack(parts)
    stats = torch.stack(
        [table[:, 0].amin(), table[:, 1].amax(), table[:, 2].sum(), table[:, 3].sum()]
    )
    return counts, stats


def count_tensor(tensor: Any, bins: Bins) -> Callable[[], BucketCounts]:
    """Queue the histogram of ``tensor`` on its device; return the reader of the result.

    ``bins`` is ``"tensorflow"``, a bin count or edges (estimator names need the
    values themselves: callers send those through numpy). The reader blocks until
    the device is done; call it from the background writer.
    """
    import torch

    flat = tensor.detach().reshape(-1)
    small = (torch.float16, torch.bfloat16, torch.float32)
    dtype = torch.float32 if flat.dtype in small else torch.float64
    host_edges: np.ndarray = np.empty(0)
    device_edges: Any = None
    if isinstance(bins, int):
        device_edges, ge, le = _linspace_edges(flat, dtype, bins)
    else:
        host_edges = default_edges() if isinstance(bins, str) else bins
        ge, le = _device_bounds(host_edges, flat.device, dtype)
    counts, stats = _count_chunks(flat, dtype, ge, le)
    done = None
    if flat.device.type == "cuda":
        done = torch.cuda.Event()  # type: ignore[no-untyped-call]
        done.record()
    num = flat.numel()

    def read() -> BucketCounts:
        if done is not None:
            done.synchronize()
        low, high, total, squares = stats.cpu().tolist()
        edges = host_edges if device_edges is None else device_edges.cpu().numpy()
        return BucketCounts(
            edges=edges,
            counts=counts[1:-1].cpu().numpy(),
            num=num,
            min=low,
            max=high,
            sum=total,
            sum_squares=squares,
        )

    return read
