"""Models of the graph routes (docs/http/graphs.md)."""

from __future__ import annotations

from typing_extensions import NotRequired, TypedDict

__all__ = [
    "GraphGroup",
    "GraphInfoResponse",
    "GraphNode",
    "GraphResponse",
    "GraphRun",
    "GraphTag",
    "NodeAttr",
    "NodeInput",
    "NodeOutput",
    "NodeResponse",
    "NodeStats",
]


class GraphTag(TypedDict):
    """A run-metadata tag: which plugin holds it, and whether it has a profile or op graph."""

    tag: str
    plugin: str
    profile: bool
    op_graph: bool


class GraphRun(TypedDict):
    """One run with a graph or run metadata."""

    run: str
    graph: bool
    tags: list[GraphTag]


class GraphInfoResponse(TypedDict):
    """Runs with a model graph and their run-metadata tags."""

    runs: list[GraphRun]


class GraphGroup(TypedDict):
    """A collapsed scope, in pre-order; ``parent`` is a group index (-1: the top)."""

    name: str
    label: str
    parent: int
    nodes: int


class GraphNode(TypedDict):
    """A drawn node; ``parent`` is its group's index (-1: the top)."""

    name: str
    label: str
    op: str
    parent: int
    module: bool
    shape: str | None


class GraphResponse(TypedDict):
    """A run's graph as the dashboard draws it; each edge is ``[from, to, shape label]``."""

    run: str
    tag: str
    step: int
    wall_time: float
    source: str
    devices: list[str]
    profiled_nodes: NotRequired[int]
    all_nodes: bool
    total_nodes: int
    hidden_nodes: int
    groups: list[GraphGroup]
    nodes: list[GraphNode]
    edges: list[tuple[int, int, str]]


class NodeAttr(TypedDict):
    """One attribute, formatted."""

    key: str
    value: str


class NodeInput(TypedDict):
    """One input; a folded one (a constant, a list) with its ``value``."""

    name: str
    slot: int
    control: bool
    op: str | None
    shape: str | None
    value: str | None
    drawn: bool


class NodeOutput(TypedDict):
    """A node that reads this one."""

    name: str
    op: str
    drawn: bool


class NodeStats(TypedDict):
    """Run-metadata statistics of a node."""

    device: str
    compute_micros: int
    memory_bytes: int


class NodeResponse(TypedDict):
    """One node's attributes, inputs and consumers."""

    name: str
    op: str
    device: str
    attrs: list[NodeAttr]
    output_shapes: list[str | None]
    inputs: list[NodeInput]
    outputs: list[NodeOutput]
    stats: NodeStats | None
