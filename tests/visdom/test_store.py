"""The env store: replay from disk, compaction, env operations, and the Scalars mirror."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support import tb_accumulator
from trainboard.visdom.protocol import ProtocolError
from trainboard.visdom.store import EnvStore


def _line(win: str, xs: list[Any], ys: list[Any], *, name: str = "1", env: str = "main",
          title: str = "", append: bool = False) -> tuple[str, dict[str, Any]]:
    trace = {"x": xs, "y": ys, "name": name, "type": "scatter", "mode": "lines"}
    msg: dict[str, Any] = {"data": [trace], "win": win, "eid": env, "opts": {"title": title},
                           "layout": {"title": title}}
    if append:
        msg.update(append=True, name=name, layout={}, opts={})
        return "update", msg
    return "events", msg


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    return tmp_path


def _open(logdir: Path) -> EnvStore:
    return EnvStore(str(logdir / ".live"), str(logdir / "live"), fsync_interval=0.05)


def test_windows_come_back_after_a_restart(logdir: Path) -> None:
    store = _open(logdir)
    store.apply(*_line("loss", [0, 1], [1.0, 0.5], env="exp", title="loss"))
    for step in range(2, 50):
        store.apply(*_line("loss", [step], [1 / step], env="exp", append=True))
    store.apply("events", {"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "exp"})
    store.apply("close", {"win": "t", "eid": "exp"})
    store.close()
    again = _open(logdir)
    try:
        assert again.env_names() == ["exp", "main"]
        (window,) = again.windows("exp")
        assert window["content"]["data"][0]["x"] == list(range(50))
        log = (logdir / ".live" / "exp" / "log.jsonl").read_text().splitlines()
        assert len(log) == 2 and log[1].startswith('["snapshot"')  # compacted at start
    finally:
        again.close()


def test_a_torn_last_line_is_skipped(logdir: Path) -> None:
    store = _open(logdir)
    store.apply(*_line("loss", [0], [1.0]))
    store.close()
    with open(logdir / ".live" / "main" / "log.jsonl", "a") as file:
        file.write('["update", {"win": "loss", "da')  # a write cut by a crash
    again = _open(logdir)
    try:
        assert again.window("main", "loss") is not None
    finally:
        again.close()


def test_an_append_creates_a_missing_window_with_its_layout(logdir: Path) -> None:
    store = _open(logdir)
    endpoint, msg = _line("new", [3], [1.0], append=True)
    msg["create_layout"] = {"title": "made by append"}
    outcome = store.apply(endpoint, msg)
    try:
        assert outcome.reply == "new"
        assert store.windows("main")[0]["content"]["layout"] == {"title": "made by append"}
        assert store.apply("update", {**msg, "append": False, "win": "x"}).reply == (
            "win does not exist"
        )
    finally:
        store.close()


def test_env_operations(logdir: Path) -> None:
    store = _open(logdir)
    try:
        store.apply(*_line("loss", [0], [1.0], env="a"))
        store.fork_env("a", "b")
        assert store.env_names() == ["a", "b", "main"]
        assert (logdir / ".live" / "b" / "log.jsonl").is_file()
        store.delete_env("a")
        assert store.env_names() == ["b", "main"] and not (logdir / ".live" / "a").exists()
        assert store.save(["b", "zzz"]) == ["b"]
        with pytest.raises(ProtocolError, match="no env 'zzz'"):
            store.fork_env("zzz", "c")
        assert store.ensure_env("odd/../name").events
        assert "odd_.._name" in store.env_names()
        assert (logdir / ".live" / "odd_.._name").is_dir()
    finally:
        store.close()


def test_line_series_show_in_scalars_once(logdir: Path) -> None:
    store = _open(logdir)
    store.apply(*_line("loss", [0, 1, 2], [3.0, 2.0, 1.0], env="exp", title="Loss"))
    store.apply(*_line("loss", [3, 4], [0.5, 0.25], env="exp", append=True))
    store.apply(*_line("loss", [0, 1, 2, 3, 4, 5], [3.0, 2.0, 1.0, 0.5, 0.25, 0.1],
                       env="exp", title="Loss"))  # a re-plot of the whole history
    scatter = {"x": [0.5], "y": [1.0], "name": "1", "type": "scatter", "mode": "markers"}
    store.apply("events", {"data": [scatter], "win": "pts", "eid": "exp"})
    store.close()
    acc = tb_accumulator(logdir / "live" / "exp")
    assert acc.Tags()["tensors"] == ["Loss/1"]
    points = [(e.step, float(e.tensor_proto.float_val[0])) for e in acc.Tensors("Loss/1")]
    assert points == [(0, 3.0), (1, 2.0), (2, 1.0), (3, 0.5), (4, 0.25), (5, pytest.approx(0.1))]


def test_memory_only_store_has_no_files(tmp_path: Path) -> None:
    store = EnvStore(None)
    store.apply(*_line("loss", [0], [1.0]))
    assert store.windows("main")[0]["id"] == "loss"
    store.close()
    assert os.listdir(tmp_path) == []
