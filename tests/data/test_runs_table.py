"""The runs table (data/runs_table.py): rows folded like HParams, environment columns,
metric summaries checked against numpy on what was written, non-finite values, caching."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import trainboard
from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.data.runs_table import (
    flatten_environment,
    frame_columns,
    runs_table,
    summarize,
)

LOSSES = {
    "a": [3.0, 1.0, 2.0, 0.5],
    "b": [2.0, math.nan, 4.0, math.inf, 1.5],
    "c": [math.nan, math.nan],
}


def f32(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=np.float32).astype(np.float64)


def expected(values: list[float], first_step: int = 0) -> dict[str, Any]:
    """The summary computed independently: numpy over the float32 values written."""
    array = f32(values)
    finite = array[np.isfinite(array)]
    return {
        "last": array[-1],
        "last_step": first_step + len(array) - 1,
        "min": finite.min() if len(finite) else math.nan,
        "max": finite.max() if len(finite) else math.nan,
        "points": len(array),
        "nonfinite": len(array) - len(finite),
    }


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def check_summary(summary: Any, values: list[float], first_step: int = 0) -> None:
    assert summary is not None
    for name, want in expected(values, first_step).items():
        assert same(float(getattr(summary, name)), float(want)), (name, summary, want)


def write_ours(root: Path) -> None:
    for i, (run, losses) in enumerate(LOSSES.items()):
        with SummaryWriter(root / run) as w:
            for step, value in enumerate(losses):
                w.add_scalar("loss", value, step + 10)
            w.add_scalar("acc", 0.25 * i, 0)
            w.add_hparams({"lr": 10.0**-i, "opt": "adam" if i else "sgd"}, {"hparam/acc": i})
    with SummaryWriter(root / "noenv", capture_environment=False) as w:
        w.add_scalar("acc", 1.0, 0)


def test_rows_hparams_environment_and_metrics(tmp_path: Path) -> None:
    write_ours(tmp_path)
    with LogdirProvider(str(tmp_path)) as provider:
        provider.reload()
        table = runs_table(provider, ["loss", "hparam/acc", "absent", "loss"])
    assert table.metrics == ("loss", "hparam/acc", "absent")
    assert [row.run for row in table.rows] == ["a", "b", "c", "noenv"]
    assert {"acc", "loss", "hparam/acc"} <= set(table.scalar_tags)
    assert [(c.name, c.type) for c in table.hparams] == [("lr", "number"), ("opt", "string")]
    rows = {row.run: row for row in table.rows}
    for i, (run, losses) in enumerate(LOSSES.items()):
        row = rows[run]
        assert len(row.members) == 1 and row.members[0].startswith(f"{run}/")
        assert dict(row.hparams) == {"lr": 10.0**-i, "opt": "adam" if i else "sgd"}
        check_summary(row.metrics[0], losses, first_step=10)
        check_summary(row.metrics[1], [float(i)])  # written into the add_hparams sub-run
        assert row.metrics[2] is None
        assert row.environment["cwd"] and row.environment["trainboard"] == trainboard.__version__
        assert isinstance(row.environment["pid"], float)
    assert rows["noenv"].environment == {} and rows["noenv"].hparams == {}
    assert rows["noenv"].metrics == (None, None, None)
    names = [c.name for c in table.environment]
    assert names[:2] == ["command", "cwd"] and "host" in names and "python" in names
    types = {c.name: c.type for c in table.environment}
    assert types["pid"] == "number" and types["host"] == "string"


def test_non_finite_values(tmp_path: Path) -> None:
    write_ours(tmp_path)
    with LogdirProvider(str(tmp_path)) as provider:
        provider.reload()
        rows = {row.run: row for row in runs_table(provider, ["loss"]).rows}
    b, c = rows["b"].metrics[0], rows["c"].metrics[0]
    assert b is not None and c is not None
    assert b.last == 1.5 and b.min == 1.5 and b.max == 4.0 and b.nonfinite == 2
    assert math.isnan(c.last) and math.isnan(c.min) and math.isnan(c.max)
    assert c.nonfinite == 2 and c.points == 2


def test_summarize_matches_numpy() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=1000)
    values[rng.integers(0, 1000, 50)] = np.nan
    values[7] = -np.inf
    steps = np.arange(1000, dtype=np.int64) * 2
    summary = summarize(values, steps)
    assert summary is not None
    finite = values[np.isfinite(values)]
    assert summary.min == finite.min() and summary.max == finite.max()
    assert summary.nonfinite == 1000 - len(finite) and summary.last_step == 1998
    assert summarize(np.empty(0), np.empty(0, np.int64)) is None


def test_torch_and_tensorboardx_sessions_fold_into_their_runs(tmp_path: Path) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    tbx = pytest.importorskip("tensorboardX")
    writer = torch_tb.SummaryWriter(str(tmp_path / "torch"))
    for step in range(4):
        writer.add_scalar("loss", 1.0 / (step + 1), step)
    writer.add_hparams({"lr": 0.5, "bsize": 16}, {"hparam/accuracy": 0.5}, run_name="t0")
    writer.add_hparams({"lr": 0.25, "momentum": 0.9}, {"hparam/accuracy": 0.7}, run_name="t1")
    writer.close()
    writer = tbx.SummaryWriter(str(tmp_path / "tbx"))
    for step in range(3):
        writer.add_scalar("loss", 2.0 - step, step)
    writer.add_hparams({"lr": 0.01, "opt": "sgd"}, {"hparam/accuracy": 0.9})
    writer.close()
    with LogdirProvider(str(tmp_path)) as provider:
        provider.reload()
        table = runs_table(provider, ["loss", "hparam/accuracy"])
    rows = {row.run: row for row in table.rows}
    assert set(rows) == {"torch", "tbx"}
    # Two sessions of one run: the later one's values win, names of both are kept.
    assert dict(rows["torch"].hparams) == {"lr": 0.25, "bsize": 16.0, "momentum": 0.9}
    assert rows["torch"].members == ("torch/t0", "torch/t1")
    check_summary(rows["torch"].metrics[0], [1.0 / (s + 1) for s in range(4)])
    check_summary(rows["torch"].metrics[1], [0.7])  # the latest session's metric
    assert dict(rows["tbx"].hparams) == {"lr": 0.01, "opt": "sgd"}
    check_summary(rows["tbx"].metrics[0], [2.0, 1.0, 0.0])
    check_summary(rows["tbx"].metrics[1], [0.9])
    assert rows["torch"].environment == {} and rows["tbx"].environment == {}
    assert {c.name for c in table.hparams} == {"lr", "bsize", "momentum", "opt"}


def test_series_are_read_once_until_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SummaryWriter(tmp_path / "run") as w:
        w.add_scalar("loss", 1.0, 0)
        w.add_scalar("other", 5.0, 0)
    provider = LogdirProvider(str(tmp_path))
    provider.reload()
    reads: list[tuple[str, str]] = []
    environments: list[str] = []
    original, original_env = provider.read_scalars, provider.read_environment

    def counting(run: str, tag: str) -> Any:
        reads.append((run, tag))
        return original(run, tag)

    def counting_env(run: str) -> Any:
        environments.append(run)
        return original_env(run)

    monkeypatch.setattr(provider, "read_scalars", counting)
    monkeypatch.setattr(provider, "read_environment", counting_env)
    first = runs_table(provider, ["loss"]).rows[0].metrics[0]
    assert reads == [("run", "loss")] and environments == ["run"]  # "other" is never read
    runs_table(provider, ["loss"])
    assert reads == [("run", "loss")] and environments == ["run"]
    with SummaryWriter(tmp_path / "run", capture_environment=False) as w:
        w.add_scalar("loss", -2.0, 1)
    provider.reload()
    after = runs_table(provider, ["loss"]).rows[0].metrics[0]
    assert reads == [("run", "loss")] * 2
    assert first is not None and after is not None
    assert (first.last, first.points) == (1.0, 1) and (after.last, after.min, after.points) == (
        -2.0,
        -2.0,
        2,
    )
    provider.close()


def test_not_a_scalar_tag(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "run") as w:
        w.add_text("notes", "hello", 0)
    with LogdirProvider(str(tmp_path)) as provider:
        provider.reload()
        with pytest.raises(ValueError, match="'notes/text_summary' is not a scalar tag"):
            runs_table(provider, ["notes/text_summary"])


def test_flatten_environment() -> None:
    flat = flatten_environment(
        {"gpus": ["A100", "H100"], "x": {"y": 1, "z": None}, "dirty": True, "host": "h"}
    )
    assert flat == {"gpus": "A100, H100", "x.y": 1.0, "x.z": None, "dirty": True, "host": "h"}


def test_notes_give_display_names(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "run") as w:
        w.add_scalar("loss", 1.0, 0)
    with trainboard.open(tmp_path) as lg:
        lg.update_notes("run", display_name="Baseline", color="#ff8800", tags=["best"])
        row = runs_table(lg.provider).rows[0]
    assert (row.display_name, row.color, row.tags) == ("Baseline", "#ff8800", ("best",))


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_runs_frame(tmp_path: Path, backend: str) -> None:
    pytest.importorskip(backend)
    write_ours(tmp_path)
    with trainboard.open(tmp_path) as lg:
        frame = lg.runs_frame(metrics=["loss"], backend=backend)  # type: ignore[arg-type]
        columns = frame_columns(runs_table(lg.provider, ["loss"]))
    assert list(frame.columns) == list(columns)
    assert list(frame["run"]) == ["a", "b", "c", "noenv"]
    assert "env.host" in columns and "lr" in columns and "loss.min" in columns
    mins = list(frame["loss.min"])
    want = [expected(v)["min"] for v in LOSSES.values()]
    assert all(same(a, b) for a, b in zip(mins[:3], want, strict=True))
    assert math.isnan(mins[3]) and list(frame["loss.last_step"]) == [13, 14, 11, -1]
    opts = list(frame["opt"])
    assert opts[:3] == ["sgd", "adam", "adam"]
    assert opts[3] is None or opts[3] != opts[3]  # missing: None (pandas may make it NaN)


def test_several_logdirs(tmp_path: Path) -> None:
    from trainboard.data.multi import MultiProvider

    for name in ("one", "two"):
        with SummaryWriter(tmp_path / name / "r") as w:
            w.add_scalar("loss", 1.0 if name == "one" else 2.0, 0)
            w.add_hparams({"lr": 0.1}, {"hparam/m": 1.0})
    providers = {name: LogdirProvider(str(tmp_path / name)) for name in ("one", "two")}
    with MultiProvider(providers) as provider:
        provider.reload()
        rows = runs_table(provider, ["loss"]).rows
    assert [row.run for row in rows] == ["one/r", "two/r"]
    assert [row.metrics[0].last for row in rows if row.metrics[0]] == [1.0, 2.0]
    assert all(dict(row.hparams) == {"lr": 0.1} and row.environment for row in rows)
