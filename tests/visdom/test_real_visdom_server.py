"""trainboard's ``Visdom`` client against a real Visdom server, and against the board.

The Visdom server is the ``visdom`` package's own (Tornado) server, started as a process on a
free port: ``visdom.server.run_server.main``, which is what ``python -m visdom.server`` runs
after downloading its page's scripts (that download needs the network and only serves the
browser page, not the endpoints a client uses). What our client pushed is read back with the
``visdom`` package's own client, and compared with what that client pushes itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import subprocess
import sys
import time
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
from trainboard import Visdom

visdom = pytest.importorskip("visdom", reason="the visdom package is not installed")

_START_S = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/env_state", data=b"{}")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


class VisdomServer:
    """``visdom``'s server in a child process on ``port``, its envs under ``env_path``."""

    def __init__(self, port: int, env_path: Path) -> None:
        self.port = port
        self.env_path = env_path
        self.log = env_path / "server.log"
        env_path.mkdir(parents=True, exist_ok=True)
        code = "from visdom.server.run_server import main; main()"
        with open(self.log, "wb") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code, "-port", str(port), "-env_path", str(env_path),
                 "-bind_local", "-logging_level", "WARNING"],
                stdout=log_file, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + _START_S
        while not _answers(port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log.read_text(errors="replace")[-1500:]
                pytest.skip(f"the visdom server did not start here (exit code "
                            f"{self.process.returncode}): {tail}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def visdom_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VisdomServer]:
    server = VisdomServer(_free_port(), tmp_path_factory.mktemp("visdom_env"))
    yield server
    server.stop()


@contextlib.contextmanager
def _their_client(port: int, env: str = "main") -> Iterator[Any]:
    """The ``visdom`` package's own client."""
    with warnings.catch_warnings():  # visdom calls the deprecated logger.warn without a socket
        warnings.simplefilter("ignore", DeprecationWarning)
        client = visdom.Visdom(port=port, env=env, use_incoming_socket=False,
                               raise_exceptions=True)
    try:
        yield client
    finally:
        client.session.close()


def _window(port: int, win: str, env: str) -> dict[str, Any]:
    with _their_client(port) as theirs:
        text = theirs.get_window_data(win, env=env)
    assert text, f"no window {win!r} in env {env!r}"
    data: dict[str, Any] = json.loads(text)
    return data


def _tutorial(viz: Any, steps: int = 30) -> None:
    """Visdom's tutorial loop, as a training script writes it."""
    rng = np.random.default_rng(0)
    for step in range(steps):
        loss = 1.0 / (step + 1)
        viz.line(X=np.array([step]), Y=np.array([loss]), win="loss", update="append",
                 opts={"title": "loss"})
        viz.line(X=[step], Y=[2 * loss], win="both", update="append", name="val",
                 opts={"title": "train and val"})
        viz.line(X=[step], Y=[loss], win="both", update="append", name="train")
        if step % 10 == 0:
            viz.image(rng.random((3, 8, 8)), win="sample", opts={"caption": f"step {step}"})
            viz.image(rng.random((3, 8, 8)), win="history",
                      opts={"store_history": True, "caption": f"step {step}"})
    viz.text("epoch 1", win="log")
    viz.text("epoch 2", win="log", append=True)
    viz.bar(X=[3, 1, 2], win="bars")
    viz.heatmap(X=np.outer(np.arange(1, 4), np.arange(1, 5)), win="heat")


_WINDOWS = ("loss", "both", "sample", "history", "log", "bars", "heat")


def _comparable(window: dict[str, Any]) -> dict[str, Any]:
    """A window without what differs by design: random ids, and the line opts Visdom's
    server copies onto a window at each ``/update`` (ours merges appends into fewer)."""
    kept: dict[str, Any] = {k: window[k] for k in ("title", "type", "content") if k in window}
    if window["type"] == "image_history":
        kept["selected"] = window["selected"]
    if window["type"] in ("image", "image_history"):  # PNG bytes differ by encoder settings
        contents = kept["content"] if isinstance(kept["content"], list) else [kept["content"]]
        kept["content"] = [(c["caption"], c["src"][:22]) for c in contents]
    return kept


def test_tutorial_loop_against_a_visdom_server_matches_visdoms_own_client(
    visdom_server: VisdomServer,
) -> None:
    ours = Visdom(port=visdom_server.port, env="ours", raise_exceptions=True)
    _tutorial(ours)
    assert ours.flush(timeout=30)
    assert ours._sender.kind == "visdom"
    ours.close_connection(timeout=5)
    with _their_client(visdom_server.port, "theirs") as theirs:
        _tutorial(theirs)

    loss = _window(visdom_server.port, "loss", "ours")
    assert loss["title"] == "loss"
    assert loss["content"]["data"][0]["x"] == list(range(30))
    assert loss["content"]["layout"]["title"] == "loss"
    both = {t["name"]: t["y"] for t in _window(visdom_server.port, "both", "ours")
            ["content"]["data"]}
    assert both["train"] == [1.0 / (s + 1) for s in range(30)]
    assert both["val"] == [2.0 / (s + 1) for s in range(30)]
    assert len(_window(visdom_server.port, "history", "ours")["content"]) == 3
    assert _window(visdom_server.port, "log", "ours")["content"] == "epoch 1<br>epoch 2"
    for win in _WINDOWS:
        assert _comparable(_window(visdom_server.port, win, "ours")) == _comparable(
            _window(visdom_server.port, win, "theirs")), win
    with _their_client(visdom_server.port) as theirs:
        assert "ours" in theirs.get_env_list()


def test_tutorial_loop_against_the_board(board: BoardProcess) -> None:
    ours = Visdom(port=port_of(board), env="tutorial_board", raise_exceptions=True)
    _tutorial(ours)
    assert ours.flush(timeout=30)
    assert ours._sender.kind == "board"
    ours.close_connection(timeout=5)
    loss = _window(port_of(board), "loss", "tutorial_board")  # read by visdom's own client
    assert loss["content"]["data"][0]["x"] == list(range(30))
    assert loss["content"]["layout"]["title"] == "loss"
    assert len(_window(port_of(board), "history", "tutorial_board")["content"]) == 3
    assert _window(port_of(board), "log", "tutorial_board")["content"] == "epoch 1<br>epoch 2"


def test_window_operations_against_a_visdom_server(visdom_server: VisdomServer) -> None:
    viz = Visdom(port=visdom_server.port, env="ops", raise_exceptions=True)
    viz.line([1.0, 2.0], [0, 1], win="a")
    viz.line([5.0], [2], win="a", update="append")
    viz.text("x", win="b")
    viz.close("b")
    assert viz.win_exists("a") is True
    assert viz.win_exists("b") is False
    assert json.loads(viz.get_window_data("a") or "")["content"]["data"][0]["y"] == [1, 2, 5]
    viz.line([9.0], [0], win="a", update="remove", name="1")
    assert json.loads(viz.get_window_data("a") or "")["content"]["data"] == []
    viz.fork_env("ops", "ops_copy")
    assert "ops_copy" in viz.get_env_list()
    viz.close_connection(timeout=5)


def test_a_visdom_server_started_after_the_client_gets_the_data_then_a_board_does(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The kind of server is found again after a reconnect: Visdom first, then a board."""
    port = _free_port()
    caplog.set_level(logging.WARNING, logger="trainboard.visdom")
    viz = Visdom(port=port, env="later")
    for step in range(20):
        viz.line([float(step)], [step], win="loss", update="append")
    assert viz.flush(timeout=0.5) is False
    down = [r.getMessage() for r in caplog.records if "cannot reach" in r.getMessage()]
    assert len(down) == 1
    assert "trainboard --logdir" in down[0] and "python -m visdom.server" in down[0]
    server = VisdomServer(port, tmp_path / "visdom_env")
    try:
        assert viz.flush(timeout=20)
        assert viz._sender.kind == "visdom"
        assert _window(port, "loss", "later")["content"]["data"][0]["x"] == list(range(20))
    finally:
        server.stop()
    for step in range(20, 30):
        viz.line([float(step)], [step], win="loss", update="append")
    assert viz.flush(timeout=0.5) is False
    with running_board(tmp_path / "logdir", "--port", str(port), "--visdom_port", "0"):
        assert viz.flush(timeout=20)
        assert viz._sender.kind == "board"
        assert _window(port, "loss", "later")["content"]["data"][0]["x"] == list(range(20, 30))
    viz.close_connection(timeout=1)


def test_nothing_listening_names_what_to_start() -> None:
    viz = Visdom(port=_free_port(), raise_exceptions=True, timeout=2)
    with pytest.raises(ConnectionError, match=r"trainboard --logdir DIR.*python -m visdom\.server"):
        viz.get_env_list()
    viz.close_connection(timeout=0.5)


def test_a_client_on_visdoms_port_finds_a_local_board(
    board: BoardProcess, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing on Visdom's port of this machine: the board on trainboard's port is used."""
    import trainboard.visdom.client as client_module

    empty = _free_port()
    monkeypatch.setattr(client_module, "VISDOM_PORT", empty)
    monkeypatch.setattr(client_module, "BOARD_PORT", port_of(board))
    caplog.set_level(logging.WARNING, logger="trainboard.visdom")
    viz = Visdom(port=empty, env="found_board", raise_exceptions=True)
    viz.line([1.0, 2.0], [0, 1], win="w")
    assert viz.flush(timeout=10)
    assert viz.win_exists("w") is True
    assert viz.check_connection()
    assert any("nothing listens at" in r.getMessage() for r in caplog.records)
    assert _window(port_of(board), "w", "found_board")["content"]["data"][0]["y"] == [1, 2]
    viz.close_connection(timeout=5)
