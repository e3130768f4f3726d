"""Object-store log dirs, writer side, on fsspec's in-memory file system (``memory://``).

The segmenting, naming, flush and close semantics; the S3 protocol end to end (moto's
server, an outage in the middle of a run) is in tests/remote/test_remote_writer.py.
"""

from __future__ import annotations

import io
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

fsspec = pytest.importorskip("fsspec")

import trainboard  # noqa: E402
from tests.support import read_events, summary_values, tb_accumulator  # noqa: E402
from trainboard import FileWriter, SummaryWriter  # noqa: E402
from trainboard.errors import MissingDependencyError  # noqa: E402
from trainboard.format.proto.event_pb2 import Event  # noqa: E402
from trainboard.format.record import iter_records  # noqa: E402
from trainboard.writer import _object_store  # noqa: E402


@pytest.fixture()
def spill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "spill"
    monkeypatch.setenv("TRAINBOARD_SPILL_DIR", str(root))
    return root


@pytest.fixture()
def bucket(spill: Path) -> Iterator[str]:
    """A fresh ``memory://`` location, removed afterwards."""
    name = f"/tb-{uuid.uuid4().hex[:8]}"
    yield f"memory:/{name}"
    fs = fsspec.filesystem("memory")
    if fs.exists(name):
        fs.rm(name, recursive=True)


def objects(url: str) -> dict[str, bytes]:
    """Every object under ``url``: its path relative to ``url`` -> its bytes."""
    fs, root = fsspec.core.url_to_fs(url)
    return {
        p[len(root) :].lstrip("/"): fs.cat_file(p) for p in sorted(fs.find(root, withdirs=False))
    }


def download(url: str, to: Path) -> Path:
    for relative, data in objects(url).items():
        target = to / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return to


def scalar_points(logdir: Path, tag: str) -> list[tuple[int, float]]:
    return [(step, v.simple_value) for step, v in summary_values(logdir) if v.tag == tag]


def test_segments_are_event_files_named_in_write_order(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_object_store, "SEGMENT_BYTES", 2000)
    run = f"{bucket}/run"
    with SummaryWriter(run, capture_environment=False) as w:
        for step in range(500):
            w.add_scalar("loss", step / 7, step)
            if step % 25 == 0:
                time.sleep(0.03)  # let the worker write a batch (a segment ends between two)
    stored = objects(run)
    names = list(stored)
    assert len(names) > 2, "2000-byte segments: the run was cut into several"
    sizes = [len(data) for data in stored.values()]
    assert min(sizes[:-1]) >= 2000, "closed once they reached the size, not before"
    assert names == sorted(names)
    stem = names[0].rsplit(".", 1)[0]
    assert names == [f"{stem}.{n:06d}" for n in range(len(names))], "one counter, no gaps"
    for data in stored.values():
        records = [r for _, r in iter_records(io.BytesIO(data))]
        first = Event.FromString(records[0])
        assert first.file_version == "brain.Event:2", "every segment is an event file"
    local = download(run, tmp_path / "copy")
    expected = [(step, float(np.float32(step / 7))) for step in range(500)]
    assert scalar_points(local, "loss") == expected
    acc = tb_accumulator(local)
    assert [(e.step, _tensor_value(e)) for e in acc.Tensors("loss")] == expected
    with trainboard.open(local, use_cache=False) as lg:
        assert lg.runs == ["."]
        assert lg.scalars(".", "loss").steps.tolist() == list(range(500))


def _tensor_value(event: Any) -> float:
    from tensorboard.util import tensor_util

    return float(tensor_util.make_ndarray(event.tensor_proto))


def test_flush_closes_the_segment_and_uploads_it(bucket: str) -> None:
    run = f"{bucket}/run"
    w = SummaryWriter(run, flush_secs=3600)
    w.add_scalar("a", 1.0, 0)
    assert [n for n in objects(run) if not n.startswith(".")] == [], "nothing before flush"
    w.flush()
    first = objects(run)
    events = [n for n in first if not n.startswith(".")]
    assert len(events) == 1
    assert any(n.endswith(".environment") for n in first), "the sidecar is uploaded too"
    w.flush()  # nothing new: no empty segment
    assert objects(run).keys() == first.keys()
    w.add_scalar("a", 2.0, 1)
    w.add_text("t", "hello", 1)
    w.flush()
    events = [n for n in objects(run) if not n.startswith(".")]
    assert len(events) == 2 and events == sorted(events)
    path = w.file_writer.path if w.file_writer is not None else None
    assert path is not None and os.path.exists(path), "the next segment is open locally"
    w.close()
    assert [n for n in objects(run) if not n.startswith(".")] == events, "no header-only object"


def test_the_periodic_sync_cuts_segments_every_flush_secs(bucket: str) -> None:
    run = f"{bucket}/run"
    with SummaryWriter(run, flush_secs=0.2, capture_environment=False) as w:
        w.add_scalar("a", 1.0, 0)
        deadline = time.monotonic() + 10
        while not objects(run) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(objects(run)) == 1, "uploaded without flush() or close()"
        w.add_scalar("a", 2.0, 1)
    assert len(objects(run)) == 2


def test_close_uploads_everything_and_removes_the_spill_directory(
    bucket: str, spill: Path, tmp_path: Path
) -> None:
    run = f"{bucket}/exp"
    with SummaryWriter(run) as w:
        w.add_scalars("m", {"x": 1.0, "y": 2.0}, 0)
        w.add_histogram("h", np.arange(100.0), 0)
        w.add_image("img", np.zeros((3, 4, 5), dtype=np.uint8), 0)
        assert w.log_dir == w.get_logdir() == run
    stored = objects(run)
    assert {n.split("/")[0] for n in stored if "/" in n} == {"m_x", "m_y"}
    assert sum(n.endswith(".environment") for n in stored) == 1
    assert list(spill.iterdir()) == [], "everything uploaded: nothing left locally"
    local = download(run, tmp_path / "copy")
    with trainboard.open(local, use_cache=False) as lg:
        assert sorted(lg.runs) == [".", "m_x", "m_y"]
        assert lg.scalars("m_y", "m").values.tolist() == [2.0]
        assert lg.histograms(".", "h").buckets[0][:, 2].sum() == 100
        assert lg.images(".", "img").images[0][0].width == 5
        assert lg.environment(".")["pid"] == os.getpid()


def test_a_file_writer_writes_segments_too(bucket: str, tmp_path: Path) -> None:
    from trainboard.format.proto.summary_pb2 import Summary

    run = f"{bucket}/raw"
    fw = FileWriter(run, filename_suffix=".v2")
    assert fw.get_logdir() == run
    fw.add_summary(Summary(value=[Summary.Value(tag="s", simple_value=3.0)]), 4)
    fw.flush()
    fw.add_event(Event(step=5), step=5)
    fw.close()
    names = list(objects(run))
    assert len(names) == 2 and all(n.endswith(".v2") for n in names)
    local = download(run, tmp_path / "copy")
    assert [e.step for e in read_events(local) if not e.file_version] == [4, 5]


def test_an_empty_run_still_gets_its_event_file(bucket: str) -> None:
    run = f"{bucket}/empty"
    SummaryWriter(run, capture_environment=False).close()
    assert len(objects(run)) == 1


def test_a_local_log_dir_is_one_event_file_as_before(tmp_path: Path, spill: Path) -> None:
    with SummaryWriter(tmp_path / "run", flush_secs=0.01) as w:
        w.add_scalar("a", 1.0, 0)
        w.flush()
        w.add_scalar("a", 2.0, 1)
        w.flush()
    names = [n for n in os.listdir(tmp_path / "run") if not n.startswith(".")]
    assert len(names) == 1
    assert names[0].count(".") == 6, "events.out.tfevents.<time>.<host>.<pid>.<counter>"
    assert not spill.exists()


# ------------------------------------------------------------------ bad URLs


@pytest.mark.parametrize("cls", [SummaryWriter, FileWriter])
def test_an_unknown_scheme_raises_naming_the_value(
    cls: Any, tmp_path: Path, spill: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"'nosuch://b/x'.*no file system for nosuch://"):
        cls("nosuch://b/x")
    assert os.listdir(tmp_path) == [], "nothing is created locally"


def test_a_url_without_a_location_raises(spill: Path) -> None:
    with pytest.raises(ValueError, match=r"'memory://' names no bucket or path"):
        SummaryWriter("memory://")


def test_a_missing_backend_names_the_extra(
    tmp_path: Path, spill: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = sys.modules["fsspec.registry"]._registry  # the backends imported so far
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "s3fs", None)  # as if s3fs were not installed
    monkeypatch.delitem(registry, "s3", raising=False)
    with pytest.raises(
        MissingDependencyError, match=r"'s3://bucket/runs/x'.*pip install 'trainboard\[s3\]'"
    ):
        SummaryWriter("s3://bucket/runs/x")
    with pytest.raises(ImportError, match=r"trainboard\[s3\]"):
        FileWriter("S3://bucket/x")
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ the upload command


def test_trainboard_upload_puts_a_spill_directory_where_it_belongs(
    bucket: str, spill: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from trainboard.cli.main import cli

    run = f"{bucket}/run"
    failing = True
    real_put = _object_store._put

    def put(fs: Any, local: str, url: str) -> None:
        if failing:
            raise ConnectionError("the store is away")
        real_put(fs, local, url)

    monkeypatch.setattr(_object_store, "_put", put)  # a store that does not answer
    monkeypatch.setattr(_object_store, "BACKOFF_MAX", 0.05)
    monkeypatch.setattr(_object_store, "FLUSH_TIMEOUT", 0.2)
    monkeypatch.setenv("TRAINBOARD_UPLOAD_TIMEOUT", "0.3")
    w = SummaryWriter(run)
    for step in range(20):
        w.add_scalar("loss", float(step), step)
    with pytest.warns(RuntimeWarning, match=r"flush\(\) gave up .*ConnectionError"):
        w.flush()
    w.add_scalar("loss", 20.0, 20)
    with pytest.warns(RuntimeWarning, match=r"Nothing is lost.*trainboard upload .*spill"):
        w.close()
    assert objects(run) == {}
    (left,) = spill.iterdir()
    result = CliRunner().invoke(cli, ["upload", str(left)])
    assert result.exit_code == 1 and "the store is away" in result.output
    assert "run the command again" in result.output and left.exists()
    failing = False
    result = CliRunner().invoke(cli, ["upload", str(left)])
    assert result.exit_code == 0, result.output
    assert "3 files" in result.output
    assert not left.exists()
    local = download(run, tmp_path / "copy")
    assert scalar_points(local, "loss") == [(s, float(s)) for s in range(21)]


def test_add_embedding_reaches_the_store_not_a_local_folder(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a local "memory:" folder would appear here
    url = f"{bucket}/run"
    with SummaryWriter(url) as w:
        w.add_embedding(np.arange(12, dtype=np.float32).reshape(4, 3), metadata=list("abcd"))
    stored = objects(url)
    assert stored["projector_config.pbtxt"].count(b"tensor_path") == 1
    assert stored["00000/default/metadata.tsv"].decode().split() == list("abcd")
    tensors = stored["00000/default/tensors.tsv"].decode().splitlines()
    assert [line.split("\t") for line in tensors][1] == ["3.0", "4.0", "5.0"]
    assert not any(p.name.startswith("memory") for p in tmp_path.iterdir())
