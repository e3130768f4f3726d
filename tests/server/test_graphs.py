"""The Graphs routes: which runs have graphs, a graph as drawn, one node's details.

Graphs are written by our ``add_graph``, by torch's and by tensorboardX's, and by hand
(TensorFlow-style names, run metadata with partition graphs and statistics).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.format.proto.graph_pb2 import (
    AllocatorMemoryUsed,
    AttrValue,
    DeviceStepStats,
    GraphDef,
    NodeDef,
    NodeExecStats,
    RunMetadata,
    StepStats,
)
from trainboard.format.proto.tensor_pb2 import DataType, TensorShapeProto
from trainboard.server.app import create_app
from trainboard.server.routes import graphs
from trainboard.server.routes._graph_view import AUX_OPS, GraphModel, format_attr
from trainboard.writer import FileWriter

torch = pytest.importorskip("torch")
from tests.format.kinds.torch_models import ResNet, example  # noqa: E402

_META = ("run", "wall_time")


def _shape(*dims: int) -> AttrValue:
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in dims])
    return AttrValue(list=AttrValue.ListValue(shape=[shape]))


def _tf_graph() -> GraphDef:
    """TensorFlow-style: ``name:1`` outputs, ``^control`` inputs, Consts, typed attributes."""
    nodes = [
        NodeDef(name="x", op="Placeholder", attr={"_output_shapes": _shape(-1, 4)}),
        NodeDef(name="dense/kernel", op="Const", attr={"value": AttrValue(s=b"k")}),
        NodeDef(
            name="dense/MatMul",
            op="MatMul",
            input=["x", "dense/kernel"],
            attr={"_output_shapes": _shape(-1, 3), "T": AttrValue(type=DataType.DT_FLOAT)},
        ),
        NodeDef(
            name="split",
            op="Split",
            input=["dense/MatMul"],
            attr={
                "_output_shapes": AttrValue(
                    list=AttrValue.ListValue(
                        shape=[
                            TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]),
                            TensorShapeProto(unknown_rank=True),
                        ]
                    )
                )
            },
        ),
        NodeDef(name="init", op="NoOp"),
        NodeDef(name="out", op="Identity", input=["split:1", "^init"]),
        NodeDef(name="a/b/c/deep", op="Relu", input=["split"]),
        NodeDef(name="a/b/c/deep/inner", op="Relu", input=["a/b/c/deep"]),
    ]
    return GraphDef(node=nodes)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    root = tmp_path_factory.mktemp("graphs")
    model, x = example("small_cnn")
    with SummaryWriter(root / "ours") as w:
        w.add_graph(model, x)
        w.add_scalar("loss", 1.0, 0)
    tensorboardx = pytest.importorskip("tensorboardX")
    with warnings.catch_warnings():  # the peers trace with the deprecated torch.jit.trace
        warnings.filterwarnings("ignore", r"`torch\.jit\.trace\w*` is deprecated")
        with TorchWriter(str(root / "torch")) as tw:
            tw.add_graph(model, x)
        with tensorboardx.SummaryWriter(str(root / "tbx")) as xw:
            xw.add_graph(model, x)
    torch.manual_seed(0)
    with SummaryWriter(root / "resnet50") as w:
        w.add_graph(ResNet(width=8), torch.randn(1, 3, 32, 32))
    with SummaryWriter(root / "scalars_only") as w:
        w.add_scalar("loss", 1.0, 0)
    stats = StepStats(
        dev_stats=[
            DeviceStepStats(
                device="/device:GPU:0",
                node_stats=[
                    NodeExecStats(
                        node_name="dense/MatMul",
                        all_end_rel_micros=42,
                        memory=[AllocatorMemoryUsed(total_bytes=96)],
                    ),
                ],
            )
        ]
    )
    fw = FileWriter(root / "tf")
    fw.add_graph((_tf_graph(), RunMetadata(step_stats=stats, partition_graphs=[_tf_graph()])))
    fw.close()
    return root


@pytest.fixture(scope="module")
def client(logdir: Path) -> Iterator[TestClient]:
    provider = LogdirProvider(logdir, use_cache=False)
    app = create_app(provider, logdir=str(logdir), reload_interval=0)
    with TestClient(app) as c:
        app.state.hub.provider.reload()
        yield c


def _get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/graphs/{path}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _error(client: TestClient, path: str, status: int, **params: Any) -> str:
    response = client.get(f"/api/graphs/{path}", params=params)
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def _drawn(graph: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in graph.items() if k not in _META}


def test_info_lists_runs_with_a_graph_and_their_run_metadata_tags(client: TestClient) -> None:
    runs = {r["run"]: r for r in _get(client, "info")["runs"]}
    assert set(runs) == {"ours", "torch", "tbx", "resnet50", "tf"}
    step1 = {
        "tag": "step1",
        "plugin": "graph_tagged_run_metadata",
        "profile": True,
        "op_graph": False,
    }
    assert runs["ours"] == {"run": "ours", "graph": True, "tags": [step1]}
    assert runs["torch"] == runs["ours"] | {"run": "torch"}
    assert [t["tag"] for t in runs["tbx"]["tags"]] == ["profiler"]
    assert "graphs" in {k for r in client.get("/api/runs").json()["runs"] for k in r["kinds"]}


def test_our_graph_is_drawn_exactly_as_torchs(client: TestClient) -> None:
    ours, theirs = _get(client, "graph", run="ours"), _get(client, "graph", run="torch")
    assert _drawn(ours) == _drawn(theirs)
    assert _drawn(ours) == _drawn(_get(client, "graph", run="tbx"))


def test_total_nodes_match_tensorboards_own_reading(client: TestClient, logdir: Path) -> None:
    from tests.support import tb_accumulator

    tb_graph = tb_accumulator(logdir / "torch").Graph()
    ours = _get(client, "graph", run="torch", all_nodes="true")
    assert ours["total_nodes"] == len(tb_graph.node)
    assert [n["name"] for n in ours["nodes"]] == [n.name for n in tb_graph.node]
    assert [n["op"] for n in ours["nodes"]] == [n.op for n in tb_graph.node]


def test_scopes_are_the_modules_with_no_empty_or_single_child_box(client: TestClient) -> None:
    graph = _get(client, "graph", run="ours")
    assert [g["name"] for g in graph["groups"]] == [
        "SmallCNN",
        "SmallCNN/ReLU[act]",
        "SmallCNN/Sequential[features]",
        "SmallCNN/Sequential[features]/Sequential[2]",
    ]
    _check_no_empty_boxes(graph)
    by_name = {n["name"]: n for n in graph["nodes"]}
    conv1 = by_name["SmallCNN/Conv2d[conv1]/input.1"]
    assert conv1 == {
        "name": "SmallCNN/Conv2d[conv1]/input.1",
        "label": "Conv2d[conv1]",
        "op": "aten::_convolution",
        "parent": 0,
        "module": True,
        "shape": "1×4×8×8",
    }
    assert by_name["input/x.1"]["label"] == "input" and by_name["input/x.1"]["parent"] == -1
    assert not {n["op"] for n in graph["nodes"]} & AUX_OPS
    assert graph["total_nodes"] == 52 and graph["hidden_nodes"] == 40
    names = [n["name"] for n in graph["nodes"]]
    edges = {(names[a], names[b]): label for a, b, label in graph["edges"]}
    assert edges[("input/x.1", "SmallCNN/Conv2d[conv1]/input.1")] == "1×3×10×10"
    assert edges[("SmallCNN/Linear[fc]/211", "output/output.1")] == "1×5"
    # The parameter read by the top-level multiply is folded: no edge, no box.
    assert not any("scale" in a or "scale" in b for a, b in edges)


def _check_no_empty_boxes(graph: dict[str, Any]) -> None:
    children = [0] * len(graph["groups"])
    for item in (*graph["groups"], *graph["nodes"]):
        if item["parent"] >= 0:
            children[item["parent"]] += 1
    assert all(count >= 2 for count in children), children
    assert all(g["nodes"] >= 2 for g in graph["groups"])


def test_all_nodes_draws_the_folded_ones_too(client: TestClient) -> None:
    graph = _get(client, "graph", run="ours", all_nodes="true")
    assert graph["all_nodes"] is True and graph["hidden_nodes"] == 0
    assert len(graph["nodes"]) == graph["total_nodes"] == 52
    assert "prim::Constant" in {n["op"] for n in graph["nodes"]}
    _check_no_empty_boxes(graph)


def test_a_node_shows_attributes_inputs_with_values_and_consumers(client: TestClient) -> None:
    name = "SmallCNN/Conv2d[conv1]/input.1"
    node = _get(client, "node", run="ours", name=name)
    assert node["op"] == "aten::_convolution"
    assert node["attrs"] == [{"key": "attr", "value": "{}"}]
    assert node["output_shapes"] == ["1×4×8×8"]
    inputs = node["inputs"]
    assert inputs[0] == {
        "name": "input/x.1",
        "slot": 0,
        "control": False,
        "op": "IO Node",
        "shape": "1×3×10×10",
        "value": None,
        "drawn": True,
    }
    assert [i["value"] for i in inputs[1:4]] == ["weight", "bias", "[1, 1]"]
    assert all(not i["drawn"] for i in inputs[1:])
    assert node["outputs"] == [
        {"name": "SmallCNN/ReLU[act]/input.3", "op": "aten::relu", "drawn": True}
    ]
    constant = _get(client, "node", run="ours", name=inputs[6]["name"], all_nodes="true")
    assert constant["op"] == "prim::Constant" and constant["attrs"][0]["value"] == "{ value : 0}"


def test_a_run_metadata_tag_draws_the_run_graph_with_its_devices(client: TestClient) -> None:
    graph = _get(client, "graph", run="ours", tag="step1")
    assert graph["devices"] == ["/device:CPU:0"] and graph["profiled_nodes"] == 0
    assert graph["nodes"] == _get(client, "graph", run="ours")["nodes"]
    assert _get(client, "graph", run="tbx", tag="profiler")["devices"] == ["/device:CPU:0"]


def test_partition_graphs_and_node_statistics_of_run_metadata(client: TestClient) -> None:
    graph = _get(client, "graph", run="tf", tag="step1")
    assert graph["source"] == "run_metadata" and graph["profiled_nodes"] == 1
    node = _get(client, "node", run="tf", tag="step1", name="dense/MatMul")
    assert node["stats"] == {"device": "/device:GPU:0", "compute_micros": 42, "memory_bytes": 96}
    assert _get(client, "node", run="tf", name="dense/MatMul")["stats"] is None


def test_tensorflow_names_slots_control_inputs_and_nested_names(client: TestClient) -> None:
    graph = _get(client, "graph", run="tf")
    names = [n["name"] for n in graph["nodes"]]
    assert "dense/kernel" not in names  # a Const, folded
    edges = {(names[a], names[b]): label for a, b, label in graph["edges"]}
    assert edges[("x", "dense/MatMul")] == "?×4"
    assert edges[("dense/MatMul", "split")] == "?×3"
    assert edges[("split", "out")] == ""  # the second output's rank is unknown
    assert ("init", "out") not in edges  # control edges are not data flow
    labels = {n["name"]: n["label"] for n in graph["nodes"]}
    assert labels["dense/MatMul"] == "dense"
    # "a/b/c/deep" is a node and a scope (of "inner"): the scope collapses onto its one node,
    # the chain a/b/c becomes one box holding both.
    assert graph["groups"] == [{"name": "a/b/c", "label": "a/b/c", "parent": -1, "nodes": 2}]
    assert labels["a/b/c/deep"] == "deep" and labels["a/b/c/deep/inner"] == "deep"
    node = _get(client, "node", run="tf", name="out")
    assert [(i["name"], i["slot"], i["control"]) for i in node["inputs"]] == [
        ("split", 1, False),
        ("init", 0, True),
    ]
    matmul = _get(client, "node", run="tf", name="dense/MatMul")
    assert {a["key"]: a["value"] for a in matmul["attrs"]} == {"T": "float"}
    assert matmul["inputs"][1]["value"] == "k"


def test_errors_name_what_is_wrong(client: TestClient) -> None:
    assert "run" in _error(client, "graph", 400)
    assert "'nope'" in _error(client, "graph", 404, run="nope")
    assert "scalars_only" in _error(client, "graph", 404, run="scalars_only")
    assert "'bogus'" in _error(client, "graph", 404, run="ours", tag="bogus")
    assert "all_nodes" in _error(client, "graph", 400, run="ours", all_nodes="yes")
    assert "name" in _error(client, "node", 400, run="ours")
    assert "'SmallCNN/none'" in _error(client, "node", 404, run="ours", name="SmallCNN/none")


def test_resnet50_has_one_box_per_stage_and_builds_fast(client: TestClient) -> None:
    graph = _get(client, "graph", run="resnet50")
    top = [g["label"] for g in graph["groups"] if g["parent"] == 0]
    assert top == [
        "Sequential[layer1]",
        "Sequential[layer2]",
        "Sequential[layer3]",
        "Sequential[layer4]",
    ]
    blocks = [g for g in graph["groups"] if g["name"].count("/") == 2]
    assert len(blocks) == 3 + 4 + 6 + 3
    _check_no_empty_boxes(graph)
    assert graph["total_nodes"] > 700 and len(graph["nodes"]) == 177


def test_a_parsed_graph_is_cached_per_blob(logdir: Path) -> None:
    provider = LogdirProvider(logdir, use_cache=False)
    provider.reload()
    reads: list[str] = []
    read_blob = provider.read_blob

    def counting(key: str) -> bytes:
        reads.append(key)
        return read_blob(key)

    provider.read_blob = counting  # type: ignore[method-assign]
    start = time.perf_counter()
    first = graphs.graph_impl(provider, "resnet50")
    cold = time.perf_counter() - start
    assert graphs.graph_impl(provider, "resnet50") == first
    graphs.node_impl(provider, "resnet50", "__run_graph__", first["nodes"][2]["name"])
    assert len(reads) == 1
    assert cold < 2.0  # typically ~20 ms; generous for a loaded machine


def test_attribute_values_are_formatted_and_cut() -> None:
    assert format_attr(AttrValue(i=3)) == "3"
    assert format_attr(AttrValue(b=True)) == "True"
    assert format_attr(AttrValue(type=DataType.DT_INT64)) == "int64"
    assert format_attr(_shape(2, -1)) == "[2×?]"
    assert format_attr(AttrValue(shape=TensorShapeProto())) == "()"
    assert format_attr(AttrValue(s=b"x" * 5000)).endswith("… (5000 characters)")
    assert format_attr(AttrValue(list=AttrValue.ListValue(i=[1, 2]))) == "[1, 2]"


def test_a_cycle_through_folded_nodes_ends() -> None:
    nodes = [
        NodeDef(name="a", op="Relu", input=["l1"]),
        NodeDef(name="l1", op="prim::ListConstruct", input=["l2", "a"]),
        NodeDef(name="l2", op="prim::ListConstruct", input=["l1"]),
    ]
    view = GraphModel(GraphDef(node=nodes)).view()
    assert view["edges"] == [] and [n["name"] for n in view["nodes"]] == ["a"]
