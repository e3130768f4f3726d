"""GET /api/runs/table: the runs table as JSON (values from data/runs_table.py, non-finite
numbers as strings), and a 400 naming the value for bad metric lists."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app
from trainboard.server.routes.runs_table import MAX_METRICS


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with SummaryWriter(tmp_path / "exp") as w:
        for step, value in enumerate([2.0, math.nan, 0.5, 1.0]):
            w.add_scalar("loss", value, step)
        w.add_text("notes", "text", 0)
        w.add_hparams({"lr": 0.1, "opt": "adam", "wd": math.nan}, {"hparam/acc": 0.75})
    with SummaryWriter(tmp_path / "diverged", capture_environment=False) as w:
        w.add_scalar("loss", math.inf, 3)
    provider = LogdirProvider(str(tmp_path))
    app = create_app(provider, logdir=str(tmp_path), reload_interval=0)
    with TestClient(app) as test_client:
        yield test_client
    provider.close()


def test_table(client: TestClient) -> None:
    response = client.get("/api/runs/table", params={"metrics": "loss,hparam/acc,absent"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["metrics"] == ["loss", "hparam/acc", "absent"]
    assert {"loss", "hparam/acc"} <= set(body["scalar_tags"])
    assert [h["name"] for h in body["hparams"]] == ["lr", "opt", "wd"]
    rows = {row["run"]: row for row in body["rows"]}
    assert set(rows) == {"exp", "diverged"}
    exp, diverged = rows["exp"], rows["diverged"]
    assert exp["hparams"] == {"lr": 0.1, "opt": "adam", "wd": "NaN"}
    assert len(exp["members"]) == 1 and exp["members"][0].startswith("exp/")
    assert exp["metrics"][0] == {
        "last": 1.0, "last_step": 3, "min": 0.5, "max": 2.0, "points": 4, "nonfinite": 1
    }  # fmt: skip
    assert exp["metrics"][1]["last"] == 0.75 and exp["metrics"][2] is None
    assert diverged["metrics"][0] == {
        "last": "Infinity", "last_step": 3, "min": "NaN", "max": "NaN", "points": 1,
        "nonfinite": 1,
    }  # fmt: skip
    assert exp["environment"]["cwd"] and diverged["environment"] == {}
    env_names = [c["name"] for c in body["environment"]]
    assert "git_commit" in env_names or "host" in env_names


def test_repeated_metrics_keep_commas(client: TestClient) -> None:
    response = client.get("/api/runs/table", params=[("metrics", "loss"), ("metrics", "a,b")])
    assert response.status_code == 200
    assert response.json()["metrics"] == ["loss", "a,b"]
    assert client.get("/api/runs/table").json()["metrics"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"metrics": "loss,,acc"}, "metrics='loss,,acc' holds an empty tag name"),
        ({"metrics": ",".join(f"t{i}" for i in range(MAX_METRICS + 1))}, "at most 256"),
        ({"metrics": "notes/text_summary"}, "'notes/text_summary' is not a scalar tag"),
    ],
)
def test_bad_metrics(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/api/runs/table", params=params)
    assert response.status_code == 400
    assert message in response.text
