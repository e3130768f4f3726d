"""OpenVINO IR (``.xml``) models as graphs: tensorboardX's ``add_openvino_graph``.

An IR file lists ``<layers>`` (id, name, type, a ``<data>`` element of attributes,
output ``<port>``s with ``<dim>``s) and ``<edges>`` (from-layer -> to-layer). Each
layer becomes one node whose inputs are the layers feeding it; unlike tensorboardX,
which writes one node per edge (so a layer with two inputs appears twice and the
input layers not at all), every layer appears exactly once.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from trainboard.format.kinds.graph import GraphNode, graph_def
from trainboard.format.proto.graph_pb2 import GraphDef

__all__ = ["load_openvino_graph"]


def _shape(layer: ET.Element) -> list[int] | None:
    port = layer.find("output/port")
    if port is None:
        return None
    dims = [d.text.strip() for d in port.findall("dim") if d.text]
    return [int(d) if d.lstrip("-").isdigit() else -1 for d in dims]


def load_openvino_graph(path: str | os.PathLike[str]) -> GraphDef:
    """The ``GraphDef`` of an OpenVINO IR ``.xml`` file.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: if the file is not an OpenVINO IR (no ``<layers>``), or an edge
            names a layer that is not there.
    """
    try:
        root = ET.parse(os.fspath(path)).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{os.fspath(path)!r} is not an XML file: {exc}") from None
    layers = root.find("layers")
    if layers is None:
        raise ValueError(f"{os.fspath(path)!r} is not an OpenVINO IR file: it has no <layers>")
    names = {layer.get("id", ""): layer.get("name", "") for layer in layers}
    inputs: dict[str, list[str]] = {}
    for edge in root.findall("edges/edge"):
        source, target = edge.get("from-layer", ""), edge.get("to-layer", "")
        if source not in names or target not in names:
            raise ValueError(
                f"{os.fspath(path)!r}: edge {source!r} -> {target!r} names a missing layer"
            )
        inputs.setdefault(target, []).append(names[source])
    nodes = []
    for layer in layers:
        data = layer.find("data")
        attributes = ", ".join(
            f"{k} = {v}" for k, v in (data.attrib if data is not None else {}).items()
        )
        nodes.append(
            GraphNode(
                name=layer.get("name", ""),
                op=layer.get("type", "op"),
                inputs=inputs.get(layer.get("id", ""), []),
                shape=_shape(layer),
                attr=attributes,
            )
        )
    return graph_def(nodes)
