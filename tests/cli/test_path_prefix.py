"""``--path_prefix``: the board (pages, assets, API, WebSocket) under /prefix/, as TensorBoard.

TensorBoard's semantics: ``/prefix/...`` is served, ``/prefix`` redirects to ``/prefix/``,
anything else is 404. The page itself under a prefix is tested in
tests/browser/test_path_prefix.py.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.cli.test_serve import _get_json, _serving
from trainboard import SummaryWriter
from trainboard.cli.main import cli
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app
from trainboard.server.path_prefix import normalize_path_prefix
from trainboard.server.security import WebSecurity

PREFIX = "/proxy/tb"


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    with SummaryWriter(tmp_path / "logs" / "run") as w:
        w.add_scalar("loss", 1.0, 0)
    return tmp_path / "logs"


@pytest.fixture
def static(tmp_path: Path) -> Path:
    """A stand-in front end build: an index page and one asset, as vite writes them."""
    root = tmp_path / "static"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><script src="./assets/app.js"></script>')
    (root / "assets" / "app.js").write_text("console.log('board')")
    return root


def _client(logdir: Path, static: Path, prefix: str, **kwargs: object) -> TestClient:
    provider = LogdirProvider(logdir, use_cache=False)
    app = create_app(provider, static_dir=static, path_prefix=prefix, **kwargs)  # type: ignore[arg-type]
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def client(logdir: Path, static: Path) -> Iterator[TestClient]:
    with _client(logdir, static, PREFIX + "/") as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("given", "normalized"),
    [("", ""), ("/", ""), ("/tb", "/tb"), ("/tb/", "/tb"), ("/a/b//", "/a/b")],
)
def test_prefix_is_normalized_as_tensorboard_does(given: str, normalized: str) -> None:
    assert normalize_path_prefix(given) == normalized


def test_a_prefix_without_leading_slash_is_a_usage_error(logdir: Path) -> None:
    with pytest.raises(ValueError, match="must start with '/'"):
        normalize_path_prefix("tb")
    result = CliRunner().invoke(cli, ["serve", "--logdir", str(logdir), "--path_prefix", "tb"])
    assert result.exit_code == 2 and "--path_prefix" in result.output


def test_page_assets_and_api_answer_under_the_prefix(client: TestClient) -> None:
    page = client.get(f"{PREFIX}/")
    assert page.status_code == 200 and "./assets/app.js" in page.text
    assert client.get(f"{PREFIX}/assets/app.js").text == "console.log('board')"
    runs = client.get(f"{PREFIX}/api/runs").json()["runs"]
    assert [r["name"] for r in runs] == ["run"]
    scalars = client.get(f"{PREFIX}/api/scalars", params={"tag": "loss", "runs": "run"})
    assert scalars.status_code == 200
    unknown = client.get(f"{PREFIX}/api/nope")
    assert unknown.status_code == 404 and f"{PREFIX}/api/nope" in unknown.text


def test_the_prefix_alone_redirects_to_its_slash(client: TestClient) -> None:
    response = client.get(PREFIX, params={"a": "1"})
    assert response.status_code == 301
    assert response.headers["location"] == f"{PREFIX}/?a=1"


@pytest.mark.parametrize("path", ["/", "/api/runs", "/assets/app.js", "/proxy/tbx/", "/proxy"])
def test_paths_outside_the_prefix_are_not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert f"served under {PREFIX}/" in response.json()["error"]["message"]


def test_the_push_websocket_answers_under_the_prefix_only(client: TestClient) -> None:
    with client.websocket_connect(f"{PREFIX}/api/live") as socket:
        assert socket.receive_json()["type"] == "hello"
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/api/live"):
        pass
    assert refused.value.code == 1008


def test_the_token_is_still_required_under_the_prefix(logdir: Path, static: Path) -> None:
    with _client(logdir, static, PREFIX, security=WebSecurity(token="secret")) as client:
        assert client.get(f"{PREFIX}/api/runs").status_code == 403
        assert client.get(f"{PREFIX}/api/runs", params={"token": "secret"}).status_code == 200


def test_no_prefix_serves_at_the_root(logdir: Path, static: Path) -> None:
    with _client(logdir, static, "") as client:
        assert client.get("/api/runs").status_code == 200
        assert client.get("/").status_code == 200


def test_the_cli_serves_under_the_prefix_and_prints_its_url(logdir: Path) -> None:
    with _serving("--logdir", str(logdir), "--port", "0", "--no_cache",
                  "--path_prefix", PREFIX + "/") as (url, _):
        assert url.endswith(f"{PREFIX}/")
        assert [r["name"] for r in _get_json(url + "api/runs")["runs"]] == ["run"]  # type: ignore[index]
        root = url[: -len(PREFIX) - 1]
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(root + "/api/runs", timeout=5)
