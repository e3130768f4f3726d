"""Histogram bucket counts of a host array: the C kernel when built, numpy otherwise.

Both give exactly what torch's ``add_histogram`` computes: the values as float64,
``np.histogram`` counts, and numpy's min, max and (pairwise) sum. The sum of squares
is numpy's pairwise ``np.sum(v * v)`` (torch uses BLAS ``v.dot(v)``, whose rounding
depends on the machine). The C kernel does it in one pass over float32 or float64
data without converting it, in as many threads as there are cores (up to 8); see
``_histogram.c`` for how.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from types import ModuleType

import numpy as np

from trainboard.format.kinds.histogram import Bins, BucketCounts, default_edges

__all__ = ["HAVE_NATIVE", "count", "resolve_edges", "to_float_array"]


def _load_kernel() -> ModuleType | None:
    if os.environ.get("TRAINBOARD_PURE_PYTHON"):
        return None
    try:
        from trainboard._native import _histogram
    except ImportError:  # built without a C compiler: numpy gives the same results
        return None
    return _histogram


_kernel = _load_kernel()

HAVE_NATIVE = _kernel is not None

_TABLE_BITS = 16
_PARALLEL_MIN = 1 << 18  # values below which one thread is faster than two
_TABLE_WORTH = 1 << 16  # values below which building a lookup table costs more than numpy
_MAX_THREADS = 8
_PAIRWISE_BLOCK = 128  # numpy sums at most this many values without splitting


def to_float_array(array: np.ndarray) -> np.ndarray:
    """``array`` flattened, contiguous, as float32 (from float16/32) or float64 (the rest).

    float32 is kept as it is (converting it to float64 for the comparison with float64
    edges changes no value, and the kernel compares exactly); everything else becomes
    float64 as torch's ``values.astype(float)`` makes it.
    """
    dtype = np.float32 if array.dtype in (np.float16, np.float32) else np.float64
    flat: np.ndarray = array.reshape(-1)
    if flat.dtype == dtype and flat.dtype.isnative and flat.flags.c_contiguous:
        return flat
    return np.ascontiguousarray(flat, dtype=dtype)


def _finite_range(values: np.ndarray) -> tuple[float, float] | None:
    """Min and max of the finite values, or None when there is none."""
    low, high = values.min(), values.max()
    if np.isfinite(low) and np.isfinite(high):
        return float(low), float(high)
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else None


def resolve_edges(values: np.ndarray, bins: Bins) -> np.ndarray:
    """The float64 bucket edges ``np.histogram`` would use for ``values`` (as float64).

    Non-finite values take no part: with a bin count or an estimator, numpy would
    raise on them, trainboard bins the finite values and counts the others in the
    statistics only.
    """
    if isinstance(bins, np.ndarray):
        return bins
    if bins == "tensorflow":
        return default_edges()
    if isinstance(bins, int):
        span = _finite_range(values)
        ends = np.array(span if span is not None else [], dtype=np.float64)
        return np.asarray(np.histogram_bin_edges(ends, bins), dtype=np.float64)
    finite = values[np.isfinite(values)].astype(np.float64)
    return np.asarray(np.histogram_bin_edges(finite, bins), dtype=np.float64)


def _keys(floats: np.ndarray) -> np.ndarray:
    """Order-preserving unsigned keys of float32/float64 bit patterns (see _histogram.c)."""
    width = floats.dtype.itemsize * 8
    unsigned, signed = (np.uint32, np.int32) if width == 32 else (np.uint64, np.int64)
    bits = floats.view(unsigned)
    flip = (bits.view(signed) >> (width - 1)).view(unsigned) | unsigned(1 << (width - 1))
    keys: np.ndarray = bits ^ flip
    return keys


def _thresholds(edges: np.ndarray, wide: bool) -> np.ndarray:
    """Key thresholds: ``T[i]`` = least key whose value is >= edge i, for i < n; then
    ``T[n]`` = least key whose value is > the last edge (the last bucket is closed)."""
    if wide:
        ceil = edges.copy()
    else:
        with np.errstate(over="ignore"):
            ceil = edges.astype(np.float32)
        low = ceil.astype(np.float64) < edges
        ceil[low] = np.nextafter(ceil[low], np.float32(np.inf))
    keys = _keys(ceil)
    keys[ceil == 0] = _keys(np.array([-0.0], dtype=ceil.dtype))[0]  # -0.0 >= 0.0
    if ceil[-1] == edges[-1]:  # the least value above the last edge is the next key
        keys[-1] += 2 if edges[-1] == 0 else 1
    return keys


@lru_cache(maxsize=16)
def _table(edges_bytes: bytes, wide: bool) -> tuple[np.ndarray, np.ndarray]:
    """(cells, thresholds) for the kernel: per top-16-bit key cell, (thr, base)."""
    edges = np.frombuffer(edges_bytes, dtype=np.float64)
    thresholds = _thresholds(edges, wide)
    unsigned, signed = (np.uint64, np.int64) if wide else (np.uint32, np.int32)
    shift = (64 if wide else 32) - _TABLE_BITS
    low = np.arange(1 << _TABLE_BITS, dtype=unsigned) << unsigned(shift)
    high = low | unsigned((1 << shift) - 1)
    i_low = np.searchsorted(thresholds, low, side="right")
    i_high = np.searchsorted(thresholds, high, side="right")
    cells = np.empty((1 << _TABLE_BITS, 2), dtype=unsigned)
    inside = thresholds[np.minimum(i_low, len(thresholds) - 1)]
    cells[:, 0] = np.where(i_high == i_low, low, inside)  # no threshold: key >= low always
    base = np.where(i_high == i_low, i_low - 1, i_low).astype(signed)
    base[i_high - i_low > 1] = np.iinfo(signed).min  # several edges: binary search
    cells[:, 1] = base.view(unsigned)
    return cells, thresholds


Plan = tuple[int, int] | tuple["Plan", "Plan"]


def _plan(start: int, n: int, depth: int) -> Plan:
    """Split [start, start+n) where numpy's pairwise summation splits it, ``depth`` levels
    deep: a (start, stop) leaf, or a (left, right) pair of plans."""
    if depth == 0 or n <= _PAIRWISE_BLOCK:
        return (start, start + n)
    half = n // 2
    half -= half % 8
    return (_plan(start, half, depth - 1), _plan(start + half, n - half, depth - 1))


def _leaves(plan: Plan) -> list[tuple[int, int]]:
    left, right = plan
    if isinstance(left, int) and isinstance(right, int):
        return [(left, right)]
    assert not isinstance(left, int) and not isinstance(right, int)
    return _leaves(left) + _leaves(right)


def _combine(plan: Plan, sums: Iterator[tuple[float, float]]) -> tuple[float, float]:
    """Add the leaves' (sum, sum of squares) in the order numpy's recursion adds them."""
    left, right = plan
    if isinstance(left, int):
        return next(sums)
    assert not isinstance(right, int)
    a, b = _combine(left, sums), _combine(right, sums)
    return a[0] + b[0], a[1] + b[1]


_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _executor(workers: int) -> ThreadPoolExecutor:
    """A shared pool, recreated in a forked child (whose copy has no threads)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(workers, "trainboard-histogram"))
        return _pool[1]


def _thread_count() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = 1
    while threads * 2 <= min(cores or 1, _MAX_THREADS):
        threads *= 2
    return threads


def _count_native(values: np.ndarray, edges: np.ndarray) -> BucketCounts:
    cells, thresholds = _table(edges.tobytes(), values.dtype == np.float64)
    threads = _thread_count() if values.size >= _PARALLEL_MIN else 1
    plan = _plan(0, values.size, threads.bit_length() - 1)
    parts = _leaves(plan)
    slots = [np.zeros(len(thresholds) + 1, dtype=np.int64) for _ in parts]

    kernel = _kernel
    assert kernel is not None  # checked by count()

    def run(i: int) -> tuple[float, float, float, float]:
        start, stop = parts[i]
        low, high, total, squares = kernel.count(values, start, stop, cells, thresholds, slots[i])
        return low, high, total, squares

    futures = [_executor(_MAX_THREADS - 1).submit(run, i) for i in range(1, len(parts))]
    results = [run(0)] + [f.result() for f in futures]
    total_sum, squares = _combine(plan, iter([(r[2], r[3]) for r in results]))
    nan = squares != squares
    total = np.sum(slots, axis=0)
    return BucketCounts(
        edges=edges,
        counts=total[1:-1],
        num=int(values.size),
        min=float("nan") if nan else min(r[0] for r in results),
        max=float("nan") if nan else max(r[1] for r in results),
        sum=0.0 + total_sum,  # numpy adds the pairwise sum to its 0.0 identity
        sum_squares=0.0 + squares,
    )


def _count_numpy(values: np.ndarray, edges: np.ndarray) -> BucketCounts:
    v = values.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        counts = np.histogram(v, edges)[0].astype(np.int64)
        return BucketCounts(
            edges=edges,
            counts=counts,
            num=int(v.size),
            min=float(v.min()),
            max=float(v.max()),
            sum=float(v.sum()),
            sum_squares=float(np.sum(v * v)),
        )


def count(values: np.ndarray, bins: Bins, *, native: bool | None = None) -> BucketCounts:
    """Bucket counts and statistics of ``values`` (from :func:`to_float_array`).

    ``native`` forces (True) or avoids (False) the C kernel. By default it is used
    when built, except for arrays under ``_TABLE_WORTH`` values binned with other
    than the default edges: numpy bins those faster than a lookup table is built.
    """
    edges = resolve_edges(values, bins)
    use: Callable[[np.ndarray, np.ndarray], BucketCounts] = _count_numpy
    if native is None:
        cached = bins == "tensorflow" if isinstance(bins, str) else False
        native = HAVE_NATIVE and (cached or values.size >= _TABLE_WORTH)
    if native:
        if not HAVE_NATIVE:
            raise RuntimeError("trainboard._native._histogram is not built")
        use = _count_native
    return use(values, edges)
