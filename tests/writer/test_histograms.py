"""add_histogram and add_histogram_raw.

What we write is read back by TensorBoard's plugin_event_accumulator (which migrates
old-style histograms to ``[k, 3]`` tensors) and compared, as protos, with what
torch.utils.tensorboard's summary functions build for the same input.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import Golden
from tests.support import summary_values, tb_accumulator
from trainboard import SummaryWriter
from trainboard._native import histogram_cpu
from trainboard.format.kinds import histogram
from trainboard.format.proto.summary_pb2 import HistogramProto
from trainboard.writer import _histograms

torch = pytest.importorskip("torch")
torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")

RNG = np.random.default_rng(11)
EDGES = histogram.default_edges().tolist()
cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


def _torch_histo(values: Any, bins: Any = "tensorflow", max_bins: int | None = None) -> Any:
    """torch's HistogramProto for ``values``, as our message class."""
    spec = EDGES if isinstance(bins, str) and bins == "tensorflow" else bins
    histo = torch_summary.histogram("t", values, spec, max_bins=max_bins).value[0].histo
    return HistogramProto.FromString(histo.SerializeToString())


def _same(ours: HistogramProto, theirs: HistogramProto) -> None:
    # torch sums squares with BLAS v.dot(v), whose last bits depend on the CPU; we use
    # numpy's pairwise sum. Every other field is bit-identical.
    assert ours.sum_squares == pytest.approx(theirs.sum_squares, rel=1e-12, nan_ok=True)
    ours.sum_squares = theirs.sum_squares
    assert ours == theirs


INPUTS: list[tuple[str, Any, Any]] = [
    ("tensor_f32", lambda: torch.randn(10_000), None),
    ("param_with_grad", lambda: torch.nn.Parameter(torch.randn(30, 20)) * 2, None),
    ("tensor_f64", lambda: torch.rand(3, 500, dtype=torch.float64) - 0.2, None),
    ("tensor_f16", lambda: torch.randn(2000).half(), None),
    ("tensor_int", lambda: torch.randint(-50, 50, (3000,)), None),
    ("tensor_bool", lambda: torch.rand(100) > 0.5, None),
    ("tensor_0dim", lambda: torch.tensor(3.25), None),
    ("transposed", lambda: torch.randn(40, 70).t(), None),
    ("numpy_f32", lambda: RNG.standard_normal(5000).astype(np.float32), None),
    ("numpy_uint8", lambda: RNG.integers(0, 255, (20, 20)).astype(np.uint8), None),
    ("list", lambda: [1, 2, 2, 3.5, -7], lambda v: np.asarray(v)),
    ("number", lambda: 4.0, lambda v: np.asarray([v])),
]


@pytest.mark.parametrize(("bins", "max_bins"), [("tensorflow", None), (20, None), (20, 6)],
                         ids=str)
@pytest.mark.parametrize(("name", "make", "as_torch_input"), INPUTS, ids=[i[0] for i in INPUTS])
def test_protos_equal_torchs(
    tmp_path: Path, name: str, make: Any, as_torch_input: Any, bins: Any, max_bins: int | None
) -> None:
    values = make()
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("h", values, 3, bins=bins, max_bins=max_bins)
    [(step, value)] = summary_values(tmp_path)
    assert step == 3 and value.tag == "h" and not value.HasField("metadata")
    reference = as_torch_input(values) if as_torch_input else values
    _same(value.histo, _torch_histo(reference, bins, max_bins))


def test_bfloat16_is_read_exactly(tmp_path: Path) -> None:
    values = torch.randn(3000).bfloat16() * 1e5
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("h", values, 0)
    [(_, value)] = summary_values(tmp_path)
    # torch goes through float16 (rounding, overflowing to inf above 65504); every
    # bfloat16 is a float32, so we compare with torch on the float32 values.
    _same(value.histo, _torch_histo(values.float()))


def test_read_back_by_tensorboard(tmp_path: Path) -> None:
    values = [RNG.standard_normal(1000) * (step + 1) for step in range(3)]
    with SummaryWriter(tmp_path, capture_environment=False) as w:
        for step, v in enumerate(values):
            w.add_histogram("weights/fc", v, step)
        w.add_histogram_raw("raw", 0.5, 3.0, 6, 10.0, 21.5, [1.0, 2.0, 3.0], [1, 2, 3], 7)
    acc = tb_accumulator(tmp_path)
    assert sorted(acc.Tags()["tensors"]) == ["raw", "weights/fc"]
    assert acc.SummaryMetadata("weights/fc").plugin_data.plugin_name == "histograms"
    written = {(s, v.tag): v.histo for s, v in summary_values(tmp_path)}
    for event in acc.Tensors("weights/fc"):
        got = np.frombuffer(event.tensor_proto.tensor_content, np.float32).reshape(-1, 3)
        want = histogram.histogram_to_buckets(written[(event.step, "weights/fc")])
        np.testing.assert_array_equal(got, want.astype(np.float32))
        assert got[:, 2].sum() == 1000
    [raw] = acc.Tensors("raw")
    assert raw.step == 7
    got = np.frombuffer(raw.tensor_proto.tensor_content, np.float32).reshape(-1, 3)
    np.testing.assert_array_equal(got, [[0.5, 1, 1], [1, 2, 2], [2, 3, 3]])


def test_golden(tmp_path: Path, golden: Golden) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("h", np.array([-2.0, -0.5, 0.0, 0.25, 0.25, 1.0, 8.0]), 0)
        w.add_histogram("h", np.arange(12, dtype=np.float32), 1, bins=5, max_bins=2)
    (_, first), (_, second) = summary_values(tmp_path)
    golden.check("add_histogram_default", first)
    golden.check("add_histogram_bins5_max2", second)


def test_nan_and_inf_are_written_never_raised(tmp_path: Path) -> None:
    values = np.array([1.0, np.nan, np.inf, -np.inf, 2.0])
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("default", values, 0)
        w.add_histogram("count", values, 0, bins=4)  # np.histogram would raise here
        w.add_histogram("auto", values, 0, bins="auto")
        w.add_histogram("all_nan", np.full(4, np.nan), 0)
    got = {v.tag: v.histo for _, v in summary_values(tmp_path)}
    for tag in ("default", "count", "auto"):
        assert got[tag].num == 5 and math.isnan(got[tag].min) and math.isnan(got[tag].sum)
        assert sum(got[tag].bucket) == 2, tag
    torch_default = _torch_histo(values)  # torch agrees with the default bins
    _same(got["default"], torch_default)
    assert list(got["all_nan"].bucket) == [] and got["all_nan"].num == 4
    acc = tb_accumulator(tmp_path)
    assert acc.Tensors("all_nan")[0].tensor_proto.tensor_shape.dim[0].size == 0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda w: w.add_histogram(1, [1.0]), TypeError, "tag must be a str"),
        (lambda w: w.add_histogram("h", []), ValueError, r"values must not be empty.*\(0,\)"),
        (lambda w: w.add_histogram("h", torch.zeros(0, 3)), ValueError, r"\(0, 3\)"),
        (lambda w: w.add_histogram("h", ["a"]), TypeError, "real numbers.*<U1"),
        (lambda w: w.add_histogram("h", np.ones(3) * 1j), TypeError, "complex128"),
        (lambda w: w.add_histogram("h", object()), TypeError, "real numbers"),
        (lambda w: w.add_histogram("h", [1.0], bins="nope"), ValueError, "bins='nope'"),
        (lambda w: w.add_histogram("h", [1.0], bins=0), ValueError, "positive number"),
        (lambda w: w.add_histogram("h", [1.0], max_bins=0), ValueError, "max_bins"),
        (lambda w: w.add_histogram("h", [1.0], global_step=1.5), ValueError, "global_step"),
        (lambda w: w.add_histogram("h", [1.0], walltime="x"), TypeError, "walltime"),
        (lambda w: w.add_histogram_raw("r", 0, 1, 1, 1, 1, [1, 2], [1]), ValueError,
         "same length, got 2 and 1"),
        (lambda w: w.add_histogram_raw("r", 0, 1, 1, 1, 1, [1], [-1]), ValueError,
         "non-negative"),
        (lambda w: w.add_histogram_raw(None, 0, 1, 1, 1, 1, [1], [1]), TypeError, "tag"),
    ],
)
def test_bad_input_raises_clearly_and_keeps_what_was_logged(
    tmp_path: Path, call: Any, error: type[Exception], match: str
) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("ok", [1.0, 2.0], 0)
        with pytest.raises(error, match=match):
            call(w)
        w.add_histogram("ok", [3.0], 1)
    assert [(s, v.histo.num) for s, v in summary_values(tmp_path)] == [(0, 2.0), (1, 1.0)]


def test_in_place_changes_after_the_call_are_not_logged(tmp_path: Path) -> None:
    values = torch.ones(100)
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("h", values, 0)
        values.mul_(-5)
    [(_, value)] = summary_values(tmp_path)
    assert value.histo.min == 1.0 and value.histo.sum == 100.0


def test_missing_step_numbers_histograms_per_tag(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for _ in range(3):
            w.add_histogram("h", [1.0])
        w.add_histogram_raw("r", 1, 1, 1, 1, 1, [1.0], [1])
    assert [(s, v.tag) for s, v in summary_values(tmp_path)] == [
        (0, "h"), (1, "h"), (2, "h"), (0, "r")]


def test_write_to_disk_false_still_validates(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "off", write_to_disk=False)
    w.add_histogram("h", [1.0, 2.0], 0)
    with pytest.raises(ValueError, match="empty"):
        w.add_histogram("h", [], 0)
    w.close()
    assert not (tmp_path / "off").exists()


def test_device_reader_path_matches_the_host_path() -> None:
    # The torch-ops path CUDA tensors take, run on a CPU tensor.
    values = torch.randn(5000, dtype=torch.float64)
    for bins in ("tensorflow", 10, "fd", histogram.check_bins([-1.0, 0.0, 1.0])):
        spec = histogram.check_bins(bins)
        device = _histograms._device_reader(values, spec)()
        host = histogram_cpu.count(values.numpy(), spec)
        np.testing.assert_array_equal(device.counts, host.counts)
        np.testing.assert_array_equal(device.edges, host.edges)
    with pytest.raises(ValueError, match="meta tensor"):
        _histograms._device_reader(torch.empty(3, device="meta"), "tensorflow")
    with pytest.raises(TypeError, match="complex"):
        _histograms._device_reader(torch.ones(3, dtype=torch.complex64), "tensorflow")
    with pytest.raises(ValueError, match="empty"):
        _histograms._device_reader(torch.ones(0), "tensorflow")


def test_without_the_c_kernel_the_output_is_identical(tmp_path: Path) -> None:
    values = RNG.standard_normal(100_000).astype(np.float32)
    np.save(tmp_path / "values.npy", values)
    script = (
        "import sys, numpy as np\n"
        "from trainboard._native import histogram_cpu\n"
        "assert not histogram_cpu.HAVE_NATIVE\n"
        "from trainboard import SummaryWriter\n"
        "with SummaryWriter(sys.argv[1]) as w:\n"
        "    w.add_histogram('h', np.load(sys.argv[2]), 0)\n"
        "    w.add_histogram('h', np.load(sys.argv[2]), 1, bins=50)\n"
    )
    env = {**os.environ, "TRAINBOARD_PURE_PYTHON": "1"}
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "pure"), str(tmp_path / "values.npy")],
        check=True, env=env,
    )
    with SummaryWriter(tmp_path / "native") as w:
        w.add_histogram("h", values, 0)
        w.add_histogram("h", values, 1, bins=50)
    pure = [v for _, v in summary_values(tmp_path / "pure")]
    native = [v for _, v in summary_values(tmp_path / "native")]
    assert pure == native  # bit-identical, sums included


@cuda
def test_cuda_tensor_counts_equal_the_cpu_result(tmp_path: Path) -> None:
    values = torch.randn(3_000_001, device="cuda") * 3
    with SummaryWriter(tmp_path) as w:
        for bins in ("tensorflow", 30, "auto"):
            w.add_histogram(f"h{bins}", values, 0, bins=bins)
            w.add_histogram(f"c{bins}", values.cpu(), 0, bins=bins)
        w.add_histogram("f16", values.half(), 0)
        w.add_histogram("f16cpu", values.half().cpu(), 0)
    got = {v.tag: v.histo for _, v in summary_values(tmp_path)}
    for device_tag, host_tag in [("htensorflow", "ctensorflow"), ("h30", "c30"),
                                 ("hauto", "cauto"), ("f16", "f16cpu")]:
        device, host = got[device_tag], got[host_tag]
        assert list(device.bucket) == list(host.bucket)
        assert list(device.bucket_limit) == list(host.bucket_limit)
        assert (device.min, device.max, device.num) == (host.min, host.max, host.num)
        assert device.sum == pytest.approx(host.sum, rel=1e-9, abs=1e-6)
