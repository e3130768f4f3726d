"""Graphs: which runs have a model graph, the graph as the dashboard draws it, one node's details.

The structural work (folding auxiliary nodes, the scope hierarchy without empty or
single-child scopes, edge shape labels) is done here once per graph and cached
(:mod:`._graph_view`); the front end collapses edges for the scopes it shows and lays out
only what is expanded. See docs/http/graphs.md.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trainboard.data.provider import DataProvider
from trainboard.errors import NotFoundError
from trainboard.format.kinds.graph import (
    OP_GRAPH_PLUGIN_NAME,
    PLUGIN_NAME,
    PROFILE_PLUGIN_NAME,
    RUN_GRAPH_TAG,
    RUN_METADATA_PLUGIN_NAME,
    decode_run_metadata,
)
from trainboard.format.proto.graph_pb2 import GraphDef
from trainboard.server.params import choice, required
from trainboard.server.routes._graph_view import GraphModel, parse_graph, run_metadata_stats
from trainboard.server.routes._util import call_impl, provider_of, query_param
from trainboard.server.wire import json_response
from trainboard.server.wire.graphs import GraphInfoResponse, GraphResponse, GraphRun, NodeResponse

__all__ = ["OPENAPI", "ROUTES", "graph_impl", "info_impl", "node_impl"]

# Run metadata from TensorFlow: with a graph (PROFILE_PLUGIN_NAME: graph and profile;
# OP_GRAPH_PLUGIN_NAME: graph only). Keras model configs are not drawn.
_RUN_METADATA = PROFILE_PLUGIN_NAME
_RUN_METADATA_GRAPH = OP_GRAPH_PLUGIN_NAME
_METADATA_PLUGINS = (RUN_METADATA_PLUGIN_NAME, _RUN_METADATA, _RUN_METADATA_GRAPH)
_CACHE_SIZE = 8  # parsed graphs kept per provider


class _Cache:
    """Parsed graphs by the blob keys they were read from (a key never changes content)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[str, ...], tuple[GraphModel, dict[str, Any]]] = OrderedDict()

    def get(self, key: tuple[str, ...]) -> tuple[GraphModel, dict[str, Any]] | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple[str, ...], value: tuple[GraphModel, dict[str, Any]]) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > _CACHE_SIZE:
                self.items.popitem(last=False)


def _cache(provider: DataProvider) -> _Cache:
    return provider.kept(__name__, _Cache)


def info_impl(provider: DataProvider) -> GraphInfoResponse:
    """Per run: whether it has a graph, and its run-metadata tags (profile and/or op graph)."""
    runs: dict[str, GraphRun] = {}

    def entry(run: str) -> GraphRun:
        return runs.setdefault(run, {"run": run, "graph": False, "tags": []})

    for info in provider.tags(plugin_name=PLUGIN_NAME):
        if info.tag == RUN_GRAPH_TAG:
            entry(info.run)["graph"] = True
    for plugin in _METADATA_PLUGINS:
        for info in provider.tags(plugin_name=plugin):
            entry(info.run)["tags"].append(
                {
                    "tag": info.tag,
                    "plugin": plugin,
                    "profile": plugin != _RUN_METADATA_GRAPH,
                    "op_graph": plugin != RUN_METADATA_PLUGIN_NAME,
                }
            )
    for item in runs.values():
        item["tags"].sort(key=lambda t: t["tag"])
    return {"runs": [runs[name] for name in sorted(runs)]}


def _latest(provider: DataProvider, run: str, tag: str) -> tuple[str, int, float]:
    """The blob key, step and wall time of the latest value of a graph or run-metadata tag."""
    series = provider.read_blob_sequences(run, tag)
    if not len(series) or not series.refs[-1]:
        raise NotFoundError(f"run {run!r} has no data left under {tag!r}")
    ref = series.refs[-1][0]
    return ref.key, int(series.steps[-1]), float(series.wall_times[-1])


def _tag_plugin(provider: DataProvider, run: str, tag: str) -> str:
    for info in provider.tags(run):
        if info.tag == tag and info.plugin_name in (PLUGIN_NAME, *_METADATA_PLUGINS):
            return info.plugin_name
    raise NotFoundError(f"run {run!r} has no graph tag {tag!r}")


def _load(provider: DataProvider, run: str, tag: str) -> tuple[GraphModel, dict[str, Any]]:
    """The parsed graph of (run, tag) and what the answer says about where it came from."""
    plugin = _tag_plugin(provider, run, tag)
    key, step, wall_time = _latest(provider, run, tag)
    run_key = ""
    if plugin != PLUGIN_NAME and _has_graph(provider, run):
        run_key = _latest(provider, run, RUN_GRAPH_TAG)[0]
    cache = _cache(provider)
    found = cache.get((key, run_key))
    if found is None:
        found = _parse(provider, run, tag, plugin == PLUGIN_NAME, key, run_key)
        cache.put((key, run_key), found)
    model, source = found
    return model, {"run": run, "tag": tag, "step": step, "wall_time": wall_time, **source}


def _parse(
    provider: DataProvider, run: str, tag: str, is_graph: bool, key: str, run_key: str
) -> tuple[GraphModel, dict[str, Any]]:
    """Read and parse the graph blob ``key``, or the run-metadata blob ``key`` and its graph.

    Run metadata with partition graphs is drawn as those graphs merged; without
    (torch's ``step1``, tensorboardX's ``profiler``), the run's graph is drawn with the
    metadata's per-node statistics attached.
    """
    if is_graph:
        return parse_graph(provider.read_blob(key)), {"source": "graph", "devices": []}
    metadata = decode_run_metadata(provider.read_blob(key))
    devices, stats = run_metadata_stats(metadata)
    source: dict[str, Any] = {"devices": devices, "profiled_nodes": len(stats)}
    if metadata.partition_graphs:
        merged = GraphDef()
        for partition in metadata.partition_graphs:
            merged.node.extend(partition.node)
        return GraphModel(merged, stats), {**source, "source": "run_metadata"}
    if not run_key:
        raise NotFoundError(f"run {run!r}: {tag!r} holds no graph and the run has none")
    return parse_graph(provider.read_blob(run_key), stats), {**source, "source": "graph"}


def _has_graph(provider: DataProvider, run: str) -> bool:
    return any(i.tag == RUN_GRAPH_TAG for i in provider.tags(run, plugin_name=PLUGIN_NAME))


def graph_impl(
    provider: DataProvider, run: str, tag: str = RUN_GRAPH_TAG, all_nodes: bool = False
) -> GraphResponse:
    """The graph of ``run`` (or of its run-metadata ``tag``) as the dashboard draws it."""
    model, meta = _load(provider, run, tag)
    return cast(
        GraphResponse, {**meta, "all_nodes": all_nodes, **model.view(hide_aux=not all_nodes)}
    )


def node_impl(
    provider: DataProvider, run: str, tag: str, name: str, all_nodes: bool = False
) -> NodeResponse:
    """One node's attributes, inputs and consumers."""
    model, _ = _load(provider, run, tag)
    details = model.details(name, hide_aux=not all_nodes)
    if details is None:
        raise NotFoundError(f"the graph of run {run!r} ({tag!r}) has no node {name!r}")
    return cast(NodeResponse, details)


def _flag(request: Request) -> bool:
    return choice(request.query_params, "all_nodes", ("true", "false"), "false") == "true"


async def info_route(request: Request) -> JSONResponse:
    return JSONResponse(await call_impl(info_impl, await provider_of(request)))


async def graph_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, tag = required(query, "run"), query.get("tag") or RUN_GRAPH_TAG
    body = await call_impl(graph_impl, await provider_of(request), run, tag, _flag(request))
    return JSONResponse(body)


async def node_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, name = required(query, "run"), required(query, "name")
    tag = query.get("tag") or RUN_GRAPH_TAG
    provider = await provider_of(request)
    return JSONResponse(await call_impl(node_impl, provider, run, tag, name, _flag(request)))


ROUTES = [
    Route("/api/graphs/info", info_route),
    Route("/api/graphs/graph", graph_route),
    Route("/api/graphs/node", node_route),
]

_RUN = query_param("run", "The run.", required=True)
_TAG = query_param("tag", "__run_graph__ (default) or a run-metadata tag such as step1.")
_ALL = query_param(
    "all_nodes",
    "true: also draw constants, list constructors and parameter reads.",
    schema={"type": "string", "enum": ["true", "false"]},
)

OPENAPI: dict[str, Any] = {
    "/api/graphs/info": {
        "get": {
            "summary": "Runs with a model graph and their run-metadata tags.",
            "responses": json_response(GraphInfoResponse),
        }
    },
    "/api/graphs/graph": {
        "get": {
            "summary": "A run's graph: drawn nodes, collapsed scopes and shape-labelled edges.",
            "parameters": [_RUN, _TAG, _ALL],
            "responses": json_response(GraphResponse),
        }
    },
    "/api/graphs/node": {
        "get": {
            "summary": "One node's attributes, inputs (folded ones with values) and consumers.",
            "parameters": [
                _RUN,
                _TAG,
                query_param("name", "The node's full name.", required=True),
                _ALL,
            ],
            "responses": json_response(NodeResponse),
        }
    },
}
