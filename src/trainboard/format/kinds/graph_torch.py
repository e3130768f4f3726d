"""Trace a ``torch.nn.Module`` and turn the trace into :class:`~.graph.GraphNode` s.

The output is node for node the ``GraphDef`` torch's ``add_graph`` writes
(``torch.utils.tensorboard._pytorch_graph``), so TensorBoard draws the same graph:

- Node order: the graph inputs that are used (``input/<name>``), then one
  ``output/output.<i>`` sink per graph output, then one node per output value of
  every operator, in graph order. Module-typed values (``self``, submodules) get
  no node of their own.
- Scopes: an operator's JIT scope ``__module.a/__module.a.b`` becomes
  ``<Model>/<TypeA>[a]/<TypeB>[b]``; a ``prim::GetAttr`` (a parameter or buffer
  read) is scoped by the attribute path that reached it, its last part being the
  attribute's name.
- A value's name is ``<scope of its producer>/<debug name>``. A module-typed value
  has no producer node, so an input that refers to it is named after the scope of
  the last operator that consumes it.
- Attributes: ``attr`` is ``str()`` of the node's JIT attribute dict with single
  quotes replaced by spaces; ``_output_shapes`` holds the value's shape when the
  trace knows it completely (graph inputs and outputs whose type has no sizes,
  such as tuples, get ``[1]``).

Only the tracing itself and reading the JIT graph need torch; the result is plain
Python data, so the protobuf building can happen on the background writer.
"""

from __future__ import annotations

import warnings
from typing import Any

from trainboard.format.kinds.graph import GraphNode

__all__ = ["graph_nodes", "trace_graph", "trace_module"]

_GETATTR = "prim::GetAttr"
_CLASS_TYPE = "ClassType"
_DEPRECATION = r"`torch\.jit\.trace\w*` is deprecated"  # torch >= 2.10 deprecates tracing
_UNKNOWN_SIZE = [1]  # torch's _output_shapes for a graph input/output without sizes


def trace_module(
    model: Any, input_to_model: Any = None, use_strict_trace: bool = True
) -> tuple[Any, Any]:
    """Run ``torch.jit.trace`` on ``model`` in eval mode: the traced module and its graph.

    ``input_to_model=None`` traces a ``forward`` that takes no arguments. The
    graph is inlined, so calls into submodules appear as their operators.

    Raises:
        TypeError: if ``model`` is not a ``torch.nn.Module``.
        RuntimeError: if tracing fails; the message says what to try.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module to trace, got {type(model).__name__} {model!r}"
        )
    args = () if input_to_model is None else input_to_model
    training = model.training
    model.train(False)
    try:
        with warnings.catch_warnings():
            # The deprecation is of the tracer trainboard uses, not of anything the caller did.
            warnings.filterwarnings("ignore", _DEPRECATION, DeprecationWarning)
            # check_trace re-traces and re-runs the model to validate the traced module
            # for execution; the graph drawn is the first trace's either way.
            traced = torch.jit.trace(  # type: ignore[no-untyped-call]
                model, args, strict=use_strict_trace, check_trace=False
            )
    except Exception as exc:  # from the tracer or from forward() itself: both stop the trace
        message = _trace_failure(model, exc, use_strict_trace, input_to_model is None)
        raise RuntimeError(message) from exc
    finally:
        model.train(training)
    if not hasattr(traced, "graph"):
        raise RuntimeError(
            "add_graph: torch.jit tracing is disabled (PYTORCH_JIT=0), so there is no graph to log"
        )
    graph = traced.graph
    torch._C._jit_pass_inline(graph)
    return traced, graph


def _trace_failure(model: Any, exc: BaseException, strict: bool, no_input: bool) -> str:
    hints = []
    if no_input:
        hints.append("pass input_to_model, an example input for forward (a tensor or a tuple)")
    if strict:
        hints.append("if forward returns a dict or a list, pass use_strict_trace=False")
    hints.append(
        "forward must return tensors (or tuples, lists or dicts of tensors), and Python "
        "control flow that depends on tensor values (if/while on a tensor, .item()) cannot "
        "be traced: log a submodule or a wrapper without it"
    )
    cause: BaseException | None = exc
    for _ in range(8):  # a TracerWarning raised as an error arrives wrapped in a SystemError
        if cause is None or isinstance(cause, Warning):
            break
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, Warning):  # turned into an error by the active warning filters
        exc = cause
        hints.append("or let the warning filters show this warning instead of raising it")
    return (
        f"add_graph could not trace {type(model).__name__} with torch.jit.trace: "
        f"{type(exc).__name__}: {exc}\n"
        f"To fix: {'; '.join(hints)}."
    )


def _module_name(module: Any) -> str:
    import torch

    if isinstance(module, torch.jit.TracedModule):  # type: ignore[attr-defined]
        return str(module._name)
    return str(getattr(module, "original_name", "Module"))


def _io_shape(value: Any) -> list[int] | None:
    try:
        sizes = value.type().sizes()
    except (RuntimeError, AttributeError):  # not a tensor type (a tuple, a dict, ...)
        return list(_UNKNOWN_SIZE)
    return None if sizes is None else list(sizes)


def _attributes(node: Any) -> str:
    names = node.attributeNames()
    if not names:
        return "{}"
    values = {name: getattr(node, node.kindOf(name))(name) for name in names}
    return str(values).replace("'", " ")


class _Scopes:
    """Display scopes ``Model/Type[attr]/...`` from JIT scope strings, memoized."""

    def __init__(self, traced: Any) -> None:
        self.base = _module_name(traced)
        self.aliases = {
            name: f"{_module_name(module)}[{name.rsplit('.', 1)[-1]}]"
            for name, module in traced.named_modules(prefix="__module")
        }
        self.cache: dict[str, str] = {}

    def display(self, raw: str) -> str:
        scope = self.cache.get(raw)
        if scope is None:
            aliases = self.aliases
            parts = [
                aliases[part] if part in aliases else part.rsplit(".", 1)[-1]
                for part in raw.split("/")
            ]
            scope = f"{self.base}/{'/'.join(parts)}" if any(parts) else self.base
            self.cache[raw] = scope
        return scope


def graph_nodes(traced: Any, graph: Any) -> list[GraphNode]:
    """The nodes of a traced module's inlined graph, named and scoped as torch names them."""
    scopes = _Scopes(traced)
    # debug name -> (name prefix, op, input debug names, shape, attr); dict order is node order
    entries: dict[str, tuple[str, str, list[str], list[int] | None, str]] = {}
    for value in graph.inputs():
        if value.uses() and value.type().kind() != _CLASS_TYPE:
            entries[value.debugName()] = ("input", "IO Node", [], _io_shape(value), "")
    for index, value in enumerate(graph.outputs(), 1):
        sink = [value.debugName()]
        entries[f"output.{index}"] = ("output", "IO Node", sink, _io_shape(value), "")
    scoped: dict[str, str] = {}  # debug name -> full node name
    attr_paths: dict[str, str] = {}  # GetAttr output -> its attribute path as a JIT scope
    for node in graph.nodes():
        kind = node.kind()
        if kind == _GETATTR:
            output = node.output()
            parent = node.input().node()
            if parent.kind() == _GETATTR:
                parent_path = attr_paths[parent.output().debugName()]
                raw = f"{parent_path}/{parent_path.rsplit('/', 1)[-1]}.{node.s('name')}"
            else:
                raw = f"__module.{node.s('name')}"
            attr_paths[output.debugName()] = raw
            if output.type().kind() == _CLASS_TYPE:
                continue
        else:
            raw = node.scopeName()
        scope = scopes.display(raw)
        inputs = [value.debugName() for value in node.inputs()]
        for name in inputs:
            scoped[name] = f"{scope}/{name}"
        attr = _attributes(node)
        for value in node.outputs():
            shape = value.type().sizes() if value.isCompleteTensor() else None
            entries[value.debugName()] = (scope, kind, inputs, shape, attr)
    for key, entry in entries.items():
        scoped[key] = f"{entry[0]}/{key}"
    return [
        GraphNode(scoped[key], op, [scoped[name] for name in inputs], shape, attr)
        for key, (_, op, inputs, shape, attr) in entries.items()
    ]


def trace_graph(
    model: Any, input_to_model: Any = None, verbose: bool = False, use_strict_trace: bool = True
) -> list[GraphNode]:
    """Trace ``model`` on ``input_to_model`` and return its graph's nodes (see module docs).

    With ``verbose``, the inlined TorchScript graph is printed, as torch does.
    """
    traced, graph = trace_module(model, input_to_model, use_strict_trace)
    if verbose:
        print(graph)
    return graph_nodes(traced, graph)
