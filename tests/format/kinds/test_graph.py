from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Golden
from trainboard.errors import MissingDependencyError
from trainboard.format.kinds import graph
from trainboard.format.proto.graph_pb2 import GraphDef, RunMetadata

pytest.importorskip("torch")

import torch

from tests.format.kinds import torch_models
from trainboard.format.kinds import graph_torch


def torch_graph(model: Any, args: Any, **kwargs: Any) -> tuple[GraphDef, RunMetadata]:
    """torch.utils.tensorboard's GraphDef and RunMetadata, parsed into our protos."""
    from torch.utils.tensorboard._pytorch_graph import graph as reference

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.trace\w*` is deprecated")
        graph_def, run_metadata = reference(model, args, **kwargs)  # type: ignore[no-untyped-call]
    return (
        GraphDef.FromString(graph_def.SerializeToString()),
        RunMetadata.FromString(run_metadata.SerializeToString()),
    )


def first_difference(ours: GraphDef, theirs: GraphDef) -> str:
    for index, (a, b) in enumerate(zip(ours.node, theirs.node, strict=False)):
        if a != b:
            return f"node {index}:\nours {a}\ntorch {b}"
    return f"{len(ours.node)} nodes, torch {len(theirs.node)}"


@pytest.mark.parametrize("name", ["small_cnn", "two_inputs", "tuple_output", "resnet"])
def test_graph_def_equals_torch_node_for_node(name: str) -> None:
    model, args = torch_models.example(name)
    ours = graph.graph_def(graph_torch.trace_graph(model, args))
    theirs, _ = torch_graph(model, args)
    assert ours == theirs, first_difference(ours, theirs)
    assert ours.versions.producer == 22


def test_scopes_follow_the_module_hierarchy() -> None:
    model, args = torch_models.example("small_cnn")
    nodes = {node.name: node for node in graph_torch.trace_graph(model, args)}
    convs = [n for n in nodes.values() if n.op == "aten::_convolution"]
    assert [n.name.rsplit("/", 1)[0] for n in convs] == [
        "SmallCNN/Conv2d[conv1]",
        "SmallCNN/Sequential[features]/Conv2d[0]",
        "SmallCNN/Sequential[features]/Sequential[2]/Conv2d[0]",
    ]
    assert [n.shape for n in convs] == [[1, 4, 8, 8], [1, 4, 6, 6], [1, 2, 6, 6]]
    (image,) = [n for n in nodes.values() if n.name.startswith("input/")]
    assert (image.op, image.shape, image.inputs, image.attr) == ("IO Node", [1, 3, 10, 10], [], "")
    assert nodes["output/output.1"].inputs[0].startswith("SmallCNN/Linear[fc]/")
    weight = next(n for n in nodes.values() if n.name.startswith("SmallCNN/Linear[fc]/weight/"))
    assert (weight.op, weight.attr) == ("prim::GetAttr", "{ name :  weight }")


def test_tuple_output_is_one_sink_of_unknown_shape() -> None:
    model, args = torch_models.example("tuple_output")
    nodes = graph_torch.trace_graph(model, args)
    (sink,) = [n for n in nodes if n.name.startswith("output/")]
    assert sink.shape == [1]
    assert nodes[-1].op == "prim::TupleConstruct" and sink.inputs == [nodes[-1].name]


def test_small_graph_is_stable(golden: Golden) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    nodes = graph_torch.trace_graph(model, torch.ones(1, 3))
    golden.check("sequential_graph", graph.graph_def(nodes))


def test_run_metadata_equals_torch() -> None:
    model, args = torch_models.example("tuple_output")
    _, theirs = torch_graph(model, args)
    assert graph.run_metadata() == theirs
    assert theirs.step_stats.dev_stats[0].device == "/device:CPU:0"


def test_events_carry_graph_then_tagged_run_metadata() -> None:
    graph_def = graph.graph_def([graph.GraphNode("a", "Op", [], None, "")])
    event = graph.graph_event(graph_def, 12.5)
    assert event.wall_time == 12.5 and graph.decode_graph_def(event.graph_def) == graph_def
    tagged = graph.run_metadata_event(graph.run_metadata(), 12.5).tagged_run_metadata
    assert tagged.tag == "step1"
    assert graph.decode_run_metadata(tagged.run_metadata) == graph.run_metadata()


def test_node_def_writes_output_shapes_only_when_known() -> None:
    known = graph.node_def(graph.GraphNode("n", "aten::add", ["x"], [2, 3], "{}"))
    assert [d.size for d in known.attr["_output_shapes"].list.shape[0].dim] == [2, 3]
    unknown = graph.node_def(graph.GraphNode("n", "prim::Constant", [], None, "{ value : 1}"))
    assert set(unknown.attr) == {"attr"} and unknown.attr["attr"].s == b"{ value : 1}"


def test_training_mode_is_restored_after_tracing() -> None:
    model, args = torch_models.example("small_cnn")
    model.train()
    seen = []
    model.register_forward_hook(lambda module, inputs, output: seen.append(module.training))
    graph_torch.trace_graph(model, args)
    assert seen == [False] and model.training
    model.eval()
    graph_torch.trace_graph(model, args)
    assert not model.training


def test_forward_without_arguments_is_traced_with_no_input() -> None:
    nodes = graph_torch.trace_graph(torch_models.NoInput())
    assert [n.op for n in nodes if n.name.startswith("NoInput/")][:1] == ["prim::GetAttr"]
    assert not [n for n in nodes if n.name.startswith("input/")]


def test_dict_output_needs_non_strict_trace() -> None:
    model = torch_models.DictOutput()
    model.train()
    with pytest.raises(RuntimeError, match="pass use_strict_trace=False") as info:
        graph_torch.trace_graph(model, torch.randn(1, 4))
    assert "could not trace DictOutput" in str(info.value) and model.training
    nodes = graph_torch.trace_graph(model, torch.randn(1, 4), use_strict_trace=False)
    theirs, _ = torch_graph(model, torch.randn(1, 4), use_strict_trace=False)
    assert graph.graph_def(nodes) == theirs
    assert any(n.op == "prim::DictConstruct" for n in nodes)


def test_data_dependent_control_flow_warns_like_torch_or_raises_when_warnings_are_errors() -> None:
    model, args = torch_models.DataDependent(), torch.ones(3)
    with pytest.raises(RuntimeError, match="control flow that depends on tensor values"):
        graph_torch.trace_graph(model, args)  # pytest turns the TracerWarning into an error
    tracer_warning = torch.jit.TracerWarning  # type: ignore[attr-defined]
    with pytest.warns(tracer_warning, match="Python boolean"):
        nodes = graph_torch.trace_graph(model, args)
    assert [n.op for n in nodes if n.op.startswith("aten::")] == ["aten::mul"]


def test_untraceable_model_raises_a_clear_error() -> None:
    class ReturnsInt(torch.nn.Module):
        def forward(self, x: Any) -> int:
            return 3

    with pytest.raises(RuntimeError, match="could not trace ReturnsInt"):
        graph_torch.trace_graph(ReturnsInt(), torch.ones(1))
    with pytest.raises(RuntimeError, match=r"(?s)missing 1 required .* pass input_to_model"):
        graph_torch.trace_graph(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match=r"model must be a torch.nn.Module.*function"):
        graph_torch.trace_graph(lambda x: x, torch.ones(1))


def test_scripted_submodules_are_named_by_their_original_class() -> None:
    class WithScripted(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", r"`torch\.jit\.script` is deprecated")
                self.inner = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(2, 2)))

        def forward(self, x: Any) -> Any:
            return self.inner(x) * 2

    model, args = WithScripted(), torch.ones(1, 2)
    nodes = graph_torch.trace_graph(model, args)
    assert graph.graph_def(nodes) == torch_graph(model, args)[0]
    assert any(n.name.startswith("WithScripted/Sequential[inner]/") for n in nodes)


def test_disabled_jit_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.jit._trace, "_enabled", False)  # as with PYTORCH_JIT=0
    with pytest.raises(RuntimeError, match="tracing is disabled"):
        graph_torch.trace_graph(torch.nn.Linear(2, 2), torch.ones(1, 2))


def test_verbose_prints_the_torchscript_graph(capsys: pytest.CaptureFixture[str]) -> None:
    graph_torch.trace_graph(torch.nn.Linear(2, 2), torch.ones(1, 2), verbose=True)
    assert "aten::linear" in capsys.readouterr().out


# ------------------------------------------------------------------ ONNX


def onnx_model() -> Any:
    pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    weight = helper.make_tensor("W", TensorProto.FLOAT, [2, 3], [0.5] * 6)
    nodes = [
        helper.make_node("Gemm", ["X", "W"], ["H"], alpha=2.0, transB=1),
        helper.make_node("Relu", ["H"], ["R"]),
        helper.make_node("ReduceSum", ["R"], ["Y"], keepdims=0),
    ]
    graph_proto = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("Y", TensorProto.INT64, [])],
        initializer=[weight],
    )
    return helper.make_model(graph_proto, producer_name="trainboard-test")


def test_onnx_graph_equals_torch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from torch.utils.tensorboard._onnx_graph import load_onnx_graph

    model = onnx_model()
    path = tmp_path / "tiny.onnx"
    path.write_bytes(model.SerializeToString())
    theirs = GraphDef.FromString(
        load_onnx_graph(str(path)).SerializeToString()  # type: ignore[no-untyped-call]
    )
    capsys.readouterr()  # torch prints every node name
    ours = graph.load_onnx_graph(path)
    assert ours == theirs
    assert graph.load_onnx_graph(model) == theirs
    assert capsys.readouterr().out == ""
    assert [n.op for n in ours.node] == ["Variable", "Variable", "Gemm", "Relu", "ReduceSum"]
    assert ours.node[2].attr["parameters"].s == b"alpha = 2.0 = 1, transB = 1 = 2"


def test_onnx_graph_is_stable(golden: Golden) -> None:
    golden.check("onnx_graph", graph.onnx_graph_def(onnx_model()))


def test_onnx_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = onnx_model()
    del model.graph.node[0].output[:]
    with pytest.raises(ValueError, match=r"ONNX node 0 \('Gemm', name ''\) has no output"):
        graph.onnx_graph_def(model)
    with pytest.raises(FileNotFoundError, match="no ONNX model file"):
        graph.load_onnx_graph(tmp_path / "missing.onnx")
    with pytest.raises(TypeError, match=r"path of an \.onnx file or an onnx\.ModelProto, got int"):
        graph.load_onnx_graph(3)
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(MissingDependencyError, match="pip install onnx"):
        graph.load_onnx_graph(tmp_path / "tiny.onnx")
