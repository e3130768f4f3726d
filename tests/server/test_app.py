"""The HTTP API over a real logdir, through the ASGI app (no network)."""

from __future__ import annotations

import csv
import io
import json
import math
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app, openapi_document


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("logdir")
    with SummaryWriter(root / "exp1") as w:
        for step in range(5000):
            w.add_scalar("loss/train", 1.0 / (step + 1), step)
        w.add_scalar("loss/train", math.nan, 5000)
        w.add_scalar("acc", 0.5, 0)
        for step in range(3):
            w.add_scalars("pair", {"a": step, "b": -step}, step)
        w.add_text("notes", "hello", 0)
    with SummaryWriter(root / "exp2") as w:
        w.add_scalar("loss/train", 2.0, 0)
    return root


@pytest.fixture(scope="module")
def client(logdir: Path) -> Iterator[TestClient]:
    provider = LogdirProvider(logdir, use_cache=False)
    app = create_app(provider, logdir=str(logdir), window_title="T", reload_interval=0)
    with TestClient(app) as c:
        app.state.hub.provider.reload()
        yield c


def _error(response: Any, status: int) -> str:
    assert response.status_code == status
    body = response.json()
    assert body["error"]["status"] == status
    message: str = body["error"]["message"]
    return message


def test_environment(client: TestClient, logdir: Path) -> None:
    env = client.get("/api/environment").json()
    assert env["logdir"] == str(logdir) and env["window_title"] == "T"


def test_runs_lists_sub_runs_with_their_group_and_kinds(client: TestClient) -> None:
    body = client.get("/api/runs").json()
    runs = {r["name"]: r for r in body["runs"]}
    assert set(runs) == {"exp1", "exp1/pair_a", "exp1/pair_b", "exp2"}
    assert runs["exp1/pair_a"]["parent"] == "exp1" and runs["exp1/pair_a"]["group_tag"] == "pair"
    assert runs["exp1"]["kinds"] == ["scalars", "text"]
    assert body["kinds"] == ["scalars", "text"]
    assert body["warnings"] == []


def test_tags_of_a_kind(client: TestClient) -> None:
    tags = client.get("/api/tags", params={"kind": "scalars"}).json()["tags"]
    assert tags["exp1"]["loss/train"]["points"] == 5001
    assert set(tags["exp1"]) == {"loss/train", "acc"}
    assert "hello" not in json.dumps(tags)
    assert "kind" in _error(client.get("/api/tags"), 400)
    assert "'bogus'" in _error(client.get("/api/tags", params={"kind": "bogus"}), 400)


def _card(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/scalars", params=params)
    assert response.status_code == 200, response.text
    card: dict[str, Any] = response.json()
    return card


def test_scalars_view_is_downsampled_per_pixel_and_keeps_the_latest_point(
    client: TestClient,
) -> None:
    card = _card(client, tag="loss/train", runs="exp1,exp2", width=50)
    (s1, s2) = card["series"]
    assert s1["run"] == "exp1" and s1["total_points"] == 5001
    assert s1["returned_points"] == len(s1["steps"]) <= 4 * 50 + 2
    assert s1["steps"][0] == 0 and s1["steps"][-1] == 5000
    assert s1["values"][-1] is None  # NaN travels as null
    assert max(v for v in s1["values"] if v is not None) == 1.0  # the spike at step 0 kept
    assert s2["steps"] == [0] and s2["values"] == [2.0]


def test_scalars_view_omits_runs_without_the_tag_and_404s_unknown_runs(client: TestClient) -> None:
    assert [s["run"] for s in _card(client, tag="acc", runs="exp1,exp2", width=10)["series"]] == [
        "exp1"
    ]
    assert "'nope'" in _error(
        client.get("/api/scalars", params={"tag": "acc", "runs": "nope"}), 404
    )


def test_scalars_view_smoothing_matches_tensorboards_ema(client: TestClient) -> None:
    card = _card(client, tag="loss/train", runs="exp1", width=10000, smoothing=0.6)
    series = card["series"][0]
    values = [float(np.float32(1.0 / (s + 1))) for s in range(5000)]  # simple_value is float32
    last, smoothed = 0.0, []
    for n, v in enumerate(values, 1):
        last = last * 0.6 + 0.4 * v
        smoothed.append(last / (1 - 0.6**n))
    got = dict(zip(series["steps"], series["smoothed"], strict=True))
    for step in (0, 1, 10, 4999):
        assert got[step] == pytest.approx(smoothed[step], rel=1e-9)


def test_scalars_view_zooms_into_a_range(client: TestClient) -> None:
    series = _card(client, tag="loss/train", runs="exp1", width=100, xmin=1000, xmax=1100)[
        "series"
    ][0]
    inside = [s for s in series["steps"] if 1000 <= s <= 1100]
    assert len(inside) == 101  # 101 points in range, fewer than 4 per pixel: all of them


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"runs": "exp1"}, "'tag'"),
        ({"tag": "acc"}, "'runs'"),
        ({"tag": "acc", "runs": "exp1", "width": "wide"}, "width='wide'"),
        ({"tag": "acc", "runs": "exp1", "width": 0}, "width=0"),
        ({"tag": "acc", "runs": "exp1", "smoothing": 1}, "smoothing=1.0"),
        ({"tag": "acc", "runs": "exp1", "xaxis": "epoch"}, "xaxis='epoch'"),
        ({"tag": "acc", "runs": "exp1", "xmin": 1}, "xmin and xmax"),
        ({"tag": "acc", "runs": "exp1", "xmin": 5, "xmax": 1}, "less than"),
        ({"tag": "acc", "runs": "exp1", "xmin": "nan", "xmax": 1}, "finite"),
        ({"tag": "acc", "runs": "exp1", "format": "xml"}, "format='xml'"),
    ],
)
def test_bad_queries_get_a_400_naming_the_parameter(
    client: TestClient, params: dict[str, Any], needle: str
) -> None:
    assert needle in _error(client.get("/api/scalars", params=params), 400)


def _decode_binary(body: bytes) -> dict[str, Any]:
    (length,) = struct.unpack_from("<I", body)
    header: dict[str, Any] = json.loads(body[4 : 4 + length])
    for series in header["series"]:
        for key, value in list(series.items()):
            if isinstance(value, dict) and "offset" in value:
                assert value["offset"] % 8 == 0
                array = np.frombuffer(
                    body, dtype="<" + value["dtype"], count=value["length"], offset=value["offset"]
                )
                series[key] = array
    return header


def test_binary_format_carries_the_same_columns(client: TestClient) -> None:
    params: dict[str, Any] = {
        "tag": "loss/train",
        "runs": "exp1,exp2",
        "width": 37,
        "smoothing": 0.3,
    }
    as_json = _card(client, **params)
    response = client.get("/api/scalars", params={**params, "format": "binary"})
    assert response.headers["content-type"] == "application/octet-stream"
    as_binary = _decode_binary(response.content)
    for j, b in zip(as_json["series"], as_binary["series"], strict=True):
        assert b["run"] == j["run"] and b["total_points"] == j["total_points"]
        assert b["steps"].tolist() == j["steps"]
        np.testing.assert_array_equal(
            b["values"], [np.nan if v is None else v for v in j["values"]]
        )
        np.testing.assert_allclose(
            b["smoothed"], [np.nan if v is None else v for v in j["smoothed"]]
        )


def test_scalar_data_download_has_every_point(client: TestClient) -> None:
    response = client.get("/api/scalars/data", params={"run": "exp1", "tag": "loss/train"})
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["wall_time", "step", "value"]
    assert len(rows) == 1 + 5001
    assert [int(r[1]) for r in rows[1:6]] == [0, 1, 2, 3, 4]
    assert float(rows[2][2]) == 0.5
    data = client.get("/api/scalars/data", params={"run": "exp1", "tag": "acc", "format": "json"})
    (point,) = data.json()
    assert point[1:] == [0, 0.5]
    assert "'nope'" in _error(
        client.get("/api/scalars/data", params={"run": "exp1", "tag": "nope"}), 404
    )


def test_openapi_document_lists_every_route(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/runs", "/api/tags", "/api/scalars", "/api/scalars/data", "/api/live"} <= set(
        doc["paths"]
    )
    assert doc == openapi_document()


def test_unknown_api_routes_are_json_404s(client: TestClient) -> None:
    assert "'/api/nothing'" in _error(client.get("/api/nothing"), 404)


def test_index_page_is_served(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and "<html" in response.text.lower()


def test_live_channel_pushes_new_points(tmp_path: Path) -> None:
    writer = SummaryWriter(tmp_path / "run")
    writer.add_scalar("x", 1.0, 0)
    writer.flush()
    provider = LogdirProvider(tmp_path, use_cache=False)
    app = create_app(provider, reload_interval=0.05)
    with TestClient(app) as client, client.websocket_connect("/api/live") as ws:
        assert ws.receive_json()["type"] == "hello"
        writer.add_scalar("x", 2.0, 1)
        writer.add_scalar("y", 3.0, 0)
        writer.flush()
        # The page may connect before the first load: then that load's messages come
        # first (x with 1 point). Wait for the ones announcing the new data.
        x_points, y_added = 0, False
        while x_points < 2 or not y_added:
            message = ws.receive_json()
            if message["type"] == "points":
                for update in message["updates"]:
                    if (update["run"], update["tag"]) == ("run", "x"):
                        x_points = max(x_points, update["total_points"])
            elif message["type"] == "tags" and message["run"] == "run":
                y_added = y_added or "y" in message["added"]
        assert x_points == 2
    writer.close()


def test_corrupt_files_are_warnings_not_errors(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "good") as w:
        w.add_scalar("x", 1.0, 0)
    with SummaryWriter(tmp_path / "bad", capture_environment=False) as w:
        for step in range(10):
            w.add_scalar("x", float(step), step)
    (path,) = (tmp_path / "bad").glob("*tfevents*")
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # break the last record's CRC
    path.write_bytes(bytes(data) + b"garbage that is not a record")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "events.out.tfevents.0.x").write_bytes(b"")
    provider = LogdirProvider(tmp_path, use_cache=False)
    with TestClient(create_app(provider, reload_interval=0)) as client:
        provider.reload()
        body = client.get("/api/runs").json()
        assert {w["run"] for w in body["warnings"]} == {"bad"}
        series = _card(client, tag="x", runs="good,bad", width=100)["series"]
        assert [len(s["steps"]) for s in series] == [1, 9]
