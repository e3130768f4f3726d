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


def _wave(seed: int, step: int) -> float:
    return math.sin(step / 7 + seed) + 0.01 * step


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("groups")
    for run, (steps, values) in RUNS.items():
        with SummaryWriter(root / run) as w:
            for step, value in zip(steps, values, strict=True):
                w.add_scalar("loss", value, step)
    with SummaryWriter(root / "solo") as w:
        w.add_scalar("acc", 1.0, 0)
    for seed in (0, 1):
        with SummaryWriter(root / f"wave_seed{seed}") as w:
            for step in range(200):
                w.add_scalar("wave", _wave(seed, step), step)
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
        {"tag": "loss", "by": "hparam:lr", "xmin": 1},
        {"tag": "loss", "by": "hparam:lr", "xmin": 3, "xmax": 1},
        {"tag": "loss", "by": "hparam:lr", "xmin": "a", "xmax": 1},
    ],
)
def test_groups_bad_requests(client: TestClient, params: dict[str, Any]) -> None:
    assert client.get("/api/scalars/groups", params=params).status_code == 400


def test_groups_of_the_selected_runs(client: TestClient) -> None:
    """runs= (repeated or comma-separated) restricts the members: a run left out changes
    the band as numpy says; a run without the tag is skipped, an unknown run is a 404."""
    every = client.get(
        "/api/scalars/groups", params={"tag": "loss", "by": "regex:^([a-z]+)_"}
    ).json()
    assert every["groups"][0]["members"] == ["adam_seed0", "adam_seed1"]
    for runs in (["adam_seed1", "sgd_seed0", "solo"], ["adam_seed1,sgd_seed0,solo"]):
        response = client.get(
            "/api/scalars/groups",
            params={"tag": "loss", "by": "regex:^([a-z]+)_", "band": "std", "runs": runs},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        _validate(body)
        adam, sgd = body["groups"]
        assert adam["members"] == ["adam_seed1"] and sgd["members"] == ["sgd_seed0"]
        steps, values = RUNS["adam_seed1"]
        assert adam["steps"] == steps
        np.testing.assert_allclose(adam["value"], values)
        np.testing.assert_allclose(adam["low"], [v - np.std([v]) for v in values])
        assert adam["count"] == [1, 1, 1]
    assert every["groups"][0]["high"][0] == pytest.approx(2.0 + 1.0)  # with seed0: 2 ± 1
    missing = client.get(
        "/api/scalars/groups", params={"tag": "loss", "by": "regex:(a)", "runs": ["nope"]}
    )
    assert missing.status_code == 404 and "nope" in missing.json()["error"]["message"]


def test_groups_zoomed(client: TestClient) -> None:
    """xmin/xmax (steps) downsample within the range, per pixel as a zoomed series: every
    step inside 100..120 (21 fit 20 px), one each side and the last; values as numpy's."""
    params: dict[str, Any] = {"tag": "wave", "by": "regex:^(wave)", "width": 20}
    whole = client.get("/api/scalars/groups", params=params).json()["groups"][0]
    assert whole["total_points"] == 200 and len(whole["steps"]) < 120
    inside = [s for s in whole["steps"] if 100 <= s <= 120]
    response = client.get("/api/scalars/groups", params={**params, "xmin": 100, "xmax": 120})
    assert response.status_code == 200, response.text
    zoomed = response.json()
    _validate(zoomed)
    group = zoomed["groups"][0]
    assert group["steps"] == [99, *range(100, 121), 121, 199]
    assert len(inside) < 21
    assert group["total_points"] == 200
    expected = [np.mean([_wave(0, s), _wave(1, s)]) for s in group["steps"]]
    np.testing.assert_allclose(group["value"], expected, rtol=1e-6)
    np.testing.assert_allclose(
        group["high"], [max(_wave(0, s), _wave(1, s)) for s in group["steps"]], rtol=1e-6
    )


def test_bad_regex_is_a_400_naming_pattern_and_python_error(client: TestClient) -> None:
    response = client.get("/api/scalars/groups", params={"tag": "loss", "by": "regex:seed(\\d"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "'seed(\\\\d'" in message and "missing ), unterminated subpattern" in message
    # Python's syntax is the judge: a named group with an inline flag is fine.
    ok = client.get(
        "/api/scalars/groups", params={"tag": "loss", "by": "regex:(?i)^(?P<opt>ADAM|SGD)"}
    )
    assert ok.status_code == 200
    assert [g["name"] for g in ok.json()["groups"]] == ["adam", "sgd"]
