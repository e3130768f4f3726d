"""Core routes: environment, load progress, runs (with kinds and warnings), tags of a kind."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data.dashboard_kinds import KINDS, Kind, kind_of
from trainboard.data.provider import DataProvider
from trainboard.server.params import choice
from trainboard.server.routes._util import FIRST_LOAD_WAIT, call_impl, query_param
from trainboard.server.wire import Model, json_response
from trainboard.server.wire.core import (
    Environment,
    LoadProgress,
    LoadWarning,
    Run,
    RunsResponse,
    TagInfo,
    TagsResponse,
)

__all__ = ["OPENAPI", "ROUTES", "progress_impl", "runs_impl", "tags_impl"]


def environment_impl(request: Request) -> Environment:
    from trainboard._version import __version__

    state = request.app.state
    return {
        "version": __version__,
        "logdir": state.logdir,
        "window_title": state.window_title,
        "reload_interval": state.reload_interval,
    }


def progress_impl(provider: DataProvider) -> LoadProgress:
    """How far the provider has read (answered at once, even during the first load)."""
    progress = provider.load_progress()
    return {
        "loaded": progress.loaded,
        "loading": progress.loading,
        "runs": progress.runs,
        "files_total": progress.files_total,
        "files_read": progress.files_read,
        "bytes_total": progress.bytes_total,
        "bytes_read": progress.bytes_read,
        "seconds": progress.seconds,
    }


def runs_impl(provider: DataProvider) -> RunsResponse:
    """Every run with its dashboard kinds, the kinds of the whole logdir, and load warnings."""
    kinds_by_run: dict[str, set[Kind]] = {}
    last_update: dict[str, float] = {}
    for info in provider.tags():
        kind = kind_of(info)
        if kind is not None:
            kinds_by_run.setdefault(info.run, set()).add(kind)
        if info.last_wall_time is not None:
            last_update[info.run] = max(last_update.get(info.run, 0.0), info.last_wall_time)
    for name in provider.projector_runs():  # add_embedding writes files, not events
        kinds_by_run.setdefault(name, set()).add("projector")
    runs: list[Run] = []
    listed = provider.runs()
    for run in listed:
        kinds = kinds_by_run.get(run.name, set())
        runs.append(
            {
                "name": run.name,
                "parent": run.parent,
                "group_tag": run.main_tag if run.sub_run == "scalars" else None,
                "sub_run": run.sub_run,
                "kinds": [k for k in KINDS if k in kinds],
                "start_time": run.start_time,
                "last_update": last_update.get(run.name),
                "last_write_time": run.last_write_time,
                "rank": run.rank,
                "ranks": list(run.ranks),
            }
        )
    for name in sorted(set(kinds_by_run) - {run.name for run in listed}):  # a config, no events
        runs.append(
            {
                "name": name,
                "parent": None,
                "group_tag": None,
                "sub_run": None,
                "kinds": [k for k in KINDS if k in kinds_by_run[name]],
                "start_time": None,
                "last_update": None,
                "last_write_time": None,
                "rank": None,
                "ranks": [],
            }
        )
    all_kinds: set[Kind] = set().union(*kinds_by_run.values()) if kinds_by_run else set()
    warnings: list[LoadWarning] = [
        {"run": w.run, "path": w.path, "kind": w.kind, "count": w.count, "message": w.message}
        for w in provider.warnings()
    ]
    return {"runs": runs, "kinds": [k for k in KINDS if k in all_kinds], "warnings": warnings}


def tags_impl(provider: DataProvider, kind: Kind) -> TagsResponse:
    """Tags of one dashboard kind, per run."""
    tags: dict[str, dict[str, TagInfo]] = {}
    for info in provider.tags():
        if kind_of(info) != kind:
            continue
        tags.setdefault(info.run, {})[info.tag] = {
            "points": info.num_points,
            "last_step": info.last_step,
            "display_name": info.display_name,
            "description": info.description,
        }
    return {"kind": kind, "tags": tags}


async def environment_route(request: Request) -> JSONResponse:
    return JSONResponse(environment_impl(request))


async def progress_route(request: Request) -> JSONResponse:
    provider: DataProvider = request.app.state.provider  # no waiting for the first load
    return JSONResponse(progress_impl(provider))


async def indexed_provider(request: Request) -> DataProvider:
    """The app's provider once every event file it found is read, at most ``FIRST_LOAD_WAIT`` s.

    Like ``provider_of``, but without waiting for the end of the first load when the
    files are all read already: a persistent index that is up to date answers at once,
    while the first reload still checks the files (about a second for 10,000 runs).
    """
    hub = request.app.state.hub
    provider: DataProvider = request.app.state.provider
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FIRST_LOAD_WAIT
    while not hub.loaded.is_set():
        progress = provider.load_progress()
        if progress.files_total and progress.files_read >= progress.files_total:
            break
        left = deadline - loop.time()
        if left <= 0:
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(hub.loaded.wait(), min(0.05, left))
    return provider


async def runs_route(request: Request) -> JSONResponse:
    return JSONResponse(await call_impl(runs_impl, await indexed_provider(request)))


async def tags_route(request: Request) -> JSONResponse:
    kind = choice(request.query_params, "kind", KINDS)
    return JSONResponse(await call_impl(tags_impl, await indexed_provider(request), kind))


ROUTES = [
    Route("/api/environment", environment_route),
    Route("/api/progress", progress_route),
    Route("/api/runs", runs_route),
    Route("/api/tags", tags_route),
]

OPENAPI: dict[str, Any] = {
    "/api/environment": {
        "get": {
            "summary": "Server version, logdir and settings.",
            "responses": json_response(Environment),
        }
    },
    "/api/progress": {
        "get": {
            "summary": "How far the logdir has been read: files and bytes indexed so far; "
            "answers at once, also while the first load runs.",
            "responses": json_response(LoadProgress),
        }
    },
    "/api/runs": {
        "get": {
            "summary": "Every run, its dashboard kinds, and load warnings.",
            "responses": json_response(RunsResponse),
        }
    },
    "/api/tags": {
        "get": {
            "summary": "Tags of one dashboard kind, per run.",
            "parameters": [
                {**query_param("kind", "A dashboard kind.", required=True), "schema": Model(Kind)}
            ],
            "responses": json_response(TagsResponse),
        }
    },
}
