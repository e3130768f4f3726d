"""The real ``visdom`` client (from PyPI) against a real ``trainboard`` process.

Also: what was pushed survives SIGKILL, and bad requests get clear errors while the
env's earlier data stays. Skipped when the visdom package is not installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.browser.board_process import BoardProcess, running_board
from tests.visdom.conftest import port_of

visdom = pytest.importorskip("visdom")


def _client(board: BoardProcess, env: str) -> Any:
    with warnings.catch_warnings():  # visdom calls the deprecated logger.warn without a socket
        warnings.simplefilter("ignore", DeprecationWarning)
        return visdom.Visdom(server="http://127.0.0.1", port=port_of(board), env=env,
                             raise_exceptions=True, use_incoming_socket=False)


@pytest.fixture
def viz(board: BoardProcess, request: pytest.FixtureRequest) -> Iterator[Any]:
    client = _client(board, request.node.name[:40])
    yield client
    client.session.close()


def _window(viz: Any, win: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(viz.get_window_data(win))
    return data


def test_line_appends_with_names(viz: Any) -> None:
    for step in range(5):
        assert viz.line(Y=[step * 2.0], X=[step], win="loss", update="append",
                        name="train", opts={"title": "loss"}) == "loss"
        viz.line(Y=[1.0], X=[step], win="loss", update="append", name="val")
    window = _window(viz, "loss")
    traces = {t["name"]: (t["x"], t["y"]) for t in window["content"]["data"]}
    assert traces == {"train": ([0, 1, 2, 3, 4], [0.0, 2.0, 4.0, 6.0, 8.0]),
                      "val": ([0, 1, 2, 3, 4], [1.0] * 5)}
    assert window["title"] == "loss" and window["type"] == "plot"


def test_scatter_image_text_and_window_operations(viz: Any) -> None:
    assert viz.scatter(np.random.rand(6, 2), np.array([1, 2, 1, 2, 1, 2]), win="pts") == "pts"
    assert viz.image(np.random.rand(3, 8, 8), win="img") == "img"
    viz.text("a", win="log")
    viz.text("b", win="log", append=True)
    assert viz.win_exists("pts") is True and viz.win_exists("missing") is False
    assert len(_window(viz, "pts")["content"]["data"]) == 2
    assert _window(viz, "img")["content"]["src"].startswith("data:image/png;base64,")
    assert _window(viz, "log")["content"] == "a<br>b"
    assert len(viz.win_hash("pts") or "") == 32
    viz.close("pts")
    assert viz.win_exists("pts") is False
    assert set(json.loads(viz.get_window_data())) == {"img", "log"}


def test_env_list_delete_fork_and_save(viz: Any) -> None:
    viz.text("x", win="t")
    assert viz.env in viz.get_env_list()
    assert viz.fork_env(viz.env, viz.env + "_fork") == viz.env + "_fork"
    assert json.loads(viz.get_window_data("t", env=viz.env + "_fork"))["content"] == "x"
    assert json.loads(viz.save([viz.env, "no_such_env"])) == [viz.env]
    viz.delete_env(viz.env + "_fork")
    assert viz.env + "_fork" not in viz.get_env_list()


def _post(board: BoardProcess, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(board.url + path, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_bad_requests_get_clear_errors_and_the_env_keeps_its_data(
    board: BoardProcess, viz: Any
) -> None:
    viz.line(Y=np.array([1.0, 2.0]), X=np.array([0, 1]), win="w")
    status, body = _post(board, "update", b"{not json")
    assert status == 400 and "not JSON" in body["error"]["message"]
    mismatched = {"data": [{"x": [2, 3], "y": [5.0], "type": "scatter", "name": "1"}],
                  "win": "w", "eid": viz.env, "append": True}
    status, body = _post(board, "update", json.dumps(mismatched).encode())
    assert status == 400 and "2 x values but 1 y values" in body["error"]["message"]
    bad_heatmap = {"data": [{"z": [[1]], "type": "heatmap"}], "win": "h", "eid": viz.env,
                   "updateDir": "sideways", "append": True}
    viz.heatmap(np.eye(2), win="h")
    status, body = _post(board, "update", json.dumps(bad_heatmap).encode())
    assert status == 400 and "sideways" in body["error"]["message"]
    trace = _window(viz, "w")["content"]["data"][0]
    assert (trace["x"], trace["y"]) == ([0, 1], [1.0, 2.0])


def test_pushes_survive_sigkill(tmp_path: Path) -> None:
    board = BoardProcess(tmp_path)
    try:
        board.wait_ready()
        viz = _client(board, "survivor")
        for step in range(50):
            viz.line(Y=[float(step)], X=[step], win="loss", update="append", name="train")
        viz.text("note", win="t")
        viz.session.close()
    finally:
        board._process.kill()  # SIGKILL: no shutdown code runs
        board.stop()
    with running_board(tmp_path) as again:
        viz = _client(again, "survivor")
        assert "survivor" in viz.get_env_list()
        trace = _window(viz, "loss")["content"]["data"][0]
        assert trace["x"] == list(range(50)) and trace["name"] == "train"
        assert _window(viz, "t")["content"] == "note"
        viz.session.close()


def test_the_clients_event_socket_is_answered(board: BoardProcess) -> None:
    # In a child process: visdom's socket thread cannot be stopped from outside.
    script = (
        f"import visdom; viz = visdom.Visdom(server='http://127.0.0.1', port={port_of(board)}, "
        "env='socket', raise_exceptions=True); print(viz.socket_alive, viz.text('hi', win='t'))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["True", "t"], done.stderr
