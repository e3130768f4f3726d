"""Whole-logdir frames: ``scalars_frame`` / ``histograms_frame`` / ``text_frame`` /
``hparams_frame`` of ``trainboard.open``, in pandas and polars, and the hparams table they
share with the HParams dashboard."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from trainboard import SummaryWriter
from trainboard.data import open_logdir
from trainboard.data.api import Logdir
from trainboard.data.hparams_table import hparams_table
from trainboard.errors import MissingDependencyError
from trainboard.server.routes.hparams import hparams_impl

pandas = pytest.importorskip("pandas")
polars = pytest.importorskip("polars")


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("logs")
    for name, lr in (("exp1", 0.1), ("exp2", 0.01), ("other", 1.0)):
        with SummaryWriter(root / name) as w:
            for step in range(4):
                w.add_scalar("loss", 1.0 / (step + 1) + lr, step)
                w.add_scalar("acc/train", step * lr, step)
            w.add_histogram("weights", np.arange(10.0), 2)
            w.add_text("notes", f"run {name}", 3)
            if name != "other":
                w.add_hparams({"lr": lr, "opt": "sgd"}, {"hparam/acc": 2 * lr})
    return root


@pytest.fixture
def lg(logdir: Path) -> Logdir:
    return open_logdir(logdir, use_cache=False)


def test_scalars_frame_is_every_point_in_long_form(lg: Logdir) -> None:
    frame = lg.scalars_frame(runs="exp*", tags=["loss"])
    assert list(frame.columns) == ["run", "tag", "step", "wall_time", "value"]
    assert sorted(set(frame["run"])) == ["exp1", "exp2"] and set(frame["tag"]) == {"loss"}
    one = frame[frame["run"] == "exp1"]
    assert one["step"].tolist() == [0, 1, 2, 3]
    assert np.array_equal(one["value"].to_numpy(), lg.scalars("exp1", "loss").values)
    everything = lg.scalars_frame()
    expected = sum(len(lg.scalars(r, t)) for r in lg.runs for t in lg.tags(r, "scalars"))
    assert len(everything) == expected


def test_patterns_are_globs_matching_the_whole_name(lg: Logdir) -> None:
    assert set(lg.scalars_frame(tags="acc/*")["tag"]) == {"acc/train"}
    assert lg.scalars_frame(tags="acc").empty  # a plain name matches only itself
    assert set(lg.scalars_frame(runs=["exp1", "oth?r"])["run"]) == {"exp1", "other"}
    assert list(lg.scalars_frame(runs="nothing").columns) == [
        "run", "tag", "step", "wall_time", "value"
    ]


def test_polars_frames_hold_the_same_rows(lg: Logdir) -> None:
    pd_frame = lg.scalars_frame(tags="loss")
    pl_frame = lg.scalars_frame(tags="loss", backend="polars")
    assert isinstance(pl_frame, polars.DataFrame)
    assert pl_frame.columns == list(pd_frame.columns)
    assert pl_frame["value"].to_list() == pd_frame["value"].tolist()
    assert pl_frame["run"].to_list() == pd_frame["run"].tolist()
    with pytest.raises(ValueError, match="backend"):
        lg.scalars_frame(backend="arrow")  # type: ignore[arg-type]


def test_histograms_and_text_frames(lg: Logdir) -> None:
    hist = lg.histograms_frame(runs="exp1")
    assert list(hist.columns) == ["run", "tag", "step", "wall_time", "left", "right", "count"]
    buckets = lg.histograms("exp1", "weights").buckets[0]
    assert hist["count"].sum() == buckets[:, 2].sum() == 10
    assert len(hist) == len(buckets) and set(hist["step"]) == {2}
    text = lg.text_frame(tags="notes*", backend="polars")
    assert text.columns == ["run", "tag", "step", "wall_time", "index", "text"]
    assert sorted(text["text"].to_list()) == ["run exp1", "run exp2", "run other"]


def test_hparams_frame_folds_sessions_into_their_runs(lg: Logdir, logdir: Path) -> None:
    frame = lg.hparams_frame()
    assert list(frame.columns) == ["run", "session", "lr", "opt", "hparam/acc"]
    assert frame["run"].tolist() == ["exp1", "exp2"]  # the runs add_hparams describes
    assert all(s.startswith(r + "/") for r, s in zip(frame["run"], frame["session"], strict=True))
    assert frame["lr"].tolist() == [0.1, 0.01] and frame["opt"].tolist() == ["sgd", "sgd"]
    assert frame["hparam/acc"].tolist() == pytest.approx([0.2, 0.02])
    assert lg.hparams_frame(runs="exp2")["run"].tolist() == ["exp2"]
    assert lg.hparams_frame(backend="polars")["lr"].to_list() == [0.1, 0.01]
    # The same table as the dashboard's answer.
    answer = hparams_impl(lg.provider)
    assert [s["run"] for s in answer["sessions"]] == frame["session"].tolist()
    assert [s["metrics"][0]["value"] for s in answer["sessions"]] == frame["hparam/acc"].tolist()  # type: ignore[index]


def test_hparams_table_marks_missing_metrics(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "a") as w:
        w.add_hparams({"lr": 0.1}, {"m1": 1.0}, run_name="s")
    with SummaryWriter(tmp_path / "b") as w:
        w.add_hparams({"lr": 0.2, "extra": "adam"}, {"m2": 2.0}, run_name="s")
    lg = open_logdir(tmp_path, use_cache=False)
    table = hparams_table(lg.provider)
    assert [c.name for c in table.hparams] == ["lr", "extra"]
    assert [m.name for m in table.metrics] == ["m1", "m2"]
    frame = lg.hparams_frame()
    assert frame["run"].tolist() == ["a", "b"]
    assert math.isnan(frame["m2"][0]) and frame["m2"][1] == 2.0
    assert frame["extra"].isna().tolist() == [True, False] and frame["extra"][1] == "adam"
    assert lg.hparams_frame(runs="a")["lr"].tolist() == [0.1]


def test_a_missing_backend_names_its_extra(lg: Logdir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'trainboard\[pandas\]'"):
        lg.scalars_frame()
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'trainboard\[polars\]'"):
        lg.hparams_frame(backend="polars")
