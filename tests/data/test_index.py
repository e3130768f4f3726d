"""The persistent index: reopening skips parsed bytes, and stale state is never used."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from tests.data.logdirs import event_bytes, scalar_event, tensor_event, write_events
from trainboard.data import _index, open_logdir
from trainboard.data.logdir import LogdirProvider
from trainboard.format.proto.summary_pb2 import SummaryMetadata


def _forbid_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr("trainboard.data._tail.scan", fail)


def _logdir(tmp_path: Path) -> Path:
    logdir = tmp_path / "logs"
    write_events(logdir / "a", [scalar_event(s, "x", s / 3) for s in range(50)])
    hist = np.array([[0.0, 1.0, 2.0]])
    write_events(logdir / "b", [tensor_event(1, "h", hist, _meta()), scalar_event(2, "y", 5.0)])
    return logdir


def _meta() -> SummaryMetadata:
    from tests.data.logdirs import metadata

    return metadata("histograms")


def test_reopening_an_unchanged_logdir_parses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    logdir = _logdir(tmp_path)
    with open_logdir(logdir) as first:
        expected = first.scalars("a", "x")
    _forbid_scanning(monkeypatch)
    with open_logdir(logdir) as again:
        series = again.scalars("a", "x")
        assert series.values.tolist() == expected.values.tolist()
        assert series.wall_times.tolist() == expected.wall_times.tolist()
        assert again.tensors("b", "h").values[0].tolist() == [[0.0, 1.0, 2.0]]
        assert again.scalars("b", "y").values.tolist() == [5.0]


def test_index_lives_in_the_cache_dir_not_the_logdir(tmp_path: Path) -> None:
    logdir = _logdir(tmp_path)
    before = sorted(os.listdir(logdir))
    open_logdir(logdir, cache_dir=tmp_path / "elsewhere")
    assert sorted(os.listdir(logdir)) == before
    assert [p.suffix for p in (tmp_path / "elsewhere").iterdir()] == [".tbidx"]


def test_cache_env_var_empty_or_use_cache_false_turns_the_index_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _cache_dir: Path
) -> None:
    logdir = _logdir(tmp_path)
    open_logdir(logdir, use_cache=False)
    assert not _cache_dir.exists()
    monkeypatch.setenv("TRAINBOARD_CACHE_DIR", "")
    open_logdir(logdir)
    assert not _cache_dir.exists()
    assert _index.cache_root() is None


def test_default_cache_root_is_the_users_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAINBOARD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    monkeypatch.setattr("sys.platform", "linux")
    assert _index.cache_root() == "/somewhere/cache/trainboard"
    assert _index.cache_root("/x") == "/x"


def test_grown_file_is_read_from_where_the_index_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    logdir = _logdir(tmp_path)
    open_logdir(logdir).close()
    path = next((logdir / "a").iterdir())
    tail = event_bytes([scalar_event(50, "x", 99.0)], version=False)
    with open(path, "ab") as f:
        f.write(tail)
    scanned: list[int] = []
    real = __import__("trainboard.data._kernel", fromlist=["scan"]).scan

    def counting(buffer: bytes, start: int, end: int, *args: object) -> object:
        scanned.append(end - start)
        return real(buffer, start, end, *args)

    monkeypatch.setattr("trainboard.data._tail.scan", counting)
    with open_logdir(logdir) as lg:
        assert sum(scanned) == len(tail)
        assert lg.scalars("a", "x").values[-1] == 99.0
        assert len(lg.scalars("a", "x")) == 51


@pytest.mark.parametrize("change", ["shrink", "replace", "delete"])
def test_shrunk_replaced_or_deleted_files_invalidate_the_index(
    tmp_path: Path, change: str
) -> None:
    logdir = _logdir(tmp_path)
    open_logdir(logdir).close()
    path = next((logdir / "a").iterdir())
    if change == "shrink":
        path.write_bytes(event_bytes([scalar_event(0, "x", -1.0)]))
    elif change == "replace":
        path.unlink()
        write_events(logdir / "a", [scalar_event(s, "x", -1.0) for s in range(60)], path.name)
    else:
        path.unlink()
    with open_logdir(logdir) as lg:
        if change == "delete":
            assert lg.runs == ["b"]
        else:
            assert set(lg.scalars("a", "x").values.tolist()) == {-1.0}


def test_index_read_without_crc_checks_is_not_trusted_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logdir = _logdir(tmp_path)
    open_logdir(logdir, check_crc=False).close()
    _forbid_scanning(monkeypatch)
    with pytest.raises(AssertionError, match="parsed again"):
        open_logdir(logdir, check_crc=True)


def test_damaged_index_is_ignored(tmp_path: Path, _cache_dir: Path) -> None:
    logdir = _logdir(tmp_path)
    open_logdir(logdir).close()
    (index,) = _cache_dir.iterdir()
    index.write_bytes(index.read_bytes()[:100])
    with open_logdir(logdir) as lg:
        assert len(lg.scalars("a", "x")) == 50


def test_reload_saves_the_index_at_most_every_save_interval(tmp_path: Path) -> None:
    logdir = _logdir(tmp_path)
    provider = LogdirProvider(logdir, save_interval=3600)
    provider.reload()  # the first reload of a logdir without an index saves one
    index = provider._index
    assert index is not None
    saved = os.stat(index.path).st_ino  # each save replaces the file
    write_events(logdir / "c", [scalar_event(0, "z", 1.0)])
    provider = LogdirProvider(logdir, save_interval=3600)
    provider.reload()
    assert os.stat(index.path).st_ino == saved
    provider.close()
    assert os.stat(index.path).st_ino != saved
