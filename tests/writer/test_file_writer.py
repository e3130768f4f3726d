"""The low-level FileWriter, as code written for torch's uses it (writer.file_writer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support import event_files, read_events, summary_values, tb_accumulator
from trainboard import FileWriter, SummaryWriter
from trainboard.format.proto.event_pb2 import Event
from trainboard.format.proto.summary_pb2 import Summary


def test_add_summary_accepts_tensorboards_own_protos(tmp_path: Path) -> None:
    """The common hparams recipe: torch's summary.hparams() protos through file_writer."""
    hparams = pytest.importorskip("torch.utils.tensorboard.summary").hparams
    exp, ssi, sei = hparams({"lr": 0.1, "opt": "adam"}, {"hparam/acc": 0.9})
    with SummaryWriter(tmp_path) as w:
        assert w.file_writer is not None
        for summary in (exp, ssi, sei):
            w.file_writer.add_summary(summary)
        w.add_scalar("hparam/acc", 0.9, 1)
    tags = [v.tag for _, v in summary_values(tmp_path)]
    assert tags == [
        "_hparams_/experiment",
        "_hparams_/session_start_info",
        "_hparams_/session_end_info",
        "hparam/acc",
    ]
    acc = tb_accumulator(tmp_path)
    assert acc.SummaryMetadata("_hparams_/experiment").plugin_data.plugin_name == "hparams"


def test_add_event_sets_step_and_wall_time(tmp_path: Path) -> None:
    tb_event_pb2 = pytest.importorskip("tensorboard.compat.proto.event_pb2")
    with FileWriter(tmp_path) as fw:
        fw.add_event(tb_event_pb2.Event(file_version="custom"), step=np.int64(7), walltime=12.5)
        ours = Event(summary=Summary(value=[Summary.Value(tag="x", simple_value=1.0)]))
        fw.add_event(ours, step=3)
        fw.add_summary(Summary(value=[Summary.Value(tag="y", simple_value=2.0)]), 4, 99.0)
    events = read_events(tmp_path)
    assert (events[1].step, events[1].wall_time, events[1].file_version) == (7, 12.5, "custom")
    assert events[2].step == 3 and events[2].summary.value[0].tag == "x"
    assert (events[3].step, events[3].wall_time) == (4, 99.0)
    assert fw.get_logdir() == str(tmp_path) and fw.path is None


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.trace is deprecated
def test_add_graph_writes_the_graph_then_its_run_metadata(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard._pytorch_graph import graph

    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    graph_def, run_metadata = graph(model, torch.zeros(1, 3))  # type: ignore[no-untyped-call]
    with FileWriter(tmp_path) as fw:
        fw.add_graph((graph_def, run_metadata))
        fw.add_onnx_graph(graph_def)
    events = read_events(tmp_path)
    assert events[1].graph_def == graph_def.SerializeToString()
    assert events[2].tagged_run_metadata.tag == "step1"
    assert events[3].graph_def == graph_def.SerializeToString()
    assert tb_accumulator(tmp_path).Graph() is not None


def test_close_is_idempotent_and_reopen_starts_a_new_file(tmp_path: Path) -> None:
    fw = FileWriter(tmp_path, filename_suffix=".fw")
    first = fw.path
    fw.add_summary(Summary(value=[Summary.Value(tag="a", simple_value=1.0)]), 0)
    fw.flush()
    fw.close()
    fw.close()
    fw.add_summary(Summary(value=[Summary.Value(tag="a", simple_value=2.0)]), 1)  # reopens
    second = fw.path
    fw.reopen()  # already open: nothing changes
    assert fw.path == second != first
    fw.close()
    assert len(event_files(tmp_path)) == 2
    assert [v.simple_value for _, v in summary_values(tmp_path)] == [1.0, 2.0]
    assert repr(fw).startswith("FileWriter(")


def test_summary_writer_flush_and_file_writer_share_one_worker(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    assert w.file_writer is not None
    w.file_writer.add_summary(Summary(value=[Summary.Value(tag="raw", simple_value=5.0)]), 2)
    w.add_scalar("fast", 1.0, 0)
    w.flush()
    assert {v.tag for _, v in summary_values(tmp_path)} == {"raw", "fast"}
    w.close()
