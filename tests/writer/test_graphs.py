from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from tests.support import read_events, summary_values, tb_accumulator
from trainboard import SummaryWriter
from trainboard.format.proto.graph_pb2 import GraphDef, RunMetadata

pytest.importorskip("torch")

import torch

from tests.format.kinds import torch_models


def torch_graph_def(model: Any, args: Any) -> GraphDef:
    from torch.utils.tensorboard._pytorch_graph import graph

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.trace\w*` is deprecated")
        graph_def, _ = graph(model, args)  # type: ignore[no-untyped-call]
    return GraphDef.FromString(graph_def.SerializeToString())


def graphs_plugin(logdir: Path) -> tuple[Any, Any]:
    """TensorBoard's graph plugin over ``logdir``, loaded as ``--load_fast=false`` loads it."""
    from tensorboard import context
    from tensorboard.backend.event_processing import data_provider
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.graph import graphs_plugin

    multiplexer = pem.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(os.fspath(logdir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, os.fspath(logdir))
    tb_context = base_plugin.TBContext(logdir=os.fspath(logdir), data_provider=provider)
    return graphs_plugin.GraphsPlugin(tb_context), context.RequestContext()


def test_add_graph_is_read_back_by_tensorboard_as_torch_writes_it(tmp_path: Path) -> None:
    from google.protobuf import text_format

    model, args = torch_models.example("small_cnn")
    with SummaryWriter(tmp_path) as w:
        w.add_graph(model, args)
    expected = torch_graph_def(model, args)
    events = read_events(tmp_path)
    assert [e.WhichOneof("what") for e in events] == [
        "file_version", "graph_def", "tagged_run_metadata",
    ]
    assert GraphDef.FromString(events[1].graph_def) == expected
    assert events[2].tagged_run_metadata.tag == "step1"

    acc = tb_accumulator(tmp_path)
    assert GraphDef.FromString(acc.Graph().SerializeToString()) == expected
    # The accumulator migrates the run metadata to a blob summary of the graph plugin.
    assert acc.SummaryMetadata("step1").plugin_data.plugin_name == "graph_tagged_run_metadata"
    (blob,) = acc.Tensors("step1")[0].tensor_proto.string_val
    assert RunMetadata.FromString(blob).step_stats.dev_stats[0].device == "/device:CPU:0"

    plugin, ctx = graphs_plugin(tmp_path)
    info = plugin.info_impl(ctx, experiment="")
    assert info["."]["run_graph"] and list(info["."]["tags"]) == ["step1"]
    body, mime = plugin.graph_impl(ctx, ".", tag=None, is_conceptual=False, experiment="")
    assert mime == "text/x-protobuf"
    assert text_format.Parse(body, GraphDef()) == expected
    body, _ = plugin.run_metadata_impl(ctx, "", ".", "step1")
    assert text_format.Parse(body, RunMetadata()).step_stats.dev_stats[0].device == "/device:CPU:0"


def test_add_graph_with_multiple_inputs_and_tuple_output(tmp_path: Path) -> None:
    cases = [torch_models.example(name) for name in ("two_inputs", "tuple_output")]
    with SummaryWriter(tmp_path) as w:
        for model, args in cases:
            w.add_graph(model, args)
    graphs = [GraphDef.FromString(e.graph_def) for e in read_events(tmp_path) if e.graph_def]
    assert graphs == [torch_graph_def(model, args) for model, args in cases]


def test_tracing_failure_raises_clearly_and_keeps_the_writer_usable(tmp_path: Path) -> None:
    model = torch_models.DictOutput()
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("loss", 1.0, 0)
        with pytest.raises(RuntimeError, match="use_strict_trace=False"):
            w.add_graph(model, torch.randn(1, 4))
        with pytest.raises(TypeError, match=r"model must be a torch\.nn\.Module"):
            w.add_graph("resnet", torch.randn(1, 4))
        w.add_scalar("loss", 2.0, 1)
        w.add_graph(model, torch.randn(1, 4), use_strict_trace=False)
    assert [v.simple_value for _, v in summary_values(tmp_path)] == [1.0, 2.0]
    (graph_event,) = [e for e in read_events(tmp_path) if e.graph_def]
    nodes = GraphDef.FromString(graph_event.graph_def).node
    assert any(n.op == "prim::DictConstruct" for n in nodes)


def test_add_graph_without_disk_traces_but_writes_nothing(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "none", write_to_disk=False)
    with pytest.raises(RuntimeError, match="could not trace"):
        w.add_graph(torch_models.DictOutput(), torch.randn(1, 4))
    w.add_graph(torch.nn.Linear(2, 2), torch.ones(1, 2))
    w.close()
    assert not (tmp_path / "none").exists()


def onnx_file(tmp_path: Path) -> Path:
    pytest.importorskip("onnx")
    from tests.format.kinds.test_graph import onnx_model

    path = tmp_path / "model.onnx"
    path.write_bytes(onnx_model().SerializeToString())
    return path


def test_add_onnx_graph_is_read_back_by_tensorboard(tmp_path: Path) -> None:
    from google.protobuf import text_format

    from trainboard.format.kinds.graph import load_onnx_graph

    path = onnx_file(tmp_path)
    with SummaryWriter(tmp_path / "run") as w:
        w.add_onnx_graph(path)
        w.add_onnx_graph(onnx_model_file=str(path))  # tensorboardX's argument name
    events = read_events(tmp_path / "run")
    graphs = [GraphDef.FromString(e.graph_def) for e in events if e.graph_def]
    assert graphs == [load_onnx_graph(path)] * 2
    plugin, ctx = graphs_plugin(tmp_path / "run")
    body, _ = plugin.graph_impl(ctx, ".", tag=None, is_conceptual=False, experiment="")
    assert [n.op for n in text_format.Parse(body, GraphDef()).node] == [
        "Variable", "Variable", "Gemm", "Relu", "ReduceSum",
    ]


def test_add_onnx_graph_errors_keep_the_writer_usable(tmp_path: Path) -> None:
    path = onnx_file(tmp_path)
    with SummaryWriter(tmp_path / "run") as w:
        w.add_scalar("a", 1.0, 0)
        with pytest.raises(FileNotFoundError, match=r"missing\.onnx"):
            w.add_onnx_graph(tmp_path / "missing.onnx")
        with pytest.raises(TypeError, match="give the ONNX model once"):
            w.add_onnx_graph(path, onnx_model_file=path)
        with pytest.raises(TypeError, match="missing the ONNX model"):
            w.add_onnx_graph()
        w.add_scalar("a", 2.0, 1)
    assert [v.simple_value for _, v in summary_values(tmp_path / "run")] == [1.0, 2.0]


def test_add_graph_of_a_cuda_model_equals_torch(tmp_path: Path) -> None:
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    model, args = torch_models.example("small_cnn")
    model, args = model.cuda(), args.cuda().requires_grad_()
    with SummaryWriter(tmp_path) as w:
        w.add_graph(model, args)
    (event,) = [e for e in read_events(tmp_path) if e.graph_def]
    assert GraphDef.FromString(event.graph_def) == torch_graph_def(model, args)
    assert next(model.parameters()).is_cuda
