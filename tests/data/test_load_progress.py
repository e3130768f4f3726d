"""``DataProvider.load_progress``: files and bytes indexed so far, while a reload runs."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from trainboard import SummaryWriter
from trainboard.data import logdir as logdir_module
from trainboard.data.logdir import LogdirProvider
from trainboard.data.multi import MultiProvider
from trainboard.data.provider import LoadProgress


def _write(root: Path, runs: int) -> int:
    """Bytes of the event files of ``runs`` runs written under ``root``."""
    for i in range(runs):
        with SummaryWriter(root / f"run{i}") as w:
            for step in range(50):
                w.add_scalar("loss", float(step), step)
    return sum(os.path.getsize(f) for f in _files(root))


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and "tfevents" in p.name]


def test_progress_before_during_and_after_the_first_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = _write(tmp_path, 3)
    provider = LogdirProvider(tmp_path, use_cache=False)
    before = provider.load_progress()
    assert not before.loaded and not before.loading and before.files_total == 0
    assert before.seconds == 0

    gate, reached = threading.Event(), threading.Event()
    calls: list[str] = []
    original = logdir_module._read_isolated

    def slow_read(state: Any, file_id: int, scratch: Any) -> None:
        if len(calls) == 2:  # wait before the third file
            reached.set()
            assert gate.wait(10)
        original(state, file_id, scratch)
        calls.append(state.name)

    monkeypatch.setattr(logdir_module, "_read_isolated", slow_read)
    loader = threading.Thread(target=provider.reload)
    loader.start()
    assert reached.wait(10)
    during = provider.load_progress()
    gate.set()
    loader.join(10)
    assert during.loading and not during.loaded
    files = len(_files(tmp_path))
    assert (during.runs, during.files_total, during.bytes_total) == (3, files, total)
    assert during.files_read == 2 and 0 < during.bytes_read < total

    after = provider.load_progress()
    assert after.loaded and not after.loading
    assert (after.files_read, after.bytes_read) == (files, total)
    assert after.seconds > 0
    provider.reload()  # later reloads keep the first load's duration
    assert provider.load_progress().seconds == after.seconds


def test_a_cached_index_counts_as_read(tmp_path: Path) -> None:
    total = _write(tmp_path / "logs", 2)
    cache = tmp_path / "cache"
    first = LogdirProvider(tmp_path / "logs", cache_dir=cache)
    first.reload()
    first.save_index()
    again = LogdirProvider(tmp_path / "logs", cache_dir=cache)
    again.reload()
    progress = again.load_progress()
    files = len(_files(tmp_path / "logs"))
    assert (progress.files_read, progress.bytes_read, progress.bytes_total) == (files, total, total)


def test_appended_bytes_are_counted_at_the_next_reload(tmp_path: Path) -> None:
    _write(tmp_path, 1)
    provider = LogdirProvider(tmp_path, use_cache=False)
    provider.reload()
    with SummaryWriter(tmp_path / "run9") as w:
        w.add_scalar("loss", 1.0, 0)
    provider.reload()
    progress = provider.load_progress()
    files = len(_files(tmp_path))
    assert progress.runs == 2 and progress.files_read == progress.files_total == files
    assert progress.bytes_read == progress.bytes_total


def test_several_logdirs_add_up(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", 1)
    b = _write(tmp_path / "b", 2)
    provider = MultiProvider(
        {"a": LogdirProvider(tmp_path / "a", use_cache=False),
         "b": LogdirProvider(tmp_path / "b", use_cache=False)}
    )
    assert not provider.load_progress().loaded
    provider.reload()
    progress = provider.load_progress()
    assert progress.loaded and progress.runs == 3 and progress.bytes_total == a + b
    assert LoadProgress.combine([]).loaded  # nothing to load
