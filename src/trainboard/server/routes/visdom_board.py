"""Live windows (Visdom-style push): the board's JSON API over the env store.

The store lives under the logdir (``<logdir>/.live``, line series mirrored as scalars
into ``<logdir>/live/<env>``), is opened and replayed by the first request that needs
it, and every change is pushed to open pages on ``/api/live`` as one
``{"type": "live", "events": [...]}`` message (events: see :mod:`trainboard.visdom.store`).
Our client sends its batches to ``POST /api/live/push``; the real Visdom client uses
the endpoints in :mod:`trainboard.server.routes.visdom_endpoints`. docs/visdom.md has the details.
"""

from __future__ import annotations

import asyncio
import atexit
import os
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.errors import NotFoundError
from trainboard.server.errors import BadRequestError
from trainboard.server.params import required
from trainboard.server.routes._util import query_param
from trainboard.server.wire import json_response
from trainboard.server.wire import visdom as wire
from trainboard.visdom.protocol import ProtocolError, loads
from trainboard.visdom.store import EnvStore, Outcome

__all__ = [
    "OPENAPI",
    "ROUTES",
    "envs_impl",
    "publish",
    "push_impl",
    "read_body",
    "store_of",
    "windows_impl",
]

LIVE_DIR = ".live"  # under the logdir: one folder per env
SCALARS_DIR = "live"  # under the logdir: the run live/<env> holds line series as scalars


def _open_store(logdir: str) -> EnvStore:
    if logdir and os.path.isdir(logdir):
        try:
            return EnvStore(os.path.join(logdir, LIVE_DIR), os.path.join(logdir, SCALARS_DIR))
        except OSError:
            pass  # a read-only logdir: live windows still work, in memory
    return EnvStore(None)


async def store_of(request: Request) -> EnvStore:
    """The app's env store, opened (and replayed from disk) on first use."""
    state = request.app.state
    store: EnvStore | None = getattr(state, "live_store", None)
    if store is not None:
        return store
    lock = getattr(state, "live_store_lock", None)
    if lock is None:
        lock = state.live_store_lock = asyncio.Lock()
    async with lock:
        store = getattr(state, "live_store", None)
        if store is None:
            store = await run_in_threadpool(_open_store, getattr(state, "logdir", ""))
            atexit.register(store.close)
            state.live_store = store
    return store


async def publish(request: Request, outcomes: list[Outcome]) -> None:
    """Push the events of ``outcomes`` to every open page, as one message."""
    events = [event for outcome in outcomes for event in outcome.events]
    hub = getattr(request.app.state, "hub", None)
    if events and hub is not None:
        hub.publish({"type": "live", "events": events})


async def read_body(request: Request) -> Any:
    """The request's JSON body; a 400 naming the problem when it is not JSON."""
    try:
        return loads(await request.body())
    except ProtocolError as exc:
        raise BadRequestError(str(exc)) from None


def envs_impl(store: EnvStore) -> wire.EnvsResponse:
    return {
        "envs": [
            {
                "name": env,
                "windows": len(store.envs[env]),
                "last_update": store.updated.get(env),
            }
            for env in store.env_names()
        ]
    }


def windows_impl(store: EnvStore, env: str) -> wire.WindowsResponse:
    if env not in store.envs:
        raise NotFoundError(f"no live env {env!r}")
    return {"env": env, "windows": store.windows(env)}


def push_impl(store: EnvStore, body: Any) -> tuple[wire.PushResponse, list[Outcome]]:
    """Apply a batch ``{"ops": [[endpoint, message], ...]}`` in order.

    Endpoints: ``events``, ``update``, ``close``, ``win_data`` (Visdom's messages) and
    ``env`` (``{"eid": name}``: create the env).

    Each op succeeds or fails alone: ``results[i]`` is ``{"reply": text}`` or
    ``{"error": message}``, and a failed op changes nothing.
    """
    ops = body.get("ops") if isinstance(body, dict) else None
    if not isinstance(ops, list):
        raise BadRequestError('the body must be {"ops": [[endpoint, message], ...]}')
    results: list[wire.OpResult] = []
    outcomes: list[Outcome] = []
    for n, op in enumerate(ops):
        if not (isinstance(op, list) and len(op) == 2 and isinstance(op[0], str)):
            results.append({"error": f"ops[{n}] is not [endpoint, message]"})
            continue
        try:
            if op[0] == "env":
                eid = op[1].get("eid") if isinstance(op[1], dict) else None
                outcome = store.ensure_env(eid)
            else:
                outcome = store.apply(op[0], op[1])
        except ProtocolError as exc:
            results.append({"error": str(exc)})
            continue
        outcomes.append(outcome)
        results.append({"reply": outcome.reply})
    return {"results": results}, outcomes


async def envs_route(request: Request) -> JSONResponse:
    return JSONResponse(envs_impl(await store_of(request)))


async def windows_route(request: Request) -> JSONResponse:
    env = required(request.query_params, "env")
    return JSONResponse(windows_impl(await store_of(request), env))


async def push_route(request: Request) -> JSONResponse:
    body = await read_body(request)
    response, outcomes = push_impl(await store_of(request), body)
    await publish(request, outcomes)
    return JSONResponse(response)


async def close_route(request: Request) -> JSONResponse:
    query = request.query_params
    env, win = required(query, "env"), required(query, "win")
    store = await store_of(request)
    if store.window(env, win) is None:
        raise NotFoundError(f"no window {win!r} in live env {env!r}")
    outcome = store.apply("close", {"eid": env, "win": win})
    await publish(request, [outcome])
    closed: wire.CloseResponse = {"closed": win}
    return JSONResponse(closed)


ROUTES = [
    Route("/api/live/envs", envs_route),
    Route("/api/live/windows", windows_route),
    Route("/api/live/push", push_route, methods=["POST"]),
    Route("/api/live/close", close_route, methods=["POST"]),
]

_ENV = query_param("env", "A live env (Visdom's env).", required=True)
OPENAPI: dict[str, Any] = {
    "/api/live/envs": {
        "get": {
            "summary": "Live envs: name, window count, last update.",
            "responses": json_response(wire.EnvsResponse),
        }
    },
    "/api/live/windows": {
        "get": {
            "summary": "Every window of a live env, in order.",
            "parameters": [_ENV],
            "responses": json_response(wire.WindowsResponse),
        }
    },
    "/api/live/push": {
        "post": {
            "summary": 'Apply a batch of Visdom operations: {"ops": [[endpoint, msg]]}.',
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["ops"],
                            "properties": {
                                "ops": {
                                    "type": "array",
                                    "items": {
                                        "type": "array",
                                        "prefixItems": [{"type": "string"}, {"type": "object"}],
                                        "minItems": 2,
                                        "maxItems": 2,
                                    },
                                }
                            },
                        }
                    }
                },
            },
            "responses": json_response(wire.PushResponse),
        }
    },
    "/api/live/close": {
        "post": {
            "summary": "Close a live window.",
            "parameters": [_ENV, query_param("win", "The window id.", required=True)],
            "responses": json_response(wire.CloseResponse),
        }
    },
}
