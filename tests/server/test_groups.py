"""``/api/scalars/groups``: grouped runs over HTTP, against numpy and the wire schema."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app, openapi_document

jsonschema = pytest.importorskip("jsonschema")

RUNS = {
    "adam_seed0": ([0, 1, 2, 3], [1.0, 2.0, math.nan, 4.0]),
    "adam_seed1": ([0, 2, 4], [3.0, 5.0, 7.0]),
    "sgd_seed0": ([0, 1, 2], [10.0, 20.0, 30.0]),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("groups")
    for run, (steps, values) in RUNS.items():
        with SummaryWriter(root / run) as w:
            for step, value in zip(steps, values, strict=True):
                w.add_scalar("loss", value, step)
    with SummaryWriter(root / "solo") as w:
        w.add_scalar("acc", 1.0, 0)
    app = create_app(LogdirProvider(root, use_cache=False), logdir=str(root), reload_interval=0)
    with TestClient(app) as c:
        yield c


def _validate(body: Any) -> None:
    document = openapi_document()
    schema = document["paths"]["/api/scalars/groups"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": document["components"]})
    assert not list(validator.iter_errors(body))


def test_groups_by_regex(client: TestClient) -> None:
    response = client.get(
        "/api/scalars/groups", params={"tag": "loss", "by": "regex:^([a-z]+)_", "band": "std"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    _validate(body)
    assert body["by"] == "regex:^([a-z]+)_" and body["ungrouped"] == []
    adam, sgd = body["groups"]
    assert (adam["name"], sgd["name"]) == ("adam", "sgd")
    assert adam["members"] == ["adam_seed0", "adam_seed1"]
    assert adam["steps"] == [0, 1, 2, 3, 4]
    assert adam["count"] == [2, 1, 1, 1, 1]
    assert adam["nonfinite"] == [0, 0, 1, 0, 0]
    expected = [float(np.mean([1.0, 3.0])), 2.0, 5.0, 4.0, 7.0]
    np.testing.assert_allclose(adam["value"], expected)
    std = float(np.std([1.0, 3.0]))
    assert adam["low"][0] == pytest.approx(2.0 - std) and adam["high"][0] == pytest.approx(
        2.0 + std
    )
    assert sgd["value"] == [10.0, 20.0, 30.0] and sgd["total_points"] == 3


def test_groups_median_and_smoothing(client: TestClient) -> None:
    body = client.get(
        "/api/scalars/groups",
        params={"tag": "loss", "by": "regex:seed(\\d)", "stat": "median", "smoothing": 0.5},
    ).json()
    _validate(body)
    assert [g["name"] for g in body["groups"]] == ["0", "1"]
    assert body["groups"][0]["members"] == ["adam_seed0", "sgd_seed0"]


def test_groups_without_members(client: TestClient) -> None:
    body = client.get("/api/scalars/groups", params={"tag": "loss", "by": "tag:none"}).json()
    _validate(body)
    assert body["groups"] == [] and body["ungrouped"] == sorted(RUNS)


@pytest.mark.parametrize(
    "params",
    [
        {"tag": "loss"},
        {"tag": "loss", "by": "colour:red"},
        {"tag": "loss", "by": "regex:("},
        {"tag": "loss", "by": "hparam:lr", "stat": "mode"},
        {"tag": "loss", "by": "hparam:lr", "band": "p5_95"},
        {"tag": "loss", "by": "hparam:lr", "smoothing": 2},
    ],
)
def test_groups_bad_requests(client: TestClient, params: dict[str, Any]) -> None:
    assert client.get("/api/scalars/groups", params=params).status_code == 400
