"""The board's live JSON API and push messages, in process (Starlette's TestClient)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(LogdirProvider(str(tmp_path), use_cache=False), logdir=str(tmp_path),
                     reload_interval=0)
    with TestClient(app) as test_client:
        yield test_client
    store = getattr(app.state, "live_store", None)
    if store is not None:
        store.close()


def _line(win: str, xs: list[Any], ys: list[Any], append: bool = False) -> dict[str, Any]:
    msg: dict[str, Any] = {"data": [{"x": xs, "y": ys, "name": "1", "type": "scatter",
                                     "mode": "lines"}], "win": win, "eid": "exp"}
    if append:
        msg["append"] = True
    return msg


def test_push_applies_a_batch_and_reports_each_op(client: TestClient) -> None:
    ops = [["env", {"eid": "exp"}], ["events", _line("w", [0], [1.0])],
           ["update", _line("w", [1, 2], [2.0], append=True)],
           ["update", _line("w", [1], [2.0], append=True)], "junk"]
    results = client.post("/api/live/push", json={"ops": ops}).json()["results"]
    assert results[0] == {"reply": ""} and results[1] == {"reply": "w"}
    assert "2 x values but 1 y values" in results[2]["error"]
    assert results[3] == {"reply": "w"} and "not [endpoint, message]" in results[4]["error"]
    windows = client.get("/api/live/windows", params={"env": "exp"}).json()["windows"]
    assert windows[0]["content"]["data"][0]["x"] == [0, 1]
    envs = client.get("/api/live/envs").json()["envs"]
    assert [(e["name"], e["windows"]) for e in envs] == [("exp", 1), ("main", 0)]


def test_errors_are_json_with_the_reason(client: TestClient) -> None:
    response = client.post("/api/live/push", content=b"[1, 2")
    assert response.status_code == 400 and "not JSON" in response.json()["error"]["message"]
    assert client.get("/api/live/windows", params={"env": "nope"}).status_code == 404
    assert client.get("/api/live/windows").status_code == 400
    closed = client.post("/api/live/close", params={"env": "main", "win": "x"})
    assert closed.status_code == 404


def test_changes_are_pushed_to_open_pages(client: TestClient) -> None:
    with client.websocket_connect("/api/live") as ws:
        assert json.loads(ws.receive_text())["type"] == "hello"
        client.post("/events", content=json.dumps(_line("w", [0], [1.0])))
        created = json.loads(ws.receive_text())
        kinds = [e["kind"] for e in created["events"]]
        assert created["type"] == "live" and kinds[-1] == "window"
        client.post("/update", content=json.dumps(_line("w", [1], [5.0], append=True)))
        appended = json.loads(ws.receive_text())["events"]
        assert appended == [{"env": "exp", "kind": "append", "win": "w",
                             "traces": [{"index": 0, "x": [1], "y": [5.0]}]}]
        client.post("/api/live/close", params={"env": "exp", "win": "w"})
        assert json.loads(ws.receive_text())["events"] == [
            {"env": "exp", "kind": "close", "win": "w"}]


def test_visdom_routes_are_not_shadowed_and_env_pages_redirect(client: TestClient) -> None:
    assert client.post("/win_exists", content=b'{"win": "w"}').text == "false"
    page = client.get("/env/exp", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/#live?live_env=exp"
    assert client.post("/env_state", content=b"{}").json() == ["main"]
