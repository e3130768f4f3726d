"""Runs written by several processes, without processes: rank detection, the writer's
rank directories, the data layer's runs with ranks, ``by=rank`` grouping (data and HTTP)
and the ``rank`` column of ``trainboard.open``'s frames."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

import trainboard
from trainboard import SummaryWriter
from trainboard.data._subruns import rank_of, rank_parents
from trainboard.data.groups import GroupBy, grouped_scalars, parse_group_by
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app
from trainboard.writer._ranks import resolve_rank

# -- detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "rank"),
    [
        ({}, None),
        ({"WORLD_SIZE": "1", "RANK": "0", "LOCAL_RANK": "0"}, None),
        ({"WORLD_SIZE": "4", "RANK": "2", "LOCAL_RANK": "0"}, 2),
        ({"WORLD_SIZE": "4", "RANK": "0"}, 0),
        ({"WORLD_SIZE": "2", "LOCAL_RANK": "1"}, 1),  # no RANK: the local rank
        ({"RANK": "3"}, None),  # no world size: one process
        ({"WORLD_SIZE": "4", "RANK": "x"}, None),  # garbage is ignored
        ({"WORLD_SIZE": "4", "RANK": "9"}, None),  # outside the world
        ({"WORLD_SIZE": "", "RANK": "1"}, None),
    ],
)
def test_rank_from_the_environment(environ: dict[str, str], rank: int | None) -> None:
    assert resolve_rank("auto", environ) == rank


def test_explicit_rank_wins_and_none_turns_it_off() -> None:
    torchrun = {"WORLD_SIZE": "4", "RANK": "2"}
    assert resolve_rank(5, torchrun) == 5
    assert resolve_rank(0, {}) == 0  # explicit: a rank directory even for one process
    assert resolve_rank(np.int64(3), {}) == 3
    assert resolve_rank(None, torchrun) is None
    for bad in (-1, 1.5, "1", True, "all"):
        with pytest.raises(ValueError, match="rank must be"):
            resolve_rank(bad, {})


def test_torch_distributed_group_of_one_is_no_rank(monkeypatch: pytest.MonkeyPatch) -> None:
    dist = pytest.importorskip("torch.distributed")
    monkeypatch.setattr(dist, "is_available", lambda: True)
    monkeypatch.setattr(dist, "is_initialized", lambda: True)
    monkeypatch.setattr(dist, "get_world_size", lambda: 1)
    monkeypatch.setattr(dist, "get_rank", lambda: 0)
    assert resolve_rank("auto", {}) is None
    monkeypatch.setattr(dist, "get_world_size", lambda: 8)
    monkeypatch.setattr(dist, "get_rank", lambda: 6)
    assert resolve_rank("auto", {"WORLD_SIZE": "8", "RANK": "1"}) == 6  # the group wins


# -- the writer ----------------------------------------------------------------------------


def test_writer_takes_the_rank_from_torchrun_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("RANK", "3")
    with SummaryWriter(tmp_path / "exp", capture_environment=False) as writer:
        writer.add_scalar("loss", 1.0, 0)
        assert writer.rank == 3
        assert writer.log_dir == os.path.join(tmp_path / "exp", "rank_3")
        assert writer.get_logdir() == writer.log_dir
    files = os.listdir(tmp_path / "exp" / "rank_3")
    assert len(files) == 1 and files[0].startswith("events.out.tfevents.")
    assert os.listdir(tmp_path / "exp") == ["rank_3"]


def test_single_process_layout_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("WORLD_SIZE", "RANK", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    with SummaryWriter(tmp_path / "one", capture_environment=False) as writer:
        writer.add_scalar("loss", 1.0, 0)
        assert writer.rank is None and writer.log_dir == str(tmp_path / "one")
    with SummaryWriter(tmp_path / "off", rank=None, capture_environment=False) as writer:
        assert writer.rank is None and writer.log_dir == str(tmp_path / "off")
    assert [n.startswith("events.out.tfevents.") for n in os.listdir(tmp_path / "one")] == [True]


def test_bad_rank_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rank must be"):
        SummaryWriter(tmp_path / "exp", rank=-2)
    assert not (tmp_path / "exp").exists()


# -- reading -----------------------------------------------------------------------------

# rank -> (steps, values): rank 2 misses step 1, rank 1 has a NaN; 10 ranks to check the
# members are in rank order (rank_10 after rank_2), not name order.
RANKS: dict[int, tuple[list[int], list[float]]] = {
    0: ([0, 1, 2, 3], [1.0, 2.0, 3.0, 4.0]),
    1: ([0, 1, 2, 3], [3.0, math.nan, 5.0, 6.0]),
    2: ([0, 2, 3], [8.0, 1.0, 0.5]),
    10: ([0, 1, 2, 3], [4.0, 4.0, 4.0, 4.0]),
}


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ranks")
    for rank, (steps, values) in RANKS.items():
        with SummaryWriter(root / "exp", rank=rank, capture_environment=False) as w:
            for step, value in zip(steps, values, strict=True):
                w.add_scalar("loss", value, step)
            w.add_scalars("parts", {"a": float(rank)}, 0)  # a sub-run of a rank
    with SummaryWriter(root / "single", rank=None, capture_environment=False) as w:
        w.add_scalar("loss", 7.0, 0)
    with SummaryWriter(root / "both", rank=None, capture_environment=False) as w:
        w.add_scalar("lr", 0.1, 0)  # the parent has event files of its own
    with SummaryWriter(root / "both", rank=1, capture_environment=False) as w:
        w.add_scalar("loss", 2.0, 0)
    return root


@pytest.fixture(scope="module")
def provider(logdir: Path) -> LogdirProvider:
    provider = LogdirProvider(logdir, use_cache=False)
    provider.reload()
    return provider


def test_rank_names() -> None:
    assert rank_of("exp/rank_3") == ("exp", 3)
    assert rank_of("rank_0") == (".", 0)
    assert rank_of("a/b/rank_12") == ("a/b", 12)
    for name in ("exp", "exp/rank_", "exp/rank_01", "exp/rank_x", "exp/rank_1/train", "."):
        assert rank_of(name) is None
    assert rank_parents(["a/rank_2", "a/rank_10", "a/rank_0", "b", "c/rank_1"]) == {
        "a": (0, 2, 10),
        "c": (1,),
    }


def test_runs_list_the_run_once_with_its_ranks(provider: LogdirProvider) -> None:
    runs = {run.name: run for run in provider.runs()}
    exp = runs["exp"]
    assert exp.ranks == (0, 1, 2, 10) and exp.rank is None and exp.parent is None
    starts = [runs[f"exp/rank_{r}"].start_time for r in RANKS]
    assert exp.start_time == min(s for s in starts if s is not None)
    for rank in RANKS:
        member = runs[f"exp/rank_{rank}"]
        assert (member.parent, member.sub_run, member.rank, member.ranks) == (
            "exp",
            "rank",
            rank,
            (),
        )
        sub = runs[f"exp/rank_{rank}/parts_a"]  # add_scalars under a rank: its sub-run
        assert (sub.parent, sub.sub_run, sub.rank) == (f"exp/rank_{rank}", "scalars", None)
    assert runs["single"].ranks == () and runs["single"].rank is None
    assert runs["both"].ranks == (1,) and [i.tag for i in provider.tags("both")] == ["lr"]
    assert provider.tags("exp") == []  # no events of its own, but a run
    assert [i.tag for i in provider.tags("exp/rank_2")] == ["loss"]
    assert list(provider.read_scalars("exp/rank_2", "loss").values) == RANKS[2][1]


def test_runs_route_shows_ranks(logdir: Path) -> None:
    app = create_app(LogdirProvider(logdir, use_cache=False), logdir=str(logdir), reload_interval=0)
    with TestClient(app) as client:
        runs = {r["name"]: r for r in client.get("/api/runs").json()["runs"]}
    assert runs["exp"]["ranks"] == [0, 1, 2, 10] and runs["exp"]["rank"] is None
    assert runs["exp"]["kinds"] == []
    assert runs["exp/rank_10"]["rank"] == 10 and runs["exp/rank_10"]["parent"] == "exp"
    assert runs["exp/rank_10"]["sub_run"] == "rank" and runs["exp/rank_10"]["ranks"] == []
    assert runs["single"]["ranks"] == [] and runs["single"]["rank"] is None


def _expected(stat: str, band: str) -> dict[int, tuple[float, float, float]]:
    """step -> (line, low, high) from numpy over the ranks with a finite value there."""
    result = {}
    for step in range(4):
        values = {
            rank: v
            for rank, (s, vs) in RANKS.items()
            for t, v in zip(s, vs, strict=True)
            if t == step and math.isfinite(v)
        }
        column = np.array(list(values.values()))
        line = float(np.mean(column)) if stat == "mean" else values.get(0, math.nan)
        if band == "minmax":
            low, high = float(column.min()), float(column.max())
        else:
            mean, std = float(np.mean(column)), float(np.std(column))
            low, high = mean - std, mean + std
        result[step] = (line, low, high)
    return result


@pytest.mark.parametrize(("stat", "band"), [("mean", "minmax"), ("rank0", "std")])
def test_grouped_by_rank(provider: LogdirProvider, stat: str, band: str) -> None:
    groups, ungrouped = grouped_scalars(provider, "loss", "rank", stat=stat, band=band)  # type: ignore[arg-type]
    assert [g.name for g in groups] == ["both", "exp"]
    assert ungrouped == ["single"]
    exp = groups[1]
    assert exp.members == ("exp/rank_0", "exp/rank_1", "exp/rank_2", "exp/rank_10")
    assert list(exp.steps) == [0, 1, 2, 3]
    assert list(exp.count) == [4, 2, 4, 4] and list(exp.nonfinite) == [0, 1, 0, 0]
    want = _expected(stat, band)
    for i, step in enumerate(exp.steps):
        line, low, high = want[int(step)]
        assert exp.value[i] == pytest.approx(line)
        assert (exp.low[i], exp.high[i]) == (pytest.approx(low), pytest.approx(high))


def test_group_by_rank_parsing() -> None:
    assert parse_group_by("rank") == GroupBy("rank", "") and str(parse_group_by("rank")) == "rank"
    for bad in ("rank:", "rank:x", "ranks"):
        with pytest.raises(ValueError):
            parse_group_by(bad)


def test_rank0_needs_by_rank(provider: LogdirProvider) -> None:
    with pytest.raises(ValueError, match="rank0"):
        grouped_scalars(provider, "loss", "regex:exp", stat="rank0")


@pytest.fixture(scope="module")
def client(logdir: Path) -> Iterator[TestClient]:
    app = create_app(LogdirProvider(logdir, use_cache=False), logdir=str(logdir), reload_interval=0)
    with TestClient(app) as c:
        yield c


def test_groups_route_by_rank(client: TestClient) -> None:
    response = client.get(
        "/api/scalars/groups", params={"tag": "loss", "by": "rank", "stat": "rank0"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["by"], body["stat"], body["band"]) == ("rank", "rank0", "minmax")
    assert body["ungrouped"] == ["single"]
    exp = body["groups"][1]
    assert exp["name"] == "exp"
    assert exp["members"] == ["exp/rank_0", "exp/rank_1", "exp/rank_2", "exp/rank_10"]
    want = _expected("rank0", "minmax")
    assert exp["value"] == [want[s][0] for s in exp["steps"]]
    assert exp["low"] == [want[s][1] for s in exp["steps"]]
    assert exp["high"] == [want[s][2] for s in exp["steps"]]
    params = {"tag": "loss", "by": "regex:x", "stat": "rank0"}
    bad = client.get("/api/scalars/groups", params=params)
    assert bad.status_code == 400 and "rank0" in bad.text


def test_open_frames_carry_the_rank(logdir: Path) -> None:
    pytest.importorskip("pandas")
    with trainboard.open(logdir, use_cache=False) as lg:
        assert lg.ranks("exp") == [0, 1, 2, 10] and lg.ranks("single") == []
        assert "exp" in lg.runs and "exp/rank_10" in lg.runs
        frame = lg.scalars_frame(tags="loss")
        assert list(frame.columns) == ["run", "rank", "tag", "step", "wall_time", "value"]
        assert str(frame["rank"].dtype) == "Int64"
        ranks = dict(zip(frame["run"], frame["rank"], strict=True))
        assert ranks["exp/rank_10"] == 10 and ranks["exp/rank_0"] == 0
        assert ranks["single"] is pd_na()
        grouped = lg.grouped_frame("loss", by="rank", stat="rank0")
        assert list(grouped[grouped["group"] == "exp"]["value"]) == RANKS[0][1]
        frame = lg.scalars_frame(runs="single")
        assert "rank" not in frame.columns  # no rank rows: the frame is as before


def test_polars_frame_rank_is_nullable_int(logdir: Path) -> None:
    pl = pytest.importorskip("polars")
    with trainboard.open(logdir, use_cache=False) as lg:
        frame = lg.scalars_frame(tags="loss", backend="polars")
    assert frame.schema["rank"] == pl.Int64
    assert frame.filter(pl.col("run") == "single")["rank"].to_list() == [None]


def pd_na() -> object:
    import pandas

    return pandas.NA


def test_named_logdirs_keep_the_ranks(logdir: Path) -> None:
    from trainboard.data.multi import MultiProvider

    inner = LogdirProvider(logdir / "exp", use_cache=False)  # the rank dirs at its root
    provider = MultiProvider({"a": inner, "b": LogdirProvider(logdir, use_cache=False)})
    provider.reload()
    runs = {run.name: run for run in provider.runs()}
    assert runs["a"].ranks == runs["b/exp"].ranks == (0, 1, 2, 10)
    assert (runs["a/rank_2"].parent, runs["a/rank_2"].rank) == ("a", 2)
    assert provider.tags("a") == []
    groups, _ = grouped_scalars(provider, "loss", "rank")
    assert [g.name for g in groups] == ["a", "b/both", "b/exp"]
    assert groups[0].members == ("a/rank_0", "a/rank_1", "a/rank_2", "a/rank_10")
    np.testing.assert_array_equal(groups[0].value, groups[2].value)
