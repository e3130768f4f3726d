"""A ``GraphDef`` as the Graphs dashboard draws it: visible nodes, scopes, labelled edges.

All the structural work happens here, once per graph, so the front end only has to
collapse edges for the scopes it shows and lay out what is expanded:

- **Auxiliary nodes are folded into their consumers.** Constants, list/tuple
  constructors and parameter reads (``prim::Constant``, ``prim::ListConstruct``,
  ``prim::TupleConstruct``, ``prim::GetAttr``; TensorFlow's ``Const``) make up most of
  a traced PyTorch graph. They are not drawn; an edge that passes through them (a list
  of tensors into ``aten::cat``, a tuple output) connects its real ends, and a node's
  details list them with their values.
- **Scopes** come from the ``/``-separated node names. A scope holding one child is
  replaced by that child (a leaf module becomes one node named after it; a chain of
  single-child scopes becomes one box), and a scope holding no drawn node does not
  exist, so no box is ever empty.
- **Edges** join drawn nodes, deduplicated, labelled with the producer's output shape
  from ``_output_shapes`` (``1×64×56×56``); inputs naming no node (TorchScript's
  module values) are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trainboard.format.kinds.graph import decode_graph_def
from trainboard.format.proto.graph_pb2 import AttrValue, GraphDef, NodeDef, RunMetadata
from trainboard.format.proto.tensor_pb2 import DataType, TensorShapeProto

__all__ = ["AUX_OPS", "GraphModel", "format_attr", "parse_graph", "run_metadata_stats"]

AUX_OPS = frozenset(
    {"prim::Constant", "prim::ListConstruct", "prim::TupleConstruct", "prim::GetAttr", "Const"}
)
_SHAPES_ATTR = "_output_shapes"
ATTR_LIMIT = 1024  # characters of an attribute value shown (TensorBoard's limit_attr_size)


def _split_input(text: str) -> tuple[str, int, bool]:
    """``"^name"`` (control), ``"name:2"`` (third output) or ``"name"``: (name, slot, control)."""
    control = text.startswith("^")
    name = text[1:] if control else text
    head, sep, tail = name.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail), control
    return name, 0, control


def format_shape(shape: TensorShapeProto) -> str | None:
    """``1×64×56×56``; ``?`` for an unknown dimension; None for an unknown rank."""
    if shape.unknown_rank:
        return None
    if not shape.dim:
        return "()"
    return "×".join("?" if d.size < 0 else str(d.size) for d in shape.dim)


def _output_shapes(node: NodeDef) -> list[str | None]:
    value = node.attr.get(_SHAPES_ATTR)
    if value is None:
        return []
    return [format_shape(s) for s in value.list.shape]


def _limit(text: str) -> str:
    if len(text) <= ATTR_LIMIT:
        return text
    return f"{text[:ATTR_LIMIT]}… ({len(text)} characters)"


def _dtype_name(value: int) -> str:
    try:
        return DataType.Name(value).removeprefix("DT_").lower()
    except ValueError:
        return f"dtype {value}"


def format_attr(value: AttrValue) -> str:
    """An attribute value as one line of text (long values are cut at ``ATTR_LIMIT``)."""
    which = value.WhichOneof("value")
    if which == "s":
        return _limit(value.s.decode("utf-8", "replace"))
    if which in ("i", "f", "b"):
        return str(getattr(value, which))
    if which == "type":
        return _dtype_name(value.type)
    if which == "shape":
        return format_shape(value.shape) or "unknown rank"
    if which == "tensor":
        dims = format_shape(value.tensor.tensor_shape) or "?"
        return f"tensor<{_dtype_name(value.tensor.dtype)}>[{dims}]"
    if which == "func":
        return value.func.name
    if which == "placeholder":
        return f"${value.placeholder}"
    if which == "list":
        return _limit(f"[{', '.join(_list_items(value.list))}]")
    return ""


def _list_items(items: AttrValue.ListValue) -> list[str]:
    out = [s.decode("utf-8", "replace") for s in items.s]
    out += [str(v) for v in (*items.i, *items.f, *items.b)]
    out += [_dtype_name(t) for t in items.type]
    out += [format_shape(s) or "unknown rank" for s in items.shape]
    out += [f"tensor<{_dtype_name(t.dtype)}>" for t in items.tensor]
    return out + [f.name for f in items.func]


def _torch_value(attr: str) -> str:
    """``"{ value : 1}"`` (torch's ``attr`` string) -> ``"1"``."""
    body = attr.strip().removeprefix("{").removesuffix("}").strip()
    _, sep, rest = body.partition(":")
    return rest.strip() if sep else body


@dataclass
class _Scope:
    label: str
    scopes: dict[str, _Scope] = field(default_factory=dict)
    nodes: list[int] = field(default_factory=list)


@dataclass
class _Item:
    """A drawn child after collapsing: a node (``node`` >= 0) or a scope."""

    label: str
    node: int = -1
    scope: _Scope | None = None
    merged: bool = False  # a node label taken from the scope(s) it replaced
    items: list[_Item] = field(default_factory=list)


class GraphModel:
    """A parsed ``GraphDef`` with indexes; :meth:`view` and :meth:`details` read it."""

    def __init__(self, graph: GraphDef, stats: dict[str, dict[str, Any]] | None = None) -> None:
        self.defs = list(graph.node)
        self.names = [n.name for n in self.defs]
        self.ops = [n.op for n in self.defs]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.inputs = [[_split_input(t) for t in n.input] for n in self.defs]
        self.shapes = [_output_shapes(n) for n in self.defs]
        self.stats = stats or {}
        self._views: dict[bool, dict[str, Any]] = {}
        self._readers: dict[str, list[int]] | None = None

    def _shape(self, node: int, slot: int) -> str | None:
        shapes = self.shapes[node]
        return shapes[slot] if slot < len(shapes) else None

    def hidden(self, node: int, hide_aux: bool) -> bool:
        return hide_aux and self.ops[node] in AUX_OPS

    def _sources(self, hide_aux: bool) -> list[list[tuple[int, int]]]:
        """Per drawn node, the drawn (producer, slot) pairs feeding it, through folded nodes."""
        memo: dict[int, list[tuple[int, int]]] = {}

        def through(node: int, seen: set[int]) -> list[tuple[int, int]]:
            if node in memo:
                return memo[node]
            seen.add(node)  # a cycle through folded nodes contributes nothing twice
            found: list[tuple[int, int]] = []
            for name, slot, control in self.inputs[node]:
                j = self.index.get(name)
                if j is None or control or j in seen:
                    continue
                found.extend(through(j, seen) if self.hidden(j, hide_aux) else [(j, slot)])
            memo[node] = found
            return found

        return [
            [] if self.hidden(v, hide_aux) else through(v, set()) for v in range(len(self.names))
        ]

    def view(self, hide_aux: bool = True) -> dict[str, Any]:
        """The drawn graph: groups (pre-order), nodes and labelled edges (see docs/http)."""
        cached = self._views.get(hide_aux)
        if cached is None:
            cached = self._views[hide_aux] = self._build_view(hide_aux)
        return cached

    def _build_view(self, hide_aux: bool) -> dict[str, Any]:
        drawn = [v for v in range(len(self.names)) if not self.hidden(v, hide_aux)]
        root = _Scope("")
        for v in drawn:
            scope = root
            for part in self.names[v].split("/")[:-1]:
                scope = scope.scopes.get(part) or scope.scopes.setdefault(part, _Scope(part))
            scope.nodes.append(v)
        top = _collapse(root, self.names, is_root=True)
        groups: list[dict[str, Any]] = []
        node_parent: dict[int, tuple[int, str, bool]] = {}
        _flatten(top.items, -1, "", groups, node_parent)
        order = {v: k for k, v in enumerate(drawn)}
        nodes = [
            {
                "name": self.names[v],
                "label": node_parent[v][1],
                "op": self.ops[v],
                "parent": node_parent[v][0],
                "module": node_parent[v][2],
                "shape": self._shape(v, 0),
            }
            for v in drawn
        ]
        edges: list[list[Any]] = []
        seen: set[tuple[int, int]] = set()
        for v, sources in enumerate(self._sources(hide_aux)):
            for src, slot in sources:
                if (src, v) not in seen and src != v:
                    seen.add((src, v))
                    edges.append([order[src], order[v], self._shape(src, slot) or ""])
        return {
            "total_nodes": len(self.names),
            "hidden_nodes": len(self.names) - len(drawn),
            "groups": groups,
            "nodes": nodes,
            "edges": edges,
        }

    def details(self, name: str, hide_aux: bool = True) -> dict[str, Any] | None:
        """One node's attributes, inputs (folded ones with their values) and consumers."""
        node = self.index.get(name)
        if node is None:
            return None
        definition = self.defs[node]
        attrs = [
            {"key": key, "value": format_attr(definition.attr[key])}
            for key in sorted(definition.attr)
            if key != _SHAPES_ATTR
        ]
        inputs = [self._input(n, slot, control, hide_aux) for n, slot, control in self.inputs[node]]
        outputs = [
            {"name": self.names[j], "op": self.ops[j], "drawn": not self.hidden(j, hide_aux)}
            for j in self._consumers().get(name, [])
        ]
        return {
            "name": name,
            "op": definition.op,
            "device": definition.device,
            "attrs": attrs,
            "output_shapes": self.shapes[node],
            "inputs": inputs,
            "outputs": outputs,
            "stats": self.stats.get(name),
        }

    def _consumers(self) -> dict[str, list[int]]:
        """Node name -> the nodes reading it, in graph order (built on first use)."""
        if self._readers is None:
            readers: dict[str, list[int]] = {}
            for j, inputs in enumerate(self.inputs):
                for name in dict.fromkeys(n for n, _, _ in inputs):
                    readers.setdefault(name, []).append(j)
            self._readers = readers
        return self._readers

    def _input(self, name: str, slot: int, control: bool, hide_aux: bool) -> dict[str, Any]:
        j = self.index.get(name)
        entry: dict[str, Any] = {"name": name, "slot": slot, "control": control}
        if j is None:
            return {**entry, "op": None, "shape": None, "value": None, "drawn": False}
        return {
            **entry,
            "op": self.ops[j],
            "shape": self._shape(j, slot),
            "value": self._value(j, 0) if self.ops[j] in AUX_OPS else None,
            "drawn": not self.hidden(j, hide_aux),
        }

    def _value(self, node: int, depth: int) -> str:
        """What a folded node stands for: a constant's value, a list's items, an attribute name."""
        op, definition = self.ops[node], self.defs[node]
        if op == "Const" and "value" in definition.attr:
            return format_attr(definition.attr["value"])
        if op in ("prim::ListConstruct", "prim::TupleConstruct") and depth < 4:
            items = []
            for name, _, _ in self.inputs[node]:
                j = self.index.get(name)
                if j is None or self.ops[j] not in AUX_OPS:
                    items.append(name.rsplit("/", 1)[-1])
                else:
                    items.append(self._value(j, depth + 1))
            joined = ", ".join(items)
            return f"({joined})" if op == "prim::TupleConstruct" else f"[{joined}]"
        attr = definition.attr.get("attr")
        return _limit(_torch_value(attr.s.decode("utf-8", "replace"))) if attr is not None else ""


def _collapse(scope: _Scope, names: list[str], *, is_root: bool = False) -> _Item:
    items = [_collapse(child, names) for child in scope.scopes.values()]
    items += [_Item(names[v].rsplit("/", 1)[-1], node=v) for v in scope.nodes]
    if not is_root and len(items) == 1:
        only = items[0]
        if only.node >= 0:  # a scope around one node: the node, named after the scope
            label = f"{scope.label}/{only.label}" if only.merged else scope.label
            return _Item(label, node=only.node, merged=True)
        only.label = f"{scope.label}/{only.label}"
        return only
    return _Item(scope.label, scope=scope, items=items)


def _flatten(
    items: list[_Item],
    parent: int,
    path: str,
    groups: list[dict[str, Any]],
    node_parent: dict[int, tuple[int, str, bool]],
) -> None:
    for item in items:
        if item.node >= 0:
            node_parent[item.node] = (parent, item.label, item.merged)
            continue
        name = f"{path}/{item.label}" if path else item.label
        index = len(groups)
        groups.append({"name": name, "label": item.label, "parent": parent, "nodes": 0})
        before = len(node_parent)
        _flatten(item.items, index, name, groups, node_parent)
        groups[index]["nodes"] = len(node_parent) - before


def parse_graph(data: bytes, stats: dict[str, dict[str, Any]] | None = None) -> GraphModel:
    """A :class:`GraphModel` of a serialized ``GraphDef``."""
    return GraphModel(decode_graph_def(data), stats)


def run_metadata_stats(metadata: RunMetadata) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The devices of a ``RunMetadata`` and per node name its compute time and memory."""
    devices: list[str] = []
    stats: dict[str, dict[str, Any]] = {}
    for device in metadata.step_stats.dev_stats:
        devices.append(device.device)
        for node in device.node_stats:
            stats[node.node_name] = {
                "device": device.device,
                "compute_micros": node.all_end_rel_micros,
                "memory_bytes": sum(m.total_bytes for m in node.memory),
            }
    return devices, stats
