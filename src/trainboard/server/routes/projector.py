"""The embedding projector's routes: embeddings per run, labels, sprites, projections, neighbours.

docs/http/projector.md is the contract. The work is done below the server, in
:mod:`trainboard.projector`: embeddings are read through the provider, projections
are background jobs polled by key (:mod:`trainboard.projector.jobs`) whose
coordinates come back as one binary float32 array, and nearest neighbours are
computed in the original space.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import struct
import threading
import time
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trainboard.data.provider import DataProvider
from trainboard.errors import NotFoundError
from trainboard.projector import ProjectorState
from trainboard.projector.embeddings import (
    Embedding,
    find_embedding,
    read_embeddings,
    read_metadata,
    read_sprite,
)
from trainboard.projector.projections import (
    METHODS,
    PARAMS,
    Param,
    method_availability,
    nearest,
)
from trainboard.server.errors import BadRequestError
from trainboard.server.params import choice, floating, integer, required
from trainboard.server.routes._util import call_impl, provider_of, query_param
from trainboard.server.wire import binary_response, json_response
from trainboard.server.wire import projector as wire

__all__ = [
    "OPENAPI",
    "ROUTES",
    "embeddings_impl",
    "encode_coordinates",
    "metadata_impl",
    "neighbors_impl",
]

MAX_WAIT_S = 5.0  # the longest a projection request waits for its job before answering
MAX_NEIGHBORS = 1000
DISTANCES = ("cosine", "euclidean")
_STATE_LOCK = threading.Lock()


def _state(request: Request, provider: DataProvider) -> ProjectorState:
    with _STATE_LOCK:
        state: ProjectorState | None = getattr(request.app.state, "projector", None)
        if state is None:
            state = ProjectorState(provider, provider.cache_dir)
            request.app.state.projector = state
        return state


# ------------------------------------------------------------------ impls


def _embedding_json(embedding: Embedding, state: ProjectorState) -> wire.EmbeddingInfo:
    points = dimensions = None
    error = embedding.error
    if error is None:
        try:
            points, dimensions = state.store.shape(embedding)
        except NotFoundError as exc:
            error = str(exc.args[0])
    return {
        "name": embedding.name,
        "tag": embedding.tag,
        "step": embedding.step,
        "num_points": points,
        "dimensions": dimensions,
        "metadata": embedding.metadata_path is not None,
        "sprite": (
            None
            if embedding.sprite_size is None
            else {"width": embedding.sprite_size[0], "height": embedding.sprite_size[1]}
        ),
        "error": error,
    }


def embeddings_impl(provider: DataProvider, state: ProjectorState) -> wire.EmbeddingsResponse:
    """Every run with a projector config and its embeddings, plus the methods on offer."""
    runs: list[wire.ProjectorRun] = []
    for run in provider.projector_runs():
        entry: wire.ProjectorRun = {"run": run, "embeddings": [], "error": None}
        try:
            embeddings = read_embeddings(provider, run)
        except (ValueError, NotFoundError) as exc:
            entry["error"] = str(exc.args[0])
        else:
            entry["embeddings"] = [_embedding_json(e, state) for e in embeddings]
        runs.append(entry)
    methods = method_availability()
    for method, params in PARAMS.items():
        methods[method]["params"] = [_param_json(p) for p in params]
    return {"runs": runs, "methods": cast(dict[str, wire.MethodInfo], methods)}


def _param_json(param: Param) -> wire.ParamInfo:
    kind = cast(wire.ParamKind, param.kind)
    out: wire.ParamInfo = {"name": param.name, "kind": kind, "default": param.default}
    if param.kind == "choice":
        out["options"] = list(param.options)
    else:
        out["low"], out["high"] = param.low, param.high
    return out


def _load(state: ProjectorState, embedding: Embedding) -> Any:
    """The embedding's array; a file that does not parse is a 404 naming the problem."""
    try:
        return state.store.load(embedding)[0]
    except ValueError as exc:
        raise NotFoundError(str(exc)) from None


def metadata_impl(
    provider: DataProvider, state: ProjectorState, run: str, name: str
) -> wire.MetadataResponse:
    """An embedding's labels, one list per column with one value per point."""
    embedding = find_embedding(provider, run, name)
    points = _load(state, embedding).shape[0]
    out = {"run": run, "name": name, "num_points": points}
    try:
        metadata = read_metadata(provider, embedding, points)
    except OSError as exc:
        message = f"metadata of embedding {name!r} cannot be read: {exc.strerror}"
        raise NotFoundError(message) from None
    if metadata is None:
        return cast(wire.MetadataResponse, {**out, "columns": [], "warning": None})
    columns = [
        {"name": n, "values": list(v)}
        for n, v in zip(metadata.columns, metadata.values, strict=True)
    ]
    return cast(wire.MetadataResponse, {**out, "columns": columns, "warning": metadata.warning})


def neighbors_impl(
    provider: DataProvider,
    state: ProjectorState,
    run: str,
    name: str,
    *,
    index: int,
    k: int,
    distance: str,
) -> wire.NeighborsResponse:
    """The ``k`` nearest points to point ``index``, in the embedding's own space."""
    array = _load(state, find_embedding(provider, run, name))
    if not 0 <= index < array.shape[0]:
        raise BadRequestError(f"index={index} is out of range [0, {array.shape[0] - 1}]")
    indices, distances = nearest(array, index, k, distance)
    return {
        "run": run,
        "name": name,
        "index": index,
        "distance": distance,
        "neighbors": [
            {"index": int(i), "distance": float(d) if d != float("inf") else None}
            for i, d in zip(indices, distances, strict=True)
        ],
    }


def projection_impl(
    provider: DataProvider,
    state: ProjectorState,
    run: str,
    name: str,
    method: str,
    params: dict[str, Any],
) -> wire.ProjectionJob:
    """Starts (or finds) the job computing a projection; its status."""
    embedding = find_embedding(provider, run, name)
    return cast(wire.ProjectionJob, state.jobs.request(embedding, method, params).status())


def encode_coordinates(header: dict[str, Any], coordinates: Any) -> bytes:
    """``<u32 n><n bytes of JSON header, space-padded><float32 [N, C] little-endian>``.

    ``n`` makes the array start at a multiple of 8 bytes.
    """
    import numpy as np

    text = json.dumps(header).encode("utf-8")
    padded = len(text) + (-(4 + len(text))) % 8
    body = np.ascontiguousarray(coordinates, dtype="<f4").tobytes()
    return struct.pack("<I", padded) + text.ljust(padded, b" ") + body


# ------------------------------------------------------------------ handlers


def _params(query: Any, method: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for p in PARAMS[method]:
        if p.kind == "choice":
            params[p.name] = choice(query, p.name, p.options, str(p.default))
        elif p.kind == "int":
            default = None if p.default is None else int(p.default)
            params[p.name] = integer(query, p.name, default, low=int(p.low), high=int(p.high))
        else:
            default_f = None if p.default is None else float(p.default)
            params[p.name] = floating(query, p.name, default_f, low=p.low, high=p.high)
    return params


async def embeddings_route(request: Request) -> JSONResponse:
    provider = await provider_of(request)
    return JSONResponse(await call_impl(embeddings_impl, provider, _state(request, provider)))


async def metadata_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, name = required(query, "run"), required(query, "name")
    provider = await provider_of(request)
    body = await call_impl(metadata_impl, provider, _state(request, provider), run, name)
    return JSONResponse(body)


async def sprite_route(request: Request) -> Response:
    query = request.query_params
    run, name = required(query, "run"), required(query, "name")
    provider = await provider_of(request)
    embedding = await call_impl(find_embedding, provider, run, name)
    data = await call_impl(read_sprite, provider, embedding)
    media = mimetypes.guess_type(embedding.sprite_path or "")[0] or "application/octet-stream"
    return Response(data, media_type=media)


async def projection_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, name = required(query, "run"), required(query, "name")
    method = choice(query, "method", METHODS)
    params = _params(query, method)
    wait = floating(query, "wait", 0.0, low=0.0, high=MAX_WAIT_S) or 0.0
    available = method_availability()[method]
    if not available["available"]:
        raise BadRequestError(f"method={method!r} is not available here: {available['reason']}")
    provider = await provider_of(request)
    state = _state(request, provider)
    try:
        status = await call_impl(projection_impl, provider, state, run, name, method, params)
    except ValueError as exc:
        raise NotFoundError(str(exc)) from None
    job = state.jobs.job(status["key"])
    deadline = time.monotonic() + wait
    while job is not None and not job.done.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return JSONResponse(job.status() if job is not None else status)


async def coordinates_route(request: Request) -> Response:
    key = required(request.query_params, "key")
    provider = await provider_of(request)
    state = _state(request, provider)
    result = await call_impl(state.jobs.result, key)
    if result is None:
        job = state.jobs.job(key)
        detail = "" if job is None else f" (its job is {job.state})"
        raise NotFoundError(f"no finished projection {key!r}{detail}")
    body = await call_impl(encode_coordinates, result.header(), result.coordinates)
    return Response(
        body, media_type="application/octet-stream", headers={"Cache-Control": "max-age=86400"}
    )


async def neighbors_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, name = required(query, "run"), required(query, "name")
    index = integer(query, "index", low=0)
    k = integer(query, "k", 10, low=1, high=MAX_NEIGHBORS)
    distance = choice(query, "distance", DISTANCES, "cosine")
    provider = await provider_of(request)
    body = await call_impl(
        neighbors_impl,
        provider,
        _state(request, provider),
        run,
        name,
        index=index,
        k=k,
        distance=distance,
    )
    return JSONResponse(body)


ROUTES = [
    Route("/api/projector/embeddings", embeddings_route),
    Route("/api/projector/metadata", metadata_route),
    Route("/api/projector/sprite", sprite_route),
    Route("/api/projector/projection", projection_route),
    Route("/api/projector/coordinates", coordinates_route),
    Route("/api/projector/neighbors", neighbors_route),
]

_RUN = query_param("run", "A run with a projector config ('.' for the logdir root).", required=True)
_NAME = query_param("name", "An embedding's tensor_name, e.g. 'default:00000'.", required=True)


def _method_params() -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for method, params in PARAMS.items():
        for p in params:
            schema: dict[str, Any] = (
                {"type": "string", "enum": list(p.options)}
                if p.kind == "choice"
                else {
                    "type": "integer" if p.kind == "int" else "number",
                    "minimum": p.low,
                    "maximum": p.high,
                }
            )
            seen.setdefault(
                p.name, query_param(p.name, f"{method}: {p.description}", schema=schema)
            )
    return list(seen.values())


OPENAPI: dict[str, Any] = {
    "/api/projector/embeddings": {
        "get": {
            "summary": "Runs with a projector config, their embeddings, and the methods.",
            "responses": json_response(wire.EmbeddingsResponse),
        }
    },
    "/api/projector/metadata": {
        "get": {
            "summary": "An embedding's labels, per column.",
            "parameters": [_RUN, _NAME],
            "responses": json_response(wire.MetadataResponse),
        }
    },
    "/api/projector/sprite": {
        "get": {
            "summary": "An embedding's sprite image (the thumbnails' grid).",
            "parameters": [_RUN, _NAME],
            "responses": binary_response("The sprite image.", "image/*"),
        }
    },
    "/api/projector/projection": {
        "get": {
            "summary": "Start or poll a projection job (PCA, t-SNE, UMAP): its status.",
            "parameters": [
                _RUN,
                _NAME,
                query_param(
                    "method",
                    "pca, tsne or umap.",
                    required=True,
                    schema={"type": "string", "enum": list(METHODS)},
                ),
                query_param(
                    "wait",
                    f"Seconds to wait for the job (at most {MAX_WAIT_S}).",
                    schema={"type": "number"},
                ),
                *_method_params(),
            ],
            "responses": json_response(wire.ProjectionJob),
        }
    },
    "/api/projector/coordinates": {
        "get": {
            "summary": "A finished projection: JSON header + float32 [N, C] (binary).",
            "parameters": [query_param("key", "The job's key.", required=True)],
            "responses": binary_response(
                "A ProjectionHeader, then float32 [N, C] coordinates (see encode_coordinates).",
                "application/octet-stream",
            ),
        }
    },
    "/api/projector/neighbors": {
        "get": {
            "summary": "Nearest neighbours of one point in the original space.",
            "parameters": [
                _RUN,
                _NAME,
                query_param("index", "The point.", required=True, schema={"type": "integer"}),
                query_param("k", "How many (default 10).", schema={"type": "integer"}),
                query_param(
                    "distance",
                    "cosine (default) or euclidean.",
                    schema={"type": "string", "enum": list(DISTANCES)},
                ),
            ],
            "responses": json_response(wire.NeighborsResponse),
        }
    },
}
