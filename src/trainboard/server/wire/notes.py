"""Models of ``/api/runs/notes`` (run notes, ``trainboard.data.notes``; docs/data.md)."""

from __future__ import annotations

from typing_extensions import NotRequired, TypedDict

__all__ = ["NoteChanges", "NoteUpdate", "NotesDeleted", "NotesResponse", "RunNoteBody"]


class RunNoteBody(TypedDict):
    """One run's note. ``trashed``: the run's directory is in ``<logdir>/.trash/`` (undo
    with ``trashed: false``); ``revision`` counts the note's changes; ``updated`` is the
    Unix time of the latest one."""

    run: str
    display_name: str | None
    color: str | None
    tags: list[str]
    note: str
    hidden: bool
    archived: bool
    trashed: bool
    revision: int
    updated: float


class NotesResponse(TypedDict):
    """Every run with a note (trashed runs included), by run name."""

    notes: list[RunNoteBody]


class NoteChanges(TypedDict, total=False):
    """The fields a change sets; the others keep their value."""

    display_name: str | None
    color: str | None
    tags: list[str]
    note: str
    hidden: bool
    archived: bool
    trashed: bool


class NoteUpdate(TypedDict):
    """The body of ``PUT /api/runs/notes``. ``revision``: the note's revision the change
    was made from (a 409 when it changed since); left out, the change always applies."""

    run: str
    changes: NoteChanges
    revision: NotRequired[int]


class NotesDeleted(TypedDict):
    """The answer of ``DELETE /api/runs/notes``: the run whose note was forgotten."""

    deleted: str
