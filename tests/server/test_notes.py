"""GET/PUT/DELETE /api/runs/notes (server/routes/notes.py): run notes, trash and undo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.data.notes import FILENAME
from trainboard.server.app import create_app
from trainboard.server.security import LOOPBACK_HOSTS, WebSecurity

BOARD = "http://127.0.0.1:6006"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    for run in ("a", "b"):
        with SummaryWriter(tmp_path / run, capture_environment=False) as w:
            w.add_scalar("loss", 1.0, 0)
    provider = LogdirProvider(tmp_path, use_cache=False)
    app = create_app(
        provider,
        logdir=str(tmp_path),
        reload_interval=0,
        security=WebSecurity(allowed_hosts=LOOPBACK_HOSTS),
    )
    with TestClient(app, base_url=BOARD) as c:
        provider.reload()
        yield c


def _runs(client: TestClient) -> list[str]:
    return [r["name"] for r in client.get("/api/runs").json()["runs"]]


def test_put_get_delete(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/api/runs/notes").json() == {"notes": []}
    changes = {"display_name": "baseline", "color": "#112233", "tags": ["best"], "note": "hi"}
    put = client.put("/api/runs/notes", json={"run": "a", "changes": changes})
    assert put.status_code == 200
    body = put.json()
    assert body["run"] == "a" and body["revision"] == 1 and body["trashed"] is False
    assert {k: body[k] for k in changes} == changes
    (note,) = client.get("/api/runs/notes").json()["notes"]
    assert note == body
    assert json.loads((tmp_path / FILENAME).read_text())["runs"]["a"]["display_name"] == "baseline"
    assert client.delete("/api/runs/notes", params={"run": "a"}).json() == {"deleted": "a"}
    assert client.get("/api/runs/notes").json() == {"notes": []}


def test_errors(client: TestClient) -> None:
    def put(body: object) -> int:
        return client.put("/api/runs/notes", content=json.dumps(body)).status_code

    assert put({"run": "a", "changes": {"color": "blue"}}) == 400
    assert put({"run": "a", "changes": {"nope": 1}}) == 400
    assert put({"run": "a"}) == 400
    assert put({"run": "a", "changes": {}, "extra": 1}) == 400
    assert put({"run": "zzz", "changes": {"note": "x"}}) == 404
    assert client.put("/api/runs/notes", content=b"{not json").status_code == 400
    assert put({"run": "a", "changes": {"note": "x"}, "revision": 0}) == 200
    stale = client.put("/api/runs/notes", json={"run": "a", "changes": {}, "revision": 0})
    assert stale.status_code == 409 and "revision" in stale.json()["error"]["message"]
    assert client.delete("/api/runs/notes", params={"run": "a", "revision": "0"}).status_code == 409
    assert client.delete("/api/runs/notes", params={"run": "b"}).status_code == 404
    assert client.delete("/api/runs/notes").status_code == 400


def test_trash_and_undo_over_http(client: TestClient, tmp_path: Path) -> None:
    assert _runs(client) == ["a", "b"]
    trashed = client.put("/api/runs/notes", json={"run": "b", "changes": {"trashed": True}})
    assert trashed.json()["trashed"] is True
    assert (tmp_path / ".trash" / "b").is_dir() and not (tmp_path / "b").exists()
    client.app.state.provider.reload()  # type: ignore[attr-defined]
    assert _runs(client) == ["a"]
    back = client.put("/api/runs/notes", json={"run": "b", "changes": {"trashed": False}})
    assert back.status_code == 200 and back.json()["trashed"] is False
    client.app.state.provider.reload()  # type: ignore[attr-defined]
    assert _runs(client) == ["a", "b"]


def test_cross_site_pages_cannot_change_notes(client: TestClient, tmp_path: Path) -> None:
    evil = {"Origin": "http://attacker.example"}
    body = {"run": "a", "changes": {"trashed": True}}
    assert client.put("/api/runs/notes", json=body, headers=evil).status_code == 403
    assert client.delete("/api/runs/notes", params={"run": "a"}, headers=evil).status_code == 403
    assert (tmp_path / "a").is_dir() and not (tmp_path / FILENAME).exists()
    assert client.put("/api/runs/notes", json=body, headers={"Origin": BOARD}).status_code == 200


def test_answers_match_their_schemas(client: TestClient) -> None:
    from tests.server.test_openapi_responses import _check, _schema_of

    put = client.put("/api/runs/notes", json={"run": "a", "changes": {"tags": ["t"]}})
    _check(put.json(), _schema_of("/api/runs/notes", "put"), "PUT /api/runs/notes")
    listed = client.get("/api/runs/notes").json()
    _check(listed, _schema_of("/api/runs/notes"), "GET /api/runs/notes")
    deleted = client.delete("/api/runs/notes", params={"run": "a"}).json()
    _check(deleted, _schema_of("/api/runs/notes", "delete"), "DELETE /api/runs/notes")
