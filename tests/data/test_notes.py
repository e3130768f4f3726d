"""Run notes (data/notes.py): the sidecar file, concurrency, trash and undo, trainboard.open."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

import trainboard
from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.data.multi import MultiProvider
from trainboard.data.notes import FILENAME, NotesConflictError, NotesStore, RunNote


def _logdir(root: Path, *runs: str) -> Path:
    for run in runs:
        with SummaryWriter(root / run, capture_environment=False) as w:
            w.add_scalar("loss", 1.0, 0)
    return root


def _event_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*tfevents*")
        if ".trash" not in p.parts
    }


def test_notes_round_trip_and_never_touch_event_files(tmp_path: Path) -> None:
    root = _logdir(tmp_path, "a", "b")
    before = _event_bytes(root)
    lg = trainboard.open(root)
    note = lg.update_notes(
        "a", display_name=" baseline ", color="#FF8800", tags=["x", "y", "x"], note="**ok**"
    )
    assert (note.display_name, note.color, note.tags, note.revision) == (
        "baseline",
        "#FF8800",
        ("x", "y"),
        1,
    )
    lg.update_notes("b", hidden=True, archived=True)
    notes = trainboard.open(root).notes()
    assert notes["a"].note == "**ok**" and notes["b"].hidden and notes["b"].archived
    assert _event_bytes(root) == before
    data = json.loads((root / FILENAME).read_text())
    assert data["format"] == "trainboard-notes/1" and data["version"] == 2
    assert data["runs"]["a"]["tags"] == ["x", "y"]


@pytest.mark.parametrize(
    "changes",
    [
        {"color": "red"},
        {"tags": "x"},
        {"tags": [""]},
        {"hidden": 1},
        {"note": 3},
        {"unknown": True},
    ],
)
def test_bad_changes_are_refused(tmp_path: Path, changes: dict[str, object]) -> None:
    _logdir(tmp_path, "a")
    with pytest.raises((TypeError, ValueError)):
        NotesStore(tmp_path).update("a", changes)
    assert not (tmp_path / FILENAME).exists()


@pytest.mark.parametrize("run", ["../x", "/abs", "a/../b", ".trash/a", ""])
def test_run_names_stay_inside_the_logdir(tmp_path: Path, run: str) -> None:
    with pytest.raises(ValueError):
        NotesStore(tmp_path).update(run, {"note": "x"})


def test_a_stale_revision_is_a_conflict(tmp_path: Path) -> None:
    _logdir(tmp_path, "a")
    store = NotesStore(tmp_path)
    assert store.update("a", {"note": "one"}, revision=0).revision == 1
    with pytest.raises(NotesConflictError):
        store.update("a", {"note": "two"}, revision=0)
    assert store.update("a", {"note": "two"}, revision=1).note == "two"
    with pytest.raises(NotesConflictError):
        store.delete("a", revision=1)
    store.delete("a", revision=2)
    assert store.read() == {}


def test_trash_and_undo(tmp_path: Path) -> None:
    root = _logdir(tmp_path, "a", "group/b")
    before = _event_bytes(root)
    provider = LogdirProvider(root, use_cache=False)
    provider.reload()
    assert [r.name for r in provider.runs()] == ["a", "group/b"]
    provider.update_run_notes("group/b", {"note": "keep me"})
    note = provider.update_run_notes("group/b", {"trashed": True})
    assert note.trashed == ".trash/group__b" and (root / ".trash" / "group__b").is_dir()
    assert not (root / "group" / "b").exists()
    provider.reload()
    assert [r.name for r in provider.runs()] == ["a"]  # .trash is not read
    assert provider.run_notes()["group/b"].note == "keep me"
    with pytest.raises(NotesConflictError):
        provider.delete_run_notes("group/b")  # its note says where it is
    restored = provider.update_run_notes("group/b", {"trashed": False})
    assert restored.trashed is None and restored.note == "keep me"
    provider.reload()
    assert [r.name for r in provider.runs()] == ["a", "group/b"]
    assert _event_bytes(root) == before
    provider.close()


def test_restore_refuses_to_overwrite_a_new_run(tmp_path: Path) -> None:
    root = _logdir(tmp_path, "a")
    store = NotesStore(root)
    store.update("a", {"trashed": True})
    _logdir(root, "a")  # a new run under the same name
    with pytest.raises(NotesConflictError):
        store.update("a", {"trashed": False})
    assert store.read()["a"].trashed == ".trash/a"
    with pytest.raises(ValueError):
        store.update(".", {"trashed": True})


def test_unknown_runs_are_not_found(tmp_path: Path) -> None:
    provider = LogdirProvider(_logdir(tmp_path, "a"), use_cache=False)
    provider.reload()
    with pytest.raises(trainboard.NotFoundError):
        provider.update_run_notes("nope", {"note": "x"})
    provider.close()


def test_multi_provider_maps_run_names(tmp_path: Path) -> None:
    one = LogdirProvider(_logdir(tmp_path / "one", "a"), use_cache=False)
    two = LogdirProvider(_logdir(tmp_path / "two", "."), use_cache=False)
    multi = MultiProvider({"x": one, "y": two})
    multi.reload()
    multi.update_run_notes("x/a", {"color": "#000000"})
    multi.update_run_notes("y", {"note": "root run"})
    assert sorted(multi.run_notes()) == ["x/a", "y"]
    assert NotesStore(tmp_path / "one").read()["a"].color == "#000000"
    assert NotesStore(tmp_path / "two").read()["."].note == "root run"
    multi.delete_run_notes("x/a")
    assert sorted(multi.run_notes()) == ["y"]
    multi.close()


def _empty() -> RunNote:
    return RunNote()


def _add_tag(store: NotesStore, tag: str) -> None:
    """Add ``tag`` to run "shared": compare-and-swap on the revision, retried on conflict."""
    while True:
        note = store.read().get("shared", _empty())
        try:
            store.update("shared", {"tags": [*note.tags, tag]}, revision=note.revision)
            return
        except NotesConflictError:
            continue


def _worker(logdir: str, worker: int, count: int) -> None:
    store = NotesStore(logdir)
    for i in range(count):
        store.update(f"run{i % 3}", {"note": f"{worker}-{i}"})  # plain updates: the lock
        _add_tag(store, f"{worker}-{i}")  # read-modify-write: the revision


def test_two_processes_updating_notes_lose_nothing(tmp_path: Path) -> None:
    count = 25
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_worker, args=(str(tmp_path), w, count)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    notes = NotesStore(tmp_path).read()
    assert sorted(notes["shared"].tags) == sorted(
        f"{w}-{i}" for w in range(2) for i in range(count)
    )
    assert notes["shared"].revision == 2 * count
    assert sum(notes[f"run{i}"].revision for i in range(3)) == 2 * count
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
