"""Our ``Visdom`` client against a real ``trainboard`` process, as a training script uses it."""

from __future__ import annotations

import json
import logging
import socket
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.browser.board_process import BoardProcess, running_board
from tests.support import tb_accumulator
from tests.visdom.conftest import port_of
from trainboard import Visdom


@pytest.fixture
def viz(board: BoardProcess, request: pytest.FixtureRequest) -> Iterator[Visdom]:
    client = Visdom(server="http://127.0.0.1", port=port_of(board), env=request.node.name[:40],
                    raise_exceptions=True)
    yield client
    client.close_connection(timeout=5)


def _window(viz: Visdom, win: str) -> dict[str, Any]:
    text = viz.get_window_data(win)
    assert text is not None
    data: dict[str, Any] = json.loads(text)
    return data


def _traces(viz: Visdom, win: str) -> dict[str, tuple[list[Any], list[Any]]]:
    return {t["name"]: (t["x"], t["y"]) for t in _window(viz, win)["content"]["data"]}


def test_line_appends_with_names_arrive_in_order(viz: Visdom) -> None:
    for step in range(200):
        viz.line([1 / (step + 1)], [step], win="loss", update="append", name="train",
                 opts={"title": "loss"})
        if step % 10 == 0:
            viz.line(np.array([0.5]), np.array([step]), win="loss", update="append", name="val")
    assert viz.flush()
    traces = _traces(viz, "loss")
    assert traces["train"] == (list(range(200)), [1 / (s + 1) for s in range(200)])
    assert traces["val"] == (list(range(0, 200, 10)), [0.5] * 20)
    assert _window(viz, "loss")["title"] == "loss"


def test_windows_of_each_kind_and_window_operations(viz: Visdom) -> None:
    viz.scatter(np.random.rand(10, 2), np.arange(10) % 2 + 1, win="pts")
    viz.image(np.random.rand(3, 16, 12), win="img", opts={"caption": "c"})
    viz.text("first", win="log")
    viz.text("second", win="log", append=True)
    viz.line(np.arange(5.0), win="full")
    assert viz.win_exists("pts") is True and viz.win_exists("nope") is False
    assert len(_window(viz, "pts")["content"]["data"]) == 2
    image = _window(viz, "img")
    assert image["type"] == "image" and image["content"]["src"].startswith("data:image/png")
    assert (image["width"], image["height"]) == (12, 16)
    assert _window(viz, "log")["content"] == "first<br>second"
    viz.close("pts")
    assert viz.win_exists("pts") is False
    assert set(json.loads(viz.get_window_data() or "{}")) == {"img", "log", "full"}


def test_env_list_fork_delete_and_save(viz: Visdom) -> None:
    viz.line([1.0], [0], win="w", update="append")
    viz.flush()
    assert viz.env in viz.get_env_list()
    assert viz.fork_env(viz.env, viz.env + "_copy") == viz.env + "_copy"
    assert viz.env + "_copy" in viz.get_env_list()
    assert json.loads(viz.save([viz.env])) == [viz.env]
    viz.delete_env(viz.env + "_copy")
    assert viz.env + "_copy" not in viz.get_env_list()


def test_bad_input_is_a_clear_error_and_earlier_data_stays(viz: Visdom) -> None:
    viz.line([1.0, 2.0], [0, 1], win="w", update="append")
    with pytest.raises(ValueError, match=r"same .*length.*2 X and 3 Y"):
        viz.line([1.0, 2.0, 3.0], [2, 3], win="w", update="append")
    with pytest.raises(ValueError, match="update='sideways' is not an update mode"):
        viz.line(np.array([1.0]), np.array([2]), win="w", update="sideways")
    with pytest.raises(ValueError, match="X and Y must have the same shape"):
        viz.line(np.ones(3), np.ones(4), win="w2")
    with pytest.raises(ValueError, match=r"img must be C×H×W.*5×4×4"):
        viz.image(np.ones((5, 4, 4)), win="img")
    viz.line([3.0], [2], win="w", update="append")  # the client is still usable
    viz._send({"data": [{"x": [1, 2], "y": [1], "type": "scatter"}], "win": "w",
               "append": True}, "update")  # the server refuses this one
    with pytest.raises(ValueError, match="2 x values but 1 y values"):
        viz.flush()
    assert _traces(viz, "w")["1"] == ([0, 1, 2], [1.0, 2.0, 3.0])


def test_scalars_of_line_plots(viz: Visdom, logdir_of: Path) -> None:
    for step in range(30):
        viz.line([float(step)], [step], win="acc", update="append", opts={"title": "Acc"})
    viz.flush()
    deadline = time.monotonic() + 10
    while True:  # the server's SummaryWriter flushes within about a second
        run = logdir_of / "live" / viz.env
        tags = tb_accumulator(run).Tags()["tensors"] if run.is_dir() else []
        if "Acc/1" in tags and len(tb_accumulator(run).Tensors("Acc/1")) == 30:
            break
        assert time.monotonic() < deadline, f"no Acc/1 scalars in {run}: {tags}"
        time.sleep(0.2)


def test_calls_cost_microseconds_and_do_not_wait(viz: Visdom) -> None:
    batches = []
    for first in range(0, 5000, 100):
        start = time.perf_counter()
        for step in range(first, first + 100):
            viz.line([0.1], [step], win="fast", update="append")
        batches.append((time.perf_counter() - start) / 100)
    # ~1 µs on an idle machine (benchmarks/live_push.py); the bound leaves room for a loaded
    # one while still catching a call that waits for the server (milliseconds).
    assert statistics.median(batches) < 100e-6
    assert viz.flush()
    assert len(_traces(viz, "fast")["1"][0]) == 5000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_a_server_that_is_down_is_reported_once_and_gets_the_data_later(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()
    viz = Visdom(server="http://127.0.0.1", port=port, env="offline_run")
    caplog.set_level(logging.WARNING, logger="trainboard.visdom")
    for step in range(100):
        viz.line([float(step)], [step], win="loss", update="append")
    viz.text("kept", win="note")
    assert viz.flush(timeout=0.5) is False  # nothing raised into the training loop
    assert viz.win_exists("loss") is None
    down = [r for r in caplog.records if "cannot reach" in r.getMessage()]
    assert len(down) == 1
    with running_board(tmp_path, "--port", str(port)) as _:
        assert viz.flush(timeout=20)
        assert _traces(viz, "loss")["1"][0] == list(range(100))
        assert _window(viz, "note")["content"] == "kept"
    viz.close_connection(timeout=1)


def test_offline_log_replays_into_a_server(board: BoardProcess, tmp_path: Path) -> None:
    log_file = tmp_path / "viz.jsonl"
    offline = Visdom(offline=True, log_to_filename=str(log_file), env="from_log")
    offline.line([1.0, 2.0], [0, 1], win="w")
    for step in range(2, 5):
        offline.line([float(step)], [step], win="w", update="append")
    offline.close_connection(timeout=5)
    assert log_file.read_text().count("\n") == 4
    online = Visdom(server="http://127.0.0.1", port=port_of(board), env="from_log")
    online.replay_log(str(log_file))
    assert _traces(online, "w")["1"] == ([0, 1, 2, 3, 4], [1.0, 2.0, 2.0, 3.0, 4.0])
    online.close_connection(timeout=5)


def test_sync_mode_waits_for_each_call(board: BoardProcess) -> None:
    viz = Visdom(server="http://127.0.0.1", port=port_of(board), env="sync", sync=True)
    viz.line([1.0], [0], win="w", update="append")
    assert viz._sender.queue == type(viz._sender.queue)()  # nothing left waiting
    assert viz.win_exists("w") is True
    viz.close_connection(timeout=5)


def test_media_and_figure_windows(viz: Visdom) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    viz.audio(np.sin(np.linspace(0, 440 * 2 * np.pi, 8000)), win="tone",
              opts={"sample_frequency": 8000})
    viz.video(np.random.rand(4, 8, 8, 3), win="clip", opts={"fps": 4})
    viz.svg('<svg height="9" width="9"><circle r="4"/></svg>', win="dot")
    figure = plt.figure()
    plt.plot([1, 3, 2])
    viz.matplot(figure, win="fig")
    plt.close(figure)
    viz.images([np.random.rand(3, 4, 4) for _ in range(3)], nrow=2, win="grid")
    viz.heatmap(np.eye(3), win="hm")
    viz.heatmap(np.ones((1, 3)), win="hm", update="appendRow")
    assert viz.flush()
    assert 'src="data:audio/wav;base64,' in _window(viz, "tone")["content"]
    clip = _window(viz, "clip")["content"]
    assert 'src="data:image/gif;base64,' in clip or 'src="data:video/mp4;base64,' in clip
    assert _window(viz, "dot")["content"].startswith("<svg ")
    assert "<svg" in _window(viz, "fig")["content"] and _window(viz, "fig")["width"] > 0
    assert _window(viz, "grid")["width"] == 2 * (4 + 4)
    assert len(_window(viz, "hm")["content"]["data"][0]["z"]) == 4
