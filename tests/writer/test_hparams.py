from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support import event_files, read_events, summary_values
from tests.writer.plugin_support import TBPlugins, tb_plugins
from trainboard import SummaryWriter
from trainboard.format.kinds import hparams as kind


def _session_groups(tb: TBPlugins) -> Any:
    from tensorboard.plugins.hparams import api_pb2, backend_context, list_session_groups

    request = api_pb2.ListSessionGroupsRequest(
        start_index=0,
        slice_size=100,
        allowed_statuses=[api_pb2.STATUS_SUCCESS, api_pb2.STATUS_UNKNOWN],
    )
    context = backend_context.Context(tb.context)
    return list_session_groups.Handler(tb.request, context, "", request).run()


def _experiment(tb: TBPlugins) -> Any:
    from tensorboard.plugins.hparams import api_pb2, backend_context, get_experiment

    context = backend_context.Context(tb.context)
    return get_experiment.Handler(tb.request, context, "", api_pb2.GetExperimentRequest()).run()


def test_sessions_are_listed_by_the_hparams_plugin(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("loss", 1.0, 0)
        for i, optimizer in enumerate(["adam", "sgd"]):
            w.add_hparams(
                {"lr": 0.1 * (i + 1), "optimizer": optimizer, "amsgrad": True, "seed": None},
                {"hparam/accuracy": torch.tensor(0.5 + i / 4), "hparam/loss": np.float32(i)},
                run_name=f"trial{i}",
            )
    groups = _session_groups(tb_plugins(tmp_path)).session_groups
    assert [g.name for g in groups] == ["trial0", "trial1"]
    first = groups[1] if groups[0].name == "trial1" else groups[0]
    assert first.hparams["lr"].number_value == pytest.approx(0.1)
    assert first.hparams["optimizer"].string_value == "adam"
    assert first.hparams["amsgrad"].number_value == 1.0  # torch: bools are numbers
    assert "seed" not in first.hparams
    metrics = {m.name.tag: m.value for m in groups[1].metric_values}
    assert metrics == {"hparam/accuracy": 0.75, "hparam/loss": 1.0}
    assert all(g.sessions[0].status == 1 for g in groups)  # STATUS_SUCCESS


def test_experiment_declares_hparams_domains_and_metrics(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_hparams(
            {"bs": 32, "opt": "adam"},
            {"m/acc": 0.9},
            hparam_domain_discrete={"bs": [16, 32, 64], "opt": ["adam", "sgd"]},
            run_name="r",
        )
    experiment = _experiment(tb_plugins(tmp_path))
    infos = {h.name: h for h in experiment.hparam_infos}
    assert [v.number_value for v in infos["bs"].domain_discrete.values] == [16, 32, 64]
    assert [v.string_value for v in infos["opt"].domain_discrete.values] == ["adam", "sgd"]
    assert [m.name.tag for m in experiment.metric_infos] == ["m/acc"]


def test_add_hparams_writes_what_torch_writes(tmp_path: Path) -> None:
    torch_writer = pytest.importorskip("torch.utils.tensorboard")
    args: tuple[Any, ...] = (
        {"lr": 0.01, "layers": 4, "act": "relu", "flag": False, "skip": None},
        {"hparam/acc": 0.8, "hparam/loss": 0.25},
        {"act": ["relu", "tanh"], "flag": [True, False]},
        "session",
        3,
    )
    with SummaryWriter(tmp_path / "ours") as w:
        w.add_hparams(*args)
    with torch_writer.SummaryWriter(str(tmp_path / "torch")) as tw:
        tw.add_hparams(*args)

    def normalized(run: Path) -> list[Any]:
        out: list[Any] = []
        for step, value in summary_values(run):
            if value.metadata.plugin_data.plugin_name == kind.PLUGIN_NAME:
                content = kind.parse_plugin_data(value.metadata.plugin_data.content)
                value.metadata.plugin_data.content = b""  # map order may differ in bytes
                out.append((step, value, content))
            else:
                out.append((step, value, None))
        return out

    ours = normalized(tmp_path / "ours" / "session")
    theirs = normalized(tmp_path / "torch" / "session")
    assert len(ours) == 5 and ours == theirs
    assert summary_values(tmp_path / "ours") == []  # the main run holds none of it


def test_sub_run_name_defaults_to_the_time_and_accepts_name(tmp_path: Path) -> None:
    before = time.time()
    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"a": 1}, {"m": 1.0})
        w.add_hparams({"a": 2}, {"m": 2.0}, name="tbx")
        w.add_hparams({"a": 3}, {"m": 3.0}, run_name="same", name="same")
    runs = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert runs[1:] == ["same", "tbx"]
    assert before <= float(runs[0]) <= time.time()


def test_session_files_are_closed_and_a_reused_run_name_gets_a_new_file(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"a": 1}, {"m": 1.0}, run_name="r")
        w.flush()
        writer = w.all_writers[os.path.join(str(tmp_path), "r")]
        assert writer.path is None  # closed, as torch's `with SummaryWriter(...)` closes it
        w.add_hparams({"a": 2}, {"m": 2.0}, run_name="r")
        w.add_scalar("x", 1.0, 0)  # the main run is unaffected
    assert len(event_files(tmp_path / "r")) == 2
    assert [v.tag for _, v in summary_values(tmp_path)] == ["x"]
    steps = [e.step for e in read_events(tmp_path / "r") if e.HasField("summary")]
    assert steps == [0] * 8  # step 0, as torch writes it, in each session file


def test_an_open_sub_run_is_left_open(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalars("loss", {"train": 1.0}, 0)
        w.add_hparams({"a": 1}, {"m": 1.0}, run_name="loss_train")
        w.add_scalars("loss", {"train": 2.0}, 1)
    assert len(event_files(tmp_path / "loss_train")) == 1


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda w: w.add_hparams([("a", 1)], {}), TypeError, "hparam_dict must be a dict"),
        (lambda w: w.add_hparams({"a": 1}, [0.5]), TypeError, "metric_dict must be a dict"),
        (lambda w: w.add_hparams({"a": [1, 2]}, {}), ValueError,
         r"hparam_dict\['a'\] must be an int, float, str, bool, None or one-element tensor, "
         r"got list \[1, 2\]"),
        (lambda w: w.add_hparams({1: 1}, {}), TypeError, "hparam_dict keys must be strings"),
        (lambda w: w.add_hparams({"a": 1}, {"m": "high"}), ValueError,
         r"metric_dict\['m'\] must be a number, got str 'high'"),
        (lambda w: w.add_hparams({"a": 1}, {}, {"b": [1]}), TypeError,
         r"hparam_domain_discrete\['b'\]: 'b' is not a key of hparam_dict"),
        (lambda w: w.add_hparams({"a": 0.1}, {}, {"a": [0.1, 1]}), TypeError,
         r"hparam_domain_discrete\['a'\] must be a list of float values"),
        (lambda w: w.add_hparams({"a": "x"}, {}, {"a": ("x", "y")}), TypeError,
         "must be a list of str values"),
        (lambda w: w.add_hparams({"a": 1}, {}, "exp1"), TypeError,
         "tensorboardX's third argument was the run name: pass run_name='exp1'"),
        (lambda w: w.add_hparams({"a": 1}, {}, [1]), TypeError,
         "hparam_domain_discrete must be a dict"),
        (lambda w: w.add_hparams({"a": 1}, {}, run_name="x", name="y"), TypeError,
         "give the run name once"),
        (lambda w: w.add_hparams({"a": 1}, {}, run_name=3), TypeError,
         "run_name must be a str, got int 3"),
    ],
)
def test_bad_input_raises_and_leaves_the_writer_usable(
    tmp_path: Path, call: Any, error: type[Exception], match: str
) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("before", 1.0, 0)
        with pytest.raises(error, match=match):
            call(w)
        w.add_scalar("after", 2.0, 0)
    assert [v.tag for _, v in summary_values(tmp_path)] == ["before", "after"]
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]  # no session was started


def test_tensor_hparams_must_hold_one_number(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ValueError, match=r"hparam_dict\['w'\] must be a single real number"):
            w.add_hparams({"w": torch.zeros(2)}, {})
        w.add_hparams({"w": torch.tensor(0.5), "n": np.int64(3)}, {}, run_name="r")
    start = next(
        v for _, v in summary_values(tmp_path / "r") if v.tag == kind.SESSION_START_INFO_TAG
    )
    data = kind.parse_plugin_data(start.metadata.plugin_data.content)
    assert kind.session_hparams(data.session_start_info) == {"w": 0.5, "n": 3.0}


def test_write_to_disk_false_validates_and_writes_nothing(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "off", write_to_disk=False)
    w.add_hparams({"a": 1}, {"m": 1.0})
    with pytest.raises(TypeError):
        w.add_hparams({"a": 1}, None)  # type: ignore[arg-type]
    w.close()
    assert not (tmp_path / "off").exists()
