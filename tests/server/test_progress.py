"""``GET /api/progress``: how far the first load is, answered at once while it runs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data import logdir as logdir_module
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app


def test_progress_answers_during_the_first_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b"):
        with SummaryWriter(tmp_path / name) as w:
            w.add_scalar("loss", 1.0, 0)
    gate, reached = threading.Event(), threading.Event()
    original = logdir_module._read_isolated

    def held_read(state: Any, file_id: int, scratch: Any) -> None:
        reached.set()
        assert gate.wait(20)
        original(state, file_id, scratch)

    monkeypatch.setattr(logdir_module, "_read_isolated", held_read)
    provider = LogdirProvider(tmp_path, use_cache=False)
    with TestClient(create_app(provider, reload_interval=0)) as client:
        assert reached.wait(10)
        during = client.get("/api/progress").json()  # does not wait for the load
        assert during["loaded"] is False and during["loading"] is True
        assert during["runs"] == 2 and during["files_read"] == 0
        assert during["files_total"] >= 2 and during["bytes_total"] > 0
        gate.set()
        assert [r["name"] for r in client.get("/api/runs").json()["runs"]] == ["a", "b"]
        after = client.get("/api/progress").json()
        assert after["loaded"] is True and after["loading"] is False
        assert after["files_read"] == after["files_total"]
        assert after["bytes_read"] == after["bytes_total"] == during["bytes_total"]
