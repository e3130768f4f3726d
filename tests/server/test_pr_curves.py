"""The PR-curve routes over a logdir written by trainboard and by torch.utils.tensorboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from starlette.testclient import TestClient

from tests.server.support import get_json as _get
from tests.support import tb_accumulator
from trainboard import SummaryWriter
from trainboard.format.kinds.pr_curve import FIELDS
from trainboard.server.app import openapi_document
from trainboard.server.routes.pr_curves import curve_entry

STEPS = (0, 5, 9)


def labels_and_predictions(step: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(step)
    labels = rng.random(200) < 0.4
    predictions = np.clip(labels * 0.3 + rng.random(200) * 0.6 + step * 0.01, 0, 1)
    return labels, predictions


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pr")
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    with SummaryWriter(root / "ours") as w, torch_tb.SummaryWriter(str(root / "torch")) as tw:
        for step in STEPS:
            labels, predictions = labels_and_predictions(step)
            w.add_pr_curve("pr/cat", labels, predictions, step, num_thresholds=11)
            tw.add_pr_curve("pr/cat", labels, predictions, step, num_thresholds=11)
        # Predictions all below 0.5: the thresholds above have TP + FP = 0.
        w.add_pr_curve("pr/low", np.array([1, 0, 1, 0]), np.array([0.1, 0.2, 0.3, 0.4]), 0, 11)
        w.add_pr_curve_raw(
            "pr/raw",
            [4, 2, 0],
            [3, 1, 0],
            [0, 2, 3],
            [0, 2, 4],
            [0.57, 0.67, 0.0],
            [1.0, 0.5, 0.0],
            2,
            num_thresholds=3,
        )
    with SummaryWriter(root / "other") as w:
        w.add_scalar("loss", 1.0, 0)
    return root


def _tensorboard_entries(run_dir: Path, tag: str) -> dict[int, dict[str, Any]]:
    """TensorBoard's own PR-curve plugin's entry for each step, read by its accumulator."""
    from tensorboard.plugins.pr_curve.pr_curves_plugin import PrCurvesPlugin
    from tensorboard.util import tensor_util

    plugin = PrCurvesPlugin.__new__(PrCurvesPlugin)  # _make_pr_entry uses no plugin state
    events = tb_accumulator(run_dir).Tensors(tag)
    return {
        e.step: plugin._make_pr_entry(e.step, e.wall_time, tensor_util.make_ndarray(e.tensor_proto))
        for e in events
    }


def test_steps_of_each_run_with_num_thresholds(client: TestClient) -> None:
    body = _get(client, "/api/pr_curves/steps", tag="pr/cat", runs="ours,torch,other")
    assert [r["run"] for r in body["runs"]] == ["ours", "torch"]  # "other" has no such tag
    for entry in body["runs"]:
        assert entry["steps"] == list(STEPS) and len(entry["wall_times"]) == 3
        assert entry["num_thresholds"] == 11


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_curves_equal_tensorboards_plugin(client: TestClient, logdir: Path, run: str) -> None:
    expected = _tensorboard_entries(logdir / run, "pr/cat")
    for step in STEPS:
        (curve,) = _get(client, "/api/pr_curves", tag="pr/cat", runs=run, steps=step)["curves"]
        tb = expected[step]
        assert curve["step"] == step and curve["wall_time"] == tb["wall_time"]
        assert curve["precision"] == tb["precision"] and curve["recall"] == tb["recall"]
        assert curve["thresholds"] == tb["thresholds"]
        n = len(tb["precision"])
        for field in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            assert curve[field] == [float(v) for v in tb[field][:n]]


def test_ours_and_torchs_curves_are_the_same(client: TestClient) -> None:
    body = _get(client, "/api/pr_curves", tag="pr/cat", runs=["ours", "torch"], steps=["5", "9"])
    ours, torch_curve = body["curves"]
    assert (ours["run"], ours["step"], torch_curve["run"], torch_curve["step"]) == (
        "ours",
        5,
        "torch",
        9,
    )
    same = _get(client, "/api/pr_curves", tag="pr/cat", runs="ours,torch", steps="9,latest")
    a, b = same["curves"]
    assert {k: v for k, v in a.items() if k not in ("run", "wall_time")} == {
        k: v for k, v in b.items() if k not in ("run", "wall_time")
    }


def test_latest_by_default_and_missing_steps_fall_back(client: TestClient) -> None:
    (latest,) = _get(client, "/api/pr_curves", tag="pr/cat", runs="ours")["curves"]
    assert latest["step"] == 9
    (before,) = _get(client, "/api/pr_curves", tag="pr/cat", runs="ours", steps=7)["curves"]
    assert before["step"] == 5


def test_the_tail_without_predictions_is_cut_as_tensorboard_does(
    client: TestClient, logdir: Path
) -> None:
    (curve,) = _get(client, "/api/pr_curves", tag="pr/low", runs="ours")["curves"]
    assert curve["thresholds"][-1] == pytest.approx(0.4)  # predictions stop at 0.4
    assert len(curve["recall"]) == len(curve["true_positives"]) == 5
    assert curve["precision"] == _tensorboard_entries(logdir / "ours", "pr/low")[0]["precision"]


def test_raw_curves_keep_their_values(client: TestClient) -> None:
    (curve,) = _get(client, "/api/pr_curves", tag="pr/raw", runs="ours")["curves"]
    assert curve["num_thresholds"] == 3 and curve["thresholds"] == [0.0, 0.5]
    assert curve["true_positives"] == [4.0, 2.0]
    assert curve["precision"] == [float(np.float32(0.57)), float(np.float32(0.67))]


def test_a_malformed_curve_is_reported_not_raised() -> None:
    entry = cast(dict[str, Any], curve_entry(np.zeros((3, 4))))  # FIELDS index it
    assert "[3, 4]" in entry["error"] and all(entry[f] == [] for f in FIELDS)
    nan = curve_entry(np.array([[1.0], [0.0], [0.0], [0.0], [np.nan], [1.0]]))
    assert nan["precision"] == [None]


@pytest.mark.parametrize(
    ("path", "params", "status", "needle"),
    [
        ("/api/pr_curves", {"runs": "ours"}, 400, "'tag'"),
        ("/api/pr_curves/steps", {"tag": "pr/cat"}, 400, "'runs'"),
        (
            "/api/pr_curves",
            {"tag": "pr/cat", "runs": "ours,torch", "steps": "1"},
            400,
            "one per run (2)",
        ),
        ("/api/pr_curves", {"tag": "pr/cat", "runs": "ours", "steps": "x"}, 400, "'x'"),
        ("/api/pr_curves", {"tag": "pr/cat", "runs": "nope"}, 404, "'nope'"),
        ("/api/pr_curves/steps", {"tag": "pr/cat", "runs": "nope"}, 404, "'nope'"),
    ],
)
def test_bad_requests_name_what_is_wrong(
    client: TestClient, path: str, params: dict[str, Any], status: int, needle: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert needle in response.json()["error"]["message"]


def test_unknown_tags_give_no_curves(client: TestClient) -> None:
    assert _get(client, "/api/pr_curves", tag="pr/none", runs="ours")["curves"] == []
    assert _get(client, "/api/pr_curves/steps", tag="pr/none", runs="ours")["runs"] == []


def test_routes_are_in_the_openapi_document() -> None:
    assert {"/api/pr_curves", "/api/pr_curves/steps"} <= set(openapi_document()["paths"])
