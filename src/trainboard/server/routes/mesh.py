"""Meshes and point clouds (``add_mesh``): the meshes of each run, a mesh's steps, one step.

``add_mesh`` writes up to three tensor tags per mesh, ``<tag>_VERTEX``, ``<tag>_FACE``
and ``<tag>_COLOR`` (tensorboardX: ``<tag>_1`` .. ``<tag>_3``), each ``[B, N, 3]`` floats
with a ``MeshPluginData`` naming the mesh (``name``) and the part (``content_type``).
These routes group the parts by that name, as TensorBoard's mesh plugin does, and serve
one batch item of one step at a time as little-endian float32 vertices, int32 faces and
uint8 colours (TensorBoard's types). See docs/http/mesh.md.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trainboard.data.provider import DataProvider, TagInfo, TensorSeries
from trainboard.errors import NotFoundError
from trainboard.format.kinds.mesh import (
    COLOR,
    FACE,
    PART_DTYPES,
    PART_NAMES,
    PLUGIN_NAME,
    VERTEX,
    parse_plugin_data,
)
from trainboard.server.params import choice, integer, required
from trainboard.server.routes._steps import point_at, unique_steps
from trainboard.server.routes._util import call_impl, provider_of, query_param
from trainboard.server.wire import json_response
from trainboard.server.wire.mesh import (
    MeshDataResponse,
    MeshInfo,
    MeshStepsResponse,
    MeshTagsResponse,
)

__all__ = [
    "OPENAPI",
    "ROUTES",
    "MeshStep",
    "encode_binary",
    "mesh_data_impl",
    "mesh_steps_impl",
    "mesh_tags_impl",
]

_WIRE_DTYPES: dict[int, str] = {VERTEX: "f4", FACE: "i4", COLOR: "u1"}  # PART_DTYPES' names


@dataclass(frozen=True)
class _Mesh:
    """One mesh of one run: the instance tag of each part present, and the vertices' info."""

    name: str
    parts: dict[int, TagInfo]

    @property
    def vertex(self) -> TagInfo | None:
        return self.parts.get(VERTEX)


def _meshes(provider: DataProvider, run: str | None = None) -> dict[str, dict[str, _Mesh]]:
    """run -> mesh name -> its parts, from the plugin data of every mesh tag.

    A part another tag already holds for the same mesh (two writers disagreeing) keeps the
    first tag in name order; tags whose plugin data cannot be parsed are left out.
    """
    found: dict[str, dict[str, dict[int, TagInfo]]] = {}
    infos = provider.tags(run, plugin_name=PLUGIN_NAME)
    for info in sorted(infos, key=lambda i: (i.run, i.tag)):
        try:
            data = parse_plugin_data(info.plugin_content)
        except Exception:  # damaged metadata: no mesh to show for this tag
            continue
        if data.content_type not in PART_NAMES:
            continue
        parts = found.setdefault(info.run, {}).setdefault(data.name, {})
        parts.setdefault(data.content_type, info)
    return {
        r: {name: _Mesh(name, parts) for name, parts in meshes.items()}
        for r, meshes in found.items()
    }


def _config(info: TagInfo) -> tuple[dict[str, Any], str | None]:
    """The scene config of a part's metadata, and why it was dropped if it was."""
    text = parse_plugin_data(info.plugin_content).json_config or "{}"
    try:
        config = json.loads(text)
    except ValueError as exc:
        return {}, f"the mesh's json_config is not JSON ({exc}); default settings are used"
    if not isinstance(config, dict):
        return {}, f"the mesh's json_config is {type(config).__name__}, not an object"
    return config, None


def mesh_tags_impl(provider: DataProvider) -> MeshTagsResponse:
    """Every mesh of every run: its parts, batch size (first step) and point count."""
    runs: dict[str, dict[str, MeshInfo]] = {}
    for run, meshes in _meshes(provider).items():
        entries: dict[str, MeshInfo] = {}
        for name, mesh in sorted(meshes.items()):
            main = mesh.vertex or next(iter(mesh.parts.values()))
            shape = list(parse_plugin_data(main.plugin_content).shape)
            entries[name] = {
                "components": [PART_NAMES[t] for t in sorted(mesh.parts)],
                "instance_tags": {PART_NAMES[t]: i.tag for t, i in sorted(mesh.parts.items())},
                "samples": shape[0] if shape else 1,
                "points": main.num_points,
                "last_step": main.last_step,
                "display_name": main.display_name,
                "description": main.description,
            }
        runs[run] = entries
    return {"runs": runs}


def _mesh(provider: DataProvider, run: str, tag: str) -> tuple[_Mesh, TagInfo]:
    """The mesh ``tag`` of ``run`` and its vertices' tag; 404 when either is missing."""
    if run not in {r.name for r in provider.runs()}:
        raise NotFoundError(f"unknown run {run!r}")
    mesh = _meshes(provider, run).get(run, {}).get(tag)
    if mesh is None:
        raise NotFoundError(f"run {run!r} has no mesh {tag!r}")
    if mesh.vertex is None:
        only = ", ".join(PART_NAMES[t] for t in sorted(mesh.parts))
        raise NotFoundError(f"mesh {tag!r} of run {run!r} has no vertices (only {only})")
    return mesh, mesh.vertex


def mesh_steps_impl(provider: DataProvider, run: str, tag: str) -> MeshStepsResponse:
    """The steps of a mesh's vertices (each once, ascending), wall times and batch sizes."""
    _, vertex = _mesh(provider, run, tag)
    series = provider.read_tensors(run, vertex.tag)
    steps, wall_times = unique_steps(series.steps, series.wall_times)
    last = {int(s): i for i, s in enumerate(series.steps)}  # the point a step shows: its last
    samples = [_batch(series.values[last[s]]) for s in steps]
    return {"run": run, "tag": tag, "steps": steps, "wall_times": wall_times, "samples": samples}


def _batch(array: np.ndarray) -> int:
    return int(array.shape[0]) if array.ndim == 3 else 1


@dataclass(frozen=True)
class MeshStep:
    """One batch item of one step of a mesh, as served."""

    run: str
    tag: str
    step: int
    wall_time: float
    sample: int
    samples: int
    config: dict[str, Any]
    arrays: dict[int, np.ndarray]  # content type -> [K, 3] array of the wire dtype
    warnings: list[str]

    def header(self) -> dict[str, Any]:
        """The JSON fields of the answer, without the arrays."""
        vertices = self.arrays[VERTEX]
        return {
            "run": self.run,
            "tag": self.tag,
            "step": self.step,
            "wall_time": self.wall_time,
            "sample": self.sample,
            "samples": self.samples,
            "config": self.config,
            "num_vertices": int(vertices.shape[0]),
            "num_faces": int(self.arrays[FACE].shape[0]) if FACE in self.arrays else 0,
            "components": [PART_NAMES[t] for t in sorted(self.arrays)],
            "warnings": self.warnings,
        }


def _item(array: np.ndarray, sample: int) -> np.ndarray:
    """Batch item ``sample`` of a ``[B, K, 3]`` part; a batch of one is shared by every item."""
    if array.ndim != 3 or array.shape[-1] != 3:
        flat = np.asarray(array, dtype=np.float64).reshape(-1)
        array = flat[: len(flat) - len(flat) % 3].reshape(1, -1, 3)
    if array.shape[0] == 0:  # an empty batch: no vertices, rather than an error
        return np.zeros((0, 3), dtype=array.dtype)
    item: np.ndarray = array[min(sample, array.shape[0] - 1)]
    return item


def _faces(faces: np.ndarray, num_vertices: int) -> tuple[np.ndarray, int]:
    """The triangles whose indices are all integers in ``[0, num_vertices)``, and how many
    were not."""
    values = np.asarray(faces, dtype=np.float64)
    good = (np.isfinite(values) & (values >= 0) & (values < num_vertices)).all(axis=1)
    good &= (values == np.floor(values)).all(axis=1)
    kept: np.ndarray = values[good].astype(PART_DTYPES[FACE])
    return kept, int((~good).sum())


def _colors(colors: np.ndarray) -> np.ndarray:
    """0-255 bytes: NaN as 0, values clipped to the range, fractions cut (as a uint8 cast)."""
    values = np.nan_to_num(np.asarray(colors, dtype=np.float64), nan=0.0)
    out: np.ndarray = np.clip(values, 0.0, 255.0).astype(PART_DTYPES[COLOR])
    return out


def _part_at(provider: DataProvider, run: str, info: TagInfo, step: int) -> np.ndarray | None:
    """A part's array at exactly ``step`` (its last point there), or None if it has none."""
    series: TensorSeries = provider.read_tensors(run, info.tag)
    at = np.flatnonzero(np.asarray(series.steps) == step)
    return series.values[int(at[-1])] if len(at) else None


def mesh_data_impl(
    provider: DataProvider, run: str, tag: str, *, step: int | None, sample: int
) -> MeshStep:
    """Batch item ``sample`` of the mesh at ``step`` (None: the latest; a step the mesh
    lacks: the closest before it, else its first). ``sample`` past the batch is clamped.

    Faces and colours are those written at the very step of the vertices. Triangles with an
    index that is not a vertex are dropped, and colours are dropped unless there is one per
    vertex; both are said in ``warnings``.
    """
    mesh, vertex = _mesh(provider, run, tag)
    series = provider.read_tensors(run, vertex.tag)
    if len(series) == 0:
        raise NotFoundError(f"mesh {tag!r} of run {run!r} has no points")
    index = point_at(series.steps, step)
    at_step = int(series.steps[index])
    raw = series.values[index]
    samples = _batch(raw)
    chosen = max(0, min(sample, samples - 1))
    vertices = _item(raw, chosen).astype(PART_DTYPES[VERTEX])
    arrays: dict[int, np.ndarray] = {VERTEX: vertices}
    config, config_warning = _config(vertex)
    warnings = [config_warning] if config_warning else []
    if FACE in mesh.parts:
        faces = _part_at(provider, run, mesh.parts[FACE], at_step)
        if faces is not None:
            arrays[FACE], dropped = _faces(_item(faces, chosen), len(vertices))
            if dropped:
                warnings.append(f"{dropped} triangles with an index that is not one of the "
                                f"{len(vertices)} vertices were left out")
    if COLOR in mesh.parts:
        colors = _part_at(provider, run, mesh.parts[COLOR], at_step)
        if colors is not None:
            item = _item(colors, chosen)
            if len(item) == len(vertices):
                arrays[COLOR] = _colors(item)
            else:
                warnings.append(f"{len(item)} colors for {len(vertices)} vertices: colors "
                                "left out")
    return MeshStep(
        run=run,
        tag=tag,
        step=at_step,
        wall_time=float(series.wall_times[index]),
        sample=chosen,
        samples=samples,
        config=config,
        arrays=arrays,
        warnings=warnings,
    )


def encode_binary(mesh: MeshStep) -> bytes:
    """The binary answer: a ``uint32`` header length, the JSON header padded with spaces
    to a multiple of 8 bytes, then each array (row-major ``[K, 3]``, little-endian) at an
    8-byte-aligned offset counted from the body's start. The header names each array's
    ``offset``, ``length`` (elements), ``dtype`` (``f4``/``i4``/``u1``) and ``shape``.
    """
    blobs = [(t, np.ascontiguousarray(a, dtype=PART_DTYPES[t]).tobytes()) for t, a in
             sorted(mesh.arrays.items())]
    relative, position = [], 0
    for _, blob in blobs:
        relative.append(position)
        position += len(blob) + (-len(blob)) % 8
    base = 8
    while True:  # offsets count from the body's start, so they depend on the header's size
        arrays = {
            PART_NAMES[t]: {
                "offset": base + rel,
                "length": int(mesh.arrays[t].size),
                "dtype": _WIRE_DTYPES[t],
                "shape": list(mesh.arrays[t].shape),
            }
            for (t, _), rel in zip(blobs, relative, strict=True)
        }
        header = json.dumps({**mesh.header(), "arrays": arrays}).encode()
        needed = 4 + len(header) + (-(4 + len(header))) % 8
        if needed <= base:
            break
        base = needed
    padding = b" " * (base - 4 - len(header))
    body = b"".join(blob + b"\0" * ((-len(blob)) % 8) for _, blob in blobs)
    return struct.pack("<I", len(header) + len(padding)) + header + padding + body


def _json_answer(mesh: MeshStep) -> MeshDataResponse:
    """The JSON answer: the header with each array as nested lists (non-finite: null)."""
    answer = mesh.header()
    for content_type, array in mesh.arrays.items():
        rows = array.tolist()
        if content_type == VERTEX:
            rows = [[v if math.isfinite(v) else None for v in row] for row in rows]
        answer[PART_NAMES[content_type]] = rows
    return cast(MeshDataResponse, answer)


async def mesh_tags_route(request: Request) -> JSONResponse:
    return JSONResponse(await call_impl(mesh_tags_impl, await provider_of(request)))


async def mesh_steps_route(request: Request) -> JSONResponse:
    run, tag = required(request.query_params, "run"), required(request.query_params, "tag")
    return JSONResponse(await call_impl(mesh_steps_impl, await provider_of(request), run, tag))


def _step(request: Request) -> int | None:
    raw = request.query_params.get("step")
    if raw in (None, "", "latest"):
        return None
    return integer(request.query_params, "step")


async def mesh_data_route(request: Request) -> Response:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    step = _step(request)
    sample = integer(query, "sample", 0, low=0)
    fmt = choice(query, "format", ("binary", "json"), "binary")
    mesh = await call_impl(
        mesh_data_impl, await provider_of(request), run, tag, step=step, sample=sample
    )
    if fmt == "json":
        return JSONResponse(_json_answer(mesh))
    return Response(encode_binary(mesh), media_type="application/octet-stream")


ROUTES = [
    Route("/api/mesh/tags", mesh_tags_route),
    Route("/api/mesh/steps", mesh_steps_route),
    Route("/api/mesh/data", mesh_data_route),
]

_RUN_TAG = [
    query_param("run", "The run.", required=True),
    query_param("tag", "The mesh: the tag given to add_mesh (MeshPluginData.name).",
                required=True),
]

OPENAPI: dict[str, Any] = {
    "/api/mesh/tags": {
        "get": {
            "summary": "Every mesh of every run: its parts, batch size and point count.",
            "responses": json_response(MeshTagsResponse),
        }
    },
    "/api/mesh/steps": {
        "get": {
            "summary": "The steps of one mesh (for its step slider), with batch sizes.",
            "parameters": _RUN_TAG,
            "responses": json_response(MeshStepsResponse),
        }
    },
    "/api/mesh/data": {
        "get": {
            "summary": "One batch item of one step of a mesh: float32 vertices, int32 faces, "
            "uint8 colors and the scene config (binary by default).",
            "parameters": [
                *_RUN_TAG,
                query_param("step", "A step (default: the latest).", schema={"type": "integer"}),
                query_param(
                    "sample",
                    "The batch item (default 0; past the batch: the last).",
                    schema={"type": "integer"},
                ),
                query_param(
                    "format",
                    "binary (default) or json.",
                    schema={"type": "string", "enum": ["binary", "json"]},
                ),
            ],
            "responses": json_response(
                MeshDataResponse,
                "format=json; by default a MeshDataHeader, then the arrays (see encode_binary).",
                binary="application/octet-stream",
            ),
        }
    },
}
