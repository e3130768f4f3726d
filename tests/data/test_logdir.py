"""LogdirProvider reads what real writers wrote, value for value, as TensorBoard does."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.data.logdirs import (
    assert_same_as_tensorboard,
    scalar_event,
    write_events,
    write_tf2_run,
)
from trainboard.data.logdir import LogdirProvider
from trainboard.data.provider import DataClass
from trainboard.errors import NotFoundError
from trainboard.format.proto.event_pb2 import Event, SessionLog

SCALARS = [0.5, -2.0, math.nan, math.inf, 1e-30, 3.0, -math.inf, 1e38]


def _open(logdir: Path) -> LogdirProvider:
    provider = LogdirProvider(logdir, use_cache=False)
    provider.reload()
    return provider


def _write_with(writer_class: Any, logdir: Path, *, audio: bool = True) -> None:
    writer = writer_class(str(logdir / "run"))
    for step, value in enumerate(SCALARS):
        writer.add_scalar("loss", value, step)
        writer.add_scalars("pair", {"a": step, "b": -step}, step)
    rng = np.random.default_rng(0)
    writer.add_histogram("weights", rng.standard_normal(500), 3)
    writer.add_image("image", rng.random((3, 6, 5)), 4)
    writer.add_images("batch", rng.random((2, 3, 4, 4)), 5)
    writer.add_text("note", "hello **world**", 6)
    if audio:  # tensorboardX needs the soundfile package for it
        writer.add_audio("clip", rng.uniform(-1, 1, 800), 7, sample_rate=8000)
    labels = np.array([0, 1, 1, 0, 1])
    writer.add_pr_curve("pr", labels, np.array([0.1, 0.9, 0.6, 0.4, 0.7]), 8, num_thresholds=5)
    hparams = ({"lr": 0.1, "name": "x"}, {"hparam/score": 0.75})
    if "run_name" in writer.add_hparams.__code__.co_varnames:
        writer.add_hparams(*hparams, run_name="hp")
    else:  # tensorboardX calls it name
        writer.add_hparams(*hparams, name="hp")
    writer.close()


@pytest.mark.torch
def test_torch_writer_logdir_reads_as_tensorboard(tmp_path: Path, kernel: str) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    _write_with(torch_tb.SummaryWriter, tmp_path)
    provider = _open(tmp_path)
    for run in provider.runs():
        assert_same_as_tensorboard(provider, tmp_path, run.name)
    loss = provider.read_scalars("run", "loss")
    assert loss.steps.tolist() == list(range(len(SCALARS)))
    expected = np.array(SCALARS, dtype=np.float32).astype(np.float64)
    assert np.array_equal(loss.values, expected, equal_nan=True)


def test_tensorboardx_writer_logdir_reads_as_tensorboard(tmp_path: Path, kernel: str) -> None:
    tbx = pytest.importorskip("tensorboardX")
    _write_with(tbx.SummaryWriter, tmp_path, audio=False)
    provider = _open(tmp_path)
    assert {r.name for r in provider.runs()} >= {"run", "run/pair/a", "run/pair/b", "run/hp"}
    for run in provider.runs():
        assert_same_as_tensorboard(provider, tmp_path, run.name)


def test_trainboard_writer_logdir_reads_as_tensorboard(tmp_path: Path, kernel: str) -> None:
    from trainboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "run"))
    for step, value in enumerate(SCALARS):
        writer.add_scalar("loss", value, step)
        writer.add_scalars("pair", {"a": step, "b": -step}, step)
    writer.add_histogram("weights", np.arange(100.0), 3)
    writer.add_text("note", "hi", 4)
    writer.close()
    provider = _open(tmp_path)
    for run in provider.runs():
        assert_same_as_tensorboard(provider, tmp_path, run.name)


def test_tf2_style_events_read_as_written(tmp_path: Path, kernel: str) -> None:
    written = write_tf2_run(tmp_path / "tf2")
    provider = _open(tmp_path)
    assert_same_as_tensorboard(provider, tmp_path, "tf2")
    for name in ("float", "double", "int32", "int64"):
        series = provider.read_scalars("tf2", f"scalar/{name}")
        expected = [float(np.asarray(v, dtype=series.values.dtype)) for v in written[name]]
        if name == "float":
            expected = [float(np.float32(v)) for v in written[name]]
        assert series.values.tolist() == expected
        assert series.steps.tolist() == [0, 1, 2]
    hist = provider.read_tensors("tf2", "hist")
    for ours, theirs in zip(hist.values, written["hist"], strict=True):
        assert np.array_equal(ours, theirs)
    images = provider.read_blob_sequences("tf2", "images")
    assert images.lengths.tolist() == [4]
    assert provider.read_blob(images.refs[0][3].key)[:4] == b"\x89PNG"
    audio = provider.read_blob_sequences("tf2", "audio")  # the clips, not the labels
    assert [provider.read_blob(r.key) for r in audio.refs[0]] == [b"RIFF-one", b"RIFF-two"]
    untyped = provider.tags("tf2", data_class=DataClass.UNKNOWN)
    assert [i.tag for i in untyped] == ["untyped"]
    assert provider.read_tensors("tf2", "untyped").values[0].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_scalars_from_tensor_and_simple_value_read_alike(tmp_path: Path, kernel: str) -> None:
    write_events(tmp_path / "r", [scalar_event(s, "x", s * 0.5) for s in range(5)])
    provider = _open(tmp_path)
    series = provider.read_scalars("r", "x")
    assert series.values.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    info = provider.tags("r")[0]
    assert (info.plugin_name, info.display_name) == ("scalars", "x")
    assert info.data_class is DataClass.SCALAR


def test_steps_going_backwards_are_all_kept(tmp_path: Path, kernel: str) -> None:
    steps = [0, 1, 2, 3, 1, 2, 3, 4]
    write_events(tmp_path / "r", [scalar_event(s, "x", float(i)) for i, s in enumerate(steps)])
    provider = _open(tmp_path)
    assert provider.read_scalars("r", "x").steps.tolist() == steps
    assert_same_as_tensorboard(provider, tmp_path, "r")


def _start(step: int) -> Event:
    return Event(step=step, wall_time=1.0, session_log=SessionLog(status=SessionLog.START))


def test_restart_purges_like_tensorboards_python_loader(tmp_path: Path, kernel: str) -> None:
    first = [_start(0), *[scalar_event(s, "x", float(s)) for s in range(10)]]
    write_events(tmp_path / "r", first, "events.out.tfevents.1.a")
    restart = [_start(5), *[scalar_event(s, "x", 100.0 + s) for s in range(5, 8)]]
    write_events(tmp_path / "r", restart, "events.out.tfevents.2.a")
    provider = _open(tmp_path)
    series = provider.read_scalars("r", "x")
    assert series.steps.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert series.values.tolist() == [0, 1, 2, 3, 4, 105, 106, 107]
    assert_same_as_tensorboard(provider, tmp_path, "r")


def test_first_start_purges_nothing_as_in_tensorboard(tmp_path: Path, kernel: str) -> None:
    # torch's purge_step writes the run's first START: TensorBoard's loader ignores it.
    write_events(tmp_path / "r", [scalar_event(s, "x", float(s)) for s in range(4)], "e.tfevents.1")
    write_events(tmp_path / "r", [_start(2), scalar_event(2, "x", 9.0)], "e.tfevents.2")
    provider = _open(tmp_path)
    assert provider.read_scalars("r", "x").steps.tolist() == [0, 1, 2, 3, 2]
    assert_same_as_tensorboard(provider, tmp_path, "r")


def test_files_of_a_run_are_merged_in_name_order(tmp_path: Path, kernel: str) -> None:
    write_events(tmp_path / "r", [scalar_event(3, "x", 3.0)], "events.out.tfevents.2.h")
    write_events(tmp_path / "r", [scalar_event(1, "x", 1.0)], "events.out.tfevents.1.h")
    provider = _open(tmp_path)
    assert provider.read_scalars("r", "x").steps.tolist() == [1, 3]


def test_runs_are_found_at_any_depth_and_named_by_path(tmp_path: Path) -> None:
    for name in ("a", "b/c/d", "."):
        write_events(tmp_path / name, [scalar_event(0, "x", 1.0)])
    (tmp_path / "empty" / "dir").mkdir(parents=True)
    provider = _open(tmp_path)
    assert [r.name for r in provider.runs()] == [".", "a", "b/c/d"]
    assert provider.runs()[1].start_time == 1700000000.0


def test_sub_runs_know_their_parent_and_main_tag(tmp_path: Path) -> None:
    events = [scalar_event(0, "loss", 1.0)]
    write_events(tmp_path / "exp", events)
    write_events(tmp_path / "exp" / "acc_train_a", [scalar_event(0, "acc/train", 1.0)])
    write_events(tmp_path / "exp" / "acc" / "train" / "b", [scalar_event(0, "acc/train", 1.0)])
    provider = _open(tmp_path)
    runs = {r.name: (r.parent, r.main_tag, r.sub_run) for r in provider.runs()}
    assert runs["exp"] == (None, None, None)
    assert runs["exp/acc_train_a"] == ("exp", "acc/train", "scalars")
    assert runs["exp/acc/train/b"] == ("exp", "acc/train", "scalars")


def test_unknown_names_and_wrong_kinds_raise_clear_errors(tmp_path: Path) -> None:
    write_events(tmp_path / "r", [scalar_event(0, "x", 1.0)])
    provider = _open(tmp_path)
    with pytest.raises(NotFoundError, match="no run 'nope'"):
        provider.read_scalars("nope", "x")
    with pytest.raises(NotFoundError, match="no tag 'y'"):
        provider.read_scalars("r", "y")
    with pytest.raises(ValueError, match="holds scalar data, not tensor"):
        provider.read_tensors("r", "x")
    with pytest.raises(NotFoundError, match="malformed blob key"):
        provider.read_blob("garbage")


def test_returned_arrays_are_read_only_snapshots(tmp_path: Path) -> None:
    write_events(tmp_path / "r", [scalar_event(s, "x", float(s)) for s in range(3)])
    provider = _open(tmp_path)
    series = provider.read_scalars("r", "x")
    with pytest.raises(ValueError, match="read-only"):
        series.values[0] = 5.0
    with open(tmp_path / "r" / "events.out.tfevents.1700000000.host.1.0", "ab") as f:
        from tests.data.logdirs import event_bytes

        f.write(event_bytes([scalar_event(9, "x", 9.0)], version=False))
    provider.reload()
    assert series.steps.tolist() == [0, 1, 2]
    assert provider.read_scalars("r", "x").steps.tolist() == [0, 1, 2, 9]


def test_linked_runs_are_followed_and_link_cycles_end(tmp_path: Path) -> None:
    write_events(tmp_path / "elsewhere" / "exp", [scalar_event(0, "x", 1.0)])
    logdir = tmp_path / "logs"
    logdir.mkdir()
    (logdir / "linked").symlink_to(tmp_path / "elsewhere" / "exp")
    (logdir / "loop").symlink_to(logdir)
    provider = _open(logdir)
    assert [r.name for r in provider.runs()] == ["linked"]
    assert provider.read_scalars("linked", "x").values.tolist() == [1.0]


def test_scalars_cost_24_bytes_a_point(tmp_path: Path) -> None:
    write_events(tmp_path / "r", [scalar_event(s, f"t{s % 3}", 1.0) for s in range(30_000)])
    provider = _open(tmp_path)
    state = provider._runs["r"]
    held = sum(
        column._data.nbytes for series in state.series.values() for column in
        series.columns().values()
    )
    assert held <= 24 * 30_000 * 1.13 + 3 * 3 * 16 * 8
