"""tensorboardX's additions to the SummaryWriter API: use_metadata, described scalars,
and OpenVINO graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import read_events, summary_values, tb_accumulator
from trainboard import SummaryWriter
from trainboard.format.proto.summary_pb2 import Summary


def test_use_metadata_gives_enclosed_calls_a_default_step_and_wall_time(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("a", 1.0, 5)
        with w.use_metadata(global_step=10, walltime=1234.0):
            w.add_scalar("a", 2.0)
            w.add_scalar("a", 3.0, 11)  # an explicit step still wins
            w.add_text("t", "hello")
            w.add_scalars("pair", {"x": 1.0})
        w.add_scalar("a", 4.0, 12)
    got = [
        (e.step, e.wall_time, v.simple_value)
        for e in read_events(tmp_path)
        for v in e.summary.value
        if v.tag == "a"
    ]
    assert [(s, v) for s, _, v in got] == [(5, 1.0), (10, 2.0), (11, 3.0), (12, 4.0)]
    assert got[1][1] == 1234.0 and got[2][1] == 1234.0 and got[3][1] != 1234.0
    texts = [e.step for e in read_events(tmp_path) for v in e.summary.value if "text" in v.tag]
    assert texts == [10]
    assert [s for s, _ in summary_values(tmp_path / "pair_x")] == [10]


def test_use_metadata_rejects_nesting_and_empty_defaults(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ValueError, match="global_step or walltime"), w.use_metadata():
            pass
        outer = w.use_metadata(global_step=1)
        with (
            outer,
            pytest.raises(RuntimeError, match="does not nest"),
            w.use_metadata(global_step=2),
        ):
            pass
        w.add_scalar("after", 1.0, 3)  # the fast path is back after the block
        assert w._fast is not None
    assert [s for s, _ in summary_values(tmp_path)] == [3]


def test_display_name_and_description_match_tensorboardx(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("loss", 0.5, 1, display_name="Loss", summary_description="training loss")
    ((_, value),) = summary_values(tmp_path)
    assert value.simple_value == 0.5
    assert value.metadata.display_name == "Loss"
    assert value.metadata.summary_description == "training loss"
    tbx_summary = pytest.importorskip("tensorboardX.summary")
    theirs = tbx_summary.scalar(
        "loss", 0.5, display_name="Loss", summary_description="training loss"
    )
    assert Summary.FromString(theirs.SerializeToString()) == Summary(value=[value])
    assert tb_accumulator(tmp_path).SummaryMetadata("loss").display_name == "Loss"
    with SummaryWriter(tmp_path / "bad") as w, pytest.raises(TypeError, match="display_name"):
        w.add_scalar("x", 1.0, display_name=3)


IR = """<?xml version="1.0"?>
<net name="tiny" version="11">
  <layers>
    <layer id="0" name="input" type="Parameter" version="opset1">
      <data shape="1,3" element_type="f32"/>
      <output><port id="0" precision="FP32"><dim>1</dim><dim>3</dim></port></output>
    </layer>
    <layer id="1" name="bias" type="Const" version="opset1">
      <output><port id="0"><dim>3</dim></port></output>
    </layer>
    <layer id="2" name="add" type="Add" version="opset1">
      <data auto_broadcast="numpy"/>
      <output><port id="2"><dim>1</dim><dim>3</dim></port></output>
    </layer>
  </layers>
  <edges>
    <edge from-layer="0" from-port="0" to-layer="2" to-port="0"/>
    <edge from-layer="1" from-port="0" to-layer="2" to-port="1"/>
  </edges>
</net>
"""


def test_openvino_graph_has_every_layer_once_with_its_inputs(tmp_path: Path) -> None:
    model = tmp_path / "model.xml"
    model.write_text(IR)
    with SummaryWriter(tmp_path / "run") as w:
        w.add_openvino_graph(model)
    acc = tb_accumulator(tmp_path / "run")
    from tensorboard.compat.proto.graph_pb2 import GraphDef

    graph = GraphDef.FromString(acc.SerializedGraph())
    nodes = {n.name: n for n in graph.node}
    assert set(nodes) == {"input", "bias", "add"}
    assert list(nodes["add"].input) == ["input", "bias"] and nodes["add"].op == "Add"
    assert nodes["add"].attr["attr"].s == b"auto_broadcast = numpy"
    dims = [d.size for d in nodes["input"].attr["_output_shapes"].list.shape[0].dim]
    assert dims == [1, 3]


def test_openvino_graph_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<net><edges/></net>")
    with SummaryWriter(tmp_path / "run") as w:
        with pytest.raises(ValueError, match=r"bad\.xml.*no <layers>"):
            w.add_openvino_graph(bad)
        with pytest.raises(FileNotFoundError):
            w.add_openvino_graph(tmp_path / "missing.xml")
        w.add_scalar("still", 1.0, 0)
    assert len(summary_values(tmp_path / "run")) == 1
