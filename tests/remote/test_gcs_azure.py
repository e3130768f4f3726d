"""Object-store log dirs on Google Cloud Storage and Azure Blob Storage, end to end.

The same path as the S3 tests (test_remote_writer.py, test_remote_read.py), against real
protocol servers of the two other clouds (see conftest): gcp-storage-emulator through
gcsfs (``gs://``) and Azurite through adlfs (``az://``). ``SummaryWriter(url)`` writes,
``close()`` uploads, ``trainboard.open(url)`` reads back value for value, a reload
downloads only the objects it has not seen (the mirror's own counters), ``trainboard
export`` reads the store, and the run notes are written back to it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import trainboard
from tests.remote.conftest import EmulatorServer
from trainboard import SummaryWriter
from trainboard.data.notes import NotesConflictError
from trainboard.data.remote import RemoteLogdirProvider

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(params=["gs", "az"])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
          ) -> EmulatorServer:
    """The emulator of ``gs://`` or ``az://``, its environment set; spill dir per test."""
    monkeypatch.setenv("TRAINBOARD_SPILL_DIR", str(tmp_path / "spill"))
    server: EmulatorServer = request.getfixturevalue(
        "gcs_env" if request.param == "gs" else "azure_env"
    )
    return server


def _write(w: SummaryWriter, steps: int = 30) -> None:
    rng = np.random.default_rng(0)
    for step in range(steps):
        w.add_scalar("loss", 1.0 / (step + 1), step)
        w.add_scalar("lr", 0.1 * 0.9**step, step)
        if step % 10 == 0:
            w.add_image("sample", rng.integers(0, 255, (3, 8, 6), dtype=np.uint8), step)
            w.flush()  # a segment boundary: several objects per run


def _objects(url: str) -> dict[str, int]:
    """Every object under ``url``: relative key -> size (a fresh listing)."""
    from trainboard import _storage

    fs, root = _storage.filesystem(url)
    fs.invalidate_cache()
    found = fs.find(root, detail=True)
    return {name[len(root) + 1 :]: int(info["size"]) for name, info in found.items()}


def test_write_open_and_incremental_reload(store: EmulatorServer, tmp_path: Path) -> None:
    url = f"{store.scheme}://{store.bucket()}/runs"
    with SummaryWriter(f"{url}/a", capture_environment=False) as w:
        assert w.log_dir == f"{url}/a"
        _write(w)
    with SummaryWriter(tmp_path / "local" / "a", capture_environment=False) as w:
        _write(w)
    assert not (tmp_path / "spill").exists() or not any((tmp_path / "spill").iterdir()), (
        "close() uploaded everything: nothing left in the spill directory"
    )
    first = _objects(url)
    assert len(first) >= 3 and all(k.startswith("a/") and "tfevents" in k for k in first)

    with (
        trainboard.open(url, cache_dir=tmp_path / "cache") as got,
        trainboard.open(tmp_path / "local", use_cache=False) as want,
    ):
        assert got.runs == want.runs == ["a"]
        for tag in ("loss", "lr"):
            a, b = got.scalars("a", tag), want.scalars("a", tag)
            assert b.steps.tolist() == list(range(30)), "the local twin"
            assert a.steps.tolist() == list(range(30)), "the store's copy"
            assert a.values.tolist() == b.values.tolist()
        ia, ib = got.images("a", "sample"), want.images("a", "sample")
        assert ia.steps.tolist() == ib.steps.tolist() == [0, 10, 20]
        assert [i[0].data for i in ia.images] == [i[0].data for i in ib.images]
        assert got.warnings == []

        provider = got.provider
        assert isinstance(provider, RemoteLogdirProvider)
        sync = provider.last_sync
        assert sync is not None and sorted(sync.downloaded) == sorted(first)
        assert sync.bytes == sum(first.values())

        nothing = provider.reload()  # nothing new: one listing, nothing downloaded
        assert provider.last_sync is not None
        assert provider.last_sync.downloaded == () and provider.last_sync.requests == 1
        assert not nothing.changed

        with SummaryWriter(f"{url}/b", capture_environment=False) as w:
            _write(w, steps=12)
        new = {k: size for k, size in _objects(url).items() if k not in first}
        assert new and all(k.startswith("b/") for k in new)
        report = provider.reload()
        sync = provider.last_sync
        assert sorted(sync.downloaded) == sorted(new)
        assert sync.appended == () and sync.removed == ()
        assert sync.requests == 1 + len(new)  # one listing, one GET per new object
        assert sync.bytes == sum(new.values())
        assert report.new_runs == ("b",)
        assert provider.mirror.stats.objects_downloaded == len(first) + len(new)
        assert got.runs == ["a", "b"]
        assert got.scalars("b", "loss").steps.tolist() == list(range(12))


def test_export_and_run_notes(store: EmulatorServer, tmp_path: Path) -> None:
    from trainboard.cli.export import export

    url = f"{store.scheme}://{store.bucket()}/runs"
    with SummaryWriter(f"{url}/exp", capture_environment=False) as w:
        _write(w, steps=5)
    with SummaryWriter(tmp_path / "local" / "exp", capture_environment=False) as w:
        _write(w, steps=5)
    runner = CliRunner()
    remote = runner.invoke(export, ["--logdir", url, "--cache_dir", str(tmp_path / "c"),
                                    "-o", str(tmp_path / "remote.csv")])
    assert remote.exit_code == 0, remote.output
    disk = runner.invoke(export, ["--logdir", str(tmp_path / "local"), "--no_cache",
                                  "-o", str(tmp_path / "local.csv")])
    assert disk.exit_code == 0, disk.output
    def rows(path: Path) -> list[list[str]]:  # the wall times are each writer's own
        lines = path.read_text().splitlines()
        return [[*r[:3], r[4]] for r in (line.split(",") for line in lines)]

    assert rows(tmp_path / "remote.csv") == rows(tmp_path / "local.csv")
    assert ["exp", "loss", "0", "1.0"] in rows(tmp_path / "remote.csv")
    assert len(rows(tmp_path / "remote.csv")) == 1 + 2 * 5

    # Run notes go back to the store, where another board reads them.
    from trainboard import _storage

    with trainboard.open(url, cache_dir=tmp_path / "a") as one, trainboard.open(
        url, cache_dir=tmp_path / "b"
    ) as two:
        note = one.update_notes("exp", display_name="baseline")
        fs, root = _storage.filesystem(url)
        fs.invalidate_cache()
        stored = json.loads(fs.cat_file(f"{root}/.trainboard-notes.json"))
        assert stored["runs"]["exp"]["display_name"] == "baseline"
        two.reload()
        assert two.notes()["exp"].display_name == "baseline"
        two.update_notes("exp", revision=note.revision, note="lr 0.1")
        assert one.update_notes("exp", color="#ff0000").note == "lr 0.1"
        # The board's own write is known to its mirror: the next sync fetches nothing.
        provider = one.provider
        assert isinstance(provider, RemoteLogdirProvider)
        provider.reload()
        assert provider.last_sync is not None and provider.last_sync.downloaded == ()


def test_run_notes_are_written_conditionally_on_azure(
    azure_env: EmulatorServer, tmp_path: Path
) -> None:
    """Azure honours If-Match / If-None-Match: a notes object changed by another board
    between the board's GET and its upload is a conflict, not overwritten. (GCS: gcsfs
    has no If-Match, and gcp-storage-emulator no preconditions, so not tested there.)"""
    from trainboard import _storage

    url = f"az://{azure_env.bucket()}/runs"
    with SummaryWriter(f"{url}/exp", capture_environment=False) as w:
        w.add_scalar("loss", 1.0, 0)
    fs, root = _storage.filesystem(url)
    key = ".trainboard-notes.json"
    with trainboard.open(url, cache_dir=tmp_path / "a") as lg:
        provider = lg.provider
        assert isinstance(provider, RemoteLogdirProvider)
        mirror = provider.mirror
        assert mirror.fetch(key) is None
        mirror.put(key, b'{"first": 1}', expected_etag=None)  # created: none was there
        with pytest.raises(NotesConflictError):
            mirror.put(key, b'{"second": 2}', expected_etag=None)  # one is there now
        etag = mirror.fetch(key)
        assert etag is not None
        fs.pipe_file(f"{root}/{key}", b'{"other board": 1}')  # a change meanwhile
        with pytest.raises(NotesConflictError):
            mirror.put(key, b'{"stale": 1}', expected_etag=etag)
        fs.invalidate_cache()
        assert fs.cat_file(f"{root}/{key}") == b'{"other board": 1}'  # not lost
        mirror.put(key, b'{"third": 3}', expected_etag=mirror.fetch(key))
        fs.invalidate_cache()
        assert fs.cat_file(f"{root}/{key}") == b'{"third": 3}'
        # And through the API (a notes object of its own), where revisions are checked too.
        fs.rm(f"{root}/{key}")
        note = lg.update_notes("exp", display_name="baseline")
        assert lg.update_notes("exp", note="x").display_name == "baseline"
        with pytest.raises(NotesConflictError):
            lg.update_notes("exp", revision=note.revision, note="stale")


def test_the_gcs_fixture_keeps_an_object_ending_in_cr(gcs_env: EmulatorServer, tmp_path: Path
                                                      ) -> None:
    """The objects the writer uploads arrive whole, whatever their last byte (see
    ``_resumable_upload`` in conftest: the emulator drops a trailing ``\\r`` otherwise)."""
    from trainboard import _storage

    bucket = gcs_env.bucket()
    fs, _ = _storage.filesystem(f"gs://{bucket}")
    data = bytes(range(256)) + b"\r"
    (tmp_path / "f").write_bytes(data)
    fs.put_file(str(tmp_path / "f"), f"{bucket}/put")
    fs.pipe_file(f"{bucket}/pipe", data)
    fs.invalidate_cache()
    assert fs.cat_file(f"{bucket}/put") == fs.cat_file(f"{bucket}/pipe") == data
