"""Run notes over HTTP: read, change and forget them, and move runs to the trash and back.

``GET /api/runs/notes`` lists every note; ``PUT /api/runs/notes`` with
``{"run", "changes", "revision"?}`` changes one (``changes.trashed`` moves the run's
directory into ``<logdir>/.trash/`` or back); ``DELETE /api/runs/notes?run=`` forgets one.
The notes live in a sidecar file of the logdir (``trainboard.data.notes``), never in the
event files. The state-changing methods pass the app's Origin/Host/token checks
(``server/security.py``) like every other request.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data.notes import NotesConflictError, RunNote
from trainboard.data.provider import DataProvider
from trainboard.server.errors import BadRequestError, PublicError
from trainboard.server.routes._util import call_impl, provider_of, query_param
from trainboard.server.wire import Model, json_response
from trainboard.server.wire.notes import NotesDeleted, NotesResponse, NoteUpdate, RunNoteBody

__all__ = ["OPENAPI", "ROUTES", "delete_impl", "notes_impl", "update_impl"]


class ConflictError(PublicError):
    """The note changed since the revision a change was made from (or a restore collides)."""

    http_code = 409


def _body(run: str, note: RunNote) -> RunNoteBody:
    return {
        "run": run,
        "display_name": note.display_name,
        "color": note.color,
        "tags": list(note.tags),
        "note": note.note,
        "hidden": note.hidden,
        "archived": note.archived,
        "trashed": note.trashed is not None,
        "revision": note.revision,
        "updated": note.updated,
    }


def notes_impl(provider: DataProvider) -> NotesResponse:
    notes = provider.run_notes()
    return {"notes": [_body(run, notes[run]) for run in sorted(notes)]}


def _revision(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequestError(f"revision must be an integer, got {value!r}")
    return value


def update_impl(provider: DataProvider, body: Any) -> RunNoteBody:
    if not isinstance(body, dict) or not isinstance(body.get("run"), str):
        raise BadRequestError('expected a JSON object {"run": ..., "changes": {...}}')
    changes = body.get("changes")
    if not isinstance(changes, dict):
        raise BadRequestError('"changes" must be an object of the fields to set')
    unknown = set(body) - {"run", "changes", "revision"}
    if unknown:
        raise BadRequestError(f"unknown fields {sorted(unknown)}")
    run = body["run"]
    try:
        note = provider.update_run_notes(run, changes, revision=_revision(body.get("revision")))
    except NotesConflictError as exc:
        raise ConflictError(str(exc)) from None
    except (TypeError, ValueError) as exc:
        raise BadRequestError(str(exc)) from None
    return _body(run, note)


def delete_impl(provider: DataProvider, run: str, revision: str | None) -> NotesDeleted:
    try:
        number = None if revision is None else int(revision)
    except ValueError:
        raise BadRequestError(f"revision must be an integer, got {revision!r}") from None
    try:
        provider.delete_run_notes(run, revision=number)
    except NotesConflictError as exc:
        raise ConflictError(str(exc)) from None
    except (TypeError, ValueError) as exc:
        raise BadRequestError(str(exc)) from None
    return {"deleted": run}


async def notes_route(request: Request) -> JSONResponse:
    provider = await provider_of(request)
    if request.method == "GET":
        return JSONResponse(await call_impl(notes_impl, provider))
    if request.method == "DELETE":
        run = request.query_params.get("run")
        if not run:
            raise BadRequestError("missing query parameter 'run'")
        revision = request.query_params.get("revision")
        return JSONResponse(await call_impl(delete_impl, provider, run, revision))
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise BadRequestError(f"the body is not JSON: {exc}") from None
    return JSONResponse(await call_impl(update_impl, provider, body))


ROUTES = [Route("/api/runs/notes", notes_route, methods=["GET", "PUT", "DELETE"])]

OPENAPI: dict[str, Any] = {
    "/api/runs/notes": {
        "get": {
            "summary": "Every run's note (display name, colour, tags, note, hidden, archived, "
            "trash); kept beside the event files, never in them.",
            "responses": json_response(NotesResponse),
        },
        "put": {
            "summary": "Change one run's note; changes.trashed moves the run to the logdir's "
            ".trash/ (true) or back (false). 409 when revision is not the note's current one.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": Model(NoteUpdate)}},
            },
            "responses": json_response(RunNoteBody),
        },
        "delete": {
            "summary": "Forget one run's note (a trashed run must be restored first).",
            "parameters": [
                query_param("run", "The run.", required=True),
                query_param(
                    "revision",
                    "The note's revision the deletion was decided on (409 if it changed).",
                    schema={"type": "integer"},
                ),
            ],
            "responses": json_response(NotesDeleted),
        },
    }
}
