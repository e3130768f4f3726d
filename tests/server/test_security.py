"""Host allow-list, Origin check, token, body limit and security headers (server/security.py).

Each test is an attack that worked before the middleware existed: DNS rebinding (a
foreign Host), a cross-site form POST or ``no-cors`` fetch changing Visdom envs, a
cross-site page reading the push socket, a 100 MB body, a board on a LAN readable by
anyone.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.browser.board_process import running_board
from trainboard.cli.serve import web_security
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app
from trainboard.server.security import LOOPBACK_HOSTS, TOKEN_COOKIE, WebSecurity

BOARD = "http://127.0.0.1:6006"


def _windows(client: TestClient) -> dict[str, int]:
    return {e["name"]: e["windows"] for e in client.get("/api/live/envs").json()["envs"]}

TEXT_WINDOW = {"data": [{"content": "hi", "type": "text"}], "win": "w", "eid": "main", "opts": {}}


def _client(tmp_path: Path, security: WebSecurity) -> TestClient:
    app = create_app(
        LogdirProvider(tmp_path, use_cache=False),
        logdir=str(tmp_path),
        reload_interval=0,
        security=security,
    )
    return TestClient(app, base_url=BOARD)


@pytest.fixture
def local(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path, WebSecurity(allowed_hosts=LOOPBACK_HOSTS)) as client:
        yield client


def test_a_foreign_host_is_refused_naming_it(local: TestClient) -> None:
    assert local.get("/api/runs").status_code == 200
    assert local.get("/api/runs", headers={"Host": "localhost:6006"}).status_code == 200
    assert local.get("/api/runs", headers={"Host": "[::1]:6006"}).status_code == 200
    refused = local.get("/api/runs", headers={"Host": "attacker.example:6006"})
    assert refused.status_code == 403
    assert "'attacker.example:6006'" in refused.json()["error"]["message"]
    assert local.get("/", headers={"Host": "attacker.example"}).status_code == 403


def test_cross_site_posts_change_nothing(local: TestClient) -> None:
    evil = {"Origin": "http://attacker.example", "Content-Type": "text/plain"}
    refused = local.post("/events", content=json.dumps(TEXT_WINDOW), headers=evil)
    assert refused.status_code == 403
    assert "attacker.example" in refused.json()["error"]["message"]
    assert _windows(local).get("main", 0) == 0
    # A page of the board itself, and scripts without an Origin, may post.
    same = local.post("/events", content=json.dumps(TEXT_WINDOW), headers={"Origin": BOARD})
    assert same.status_code == 200
    assert local.post("/events", content=json.dumps({**TEXT_WINDOW, "win": "v"})).status_code == 200
    assert _windows(local) == {"main": 2}
    for origin in ("null", "http://127.0.0.1:6007", "https://127.0.0.1:6006"):
        response = local.post("/delete_env", json={"eid": "main"}, headers={"Origin": origin})
        assert response.status_code == 403, origin
    assert _windows(local) == {"main": 2}


def test_a_cross_site_page_cannot_open_the_push_socket(local: TestClient) -> None:
    with local.websocket_connect(f"ws://{BOARD[7:]}/api/live", headers={"Origin": BOARD}) as ws:
        assert ws.receive_json()["type"] == "hello"
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        local.websocket_connect(
            f"ws://{BOARD[7:]}/api/live", headers={"Origin": "http://attacker.example"}
        ),
    ):
        pass
    assert refused.value.code == 1008


def test_a_token_is_required_and_kept_in_a_cookie(tmp_path: Path) -> None:
    with _client(tmp_path, WebSecurity(token="s3cret")) as client:
        refused = client.get("/api/runs")
        assert refused.status_code == 403
        assert "token" in refused.json()["error"]["message"]
        assert client.get("/api/runs?token=wrong").status_code == 403
        opened = client.get("/?token=s3cret")
        assert opened.status_code == 200
        assert f"{TOKEN_COOKIE}=s3cret" in opened.headers["set-cookie"]
        assert "HttpOnly" in opened.headers["set-cookie"]
        assert client.get("/api/runs").status_code == 200  # the cookie
        client.cookies.clear()
        assert client.get("/api/runs").status_code == 403
        for scheme in ("token", "Bearer"):
            ok = client.get("/api/runs", headers={"Authorization": f"{scheme} s3cret"})
            assert ok.status_code == 200


def test_bodies_over_the_limit_get_413(tmp_path: Path) -> None:
    with _client(tmp_path, WebSecurity(max_body_bytes=1000)) as client:
        big = {**TEXT_WINDOW, "data": [{"content": "x" * 2000, "type": "text"}]}
        refused = client.post("/events", content=json.dumps(big))
        assert refused.status_code == 413
        assert "1000 bytes" in refused.json()["error"]["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            body = json.dumps(big).encode()
            yield from (body[i : i + 500] for i in range(0, len(body), 500))

        assert client.post("/events", content=chunks()).status_code == 413
        assert _windows(client).get("main", 0) == 0
        assert client.post("/events", content=json.dumps(TEXT_WINDOW)).status_code == 200


def test_every_response_carries_the_security_headers(local: TestClient) -> None:
    for path in ("/", "/api/runs", "/api/nope"):
        headers = local.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split(";")[1]
        assert "frame-ancestors 'self' http://localhost:*" in policy
    assert "nosniff" in local.get("/", headers={"Host": "evil"}).headers["x-content-type-options"]


def test_cli_rules_per_listening_address() -> None:
    loopback = web_security("127.0.0.1", "", None, False, 1)
    assert loopback.token is None
    assert loopback.allowed_hosts is not None and "localhost" in loopback.allowed_hosts
    assert "attacker.example" not in loopback.allowed_hosts
    everywhere = web_security("0.0.0.0", "", None, False, 1)
    assert everywhere.token and len(everywhere.token) >= 24 and everywhere.allowed_hosts is None
    named = web_security("0.0.0.0", "board.lan", "t", False, 1)
    assert named.token == "t" and named.allowed_hosts is not None
    assert "board.lan" in named.allowed_hosts
    assert web_security("0.0.0.0", "", None, True, 1).token is None


def test_the_cli_board_refuses_a_rebound_host(tmp_path: Path) -> None:
    with running_board(tmp_path) as board:
        parsed = urllib.parse.urlsplit(board.url)
        assert parsed.hostname is not None
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        connection.request("GET", "/api/runs", headers={"Host": f"attacker.example:{parsed.port}"})
        assert connection.getresponse().status == 403
        connection.close()
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        connection.request("GET", "/api/runs")
        assert connection.getresponse().status == 200
        connection.close()


def test_the_visdom_client_logs_in_to_a_token_protected_board(tmp_path: Path) -> None:
    visdom = pytest.importorskip("visdom")
    import warnings

    with running_board(tmp_path, "--token", "s3cret") as board:
        assert board.token == "s3cret"
        port = urllib.parse.urlsplit(board.url).port
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            viz = visdom.Visdom(server="http://127.0.0.1", port=port, username="me",
                                password="s3cret", raise_exceptions=True,
                                use_incoming_socket=False)
            assert viz.text("hello", win="t", env="exp") == "t"
            viz.session.close()
            with pytest.raises(RuntimeError, match="Authentication failed"):
                _ = visdom.Visdom(server="http://127.0.0.1", port=port, username="me",
                                  password="wrong", raise_exceptions=True,
                                  use_incoming_socket=False).session
        query = urllib.parse.urlencode({"env": "exp", "token": "s3cret"})
        with urllib.request.urlopen(f"{board.url}api/live/windows?{query}") as response:
            windows = json.loads(response.read())["windows"]
        assert [w["content"] for w in windows] == ["hello"]


def test_a_wrong_method_gets_405_with_allow(local: TestClient) -> None:
    response = local.delete("/api/runs")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.json()["error"]["status"] == 405
    assert local.post("/api/nope").status_code == 404


def test_visdom_login_and_env_pages_work_under_a_path_prefix(tmp_path: Path) -> None:
    import hashlib

    app = create_app(
        LogdirProvider(tmp_path, use_cache=False), logdir=str(tmp_path), reload_interval=0,
        security=WebSecurity(token="s3cret"), path_prefix="/proxy/tb",
    )
    with TestClient(app, base_url=BOARD) as client:
        password = hashlib.sha256(b"s3cret").hexdigest()
        login = client.post("/proxy/tb/", json={"username": "me", "password": password})
        assert login.status_code == 200 and TOKEN_COOKIE in login.headers["set-cookie"]
        page = client.get("/proxy/tb/env/main", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/proxy/tb/#live?live_env=main"


def test_trainboards_visdom_client_logs_in_to_a_token_protected_board(tmp_path: Path) -> None:
    from trainboard import Visdom

    with running_board(tmp_path, "--token", "s3cret") as board:
        port = urllib.parse.urlsplit(board.url).port
        assert port is not None
        viz = Visdom(port=port, username="me", password="s3cret", raise_exceptions=True)
        assert viz.text("pushed", win="t", env="exp") == "t"
        assert viz.flush()
        data = viz.get_window_data("t", env="exp")
        assert data is not None and json.loads(data)["content"] == "pushed"
        viz.close_connection()
        refused = Visdom(port=port, username="me", password="wrong", raise_exceptions=False)
        refused.text("lost", win="u", env="exp")
        assert not refused.flush(timeout=3)
        refused.close_connection(timeout=1)
