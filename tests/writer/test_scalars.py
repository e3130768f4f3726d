from __future__ import annotations

import json
import math
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests.support import event_files, read_events, summary_values, tb_accumulator
from trainboard import SummaryWriter


def test_add_scalar_values_read_back_by_tensorboard(tmp_path: Path) -> None:
    values = [0.5, -2.0, 3, np.float32(1.25), np.float64(7.5), np.array([4.0]), True]
    with SummaryWriter(tmp_path, capture_environment=False) as w:
        for step, v in enumerate(values):
            w.add_scalar("loss/train", v, step)
    acc = tb_accumulator(tmp_path)
    assert acc.Tags()["tensors"] == ["loss/train"]
    got = [(e.step, float(e.tensor_proto.float_val[0])) for e in acc.Tensors("loss/train")]
    assert got == [(i, float(np.float32(v))) for i, v in enumerate([0.5, -2, 3, 1.25, 7.5, 4, 1])]


def test_torch_tensors_on_cpu_are_logged(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    param = torch.nn.Parameter(torch.tensor(2.5))
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("a", torch.tensor(1.5), 0)
        w.add_scalar("a", param * 2, 1)  # requires grad
        w.add_scalar("a", torch.tensor([[3.0]], dtype=torch.float64), torch.tensor(2))
    assert [(s, v.simple_value) for s, v in summary_values(tmp_path)] == [
        (0, 1.5),
        (1, 5.0),
        (2, 3.0),
    ]


def test_nan_and_inf_are_written_not_raised(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for step, v in enumerate([math.nan, math.inf, -math.inf, 1e300]):
            w.add_scalar("x", v, step)
    got = [v.simple_value for _, v in summary_values(tmp_path)]
    assert math.isnan(got[0]) and got[1] == math.inf and got[2] == -math.inf and got[3] == math.inf


def test_missing_global_step_numbers_values_per_tag(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for v in range(3):
            w.add_scalar("a", v)
            w.add_scalar("b", v * 10)
        w.add_scalar("a", 9.0, 100)
    got = [(v.tag, s, v.simple_value) for s, v in summary_values(tmp_path)]
    assert got == [
        ("a", 0, 0),
        ("b", 0, 0),
        ("a", 1, 1),
        ("b", 1, 10),
        ("a", 2, 2),
        ("b", 2, 20),
        ("a", 100, 9),
    ]
    assert len(tb_accumulator(tmp_path).Tensors("a")) == 4


def test_walltime_is_recorded(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("a", 1.0, 0, walltime=1234.5)
    assert [e.wall_time for e in read_events(tmp_path) if e.HasField("summary")] == [1234.5]


def test_new_style_scalars_are_tensors_read_as_scalars_by_tensorboard(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("n", 0.1, 0, new_style=True)
        w.add_scalar("n", 0.1, 1, new_style=True, double_precision=True)
    acc = tb_accumulator(tmp_path)
    assert acc.SummaryMetadata("n").plugin_data.plugin_name == "scalars"
    tensors = acc.Tensors("n")
    assert tensors[0].tensor_proto.float_val[0] == pytest.approx(0.1)
    assert tensors[1].tensor_proto.double_val[0] == 0.1


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda w: w.add_scalar(3, 1.0), TypeError, "tag must be a str, got int 3"),
        (
            lambda w: w.add_scalar("t", "high"),
            ValueError,  # torch's error for a string that is not a number
            "scalar_value must be a number, got str 'high'",
        ),
        (lambda w: w.add_scalar("t", [1.0, 2.0]), ValueError, r"exactly one value.*\(2,\)"),
        (lambda w: w.add_scalar("t", np.zeros((2, 2))), ValueError, r"shape \(2, 2\)"),
        (
            lambda w: w.add_scalar("t", 1.0, 2.5),
            ValueError,
            "global_step must be an integer step, got 2.5",
        ),
        (lambda w: w.add_scalar("t", 1.0, "3"), ValueError, "global_step.*'3'"),
        (lambda w: w.add_scalar("t", 1.0, 1, walltime="now"), TypeError, "walltime.*'now'"),
        (lambda w: w.add_scalars("m", [1, 2]), TypeError, "tag_scalar_dict must be a dict"),
        (lambda w: w.add_scalars("m", {"a": "x"}), ValueError, r"tag_scalar_dict\['a'\]"),
    ],
)
def test_bad_input_raises_clearly_and_keeps_what_was_logged(
    tmp_path: Path, call: object, error: type[Exception], match: str
) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("ok", 1.0, 0)
        with pytest.raises(error, match=match):
            call(w)  # type: ignore[operator]
        w.add_scalar("ok", 2.0, 1)
    assert [v.simple_value for _, v in summary_values(tmp_path)] == [1.0, 2.0]


def test_add_scalars_writes_torch_style_sub_runs(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalars("loss/all", {"train": step * 1.0, "val": step * 2.0}, step)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [
        "loss_all_train",
        "loss_all_val",
    ]
    train = summary_values(tmp_path / "loss_all_train")
    assert [(s, v.tag, v.simple_value) for s, v in train] == [
        (0, "loss/all", 0.0),
        (1, "loss/all", 1.0),
        (2, "loss/all", 2.0),
    ]
    val = tb_accumulator(tmp_path / "loss_all_val").Tensors("loss/all")
    assert [t.tensor_proto.float_val[0] for t in val] == [0.0, 2.0, 4.0]
    wall = {
        e.wall_time
        for d in ("loss_all_train", "loss_all_val")
        for e in read_events(tmp_path / d)
        if e.HasField("summary") and e.step == 1
    }
    assert len(wall) == 1, "the keys of one call share a wall time"


def test_export_scalars_to_json_covers_everything_since_last_export(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "run")
    w.add_scalar("a", 1.0, 0, walltime=10.0)
    w.add_scalars("m", {"x": 2.0}, 0, walltime=11.0)
    w.export_scalars_to_json(tmp_path / "one.json")
    w.add_scalar("a", 3.0, 1, walltime=12.0)
    w.export_scalars_to_json(tmp_path / "two.json")
    w.close()
    one = json.loads((tmp_path / "one.json").read_text())
    run = str(tmp_path / "run")
    assert one == {f"{run}/a": [[10.0, 0, 1.0]], f"{run}/m/x": [[11.0, 0, 2.0]]}
    assert json.loads((tmp_path / "two.json").read_text()) == {f"{run}/a": [[12.0, 1, 3.0]]}


def test_add_tensor_matches_torch_layout(tmp_path: Path) -> None:
    from trainboard.format.kinds.tensor import tensor_to_ndarray

    arrays = [
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.array([1, -2], dtype=np.int64),
        np.array([True, False]),
        np.array([0.5, 1.5], dtype=np.float16),
    ]
    with SummaryWriter(tmp_path) as w:
        for i, a in enumerate(arrays):
            w.add_tensor(f"t{i}", a, 0)
    values = summary_values(tmp_path)
    for (_, value), array in zip(values, arrays, strict=True):
        assert value.metadata.plugin_data.plugin_name == "tensor"
        np.testing.assert_array_equal(tensor_to_ndarray(value.tensor), array)
    assert list(values[0][1].tensor.float_val) == [0, 1, 2, 3, 4, 5]


def test_write_to_disk_false_writes_nothing(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "none", write_to_disk=False)
    w.add_scalar("a", 1.0, 0)
    w.add_scalars("m", {"x": 1.0}, 0)
    w.flush()
    w.close()
    assert not (tmp_path / "none").exists()


def test_event_file_name_and_header(tmp_path: Path) -> None:
    import os
    import socket

    with SummaryWriter(tmp_path, filename_suffix=".v2") as w:
        pass
    (path,) = event_files(tmp_path)
    name = Path(path).name
    prefix, seconds, rest = name.split(".", 3)[0:2], name.split(".")[3], name.split(".", 4)[4]
    assert name.startswith("events.out.tfevents.") and len(seconds) == 10 and seconds.isdigit()
    assert rest.startswith(f"{socket.gethostname()}.{os.getpid()}.") and name.endswith(".v2")
    first = read_events(tmp_path)[0]
    assert first.file_version == "brain.Event:2"
    assert prefix == ["events", "out"]
    assert w.get_logdir() == str(tmp_path) and w.logdir == str(tmp_path)


def test_log_dir_defaults_like_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import socket

    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1") as w:
        logdir = w.get_logdir()
    assert re.fullmatch(
        rf"runs/[A-Z][a-z]{{2}}\d\d_\d\d-\d\d-\d\d_{re.escape(socket.gethostname())}_lr0\.1", logdir
    )
    assert event_files(tmp_path / logdir)


def test_tensorboardx_spelling_of_log_dir_is_accepted(tmp_path: Path) -> None:
    with SummaryWriter(logdir=tmp_path / "x") as w:
        assert w.logdir == str(tmp_path / "x")
    with pytest.raises(TypeError, match="differ"):
        SummaryWriter(log_dir=tmp_path / "a", logdir=tmp_path / "b")
    with pytest.raises(ValueError, match="comet"):
        SummaryWriter(tmp_path / "c", comet_config={"disabled": False})


def test_purge_step_writes_a_session_start(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path, purge_step=42) as w:
        w.add_scalar("a", 1.0, 42)
    events = read_events(tmp_path)
    assert events[1].step == 42 and events[1].file_version == "brain.Event:2"
    assert events[2].step == 42 and events[2].session_log.status == 1


def test_cuda_scalars_do_not_synchronize_the_calling_thread(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    loss = (torch.randn(1000, device="cuda", requires_grad=True) ** 2).mean()
    gate = threading.Event()

    def hold_the_worker() -> None:  # the debug mode is process-wide: the worker reads later
        gate.wait()

    with SummaryWriter(tmp_path) as w:
        w._submit_call(hold_the_worker, "wait while the calling thread is checked")
        with warnings.catch_warnings():  # "a prototype feature": it still catches item()/cpu()
            warnings.simplefilter("ignore", UserWarning)
            torch.cuda.set_sync_debug_mode("error")  # a device sync now raises
        try:
            for step in range(100):
                w.add_scalar("loss", loss, step)
                w.add_scalars("pair", {"a": loss, "b": loss * 2}, step)
        finally:
            torch.cuda.set_sync_debug_mode("default")
            gate.set()
    expected = float(loss.detach().cpu())
    got = [v.simple_value for _, v in summary_values(tmp_path)]
    assert got == pytest.approx([expected] * 100, rel=1e-6)
    pair_b = [v.simple_value for _, v in summary_values(tmp_path / "pair_b")]
    assert pair_b == pytest.approx([expected * 2] * 100, rel=1e-6)
