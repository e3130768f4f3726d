"""Drop-in details found by running the peers' own test suites against trainboard (issue 15).

Each case compares with what torch or tensorboardX does for the same call.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import trainboard
from tests.support import event_files, read_events, summary_values
from trainboard import SummaryWriter
from trainboard.format.kinds.tensor import tensor_to_ndarray
from trainboard.format.record import iter_records
from trainboard.writer import FileWriter

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="compares with torch.utils.tensorboard")
torch: Any = importlib.import_module("torch") if HAS_TORCH else None
TorchWriter: Any = (
    importlib.import_module("torch.utils.tensorboard").SummaryWriter if HAS_TORCH else None
)


def summaries(logdir: Path) -> list[tuple[str, Any]]:
    """``(run, Summary)`` of every summary event in every run under ``logdir``."""
    out: list[tuple[str, Any]] = []
    for directory, _, _ in os.walk(logdir):
        run = os.path.relpath(directory, logdir)
        out.extend((run, e.summary) for e in read_events(directory) if e.HasField("summary"))
    return sorted(out, key=lambda item: (item[0], item[1].SerializeToString()))


# ------------------------------------------------------------------ export_scalars_to_json


def test_export_scalars_to_json_writes_tensorboardx_keys_and_values(tmp_path: Path) -> None:
    from tensorboardX import SummaryWriter as TbxWriter

    def log(w: Any) -> None:
        w.add_scalars("loss", {"train": 0.1, "val": 2.5}, 0, walltime=100.0)
        w.add_scalars("loss", {"train": 1 / 3}, 1, walltime=101.0)
        w.add_scalars("acc/top1", {"val": np.float32(0.75)}, 1, walltime=102.0)

    exported = {}
    for name, cls in (("tbx", TbxWriter), ("tb", SummaryWriter)):
        logdir = str(tmp_path / name / "run")
        w = cls(logdir)
        log(w)
        w.export_scalars_to_json(tmp_path / f"{name}.json")
        w.close()
        text = (tmp_path / f"{name}.json").read_text()
        exported[name] = json.loads(text.replace(logdir, "<logdir>"))
    assert (
        exported["tb"].keys()
        == exported["tbx"].keys()
        == {
            "<logdir>/loss/train",
            "<logdir>/loss/val",
            "<logdir>/acc/top1/val",
        }
    )
    assert exported["tb"]["<logdir>/loss/train"] == [[100.0, 0, 0.1], [101.0, 1, 0.33333334]]
    for key, points in exported["tbx"].items():
        got = exported["tb"][key]
        assert [p[:2] for p in got] == [p[:2] for p in points]
        # float32 in the event file: the same number as tbx's float64 up to float32 rounding
        assert [p[2] for p in got] == pytest.approx([p[2] for p in points], rel=1e-7)


def test_export_scalars_to_json_keeps_add_scalar_and_exact_doubles(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "run")
    w.add_scalar("a/b", 0.1, 0, walltime=5.0)
    w.add_scalar("d", 0.1, 0, walltime=5.0, new_style=True, double_precision=True)
    w.add_scalars("a", {"c": 1.0}, 0, walltime=6.0)
    w.export_scalars_to_json(tmp_path / "out.json")
    w.close()
    run = str(tmp_path / "run")
    assert json.loads((tmp_path / "out.json").read_text()) == {
        f"{run}/a/b": [[5.0, 0, 0.1]],
        f"{run}/d": [[5.0, 0, 0.1]],
        f"{run}/a/c": [[6.0, 0, 1.0]],
    }


# ------------------------------------------------------------------ the empty tag

EMPTY_TAG_CALLS: dict[str, Callable[[Any], None]] = {
    "scalar": lambda w: w.add_scalar("", 1.5, 0),
    "scalar_new_style": lambda w: w.add_scalar("", 1.5, 0, new_style=True),
    "scalars": lambda w: w.add_scalars("", {"a": 1.0, "": 2.0}, 0),
    "tensor": lambda w: w.add_tensor("", torch.tensor([1.0, 2.0]), 0),
    "histogram": lambda w: w.add_histogram("", np.arange(10.0), 0),
    "histogram_raw": lambda w: w.add_histogram_raw("", 0, 2, 3, 3, 5, [1, 2], [1, 2], 0),
    "image": lambda w: w.add_image("", np.zeros((3, 4, 4)), 0),
    "images": lambda w: w.add_images("", np.zeros((2, 3, 4, 4)), 0),
    "image_with_boxes": lambda w: w.add_image_with_boxes(
        "", np.zeros((3, 8, 8)), np.array([[1, 1, 4, 4]]), 0
    ),
    "text": lambda w: w.add_text("", "hi", 0),
    "audio": lambda w: w.add_audio("", np.zeros(100), 0),
    "pr_curve": lambda w: w.add_pr_curve("", np.array([0, 1]), np.array([0.2, 0.8]), 0),
    "pr_curve_raw": lambda w: w.add_pr_curve_raw(
        "", [2, 1], [1, 0], [0, 1], [0, 1], [0.6, 1.0], [1.0, 0.5], 0, num_thresholds=2
    ),
    "mesh": lambda w: w.add_mesh(
        "", torch.zeros(1, 3, 3), faces=torch.zeros(1, 1, 3, dtype=torch.int), global_step=0
    ),
    "hparams_metric": lambda w: w.add_hparams({"x": 1}, {"": 1.0}, run_name="hp"),
}


@pytest.mark.parametrize("kind", sorted(EMPTY_TAG_CALLS))
@needs_torch
def test_the_empty_tag_is_accepted_and_written_as_torch_writes_it(
    tmp_path: Path, kind: str
) -> None:
    call = EMPTY_TAG_CALLS[kind]
    with SummaryWriter(tmp_path / "tb") as w:
        call(w)
    with TorchWriter(str(tmp_path / "torch")) as tw:
        call(tw)
    ours, theirs = summaries(tmp_path / "tb"), summaries(tmp_path / "torch")
    assert [run for run, _ in ours] == [run for run, _ in theirs]
    assert [s for _, s in ours] == [s for _, s in theirs]
    with trainboard.open(tmp_path / "tb", use_cache=False) as lg:
        assert not lg.warnings
        tags = {tag for run in lg.runs for tag in lg.tags(run)}
    assert "" in tags or kind in ("text", "mesh")  # these two add a suffix to the tag


def test_the_empty_tag_is_read_back(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "a", capture_environment=False) as w:
        w.add_scalar("", 1.0, 5, walltime=1.0)  # the checking path
        w.add_scalar("", 2.0, 6)  # the fast path
    with SummaryWriter(tmp_path / "b", capture_environment=False) as w:
        w.add_tensor("", np.array([3, 4], dtype=np.int64), 0)
    with SummaryWriter(tmp_path / "c", capture_environment=False) as w:
        w.add_histogram("", np.arange(4.0), 0)
    with trainboard.open(tmp_path, use_cache=False) as lg:
        assert lg.tags("a") == lg.tags("b") == lg.tags("c") == [""]
        scalars = lg.scalars("a", "")
        assert list(scalars.steps) == [5, 6] and list(scalars.values) == [1.0, 2.0]
        assert lg.tensors("b", "").values[0].tolist() == [3, 4]
        assert lg.histograms("c", "").steps.tolist() == [0]


def test_the_empty_tag_of_videos_and_figures_is_accepted(tmp_path: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1])
    with SummaryWriter(tmp_path / "video", capture_environment=False) as w:
        w.add_video("", np.zeros((1, 2, 3, 4, 4)), 0)
    with SummaryWriter(tmp_path / "figure", capture_environment=False) as w:
        w.add_figure("", figure, 0)
    with trainboard.open(tmp_path, use_cache=False) as lg:
        assert lg.tags("video") == lg.tags("figure") == [""]
        assert len(lg.images("figure", "").steps) == 1


def test_empty_tag_scalar_records_are_protobuf_bytes(tmp_path: Path) -> None:
    from trainboard.format.proto.event_pb2 import Event
    from trainboard.format.proto.summary_pb2 import Summary

    with SummaryWriter(tmp_path) as w:
        w.add_scalar("", 0.5, 3, walltime=7.0)  # checking path
        w.add_scalar("", 0.25, 4)  # fast path
    (path,) = event_files(tmp_path)
    with open(path, "rb") as f:
        records = [data for _, data in iter_records(f)][1:]
    for data in records:
        event = Event.FromString(data)
        value = Summary.Value(tag="", simple_value=event.summary.value[0].simple_value)
        expected = Event(wall_time=event.wall_time, step=event.step, summary=Summary(value=[value]))
        assert data == expected.SerializeToString()
    assert [(e.step, e.summary.value[0].simple_value) for e in map(Event.FromString, records)] == [
        (3, 0.5),
        (4, 0.25),
    ]


@needs_torch
def test_the_empty_tag_of_an_embedding_lies_where_torch_puts_it(tmp_path: Path) -> None:
    mat = torch.arange(6.0).reshape(3, 2)
    with SummaryWriter(tmp_path / "tb") as w:
        w.add_embedding(mat, metadata=["a", "b", "c"], tag="", global_step=0)
    with TorchWriter(str(tmp_path / "torch")) as tw:
        tw.add_embedding(mat, metadata=["a", "b", "c"], tag="", global_step=0)
    for name in ("projector_config.pbtxt", "00000/tensors.tsv", "00000/metadata.tsv"):
        assert (tmp_path / "tb" / name).read_bytes() == (tmp_path / "torch" / name).read_bytes()


# ------------------------------------------------------------------ numeric strings


@pytest.mark.parametrize("text", ["0.5", b"0.5", " 1e3 ", "-2", "nan", "inf", "1_000"])
@needs_torch
def test_numeric_strings_are_converted_as_torch_converts_them(tmp_path: Path, text: Any) -> None:
    with SummaryWriter(tmp_path / "tb") as w:
        w.add_scalar("loss", text, 0)
        w.add_scalars("group", {"a": text}, 0)
    with TorchWriter(str(tmp_path / "torch")) as tw:
        tw.add_scalar("loss", text, 0)
        tw.add_scalars("group", {"a": text}, 0)
    ours, theirs = summaries(tmp_path / "tb"), summaries(tmp_path / "torch")
    assert [run for run, _ in ours] == [run for run, _ in theirs]
    ours_values = [s.value[0].simple_value for _, s in ours]
    theirs_values = [s.value[0].simple_value for _, s in theirs]
    np.testing.assert_array_equal(ours_values, theirs_values)
    assert ours_values[0] == pytest.approx(float(text)) or np.isnan(ours_values[0])


@pytest.mark.parametrize("text", ["abc", "", "0x10", b"x"])
@needs_torch
def test_non_numeric_strings_raise_value_error_as_in_torch(tmp_path: Path, text: Any) -> None:
    with TorchWriter(str(tmp_path / "torch")) as tw, pytest.raises(ValueError):
        tw.add_scalar("loss", text, 0)
    with SummaryWriter(tmp_path / "tb") as w:
        with pytest.raises(ValueError, match=r"scalar_value must be a number, got"):
            w.add_scalar("loss", text, 0)
        with pytest.raises(ValueError, match=r"tag_scalar_dict\['a'\] must be a number"):
            w.add_scalars("group", {"a": text}, 0)
        w.add_scalar("loss", "1.5", 0)
    assert [v.simple_value for _, v in summary_values(tmp_path / "tb")] == [1.5]


# ------------------------------------------------------------------ bfloat16 add_tensor


@pytest.mark.parametrize("shape", [(3,), (2, 2), ()])
@needs_torch
def test_bfloat16_add_tensor_is_written_byte_for_byte_as_torch_writes_it(
    tmp_path: Path, shape: tuple[int, ...]
) -> None:
    values = torch.tensor([1.0, -2.5, 3.140625, -0.0][: max(1, int(np.prod(shape)))])
    tensor = values.reshape(shape).to(torch.bfloat16)
    with SummaryWriter(tmp_path / "tb") as w:
        w.add_tensor("t", tensor, 0, walltime=1.0)
    with TorchWriter(str(tmp_path / "torch")) as tw:
        tw.add_tensor("t", tensor, 0, walltime=1.0)
    ((_, ours),) = summary_values(tmp_path / "tb")
    ((_, theirs),) = summary_values(tmp_path / "torch")
    assert ours.tensor.dtype == theirs.tensor.dtype == 14  # DT_BFLOAT16
    assert ours.SerializeToString() == theirs.SerializeToString()
    for value in (ours, theirs):  # our reader decodes torch's layout
        got = tensor_to_ndarray(value.tensor)
        np.testing.assert_array_equal(got, tensor.float().numpy())


@needs_torch
def test_reader_decodes_torch_float16_half_val_and_16_bit_patterns(tmp_path: Path) -> None:
    half = torch.tensor([[1.0, -2.5], [0.0, 65504.0]], dtype=torch.float16)
    with TorchWriter(str(tmp_path / "torch")) as tw:
        tw.add_tensor("h", half, 0)
    with SummaryWriter(tmp_path / "tb") as w:
        w.add_tensor("h", half, 0)
    for run in ("torch", "tb"):
        ((_, value),) = summary_values(tmp_path / run)
        got = tensor_to_ndarray(value.tensor)
        assert got.dtype == np.float16
        np.testing.assert_array_equal(got, half.numpy())
    with trainboard.open(tmp_path, use_cache=False) as lg:
        for run in ("torch", "tb"):
            np.testing.assert_array_equal(lg.tensors(run, "h").values[0], half.numpy())


# ------------------------------------------------------------------ URL log dirs


# Object-store URLs (s3://, gs://, ...) are written through fsspec (tests/writer/
# test_object_store.py, tests/remote/). A scheme no fsspec backend knows still raises
# before anything is created.
@pytest.mark.parametrize("url", ["nosuch://bucket/runs/x", "NoSuch://b"])
@pytest.mark.parametrize("cls", [SummaryWriter, FileWriter])
def test_an_unknown_url_scheme_raises_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, cls: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    scheme = url.split("://")[0].lower()
    with pytest.raises(ValueError, match=rf"no file system for {scheme}://.*local path"):
        cls(url)
    if cls is SummaryWriter:
        with pytest.raises(ValueError, match=rf"{scheme}://"):
            SummaryWriter(logdir=url)
    assert os.listdir(tmp_path) == [], "nothing is created locally"


@pytest.mark.parametrize("prefix", ["file://", "file://localhost"])
def test_a_file_url_log_dir_is_its_local_path(tmp_path: Path, prefix: str) -> None:
    target = tmp_path / "runs" / "x"
    with SummaryWriter(prefix + str(target)) as w:
        assert w.log_dir == w.get_logdir() == str(target)
        w.add_scalar("a", 1.0, 0)
        w.add_scalars("m", {"k": 2.0}, 0)
    fw = FileWriter(prefix + str(tmp_path / "raw"))
    fw.close()
    assert [v.simple_value for _, v in summary_values(target)] == [1.0]
    assert len(event_files(target / "m_k")) == 1
    assert len(event_files(tmp_path / "raw")) == 1
    assert sorted(os.listdir(tmp_path)) == ["raw", "runs"]
