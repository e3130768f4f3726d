"""Grouped runs (data/groups.py) against values computed independently with numpy."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import trainboard
from trainboard import SummaryWriter
from trainboard.data import groups
from trainboard.data.groups import aggregate, group_keys, grouped_scalars, parse_group_by
from trainboard.data.logdir import LogdirProvider
from trainboard.data.smoothing import ema


def _expected(
    members: list[tuple[list[int], list[float]]], stat: str, band: str
) -> dict[int, tuple[float, float, float, int, int]]:
    """step -> (line, low, high, count, nonfinite), by looping over the points."""
    finite: dict[int, list[float]] = {}
    bad: dict[int, int] = {}
    for steps, values in members:
        last = dict(zip(steps, values, strict=True))  # the last point at each step
        for step, value in last.items():
            finite.setdefault(step, [])
            if math.isfinite(value):
                finite[step].append(value)
            else:
                bad[step] = bad.get(step, 0) + 1
    out = {}
    for step, found in finite.items():
        if not found:
            out[step] = (math.nan, math.nan, math.nan, 0, bad.get(step, 0))
            continue
        a = np.array(found)
        line = float(np.mean(a) if stat == "mean" else np.median(a))
        if band == "minmax":
            low, high = float(a.min()), float(a.max())
        elif band == "std":
            low, high = float(a.mean() - a.std()), float(a.mean() + a.std())
        else:
            low, high = float(np.percentile(a, 10)), float(np.percentile(a, 90))
        out[step] = (line, low, high, len(found), bad.get(step, 0))
    return out


def _check(members: list[tuple[list[int], list[float]]], stat: str, band: str) -> None:
    group = aggregate(
        "g",
        {f"r{i}": (np.array(s, dtype=np.int64), np.array(v)) for i, (s, v) in enumerate(members)},
        stat=stat,  # type: ignore[arg-type]
        band=band,  # type: ignore[arg-type]
        width=None,
    )
    expected = _expected(members, stat, band)
    assert group.steps.tolist() == sorted(expected)
    assert group.total_points == len(expected)
    for i, step in enumerate(group.steps.tolist()):
        line, low, high, count, nonfinite = expected[step]
        got = (group.value[i], group.low[i], group.high[i])
        np.testing.assert_allclose(got, (line, low, high), rtol=1e-12, atol=1e-12)
        assert (group.count[i], group.nonfinite[i]) == (count, nonfinite)


MISALIGNED = [
    ([0, 1, 2, 3, 4, 5], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
    ([0, 2, 4, 6], [10.0, math.nan, 30.0, 40.0]),
    ([1, 2, 3, 7, 9], [-1.0, -2.0, math.inf, 0.5, 9.0]),
    ([2, 4, 5], [7.0, 8.0, -math.inf]),
]


@pytest.mark.parametrize("stat", ["mean", "median"])
@pytest.mark.parametrize("band", ["minmax", "std", "p10_90"])
def test_misaligned_steps_and_nan(stat: str, band: str) -> None:
    _check(MISALIGNED, stat, band)


@pytest.mark.parametrize("band", ["minmax", "std", "p10_90"])
def test_random_members(band: str) -> None:
    rng = np.random.default_rng(3)
    members = []
    for _ in range(7):
        steps = np.sort(rng.choice(200, size=int(rng.integers(1, 150)), replace=False))
        values = rng.normal(size=len(steps))
        values[rng.random(len(steps)) < 0.05] = math.nan
        members.append((steps.tolist(), values.tolist()))
    for stat in ("mean", "median"):
        _check(members, stat, band)


def test_blocks_of_steps_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The step × member matrix is aggregated a block of rows at a time."""
    monkeypatch.setattr(groups, "_CHUNK_CELLS", 8)
    for stat in ("mean", "median"):
        for band in ("minmax", "std", "p10_90"):
            _check(MISALIGNED, stat, band)


def test_bad_choices() -> None:
    with pytest.raises(ValueError, match="stat"):
        aggregate("g", {}, stat="mode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="band"):
        aggregate("g", {}, band="p5_95")  # type: ignore[arg-type]


def test_single_member_is_itself() -> None:
    steps, values = [0, 5, 9], [3.0, math.nan, 1.0]
    group = aggregate("one", {"a": (np.array(steps), np.array(values))}, width=None)
    np.testing.assert_array_equal(group.value, values)
    np.testing.assert_array_equal(group.low, values)
    np.testing.assert_array_equal(group.high, values)
    assert group.count.tolist() == [1, 0, 1]
    assert group.nonfinite.tolist() == [0, 1, 0]
    _check([(steps, values)], "median", "std")


def test_empty_group() -> None:
    group = aggregate("none", {}, stat="median", band="p10_90")
    assert len(group) == 0 and group.total_points == 0 and group.members == ()
    empty = aggregate("no points", {"a": (np.empty(0, np.int64), np.empty(0))})
    assert len(empty) == 0 and empty.members == ("a",)
    all_nan = aggregate("nan", {"a": (np.array([1, 2]), np.array([math.nan, math.inf]))})
    assert np.isnan(all_nan.value).all() and np.isnan(all_nan.low).all()
    assert all_nan.count.tolist() == [0, 0] and all_nan.nonfinite.tolist() == [1, 1]


def test_repeated_steps_keep_the_last_point() -> None:
    steps, values = [0, 1, 2, 1, 2, 3], [1.0, 2.0, 3.0, 20.0, 30.0, 4.0]
    group = aggregate("g", {"a": (np.array(steps), np.array(values))}, width=None)
    assert group.steps.tolist() == [0, 1, 2, 3]
    assert group.value.tolist() == [1.0, 20.0, 30.0, 4.0]
    _check([(steps, values), ([1, 3], [0.0, 0.0])], "mean", "minmax")


def test_smoothing_applies_per_member_first() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=50), rng.normal(size=30)
    steps_a, steps_b = np.arange(50), np.arange(0, 60, 2)
    group = aggregate("g", {"a": (steps_a, a), "b": (steps_b, b)}, smoothing=0.6, width=None)
    _expected_group = _expected(
        [(steps_a.tolist(), ema(a, 0.6).tolist()), (steps_b.tolist(), ema(b, 0.6).tolist())],
        "mean",
        "minmax",
    )
    np.testing.assert_allclose(group.value, [_expected_group[s][0] for s in group.steps.tolist()])


def test_downsampling_keeps_a_spike_in_one_member() -> None:
    rng = np.random.default_rng(2)
    members = {f"r{i}": (np.arange(100_000), rng.normal(size=100_000)) for i in range(5)}
    members["r3"][1][54_321] = 1e6
    members["r1"][1][12_345] = -1e6
    group = aggregate("g", members, stat="median", band="minmax", width=100)
    assert group.total_points == 100_000
    assert len(group) < 4 * 3 * 102 + 3
    assert group.high.max() == 1e6 and group.low.min() == -1e6
    assert group.steps[-1] == 99_999  # the latest step is kept
    full = aggregate("g", members, stat="median", band="minmax", width=None)
    keep = np.searchsorted(full.steps, group.steps)
    np.testing.assert_array_equal(full.value[keep], group.value)


def test_parse_group_by() -> None:
    assert str(parse_group_by("hparam:lr")) == "hparam:lr"
    assert parse_group_by("regex:seed(\\d+)").value == "seed(\\d+)"
    for bad in ("lr", "hparam:", "color:red", "regex:(", ""):
        with pytest.raises(ValueError):
            parse_group_by(bad)


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    for lr in (0.1, 0.01):
        for seed in range(3):
            with SummaryWriter(tmp_path / f"lr{lr}_seed{seed}") as w:
                for step in range(0, 10 + seed):
                    w.add_scalar("loss", lr * step + seed, step * (seed + 1))
                w.add_hparams({"lr": lr, "seed": seed}, {"hparam/final": 1.0})
    with SummaryWriter(tmp_path / "other") as w:
        w.add_scalar("loss", 5.0, 0)
    return tmp_path


def test_group_keys(logdir: Path) -> None:
    with LogdirProvider(logdir, use_cache=False) as provider:
        provider.reload()
        runs = ["lr0.1_seed0", "lr0.01_seed2", "other"]
        assert group_keys(provider, runs, parse_group_by("hparam:lr")) == {
            "lr0.1_seed0": "0.1",
            "lr0.01_seed2": "0.01",
        }
        assert group_keys(provider, runs, parse_group_by("regex:seed(\\d)")) == {
            "lr0.1_seed0": "0",
            "lr0.01_seed2": "2",
        }
        assert group_keys(provider, runs, parse_group_by("regex:^lr")) == {
            "lr0.1_seed0": "lr",
            "lr0.01_seed2": "lr",
        }
        provider.update_run_notes("other", {"tags": ["base", "zz"]})
        provider.update_run_notes("lr0.1_seed0", {"tags": ["opt:sgd"]})
        provider.update_run_notes("lr0.01_seed2", {"tags": ["opt:adam", "base"]})
        assert group_keys(provider, runs, parse_group_by("tag:opt:")) == {
            "lr0.1_seed0": "opt:sgd",
            "lr0.01_seed2": "opt:adam",
        }
        assert group_keys(provider, runs, parse_group_by("tag:base")) == {
            "lr0.01_seed2": "base",
            "other": "base",
        }


def test_grouped_scalars_and_frame(logdir: Path) -> None:
    with LogdirProvider(logdir, use_cache=False) as provider:
        provider.reload()
        groups, left_out = grouped_scalars(provider, "loss", "hparam:lr", width=None)
        assert [g.name for g in groups] == ["0.01", "0.1"]
        assert left_out == ["other"]
        members = [
            (
                provider.read_scalars(run, "loss").steps.tolist(),
                provider.read_scalars(run, "loss").values.tolist(),
            )
            for run in groups[1].members
        ]
        assert groups[1].members == ("lr0.1_seed0", "lr0.1_seed1", "lr0.1_seed2")
        expected = _expected(members, "mean", "minmax")
        assert groups[1].steps.tolist() == sorted(expected)
        np.testing.assert_allclose(groups[1].value, [expected[s][0] for s in sorted(expected)])
        assert groups[1].count.tolist() == [expected[s][3] for s in sorted(expected)]
    pytest.importorskip("pandas")
    with trainboard.open(logdir, use_cache=False) as lg:
        frame = lg.grouped_frame("loss", by="hparam:lr", stat="median", band="p10_90")
        assert list(frame.columns) == ["group", "step", "value", "low", "high", "members"]
        first = frame[frame.group == "0.1"]
        assert first.step.tolist() == sorted(expected)
        assert first.members.tolist() == [expected[s][3] for s in sorted(expected)]
        assert len(lg.grouped_frame("loss", by="regex:nothing(here)")) == 0


def test_runs_restricts_the_members(logdir: Path) -> None:
    """A run left out of ``runs`` is no member: the band is numpy's over the others."""
    with LogdirProvider(logdir, use_cache=False) as provider:
        provider.reload()
        picked = ["lr0.1_seed0", "lr0.1_seed2", "other", "no_such_run"]
        groups, left_out = grouped_scalars(provider, "loss", "hparam:lr", width=None, runs=picked)
        assert [g.name for g in groups] == ["0.1"] and left_out == ["other"]
        assert groups[0].members == ("lr0.1_seed0", "lr0.1_seed2")
        members = [
            (
                provider.read_scalars(run, "loss").steps.tolist(),
                provider.read_scalars(run, "loss").values.tolist(),
            )
            for run in ("lr0.1_seed0", "lr0.1_seed2")
        ]
        expected = _expected(members, "mean", "minmax")
        assert groups[0].steps.tolist() == sorted(expected)
        for column, name in ((0, "value"), (1, "low"), (2, "high")):
            np.testing.assert_allclose(
                getattr(groups[0], name), [expected[s][column] for s in sorted(expected)]
            )
        everyone, _ = grouped_scalars(provider, "loss", "hparam:lr", width=None)
        assert everyone[1].members == ("lr0.1_seed0", "lr0.1_seed1", "lr0.1_seed2")
        assert not np.array_equal(everyone[1].high, groups[0].high)  # seed1 changed the band
        assert grouped_scalars(provider, "loss", "hparam:lr", runs=[]) == ([], [])
    pytest.importorskip("pandas")
    with trainboard.open(logdir, use_cache=False) as lg:
        frame = lg.grouped_frame("loss", by="hparam:lr", runs=["lr0.01_seed1"])
        assert set(frame.group) == {"0.01"} and set(frame.members) == {1}


def test_x_range_downsamples_within_the_zoom() -> None:
    """A step range is split into ``width`` pixel columns, as a zoomed series is: finer
    than the whole, every kept step inside it (but one each side and the last), and the
    values are those of the whole aggregation."""
    rng = np.random.default_rng(5)
    members = {f"r{i}": (np.arange(100_000), rng.normal(size=100_000)) for i in range(4)}
    members["r2"][1][50_500] = 1e6
    whole = aggregate("g", members, width=100)
    zoomed = aggregate("g", members, width=100, x_range=(50_000, 51_000))
    full = aggregate("g", members, width=None)
    inside = zoomed.steps[(zoomed.steps >= 50_000) & (zoomed.steps <= 51_000)]
    assert len(inside) > 10 * np.count_nonzero((whole.steps >= 50_000) & (whole.steps <= 51_000))
    outside = zoomed.steps[(zoomed.steps < 50_000) | (zoomed.steps > 51_000)].tolist()
    assert outside == [49_999, 51_001, 99_999]
    assert zoomed.high.max() == 1e6 and zoomed.total_points == 100_000
    keep = np.searchsorted(full.steps, zoomed.steps)
    for name in ("value", "low", "high", "count"):
        np.testing.assert_array_equal(getattr(full, name)[keep], getattr(zoomed, name))
    # A range holding fewer than 4 * width steps: every step, as a series.
    small = aggregate("g", members, width=1000, x_range=(50_000, 50_100))
    assert set(range(50_000, 50_101)) <= set(small.steps.tolist())
    with pytest.raises(ValueError, match="x_range"):
        aggregate("g", members, width=10, x_range=(5, 1))


def test_grouped_scalars_x_range(logdir: Path) -> None:
    with LogdirProvider(logdir, use_cache=False) as provider:
        provider.reload()
        groups, _ = grouped_scalars(provider, "loss", "hparam:lr", width=1, x_range=(4, 8))
        whole, _ = grouped_scalars(provider, "loss", "hparam:lr", width=1)
        assert len(groups[1]) > len(whole[1])  # 1 px of 4..8 is finer than 1 px of all
        with pytest.raises(ValueError, match="x_range"):
            grouped_scalars(provider, "loss", "hparam:lr", x_range=(8, 4))


def test_bad_regex_names_the_pattern_and_python_error() -> None:
    with pytest.raises(ValueError) as caught:
        parse_group_by("regex:seed(")
    assert "'seed('" in str(caught.value) and "missing )" in str(caught.value)
    # Python's syntax: named groups and inline flags (JavaScript refuses both).
    assert parse_group_by("regex:(?i)SEED(?P<n>\\d)").value == "(?i)SEED(?P<n>\\d)"
