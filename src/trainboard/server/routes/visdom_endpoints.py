"""Visdom's HTTP endpoints, for the ``visdom`` package's client pointed at trainboard.

The client POSTs a JSON body (without a content type) to ``/<endpoint>`` and reads the
reply as text; the replies here are the ones Visdom's server writes (a window id,
``"true"``/``"false"``, JSON lists). Where Visdom's server would fail with a 500 (a bad
message), these answer 400 with a JSON error naming the problem, and change nothing.
``/vis_socket`` accepts the client's event socket and says it is alive; browser events
are not sent back to Python (the Live tab has no Visdom callbacks).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from trainboard.errors import NotFoundError
from trainboard.server.errors import BadRequestError
from trainboard.server.routes.visdom_board import publish, read_body, store_of
from trainboard.server.wire import text_response
from trainboard.visdom.protocol import ProtocolError, window_env
from trainboard.visdom.store import EnvStore, Outcome

__all__ = ["OPENAPI", "ROUTES", "window_hash"]


async def _message(request: Request) -> tuple[EnvStore, dict[str, Any]]:
    body = await read_body(request)
    if not isinstance(body, dict):
        raise BadRequestError(f"the body must be a JSON object, got {type(body).__name__}")
    return await store_of(request), body


async def _apply(request: Request, endpoint: str) -> Response:
    store, msg = await _message(request)
    try:
        outcome = store.apply(endpoint, msg)
    except ProtocolError as exc:
        raise BadRequestError(str(exc)) from None
    await publish(request, [outcome])
    return PlainTextResponse(outcome.reply)


async def events_route(request: Request) -> Response:
    return await _apply(request, "events")


async def update_route(request: Request) -> Response:
    return await _apply(request, "update")


async def close_route(request: Request) -> Response:
    return await _apply(request, "close")


def _env(msg: dict[str, Any]) -> str:
    try:
        return window_env(msg)
    except ProtocolError as exc:
        raise BadRequestError(str(exc)) from None


async def win_exists_route(request: Request) -> Response:
    store, msg = await _message(request)
    exists = store.window(_env(msg), str(msg.get("win"))) is not None
    return PlainTextResponse("true" if exists else "false")


async def win_data_route(request: Request) -> Response:
    if "data" in (msg := (await _message(request))[1]):
        return await _set_window_data(request, msg)
    store = await store_of(request)
    env, win = _env(msg), msg.get("win")
    if win is None:
        return PlainTextResponse(json.dumps({w["id"]: w for w in store.windows(env)}))
    window = store.window(env, str(win))
    if window is None:
        raise NotFoundError(f"Window {win} doesn't exist in env {env}")
    return PlainTextResponse(json.dumps(window))


async def _set_window_data(request: Request, msg: dict[str, Any]) -> Response:
    store = await store_of(request)
    try:
        outcome = store.apply("win_data", msg)
    except ProtocolError as exc:
        raise BadRequestError(str(exc)) from None
    await publish(request, [outcome])
    return PlainTextResponse("")


def _ordered(node: Any) -> Any:
    """Visdom's ``recursive_order``: sorted keys, integral floats as ints."""
    if isinstance(node, Mapping):
        return {k: _ordered(node[k]) for k in sorted(node)}
    if isinstance(node, Sequence) and not isinstance(node, (str, bytes)):
        return [_ordered(item) for item in node]
    if isinstance(node, float) and node.is_integer():
        return int(node)
    return node


def window_hash(window: dict[str, Any]) -> str:
    """Visdom's ``hash_md_window``: md5 of the window's stable JSON."""
    text = json.dumps(_ordered(window), separators=(",", ":"))
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


async def win_hash_route(request: Request) -> Response:
    store, msg = await _message(request)
    window = store.window(_env(msg), str(msg.get("win")))
    return PlainTextResponse(window_hash(window) if window is not None else "false")


async def env_state_route(request: Request) -> Response:
    store = await store_of(request)
    return PlainTextResponse(json.dumps(store.env_names()))


async def _env_op(request: Request, op: str) -> Response:
    store, msg = await _message(request)
    try:
        if op == "delete":
            outcome = store.delete_env(msg.get("eid"))
        elif op == "fork":
            outcome = store.fork_env(msg.get("prev_eid"), msg.get("eid"))
        else:
            outcome = Outcome(json.dumps(store.save(msg.get("data"))))
    except ProtocolError as exc:
        raise BadRequestError(str(exc)) from None
    await publish(request, [outcome])
    return PlainTextResponse(outcome.reply)


async def delete_env_route(request: Request) -> Response:
    return await _env_op(request, "delete")


async def fork_env_route(request: Request) -> Response:
    return await _env_op(request, "fork")


async def save_route(request: Request) -> Response:
    return await _env_op(request, "save")


async def env_route(request: Request) -> Response:
    """GET: the board's Live tab on that env; POST (the client starting): create the env."""
    eid = request.path_params["eid"]
    if request.method == "GET":
        page = request.scope.get("root_path", "") + "/#live?live_env="  # under --path_prefix too
        return RedirectResponse(page + urllib.parse.quote(eid, safe=""), 303)
    store, msg = await _message(request)
    try:
        outcome = store.ensure_env(msg.get("eid", eid or None))
    except ProtocolError as exc:
        raise BadRequestError(str(exc)) from None
    await publish(request, [outcome])
    return PlainTextResponse("")


async def vis_socket_route(ws: WebSocket) -> None:
    await ws.accept()
    try:
        await ws.send_text(json.dumps({"command": "alive", "data": "vis_alive"}))
        while True:
            await ws.receive_text()
    except WebSocketDisconnect:
        pass


async def vis_socket_wrap_route(request: Request) -> Response:
    """The polling form of ``/vis_socket`` (``use_polling=True``)."""
    _, msg = await _message(request)
    if msg.get("message_type") == "init":
        return PlainTextResponse(json.dumps({"sid": uuid.uuid4().hex}))
    return PlainTextResponse(json.dumps({"messages": []}))


_POST = ["POST"]
ROUTES: list[BaseRoute] = [
    Route("/events", events_route, methods=_POST),
    Route("/update", update_route, methods=_POST),
    Route("/close", close_route, methods=_POST),
    Route("/win_exists", win_exists_route, methods=_POST),
    Route("/win_data", win_data_route, methods=_POST),
    Route("/win_hash", win_hash_route, methods=_POST),
    Route("/env_state", env_state_route, methods=_POST),
    Route("/env/{eid:path}", env_route, methods=["GET", "POST"]),
    Route("/save", save_route, methods=_POST),
    Route("/delete_env", delete_env_route, methods=_POST),
    Route("/fork_env", fork_env_route, methods=_POST),
    Route("/vis_socket_wrap", vis_socket_wrap_route, methods=_POST),
    WebSocketRoute("/vis_socket", vis_socket_route),
]

_VISDOM = "Visdom's endpoint (JSON body as Visdom's client sends it; see docs/visdom.md)."
# A Visdom message: an object whose fields depend on the endpoint (visdom/protocol.py checks
# each before it is applied). Sent without a content type by Visdom's client.
_MESSAGE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "eid": {"type": ["string", "null"], "description": "The env (main if null)."},
                    "win": {"type": ["string", "null"], "description": "The window id."},
                    "data": {"description": "Traces, a content object, or a window's JSON."},
                    "opts": {"type": "object"},
                    "layout": {"type": "object"},
                },
            }
        }
    },
}
_EID = {
    "name": "eid",
    "in": "path",
    "required": True,
    "description": "The env.",
    "schema": {"type": "string"},
}
OPENAPI: dict[str, Any] = {
    f"/{name}": {
        "post": {
            "summary": f"{_VISDOM} {what}",
            "requestBody": _MESSAGE_BODY,
            "responses": text_response("Visdom's reply, as text (JSON for some)."),
            **({"parameters": [_EID]} if "{eid}" in name else {}),
        }
    }
    for name, what in [
        ("events", "Create or replace a window."),
        ("update", "Update a window (append, replace, remove a trace)."),
        ("close", "Close a window (all windows when win is null)."),
        ("win_exists", "'true' or 'false'."),
        ("win_data", "A window's JSON (all windows when win is null), or set it."),
        ("win_hash", "The md5 of a window's JSON, or 'false'."),
        ("env_state", "The env names."),
        ("env/{eid}", "Create the env."),
        ("save", "Persist envs (always persisted here)."),
        ("delete_env", "Delete an env."),
        ("fork_env", "Copy an env."),
    ]
}
OPENAPI["/env/{eid}"]["get"] = {
    "summary": "The board's Live tab showing the env (a redirect).",
    "parameters": [_EID],
    "responses": {"303": {"description": "Redirect to the page's #live tab on the env."}},
}
