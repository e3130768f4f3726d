"""The Visdom boundary validates: a bad message costs only itself, now and after a restart.

Each message below once either answered 500 or was stored and then broke every
``/api/live/*`` route for good (also after a restart, until the env directory was
deleted by hand). Now each gets a 400 naming what is wrong, nothing is written, and the
envs keep answering, in this process and in the next one replaying the same logs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app
from trainboard.visdom._envlog import MAX_DIRNAME, env_dirname
from trainboard.visdom.protocol import MAX_JSON_DEPTH, json_depth
from trainboard.visdom.store import EnvStore


def _client(logdir: Path) -> TestClient:
    app = create_app(LogdirProvider(logdir, use_cache=False), logdir=str(logdir), reload_interval=0)
    return TestClient(app)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _windows(client: TestClient) -> list[dict[str, Any]]:
    """The windows of env main, without contentID (a replay gives each window a new one)."""
    response = client.get("/api/live/windows", params={"env": "main"})
    assert response.status_code == 200, response.text
    return [{k: v for k, v in w.items() if k != "contentID"} for w in response.json()["windows"]]


def _trace(**fields: Any) -> dict[str, Any]:
    return {"eid": "main", "win": "w", "layout": {}, "opts": {}, "data": [fields]}


BAD: dict[str, tuple[str, Any, str]] = {
    "win_data with win null and a non-window": (
        "/win_data", {"eid": "main", "win": None, "data": {"w": 5}}, "data['w'] must be"
    ),
    "win_data with a window of no type": (
        "/win_data", {"eid": "main", "win": "w", "data": {"id": "w", "content": "x"}}, "type"
    ),
    "win_data whose id is not the win": (
        "/win_data",
        {"eid": "main", "win": "w", "data": {"id": "v", "type": "text", "content": "x"}},
        "expected the win 'w'",
    ),
    "embeddings content as a list": (
        "/events",
        {"eid": "main", "win": "e", "data": [{"content": [1, 2], "type": "embeddings"}]},
        "must be an object",
    ),
    "marker that is a number": ("/events", _trace(x=[1], y=[2], marker=5), "marker"),
    "heatmap labels that are a string": (
        "/events", _trace(z=[[1, 2]], x="ab", type="heatmap"), "heatmap labels"
    ),
    "text content that is not a string": (
        "/events", {"eid": "main", "win": "t", "data": [{"content": {"a": 1}, "type": "text"}]},
        "must be a string",
    ),
    "content window with no type": (
        "/events", {"eid": "main", "win": "n", "data": [{"content": "x"}]}, "data[0].type"
    ),
    "deeply nested JSON": ("/events", "[" * 100_000 + "]" * 100_000, "levels deep"),
    "deeply nested JSON in a batch": ("/api/live/push", "[" * 5_000 + "]" * 5_000, "levels deep"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_message_gets_400_naming_it_and_changes_nothing(
    tmp_path: Path, client: TestClient, case: str
) -> None:
    path, body, expected = BAD[case]
    client.post("/events", content=json.dumps(_trace(x=[1, 2], y=[3, 4], mode="lines")))
    before = _windows(client)
    response = client.post(path, content=body if isinstance(body, str) else json.dumps(body))
    assert response.status_code == 400, response.text
    assert expected in response.json()["error"]["message"]
    assert client.get("/api/live/envs").status_code == 200
    assert _windows(client) == before
    with _client(tmp_path) as restarted:
        assert _windows(restarted) == before


def test_a_categorical_line_is_kept_and_not_mirrored_as_scalars(
    tmp_path: Path, client: TestClient
) -> None:
    """y ["a"] made the Scalars mirror raise after the window was stored."""
    body = _trace(x=[1], y=["a"], type="scatter", mode="lines")
    assert client.post("/events", content=json.dumps(body)).text == "w"
    windows = client.get("/api/live/windows", params={"env": "main"})
    assert windows.status_code == 200
    assert windows.json()["windows"][0]["content"]["data"][0]["y"] == ["a"]
    update = {"eid": "main", "win": "w", "data": [{"x": [2], "y": ["b"]}], "append": True}
    assert client.post("/update", content=json.dumps(update)).status_code == 200
    with _client(tmp_path) as restarted:
        assert restarted.get("/api/live/windows", params={"env": "main"}).status_code == 200


def test_an_env_name_of_any_length_gets_a_directory_and_survives_a_restart(
    tmp_path: Path, client: TestClient
) -> None:
    names = ["é" * 200, "é" * 200 + "x", "." + "a" * 400]
    for name in names:
        body = {"eid": name, "win": "t", "data": [{"content": name[-5:], "type": "text"}]}
        assert client.post("/events", content=json.dumps(body)).status_code == 200
    dirs = {env_dirname(name) for name in names}
    assert len(dirs) == len(names)
    assert all(len(d.encode()) <= MAX_DIRNAME and not d.startswith(".") for d in dirs)
    with _client(tmp_path) as restarted:
        envs = {e["name"] for e in restarted.get("/api/live/envs").json()["envs"]}
        assert set(names) <= envs


def test_replay_skips_a_bad_line_with_a_warning_and_keeps_the_env(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / ".live"
    store = EnvStore(str(root))
    for win in ("a", "b"):
        text = {"content": win, "type": "text"}
        store.apply("events", {"eid": "exp", "win": win, "data": [text]})
    store.close()
    (log,) = root.glob("*/log.jsonl")
    lines = log.read_text().splitlines()
    bad = [
        json.dumps(["win_data", {"eid": "exp", "win": None, "data": {"w": 5}}]),
        json.dumps(["events", {"eid": "exp", "win": "c", "data": [{"content": [1], "type": ""}]}]),
        json.dumps(["update", 5]),
        "{torn",
    ]
    log.write_text("\n".join([*lines[:2], *bad, *lines[2:]]) + "\n")
    with caplog.at_level(logging.WARNING, logger="trainboard.visdom"):
        replayed = EnvStore(str(root))
    assert [w["id"] for w in replayed.windows("exp")] == ["a", "b"]
    assert sum("skipped" in r.getMessage() for r in caplog.records) >= 4
    replayed.close()


def test_a_snapshot_keeps_its_valid_windows(tmp_path: Path) -> None:
    root = tmp_path / ".live"
    (root / "exp").mkdir(parents=True)
    good = {"id": "a", "type": "text", "content": "hi", "i": 0, "command": "window"}
    records = [
        ["env", {"eid": "exp"}],
        ["snapshot", {"windows": [good, {"id": "z"}, 7, {**good, "id": "b", "i": "x"}]}],
    ]
    (root / "exp" / "log.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    store = EnvStore(str(root))
    assert [w["id"] for w in store.windows("exp")] == ["a"]
    store.close()


def test_json_depth_is_counted_outside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(b"[]" * 10) == 1
    assert json_depth(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1)) > MAX_JSON_DEPTH
