"""A real ``torchrun --nproc_per_node 4`` (gloo on CPU) logging from every rank.

The worker (``torchrun_worker.py``) creates ``SummaryWriter(log_dir)`` with no rank
argument: each process finds its rank in the initialised process group and writes
``<log_dir>/rank_<N>``. Then TensorBoard's own loader reads each rank value for value,
trainboard shows one run with its four ranks, ``/api/scalars/groups?by=rank`` answers
numpy's mean, rank 0 and band over the ranks, and ``trainboard.open``'s frames carry the
rank. One torchrun for the module (torch's start is seconds per process).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

import trainboard
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app

from .torchrun_worker import STEPS, loss_value

pytestmark = [pytest.mark.torch, pytest.mark.timeout(180)]
pytest.importorskip("torch.distributed.run")

WORLD = 4
WORKER = Path(__file__).with_name("torchrun_worker.py")


def _expected() -> np.ndarray:
    """ranks × steps of the losses the worker logs, as float32 (simple_value's type)."""
    return np.array(
        [[loss_value(rank, step) for step in range(STEPS)] for rank in range(WORLD)],
        dtype=np.float32,
    ).astype(np.float64)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("torchrun")
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env["OMP_NUM_THREADS"] = "1"
    if sys.platform.startswith("linux"):  # gloo over loopback: no dependence on the host name
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone",
        f"--nproc_per_node={WORLD}", str(WORKER), str(root / "exp"),
    ]  # fmt: skip
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=150, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return root


def test_one_directory_per_rank(logdir: Path) -> None:
    assert sorted(os.listdir(logdir / "exp")) == [f"rank_{r}" for r in range(WORLD)]
    for rank in range(WORLD):
        names = os.listdir(logdir / "exp" / f"rank_{rank}")
        assert len(names) == 1 and names[0].startswith("events.out.tfevents.")


def test_tensorboard_reads_each_rank(logdir: Path) -> None:
    accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    expected = _expected()
    for rank in range(WORLD):
        acc = accumulator.EventAccumulator(str(logdir / "exp" / f"rank_{rank}"))
        acc.Reload()
        events = acc.Scalars("loss")
        assert [e.step for e in events] == list(range(STEPS))
        assert [e.value for e in events] == expected[rank].tolist()
        reduced = [e.value for e in acc.Scalars("loss/all_reduce_mean")]
        np.testing.assert_allclose(reduced, expected.mean(axis=0), rtol=1e-6)


def test_trainboard_shows_one_run_with_its_ranks(logdir: Path) -> None:
    provider = LogdirProvider(logdir, use_cache=False)
    provider.reload()
    runs = {run.name: run for run in provider.runs()}
    assert sorted(runs) == ["exp", *(f"exp/rank_{r}" for r in range(WORLD))]
    assert runs["exp"].ranks == (0, 1, 2, 3)
    expected = _expected()
    for rank in range(WORLD):
        series = provider.read_scalars(f"exp/rank_{rank}", "loss")
        assert series.values.tolist() == expected[rank].tolist()


@pytest.mark.parametrize("band", ["minmax", "std", "p10_90"])
def test_groups_by_rank_against_numpy(logdir: Path, band: str) -> None:
    expected = _expected()
    if band == "minmax":
        low, high = expected.min(axis=0), expected.max(axis=0)
    elif band == "std":
        low = expected.mean(axis=0) - expected.std(axis=0)
        high = expected.mean(axis=0) + expected.std(axis=0)
    else:
        low, high = np.percentile(expected, [10, 90], axis=0)
    app = create_app(LogdirProvider(logdir, use_cache=False), logdir=str(logdir), reload_interval=0)
    with TestClient(app) as client:
        runs = {r["name"]: r for r in client.get("/api/runs").json()["runs"]}
        assert runs["exp"]["ranks"] == [0, 1, 2, 3]
        for stat, line in (("mean", expected.mean(axis=0)), ("rank0", expected[0])):
            response = client.get(
                "/api/scalars/groups",
                params={"tag": "loss", "by": "rank", "stat": stat, "band": band, "width": 4000},
            )
            assert response.status_code == 200, response.text
            (group,) = response.json()["groups"]
            assert group["name"] == "exp"
            assert group["members"] == [f"exp/rank_{r}" for r in range(WORLD)]
            assert group["steps"] == list(range(STEPS)) and group["count"] == [WORLD] * STEPS
            np.testing.assert_allclose(group["value"], line, rtol=1e-12)
            np.testing.assert_allclose(group["low"], low, rtol=1e-12)
            np.testing.assert_allclose(group["high"], high, rtol=1e-12)


def test_open_frames_carry_the_rank(logdir: Path) -> None:
    pytest.importorskip("pandas")
    with trainboard.open(logdir, use_cache=False) as lg:
        assert lg.ranks("exp") == [0, 1, 2, 3]
        frame = lg.scalars_frame(tags="loss")
        grouped = lg.grouped_frame("loss", by="rank")
    expected = _expected()
    for rank in range(WORLD):
        rows = frame[frame["rank"] == rank]
        assert set(rows["run"]) == {f"exp/rank_{rank}"}
        assert rows["value"].tolist() == expected[rank].tolist()
    np.testing.assert_allclose(grouped["value"], expected.mean(axis=0), rtol=1e-12)
