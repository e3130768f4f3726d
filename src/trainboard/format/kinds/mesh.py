"""Meshes and point clouds (``add_mesh``).

One mesh is up to three float tensors of shape ``[B, N, 3]`` in one ``Summary``:
vertices, faces (vertex indices of each triangle) and colors, in that order, each
under the tag ``<tag>_VERTEX`` / ``<tag>_FACE`` / ``<tag>_COLOR`` (torch's naming;
tensorboardX writes ``<tag>_1`` etc.). Every part carries a ``MeshPluginData``
with the user's tag as ``name``, its content type, its shape, the bitmask of the
parts present (``1 << content_type``) and the Three.js scene config as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from trainboard.format.proto.plugin_data_pb2 import MeshPluginData
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.format.proto.tensor_pb2 import DT_FLOAT, TensorProto, TensorShapeProto

__all__ = [
    "COLOR",
    "FACE",
    "PART_DTYPES",
    "PART_NAMES",
    "PLUGIN_NAME",
    "VERSION",
    "VERTEX",
    "Mesh",
    "components_bitmask",
    "decode",
    "instance_tag",
    "json_config",
    "mesh_values",
    "parse_plugin_data",
]

PLUGIN_NAME = "mesh"
VERSION = 0
VERTEX = MeshPluginData.VERTEX
FACE = MeshPluginData.FACE
COLOR = MeshPluginData.COLOR
# Each part's name when read back, and its type: TensorBoard's mesh dashboard serves
# vertices as float32, faces as int32 and colors as uint8.
PART_NAMES: dict[int, str] = {VERTEX: "vertices", FACE: "faces", COLOR: "colors"}
PART_DTYPES: dict[int, np.dtype[Any]] = {
    VERTEX: np.dtype("<f4"),
    FACE: np.dtype("<i4"),
    COLOR: np.dtype("u1"),
}


def instance_tag(tag: str, content_type: int) -> str:
    """The tag one part of a mesh is written under, e.g. ``"cloud_VERTEX"``."""
    return f"{tag}_{MeshPluginData.ContentType.Name(content_type)}"


def components_bitmask(content_types: Sequence[int]) -> int:
    """The bitmask of the parts present: ``1 << content_type`` for each."""
    mask = 0
    for content_type in content_types:
        mask |= 1 << content_type
    return mask


def json_config(config_dict: Any) -> str:
    """``config_dict`` as torch stores it: ``json.dumps(sort_keys=True)``, ``"{}"`` for None.

    Raises:
        TypeError: ``config_dict`` is not a dict, or holds values JSON cannot encode.
    """
    if config_dict is None:
        return "{}"
    if not isinstance(config_dict, dict):
        raise TypeError(
            "config_dict must be a dict of Three.js settings (e.g. {'camera': {...}}), got "
            f"{type(config_dict).__name__} {config_dict!r}"
        )
    try:
        return json.dumps(config_dict, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"config_dict must be JSON-serializable: {exc}") from None


def _part(tag: str, array: np.ndarray, content_type: int, components: int, config: str) -> Any:
    content = MeshPluginData(
        version=VERSION,
        name=tag,
        content_type=content_type,  # type: ignore[arg-type]
        components=components,
        shape=list(array.shape),
        json_config=config,
    ).SerializeToString()
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME, content=content)
    )
    tensor = TensorProto(
        dtype=DT_FLOAT,
        float_val=array.reshape(-1).tolist(),
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=n) for n in array.shape]),
    )
    return Summary.Value(tag=instance_tag(tag, content_type), tensor=tensor, metadata=metadata)


def mesh_values(
    tag: str,
    vertices: np.ndarray,
    colors: np.ndarray | None = None,
    faces: np.ndarray | None = None,
    config: str = "{}",
) -> list[Summary.Value]:
    """The values of one mesh (vertices, then faces, then colors), as torch's ``mesh`` builds them.

    Arrays must be ``[B, N, 3]`` (the caller validates); ``config`` is a JSON string
    (see :func:`json_config`).
    """
    given = ((vertices, VERTEX), (faces, FACE), (colors, COLOR))
    parts = [(array, content_type) for array, content_type in given if array is not None]
    components = components_bitmask([t for _, t in parts])
    return [_part(tag, array, t, components, config) for array, t in parts]


def parse_plugin_data(content: bytes) -> MeshPluginData:
    """The ``MeshPluginData`` of one part; a zero bitmask (older writers) means all three parts."""
    data = MeshPluginData()
    data.ParseFromString(content)
    if data.components == 0:
        data.components = components_bitmask([VERTEX, FACE, COLOR])
    return data


@dataclass(frozen=True)
class Mesh:
    """One mesh read back: its tag, its parts as arrays (None when absent) and its config."""

    name: str
    vertices: np.ndarray | None
    faces: np.ndarray | None
    colors: np.ndarray | None
    config: dict[str, Any]


def decode(values: list[Summary.Value]) -> dict[str, Mesh]:
    """Group the parts of the meshes in ``values`` (e.g. one event's) by their user tag.

    Each part comes back as its :data:`PART_DTYPES` type (vertices float32, faces
    int32, colors uint8).
    """
    from trainboard.format.kinds.tensor import tensor_to_ndarray

    parts: dict[str, dict[str, Any]] = {}
    for value in values:
        if value.metadata.plugin_data.plugin_name != PLUGIN_NAME:
            continue
        data = parse_plugin_data(value.metadata.plugin_data.content)
        entry = parts.setdefault(data.name, {"config": json.loads(data.json_config or "{}")})
        part = PART_NAMES.get(data.content_type)
        if part is not None:
            array = tensor_to_ndarray(value.tensor)
            entry[part] = array.astype(PART_DTYPES[data.content_type].newbyteorder("="))
    return {
        name: Mesh(
            name=name,
            vertices=p.get("vertices"),
            faces=p.get("faces"),
            colors=p.get("colors"),
            config=p["config"],
        )
        for name, p in parts.items()
    }
