"""Model graphs: ``add_graph`` and ``add_onnx_graph``.

A graph is not a summary value: it is written as ``Event(graph_def=<serialized
GraphDef>)``. ``add_graph`` follows it with ``Event(tagged_run_metadata=...)``
tagged ``step1``, whose ``RunMetadata`` holds one empty CPU ``DeviceStepStats``,
as torch writes it (TensorBoard's graph dashboard lists the tag in its run/tag
selector). TensorBoard's readers move the graph to the tag ``__run_graph__`` of
the ``graphs`` plugin and the run metadata to the ``graph_tagged_run_metadata``
plugin.

Each node of a traced PyTorch graph (see :mod:`graph_torch`) becomes a
``NodeDef`` with two attributes: ``attr``, the node's JIT attributes as a string,
and, for values whose shape is known, ``_output_shapes``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from trainboard.format.proto.event_pb2 import Event, TaggedRunMetadata
from trainboard.format.proto.graph_pb2 import (
    AttrValue,
    DeviceStepStats,
    GraphDef,
    NodeDef,
    RunMetadata,
    StepStats,
    VersionDef,
)
from trainboard.format.proto.tensor_pb2 import TensorShapeProto

__all__ = [
    "DEVICE",
    "KERAS_MODEL_PLUGIN_NAME",
    "OP_GRAPH_PLUGIN_NAME",
    "PLUGIN_NAME",
    "PRODUCER_VERSION",
    "PROFILE_PLUGIN_NAME",
    "RUN_GRAPH_TAG",
    "RUN_METADATA_PLUGIN_NAME",
    "RUN_METADATA_TAG",
    "VERSION",
    "GraphNode",
    "decode_graph_def",
    "decode_run_metadata",
    "graph_def",
    "graph_event",
    "load_onnx_graph",
    "node_def",
    "onnx_graph_def",
    "run_metadata",
    "run_metadata_event",
]

PLUGIN_NAME = "graphs"  # where TensorBoard's readers file Event.graph_def
RUN_GRAPH_TAG = "__run_graph__"  # ... under this tag
RUN_METADATA_PLUGIN_NAME = "graph_tagged_run_metadata"  # and Event.tagged_run_metadata here
RUN_METADATA_TAG = "step1"  # torch's tag for add_graph's run metadata (tensorboardX: "profiler")
# TensorFlow's graph summaries, read but never written here: run metadata with a profile
# and its graphs, run metadata holding only an op graph, and a Keras model config.
PROFILE_PLUGIN_NAME = "graph_run_metadata"
OP_GRAPH_PLUGIN_NAME = "graph_run_metadata_graph"
KERAS_MODEL_PLUGIN_NAME = "graph_keras_model"
PRODUCER_VERSION = 22  # GraphDef.versions.producer as torch writes it
DEVICE = "/device:CPU:0"  # torch records every graph as run on the CPU
VERSION = 0


class GraphNode(NamedTuple):
    """One node of a graph, in plain Python values: what :func:`node_def` encodes.

    ``shape`` is None when the node's output shape is unknown (no
    ``_output_shapes`` attribute is written then).
    """

    name: str
    op: str
    inputs: Sequence[str]
    shape: Sequence[int] | None
    attr: str


def _shape_attr(shape: Sequence[int]) -> AttrValue:
    dims = [TensorShapeProto.Dim(size=0 if d is None else int(d)) for d in shape]
    return AttrValue(list=AttrValue.ListValue(shape=[TensorShapeProto(dim=dims)]))


def node_def(node: GraphNode) -> NodeDef:
    """The ``NodeDef`` of one node, with the ``attr`` and ``_output_shapes`` attributes."""
    attr = {"attr": AttrValue(s=node.attr.encode("utf-8"))}
    if node.shape is not None:
        attr["_output_shapes"] = _shape_attr(node.shape)
    return NodeDef(name=node.name, op=node.op, input=node.inputs, attr=attr)


def graph_def(nodes: Iterable[GraphNode]) -> GraphDef:
    """A ``GraphDef`` of ``nodes`` with ``versions.producer`` set as torch sets it."""
    return GraphDef(
        node=[node_def(node) for node in nodes], versions=VersionDef(producer=PRODUCER_VERSION)
    )


def run_metadata() -> RunMetadata:
    """The ``RunMetadata`` torch writes beside a traced graph: one empty CPU device."""
    return RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(device=DEVICE)]))


def graph_event(graph: GraphDef, wall_time: float) -> Event:
    """``Event(graph_def=...)``: how a graph is written to an event file."""
    return Event(wall_time=wall_time, graph_def=graph.SerializeToString())


def run_metadata_event(
    metadata: RunMetadata, wall_time: float, tag: str = RUN_METADATA_TAG
) -> Event:
    """``Event(tagged_run_metadata=...)``: the run metadata that follows ``add_graph``'s graph."""
    tagged = TaggedRunMetadata(tag=tag, run_metadata=metadata.SerializeToString())
    return Event(wall_time=wall_time, tagged_run_metadata=tagged)


def decode_graph_def(data: bytes) -> GraphDef:
    """Parse the bytes of ``Event.graph_def`` (or a ``__run_graph__`` blob)."""
    return GraphDef.FromString(data)


def decode_run_metadata(data: bytes) -> RunMetadata:
    """Parse the bytes of ``TaggedRunMetadata.run_metadata``."""
    return RunMetadata.FromString(data)


# ------------------------------------------------------------------ ONNX


def _onnx_attributes(node: Any) -> str:
    """An ONNX node's attributes as torch renders them: ``"name = value = type, ..."``."""
    return ", ".join(
        " = ".join(str(value) for _, value in attribute.ListFields())
        for attribute in node.attribute
    )


def onnx_graph_def(model: Any) -> GraphDef:
    """Convert an ``onnx.ModelProto`` to a ``GraphDef`` as torch's ``add_onnx_graph`` does.

    Graph inputs and outputs become ``Variable`` nodes with ``dtype`` (the ONNX
    element type number) and ``shape`` attributes; every operator becomes a node
    named after its first output, with its attributes as a ``parameters`` string.

    Raises:
        ValueError: if an operator has no output to name it after.
    """
    graph = model.graph
    nodes = []
    for value in (*graph.input, *graph.output):
        tensor_type = value.type.tensor_type
        shape = TensorShapeProto(
            dim=[TensorShapeProto.Dim(size=d.dim_value) for d in tensor_type.shape.dim]
        )
        attr = {"dtype": AttrValue(type=tensor_type.elem_type), "shape": AttrValue(shape=shape)}
        nodes.append(NodeDef(name=value.name, op="Variable", attr=attr))
    for index, node in enumerate(graph.node):
        if not node.output:
            raise ValueError(
                f"ONNX node {index} ({node.op_type!r}, name {node.name!r}) has no output to name "
                "its graph node after"
            )
        parameters = AttrValue(s=_onnx_attributes(node).encode("utf-8"))
        nodes.append(
            NodeDef(
                name=node.output[0],
                op=node.op_type,
                input=list(node.input),
                attr={"parameters": parameters},
            )
        )
    return GraphDef(node=nodes, versions=VersionDef(producer=PRODUCER_VERSION))


def load_onnx_graph(model: str | os.PathLike[str] | Any) -> GraphDef:
    """Load an ``.onnx`` file (or take an ``onnx.ModelProto``) and convert it to a ``GraphDef``.

    Raises:
        MissingDependencyError: if the ``onnx`` package is not installed.
        FileNotFoundError: if the file does not exist.
        TypeError: if ``model`` is neither a path nor an ``onnx.ModelProto``.
    """
    if isinstance(model, (str, os.PathLike)):
        onnx = _import_onnx()
        path = os.fspath(model)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"prototxt: no ONNX model file at {path!r}")
        return onnx_graph_def(onnx.load(path))
    if type(model).__name__ == "ModelProto" and hasattr(model, "graph"):
        return onnx_graph_def(model)
    raise TypeError(
        f"prototxt must be the path of an .onnx file or an onnx.ModelProto, got "
        f"{type(model).__name__} {model!r}"
    )


def _import_onnx() -> Any:
    try:
        import onnx
    except ImportError as exc:
        from trainboard.errors import MissingDependencyError

        raise MissingDependencyError(
            "add_onnx_graph needs the onnx package to read .onnx files: "
            "pip install onnx (or pip install 'trainboard[onnx]')"
        ) from exc
    return onnx
