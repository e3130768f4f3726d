from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import Golden
from trainboard._native import histogram_cpu, histogram_torch
from trainboard.format.kinds import histogram
from trainboard.format.kinds.histogram import BucketCounts, check_bins, default_edges
from trainboard.format.proto.summary_pb2 import HistogramProto, Summary

EDGES = default_edges()
RNG = np.random.default_rng(20240601)

native_modes = [
    False,
    pytest.param(True, marks=pytest.mark.skipif(
        not histogram_cpu.HAVE_NATIVE, reason="C kernel not built")),
]


def _reference(values: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """What torch computes: np.histogram and numpy's statistics on the float64 values."""
    v = values.astype(np.float64).reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        stats = [v.min(), v.max(), v.sum(), np.sum(v * v)]
    return np.histogram(v, edges)[0], [float(s) for s in stats]


INPUTS: dict[str, Callable[[], np.ndarray]] = {
    "normal32": lambda: RNG.standard_normal(70_001).astype(np.float32),
    "uniform64": lambda: RNG.uniform(-3, 7, 5_003),
    "on_edges32": lambda: EDGES.astype(np.float32),
    "on_edges64": lambda: np.concatenate(
        [EDGES, np.nextafter(EDGES, np.inf), np.nextafter(EDGES, -np.inf)]),
    "zeros": lambda: np.zeros(1000, np.float32),
    "signed_zeros": lambda: np.array([0.0, -0.0] * 50),
    "huge_tiny32": lambda: np.array(
        [3e38, -3e38, 1e30, 1e20, 9.99e19, 1e-12, -1e-12, 1e-13, 1e-40, -1e-45], np.float32),
    "huge_tiny64": lambda: np.array([1e300, -1e300, 1e-320, 1e20, 9.99e19, 1e-12, 5e-13]),
    "negative": lambda: -np.abs(RNG.standard_normal(999)) * 1e5,
    "float16": lambda: RNG.standard_normal(3000).astype(np.float16),
    "int64": lambda: RNG.integers(-1000, 1000, 4000),
    "uint8": lambda: RNG.integers(0, 255, 4000).astype(np.uint8),
    "bool": lambda: RNG.integers(0, 2, 100).astype(bool),
    "zero_dim": lambda: np.array(2.5),
    "non_finite": lambda: np.array([np.nan, np.inf, -np.inf, 1.0, -2.0, np.nan], np.float32),
    "all_nan": lambda: np.full(7, np.nan),
}


@pytest.mark.parametrize("native", native_modes)
@pytest.mark.parametrize("name", sorted(INPUTS))
def test_default_bins_counts_and_stats_equal_numpy(name: str, native: bool) -> None:
    values = INPUTS[name]()
    got = histogram_cpu.count(histogram_cpu.to_float_array(values), "tensorflow", native=native)
    counts, stats = _reference(values, EDGES)
    np.testing.assert_array_equal(got.counts, counts)
    # min, max and the pairwise sum are bit-identical to numpy's, NaN included.
    np.testing.assert_array_equal([got.min, got.max, got.sum, got.sum_squares], stats)
    assert got.num == values.size


@pytest.mark.parametrize("native", native_modes)
@pytest.mark.parametrize(
    "bins", [1, 10, 37, "auto", "fd", "sturges", np.array([-1.0, 0.0, 0.0, 0.5, 2.0])],
    ids=str,
)
def test_numpy_bin_specs_count_as_np_histogram(bins: Any, native: bool) -> None:
    values = RNG.standard_normal(20_000)
    got = histogram_cpu.count(values, check_bins(bins), native=native)
    counts, edges = np.histogram(values, bins)
    np.testing.assert_array_equal(got.edges, edges)
    np.testing.assert_array_equal(got.counts, counts)


@pytest.mark.parametrize("native", native_modes)
def test_bin_count_and_estimator_ignore_non_finite_values(native: bool) -> None:
    values = np.array([np.nan, 1.0, 2.0, np.inf, 4.0])
    got = histogram_cpu.count(values, 3, native=native)
    np.testing.assert_array_equal(got.edges, np.histogram_bin_edges([1.0, 4.0], 3))
    assert got.counts.tolist() == [1, 1, 1]
    assert np.isnan(got.sum) and np.isnan(got.min)
    nothing = histogram_cpu.count(np.array([np.nan, np.inf]), 4, native=native)
    np.testing.assert_array_equal(nothing.edges, np.linspace(0, 1, 5))
    auto = histogram_cpu.count(np.array([1.0, np.inf, 2.0, 2.0]), "auto", native=native)
    assert auto.counts.sum() == 3


@pytest.mark.skipif(not histogram_cpu.HAVE_NATIVE, reason="C kernel not built")
@pytest.mark.parametrize("size", [7, 130, 300, 1_000, 65_537, 300_001])
def test_threads_split_where_numpy_sums_pairwise(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(histogram_cpu, "_PARALLEL_MIN", 0)
    monkeypatch.setattr(histogram_cpu, "_thread_count", lambda: 4)
    values = RNG.standard_normal(size) * 10.0 ** RNG.uniform(-5, 5, size)
    got = histogram_cpu.count(values, "tensorflow", native=True)
    counts, stats = _reference(values, EDGES)
    np.testing.assert_array_equal(got.counts, counts)
    np.testing.assert_array_equal([got.min, got.max, got.sum, got.sum_squares], stats)


@pytest.mark.skipif(not histogram_cpu.HAVE_NATIVE, reason="C kernel not built")
def test_many_edges_per_table_cell_use_the_search_path() -> None:
    edges = np.linspace(1.0, 1.001, 500)  # hundreds of edges inside one 16-bit key cell
    values = RNG.uniform(0.9999, 1.0011, 100_000)
    for data in (values, values.astype(np.float32)):
        got = histogram_cpu.count(data, check_bins(edges), native=True)
        np.testing.assert_array_equal(got.counts, np.histogram(data.astype(np.float64), edges)[0])


@pytest.mark.skipif(not histogram_cpu.HAVE_NATIVE, reason="C kernel not built")
def test_kernel_rejects_malformed_arguments() -> None:
    kernel = histogram_cpu._kernel
    assert kernel is not None
    cells, thresholds = histogram_cpu._table(EDGES.tobytes(), False)
    values = np.ones(4, np.float32)
    counts = np.zeros(len(thresholds) + 1, np.int64)
    with pytest.raises(TypeError, match="float32 or float64"):
        kernel.count(np.ones(4, np.int32), 0, 4, cells, thresholds, counts)
    with pytest.raises(ValueError, match="outside"):
        kernel.count(values, 0, 5, cells, thresholds, counts)
    with pytest.raises(ValueError, match="int64"):
        kernel.count(values, 0, 4, cells, thresholds, counts[:-1])
    with pytest.raises(ValueError, match="cells"):
        kernel.count(values, 0, 4, cells[:-1], thresholds, counts)
    with pytest.raises(ValueError, match="sorted"):
        kernel.count(values, 0, 4, cells, thresholds[::-1].copy(), counts)
    bad = cells.copy()
    bad[5, 1] = 10**6
    with pytest.raises(ValueError, match="base"):
        kernel.count(values, 0, 4, bad, thresholds, counts)


def test_default_edges_are_torchs_default_bins(tmp_path: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(tmp_path)
    writer.close()
    assert len(EDGES) == 1549 and EDGES[774] == 0.0
    np.testing.assert_array_equal(EDGES, writer.default_bins)
    assert not EDGES.flags.writeable


def _torch_histogram(values: np.ndarray, bins: Any, max_bins: int | None) -> HistogramProto:
    from torch.utils.tensorboard.summary import histogram as torch_histogram

    spec = EDGES.tolist() if isinstance(bins, str) and bins == "tensorflow" else bins
    histo = torch_histogram(  # type: ignore[no-untyped-call]
        "t", values, spec, max_bins=max_bins
    ).value[0].histo
    return HistogramProto.FromString(histo.SerializeToString())  # TensorBoard's class -> ours


@pytest.mark.parametrize(
    ("bins", "max_bins"),
    [("tensorflow", None), ("tensorflow", 50), ("tensorflow", 7), (10, None), (10, 3),
     (64, 64), ("auto", None), (np.array([-2.0, -1.0, 0.0, 3.0]), None)],
    ids=str,
)
@pytest.mark.parametrize("name", ["normal32", "uniform64", "int64", "zero_dim", "on_edges32"])
def test_proto_equals_torchs_make_histogram(name: str, bins: Any, max_bins: int | None) -> None:
    values = INPUTS[name]()
    data = histogram_cpu.count(histogram_cpu.to_float_array(values), check_bins(bins))
    ours = histogram.histogram_proto(data, max_bins)
    theirs = _torch_histogram(values, bins, max_bins)
    # torch sums squares with BLAS v.dot(v), whose rounding depends on the CPU;
    # trainboard uses numpy's pairwise sum. Everything else is bit-identical.
    assert ours.sum_squares == pytest.approx(theirs.sum_squares, rel=1e-12)
    ours.sum_squares = theirs.sum_squares
    assert ours == theirs


def test_proto_golden(golden: Golden) -> None:
    values = np.array([-3.5, -1e-13, 0.0, 0.0, 1.0, 1.0, 1.1, 2.5, 1e4], np.float32)
    data = histogram_cpu.count(values, "tensorflow")
    golden.check("histogram_default_bins", histogram.histogram_proto(data))
    golden.check("histogram_max_bins", histogram.histogram_proto(data, max_bins=100))
    ten = histogram_cpu.count(values, 4)
    golden.check("histogram_four_bins", histogram.histogram_proto(ten))


def test_all_nan_writes_statistics_and_no_buckets() -> None:
    data = histogram_cpu.count(np.full(3, np.nan), "tensorflow")
    proto = histogram.histogram_proto(data)
    assert proto.num == 3 and np.isnan(proto.min) and np.isnan(proto.sum)
    assert list(proto.bucket) == [] and list(proto.bucket_limit) == []
    assert histogram.histogram_to_buckets(proto).shape == (0, 3)


def _migrated(histo: HistogramProto) -> np.ndarray:
    """TensorBoard's own migration of an old-style histogram value."""
    from tensorboard import data_compat
    from tensorboard.util import tensor_util

    value = Summary.Value(tag="h", histo=histo)
    migrated = data_compat.migrate_value(value)
    assert migrated.metadata.plugin_data.plugin_name == histogram.PLUGIN_NAME
    return np.asarray(tensor_util.make_ndarray(migrated.tensor))


@pytest.mark.parametrize("name", ["normal32", "zero_dim", "negative", "non_finite"])
def test_buckets_decode_as_tensorboard_migrates_them(name: str) -> None:
    data = histogram_cpu.count(histogram_cpu.to_float_array(INPUTS[name]()), "tensorflow")
    proto = histogram.histogram_proto(data)
    ours = histogram.histogram_to_buckets(proto)
    np.testing.assert_array_equal(ours.astype(np.float32), _migrated(proto))
    value = Summary.Value(tag="h", histo=proto)
    np.testing.assert_array_equal(histogram.decode(value), ours)


def test_new_style_tensor_decodes_to_the_same_buckets() -> None:
    from tensorboard import data_compat

    proto = histogram.histogram_proto(histogram_cpu.count(RNG.standard_normal(100), 5))
    migrated = data_compat.migrate_value(Summary.Value(tag="h", histo=proto))
    buckets = histogram.tensor_to_buckets(migrated.tensor)
    expected = histogram.histogram_to_buckets(proto).astype(np.float32)
    np.testing.assert_array_equal(buckets, expected)
    assert buckets.dtype == np.float64
    np.testing.assert_array_equal(histogram.decode(migrated), buckets)
    empty = data_compat.migrate_value(Summary.Value(tag="e", histo=HistogramProto()))
    assert histogram.decode(empty).shape == (0, 3)


def test_decode_rejects_what_is_not_a_histogram() -> None:
    from trainboard.format.kinds.tensor import ndarray_to_tensor

    with pytest.raises(ValueError, match="expected a histogram, got a simple_value"):
        histogram.decode(Summary.Value(tag="s", simple_value=1.0))
    with pytest.raises(ValueError, match=r"shape \[k, 3\].*\[2, 2\]"):
        histogram.tensor_to_buckets(ndarray_to_tensor(np.zeros((2, 2))))


@pytest.mark.parametrize(
    ("bins", "error", "match"),
    [
        ("bogus", ValueError, "bins='bogus' is not a known binning"),
        (0, ValueError, "positive number of buckets, got 0"),
        (True, TypeError, "got True"),
        (2.5, TypeError, "float 2.5"),
        ([1.0], ValueError, "at least 2 edges, got 1"),
        ([[1.0, 2.0]], TypeError, "1-D sequence"),
        (["a", "b"], TypeError, "1-D sequence"),
        ([0.0, np.nan], ValueError, "must not be NaN"),
        ([2.0, 1.0], ValueError, "increase monotonically"),
        ({"a": 1}, TypeError, "sequence of edges, got dict"),
    ],
)
def test_bad_bins_are_rejected(bins: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        check_bins(bins)


def test_bins_accept_numpy_and_torch_forms() -> None:
    torch = pytest.importorskip("torch")
    assert check_bins(np.int64(5)) == 5
    assert check_bins(np.array(3)) == 3
    np.testing.assert_array_equal(check_bins(torch.tensor([0, 1, 2])), [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="max_bins must be a positive int"):
        histogram.check_max_bins(0)
    with pytest.raises(TypeError, match="max_bins must be a positive int"):
        histogram.check_max_bins(2.0)
    assert histogram.check_max_bins(None) is None


def test_raw_histogram_is_written_as_given() -> None:
    from torch.utils.tensorboard.summary import histogram_raw

    raw = histogram.check_raw_histogram(0, 3, 6, 9.0, 21.0, [1.0, 2.0, 3.0], [1, 2, 3])
    ours = histogram.raw_histogram_proto(raw)
    theirs = histogram_raw(  # type: ignore[no-untyped-call]
        "r", 0, 3, 6, 9.0, 21.0, [1.0, 2.0, 3.0], [1, 2, 3]
    ).value[0].histo
    assert ours == HistogramProto.FromString(theirs.SerializeToString())


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0, 1, 1, 1, 1, [1.0, 2.0], [1]), ValueError, "same length, got 2 and 1"),
        ((0, 1, 1, 1, 1, [2.0, 1.0], [1, 1]), ValueError, "non-decreasing"),
        ((0, 1, 1, 1, 1, [1.0, np.nan], [1, 1]), ValueError, "non-decreasing"),
        ((0, 1, 1, 1, 1, [1.0], [-1]), ValueError, "bucket_counts must be non-negative"),
        ((0, 1, -1, 1, 1, [1.0], [1]), ValueError, "num must be a non-negative count"),
        ((2, 1, 1, 1, 1, [1.0], [1]), ValueError, "min must not exceed max"),
        (("a", 1, 1, 1, 1, [1.0], [1]), TypeError, "min must be a number"),
        ((0, 1, 1, 1, 1, [[1.0]], [1]), ValueError, "bucket_limits must be a 1-D"),
        ((0, 1, 1, 1, 1, [1.0], ["x"]), ValueError, "bucket_counts must be a 1-D"),
    ],
)
def test_bad_raw_histograms_are_rejected(
    args: tuple[Any, ...], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        histogram.check_raw_histogram(*args)


# ---------------------------------------------------------------- torch ops path (on CPU here)

TORCH_INPUTS = ["normal32", "uniform64", "float16", "int64", "bool", "non_finite", "all_nan",
                "on_edges32", "huge_tiny32", "zero_dim", "zeros"]


@pytest.mark.parametrize(
    "bins", ["tensorflow", 1, 10, np.array([-1.0, 0.0, 0.5, 2.0])], ids=str
)
@pytest.mark.parametrize("name", TORCH_INPUTS)
def test_torch_ops_path_counts_equal_numpy(
    name: str, bins: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch = pytest.importorskip("torch")
    values = INPUTS[name]()
    monkeypatch.setattr(histogram_torch, "CHUNK", max(1000, values.size // 3))  # several chunks
    got = histogram_torch.count_tensor(torch.from_numpy(values), check_bins(bins))()
    want = histogram_cpu.count(histogram_cpu.to_float_array(values), check_bins(bins))
    np.testing.assert_array_equal(got.edges, want.edges)
    np.testing.assert_array_equal(got.counts, want.counts)
    assert got.num == want.num
    np.testing.assert_array_equal([got.min, got.max], [want.min, want.max])
    # Device reductions add in another order: equal up to rounding.
    scale = float(np.abs(values.astype(np.float64)).sum())
    np.testing.assert_allclose(got.sum, want.sum, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(got.sum_squares, want.sum_squares, rtol=1e-12)


def test_torch_ops_path_reads_bfloat16_exactly() -> None:
    torch = pytest.importorskip("torch")
    values = torch.randn(5000).bfloat16()
    got = histogram_torch.count_tensor(values, "tensorflow")()
    counts, _ = _reference(values.float().numpy(), EDGES)
    np.testing.assert_array_equal(got.counts, counts)


def test_bucket_counts_is_a_frozen_value() -> None:
    data = BucketCounts(EDGES, np.zeros(len(EDGES) - 1, np.int64), 0, 0.0, 0.0, 0.0, 0.0)
    with pytest.raises(AttributeError):
        data.num = 3  # type: ignore[misc]
