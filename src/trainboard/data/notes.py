"""Run notes: what the user says about runs, kept beside the event files, never in them.

A display name, a colour, tags, a free-text note, hidden, archived, and the trash: one
small JSON file per logdir, ``<logdir>/.trainboard-notes.json`` (format in docs/data.md).
TensorBoard ignores it (no ``tfevents`` in its name), so the logdir reads as before and
the notes travel with it.

Safe under several boards (or scripts) at once: every change takes an exclusive lock on
``<logdir>/.trainboard-notes.lock``, reads the file, applies the change and replaces the
file atomically (written under a temporary name, then renamed), so a reader without the
lock always sees a whole file and no change is lost. Each run's note carries a
``revision``; a change may name the revision it was made from, and is refused with
:class:`NotesConflictError` when the note changed since (another board edited it).

Trashing a run moves its directory to ``<logdir>/.trash/<name>`` (the board does not read
``.trash``) and records where; restoring moves it back.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from trainboard.errors import NotFoundError, TrainboardError

__all__ = [
    "FILENAME",
    "FORMAT",
    "LOCK_FILENAME",
    "TRASH_DIR",
    "NotesConflictError",
    "NotesStore",
    "RunNote",
]

FILENAME = ".trainboard-notes.json"
LOCK_FILENAME = ".trainboard-notes.lock"
TRASH_DIR = ".trash"
FORMAT = "trainboard-notes/1"

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_MAX_TEXT = 100_000  # characters of a note
_MAX_NAME = 500  # characters of a display name or a tag
_MAX_TAGS = 100
_FIELDS = ("display_name", "color", "tags", "note", "hidden", "archived", "trashed")


class NotesConflictError(TrainboardError, ValueError):
    """A change made from an older revision of a run's note, or a restore onto an existing run."""


@dataclass(frozen=True, slots=True)
class RunNote:
    """What the user recorded about one run.

    ``revision`` counts the changes to this note (0: none yet). ``trashed`` is the
    run directory's path relative to the logdir while it is in the trash, else None.
    ``updated`` is the Unix time of the latest change.
    """

    display_name: str | None = None
    color: str | None = None
    tags: tuple[str, ...] = ()
    note: str = ""
    hidden: bool = False
    archived: bool = False
    trashed: str | None = None
    revision: int = 0
    updated: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "display_name": self.display_name,
            "color": self.color,
            "tags": list(self.tags),
            "note": self.note,
            "hidden": self.hidden,
            "archived": self.archived,
            "trashed": self.trashed,
            "revision": self.revision,
            "updated": self.updated,
        }

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> RunNote:
        """A note from the file; fields of a later format version are ignored."""
        return RunNote(
            display_name=_optional_str(data.get("display_name")),
            color=_optional_str(data.get("color")),
            tags=tuple(str(t) for t in data.get("tags") or () if isinstance(t, str)),
            note=str(data.get("note") or ""),
            hidden=bool(data.get("hidden", False)),
            archived=bool(data.get("archived", False)),
            trashed=_optional_str(data.get("trashed")),
            revision=int(data.get("revision", 0)),
            updated=float(data.get("updated", 0.0)),
        )


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def check_run_name(run: str) -> str:
    """``run`` when it names a directory inside the logdir (``"."`` is the logdir itself)."""
    if not isinstance(run, str) or not run:
        raise ValueError(f"a run name must be a non-empty string, got {run!r}")
    if "\\" in run or posixpath.isabs(run) or posixpath.normpath(run) != run:
        raise ValueError(f"run {run!r} is not a normalized path relative to the logdir")
    first = run.split("/")[0]
    if first == ".." or (first == TRASH_DIR):
        raise ValueError(f"run {run!r} is outside the runs of the logdir")
    return run


def _checked(changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` validated and normalized (a ValueError/TypeError names the field)."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in _FIELDS:
            raise ValueError(f"unknown run-note field {key!r}; fields: {', '.join(_FIELDS)}")
        if key in ("display_name", "color"):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{key} must be a string or null, got {value!r}")
            value = value.strip() if value else None
            if key == "color" and value is not None and not _COLOR.fullmatch(value):
                raise ValueError(f"color must be '#rrggbb', got {value!r}")
            if value is not None and len(value) > _MAX_NAME:
                raise ValueError(f"{key} is longer than {_MAX_NAME} characters")
        elif key == "tags":
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise TypeError(f"tags must be a list of strings, got {value!r}")
            tags: list[str] = []
            for tag in value:
                if not isinstance(tag, str) or not tag.strip() or len(tag) > _MAX_NAME:
                    raise ValueError(f"a tag must be a non-empty string, got {tag!r}")
                if tag.strip() not in tags:
                    tags.append(tag.strip())
            if len(tags) > _MAX_TAGS:
                raise ValueError(f"a run has at most {_MAX_TAGS} tags")
            value = tuple(tags)
        elif key == "note":
            if not isinstance(value, str):
                raise TypeError(f"note must be a string, got {value!r}")
            if len(value) > _MAX_TEXT:
                raise ValueError(f"note is longer than {_MAX_TEXT} characters")
        elif not isinstance(value, bool):
            raise TypeError(f"{key} must be true or false, got {value!r}")
        out[key] = value
    return out


class NotesStore:
    """The notes of one logdir (see the module docstring).

    Example::

        store = NotesStore("runs")
        store.update("exp1", {"display_name": "baseline", "tags": ["lr-sweep"]})
        store.update("exp2", {"trashed": True})  # runs/exp2 -> runs/.trash/exp2
        store.update("exp2", {"trashed": False})  # and back
        store.read()["exp1"].display_name
    """

    def __init__(self, logdir: str | os.PathLike[str]) -> None:
        self.logdir = os.path.abspath(os.fspath(logdir))
        self.path = os.path.join(self.logdir, FILENAME)

    # -- reading -------------------------------------------------------------

    def read(self) -> dict[str, RunNote]:
        """Every run's note (runs without one are absent). A missing file is no notes."""
        data = self._load()
        runs = data.get("runs")
        if not isinstance(runs, dict):
            return {}
        return {
            str(name): RunNote.from_json(note)
            for name, note in runs.items()
            if isinstance(note, dict)
        }

    def _load(self) -> dict[str, Any]:
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ValueError(f"the run notes {self.path!r} cannot be read: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"the run notes {self.path!r} do not hold a JSON object")
        return data

    # -- changing --------------------------------------------------------------

    def update(
        self, run: str, changes: Mapping[str, Any], *, revision: int | None = None
    ) -> RunNote:
        """Apply ``changes`` (fields of :class:`RunNote`) to ``run``'s note; return the note.

        ``{"trashed": True}`` moves the run's directory into ``.trash/``;
        ``{"trashed": False}`` moves it back. ``revision``, when given, must be the
        note's current revision (else :class:`NotesConflictError`).
        """
        check_run_name(run)
        fields = _checked(changes)
        with self._locked() as data:
            runs = data.setdefault("runs", {})
            before = RunNote.from_json(runs.get(run) or {})
            _check_revision(run, before, revision)
            trash = fields.pop("trashed", None)
            note = replace(before, **fields)
            if trash is True and before.trashed is None:
                note = replace(note, trashed=self._move_to_trash(run))
            elif trash is False and before.trashed is not None:
                self._move_back(run, before.trashed)
                note = replace(note, trashed=None)
            note = replace(note, revision=before.revision + 1, updated=time.time())
            runs[run] = note.to_json()
            return note

    def delete(self, run: str, *, revision: int | None = None) -> None:
        """Forget ``run``'s note. A trashed run's note stays (it says where the run is)."""
        check_run_name(run)
        with self._locked() as data:
            runs = data.setdefault("runs", {})
            if run not in runs:
                raise NotFoundError(f"run {run!r} has no notes")
            before = RunNote.from_json(runs[run])
            _check_revision(run, before, revision)
            if before.trashed is not None:
                raise NotesConflictError(
                    f"run {run!r} is in the trash: restore it before deleting its notes"
                )
            del runs[run]

    # -- the trash -------------------------------------------------------------

    def _move_to_trash(self, run: str) -> str:
        if run == ".":
            raise ValueError("the logdir itself cannot be moved to the trash")
        source = os.path.join(self.logdir, run)
        if not os.path.isdir(source):
            raise NotFoundError(f"no run directory {run!r} in {self.logdir!r}")
        os.makedirs(os.path.join(self.logdir, TRASH_DIR), exist_ok=True)
        base = run.replace("/", "__")
        target = posixpath.join(TRASH_DIR, base)
        n = 1
        while os.path.lexists(os.path.join(self.logdir, target)):
            n += 1
            target = posixpath.join(TRASH_DIR, f"{base}.{n}")
        os.rename(source, os.path.join(self.logdir, target))
        return target

    def _move_back(self, run: str, trashed: str) -> None:
        source = os.path.join(self.logdir, trashed)
        target = os.path.join(self.logdir, run)
        if os.path.lexists(target):
            raise NotesConflictError(f"cannot restore run {run!r}: {target!r} exists")
        if not os.path.isdir(source):
            raise NotFoundError(f"run {run!r} is no longer in the trash ({trashed!r})")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.rename(source, target)

    # -- the lock and the file ---------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The file's content under the lock; written back (atomically) on success."""
        if not os.path.isdir(self.logdir):
            raise NotFoundError(f"no logdir {self.logdir!r}")
        with open(os.path.join(self.logdir, LOCK_FILENAME), "a+b") as lock:
            _lock(lock)
            try:
                data = self._load()
                if data.get("format", FORMAT) != FORMAT:
                    raise ValueError(
                        f"{self.path!r} is in format {data.get('format')!r}; "
                        f"this trainboard writes {FORMAT!r}"
                    )
                yield data
                data["format"] = FORMAT
                data["version"] = int(data.get("version", 0)) + 1
                self._write(data)
            finally:
                _unlock(lock)

    def _write(self, data: dict[str, Any]) -> None:
        temporary = f"{self.path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, self.path)


def _check_revision(run: str, note: RunNote, revision: int | None) -> None:
    if revision is not None and revision != note.revision:
        raise NotesConflictError(
            f"the notes of run {run!r} changed meanwhile (revision {note.revision}, "
            f"the change was made from {revision}): reload them and try again"
        )


if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _lock(f: Any) -> None:
        f.seek(0)
        while True:
            try:
                msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                time.sleep(0.05)

    def _unlock(f: Any) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(f: Any) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)

    def _unlock(f: Any) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
