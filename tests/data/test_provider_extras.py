"""What the server reads through the provider besides series: blob points by step, the
steps alone, files of a run's directory (the projector's), the cache directory and facts
remembered per blob. Each is checked on a LogdirProvider and through a MultiProvider.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.data.logdirs import event_bytes, png, write_events
from trainboard.data.logdir import LogdirProvider
from trainboard.data.multi import MultiProvider
from trainboard.data.provider import DataProvider
from trainboard.errors import NotFoundError
from trainboard.format.proto.event_pb2 import Event, SessionLog
from trainboard.format.proto.summary_pb2 import Summary

CONFIG = "projector_config.pbtxt"


def _image_event(step: int, width: int, wall: float | None = None) -> Event:
    image = Summary.Image(height=3, width=width, colorspace=3, encoded_image_string=png(width))
    value = Summary.Value(tag="img", image=image)
    return Event(step=step, wall_time=wall or 1700000000.0 + step, summary=Summary(value=[value]))


def _open(logdir: Path, *, multi: bool, cache_dir: Path | None = None) -> DataProvider:
    inner = LogdirProvider(logdir, cache_dir=cache_dir or "", use_cache=cache_dir is not None)
    inner.reload()
    return MultiProvider({"m": inner}) if multi else inner


def _run(name: str, multi: bool) -> str:
    if multi:
        return "m" if name == "." else f"m/{name}"
    return name


@pytest.mark.parametrize("multi", [False, True])
def test_blob_points_by_step_with_repeated_steps(tmp_path: Path, multi: bool) -> None:
    steps = [0, 1, 2, 1, 3]
    write_events(tmp_path / "r", [_image_event(s, 4 + i) for i, s in enumerate(steps)])
    provider = _open(tmp_path, multi=multi)
    run = _run("r", multi)
    listing = provider.read_blob_steps(run, "img")
    assert listing.run == run and listing.steps.tolist() == steps
    assert listing.lengths.tolist() == [3] * 5  # [width, height, png]
    series = provider.read_blob_sequences(run, "img")
    # The hint wins while it holds the step; otherwise the last point with that step.
    assert provider.read_blob_point(run, "img", 1, 1).index == 1
    for hint in (None, 0, 4, 99):
        point = provider.read_blob_point(run, "img", 1, hint)
        assert point.index == 3 and point.step == 1 and point.run == run
        assert point.refs == series.refs[3]
        assert point.wall_time == float(series.wall_times[3])
    assert provider.read_blob(point.refs[0].key) == b"7"  # the width of the fourth image
    with pytest.raises(NotFoundError, match="has no step 5"):
        provider.read_blob_point(run, "img", 5)


def test_the_step_index_follows_appends_and_purges(tmp_path: Path) -> None:
    path = write_events(tmp_path / "r", [_image_event(s, 4) for s in range(3)])
    provider = _open(tmp_path, multi=False)
    assert provider.read_blob_point("r", "img", 2).index == 2
    start = Event(step=1, wall_time=1.0, session_log=SessionLog(status=SessionLog.START))
    first = Event(step=0, wall_time=1.0, session_log=SessionLog(status=SessionLog.START))
    events = [first, *[_image_event(s, 4) for s in range(3)], start, _image_event(1, 9)]
    path.unlink()
    write_events(tmp_path / "r", events[:4], "events.out.tfevents.1.a")
    write_events(tmp_path / "r", [*events[4:], _image_event(7, 9)], "events.out.tfevents.2.a")
    provider.reload()  # another file set: the run is read again, the restart purges 1 and 2
    assert provider.read_blob_steps("r", "img").steps.tolist() == [0, 1, 7]
    assert provider.read_blob_point("r", "img", 1).index == 1
    with pytest.raises(NotFoundError):
        provider.read_blob_point("r", "img", 2)
    with (tmp_path / "r" / "events.out.tfevents.2.a").open("ab") as f:
        f.write(event_bytes([_image_event(8, 9)], version=False))
    provider.reload()
    assert provider.read_blob_point("r", "img", 8).index == 3


def _projector_logdir(root: Path) -> None:
    write_events(root / "a", [_image_event(0, 4)])
    write_events(root / "b", [_image_event(0, 4)])
    (root / "a" / CONFIG).write_text('embeddings { tensor_name: "x" tensor_path: "t.tsv" }\n')
    (root / "a" / "t.tsv").write_text("1\t2\n")
    (root / CONFIG).write_text('embeddings { tensor_name: "root" tensor_path: "a/t.tsv" }\n')
    (root / "secret.tsv").write_text("0\n")
    os.symlink(root / "secret.tsv", root / "a" / "link.tsv")


@pytest.mark.parametrize("multi", [False, True])
def test_projector_runs_and_run_files(tmp_path: Path, multi: bool) -> None:
    _projector_logdir(tmp_path)
    provider = _open(tmp_path, multi=multi)
    # The root counts without event files of its own.
    assert provider.projector_runs() == sorted([_run(".", multi), _run("a", multi)])
    a = _run("a", multi)
    with provider.open_run_file(a, "t.tsv") as f:
        assert f.read() == b"1\t2\n"
    with provider.open_run_file(_run(".", multi), "a/t.tsv") as f:
        assert f.read() == b"1\t2\n"
    for escaping in ("../secret.tsv", str(tmp_path / "secret.tsv"), "link.tsv", "/etc/hostname"):
        with pytest.raises(ValueError, match="outside the directory"):
            provider.open_run_file(a, escaping)
        with pytest.raises(ValueError, match="outside the directory"):
            provider.run_file_version(a, escaping)
    with pytest.raises(FileNotFoundError):
        provider.open_run_file(a, "missing.tsv")
    with pytest.raises(NotFoundError):
        provider.open_run_file("../.." if not multi else "x/a", CONFIG)


def test_run_file_versions_change_when_the_file_does(tmp_path: Path) -> None:
    _projector_logdir(tmp_path)
    provider = _open(tmp_path, multi=False)
    before = provider.run_file_version("a", "t.tsv")
    assert before == provider.run_file_version(".", "a/t.tsv")  # the same file
    (tmp_path / "a" / "t.tsv").write_text("1\t2\n3\t4\n")
    assert provider.run_file_version("a", "t.tsv") != before
    assert MultiProvider({"m": provider}).run_file_version("m/a", "t.tsv") == (
        provider.run_file_version("a", "t.tsv")
    )


def test_cache_dir_is_the_providers_or_none(tmp_path: Path) -> None:
    write_events(tmp_path / "logs" / "r", [_image_event(0, 4)])
    cached = _open(tmp_path / "logs", multi=False, cache_dir=tmp_path / "cache")
    plain = _open(tmp_path / "logs", multi=False)
    assert cached.cache_dir is not None
    assert cached.cache_dir.startswith(str(tmp_path / "cache"))
    assert plain.cache_dir is None
    assert MultiProvider({"a": plain, "b": cached}).cache_dir == cached.cache_dir
    assert MultiProvider({"a": plain}).cache_dir is None


@pytest.mark.parametrize("multi", [False, True])
def test_blob_facts_are_derived_once_per_blob(tmp_path: Path, multi: bool) -> None:
    write_events(tmp_path / "r", [_image_event(0, 4), _image_event(1, 5)])
    provider = _open(tmp_path, multi=multi)
    run = _run("r", multi)
    calls: list[bytes] = []

    def width(data: bytes) -> int:
        calls.append(data)
        return int(data)

    first, second = (provider.read_blob_point(run, "img", s).refs[0] for s in (0, 1))
    assert [provider.blob_fact(first, "width", width) for _ in range(3)] == [4, 4, 4]
    assert provider.blob_fact(second, "width", width) == 5
    assert calls == [b"4", b"5"]
    assert provider.blob_fact(first, "other", lambda d: d + b"!") == b"4!"  # another name
