"""The Python read API: ``open_logdir`` (``trainboard.open``) and its typed accessors."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.data.logdirs import event_bytes, scalar_event, write_events
from trainboard.data import Logdir, open_logdir
from trainboard.errors import NotFoundError


@pytest.fixture(scope="module")
def torch_logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    logdir = tmp_path_factory.mktemp("logs")
    writer = torch_tb.SummaryWriter(str(logdir / "exp"))
    for step in range(5):
        writer.add_scalar("loss", 1.0 / (step + 1), step)
    writer.add_histogram("weights", np.arange(10.0), 1)
    writer.add_image("image", np.zeros((3, 4, 6)), 2)
    writer.add_audio("clip", np.zeros(100), 3, sample_rate=16000)
    writer.add_text("note", "hello", 4)
    writer.add_pr_curve("pr", np.array([0, 1, 1]), np.array([0.2, 0.8, 0.6]), 5, num_thresholds=4)
    writer.add_hparams({"lr": 0.5, "opt": "sgd"}, {"hparam/acc": 0.9}, run_name="hp")
    writer.add_custom_scalars({"Losses": {"all": ["Multiline", ["loss.*"]]}})
    writer.add_embedding(np.arange(6.0).reshape(3, 2), metadata=["a", "b", "c"], tag="emb")
    writer.close()
    return logdir


@pytest.fixture
def lg(torch_logdir: Path) -> Logdir:
    return open_logdir(torch_logdir, use_cache=False)


def test_runs_tags_and_scalars(lg: Logdir) -> None:
    assert lg.runs == ["exp", "exp/hp"]
    assert lg.tags("exp", plugin="scalars") == ["loss"]
    loss = lg.scalars("exp", "loss")
    assert loss.steps.tolist() == [0, 1, 2, 3, 4]
    assert loss.values.tolist() == [float(np.float32(1 / (s + 1))) for s in range(5)]
    frame = loss.to_pandas()
    assert list(frame.columns) == ["step", "wall_time", "value"] and len(frame) == 5
    pytest.importorskip("polars")
    assert loss.to_polars().shape == (5, 3)


def test_histograms_text_and_pr_curves(lg: Logdir) -> None:
    hist = lg.histograms("exp", "weights")
    assert hist.steps.tolist() == [1]
    assert hist.buckets[0][:, 2].sum() == 10
    assert hist.buckets[0][0, 0] == 0.0 and hist.buckets[0][-1, 1] == 9.0  # min and max
    assert list(hist.to_pandas().columns) == ["step", "wall_time", "left", "right", "count"]
    assert lg.text("exp", "note/text_summary").texts[0].tolist() == ["hello"]
    pr = lg.pr_curves("exp", "pr")
    assert pr.curves[0].shape == (6, 4)
    assert len(pr.to_pandas()) == 4


def test_images_and_audio_read_their_bytes_on_demand(lg: Logdir) -> None:
    image = lg.images("exp", "image").images[0][0]
    assert (image.width, image.height, image.step) == (6, 4, 2)
    assert image.data[:4] == b"\x89PNG"
    assert image.to_numpy().shape == (4, 6, 3)
    clip = lg.audio("exp", "clip").clips[0][0]
    assert clip.data[:4] == b"RIFF" and clip.sample_rate == 16000


def test_hparams_of_a_session_run(lg: Logdir) -> None:
    assert lg.hparams("exp/hp") == {"lr": 0.5, "opt": "sgd"}
    with pytest.raises(NotFoundError, match="no hyperparameters"):
        lg.hparams("exp")


def test_wrong_accessor_names_the_actual_kind(lg: Logdir) -> None:
    with pytest.raises(ValueError, match="holds 'scalars' data, not 'histograms'"):
        lg.histograms("exp", "loss")
    with pytest.raises(NotFoundError, match="has no graph"):
        lg.graph("exp")


def test_graph_and_run_metadata_are_read_back(tmp_path: Path) -> None:
    from trainboard.format.proto.event_pb2 import Event, TaggedRunMetadata
    from trainboard.format.proto.graph_pb2 import GraphDef, NodeDef

    graph = GraphDef(node=[NodeDef(name="input"), NodeDef(name="linear")])
    metadata = TaggedRunMetadata(tag="step1", run_metadata=b"stats")
    write_events(tmp_path / "g", [
        Event(step=0, graph_def=graph.SerializeToString()),
        Event(step=1, tagged_run_metadata=metadata),
    ])
    lg = open_logdir(tmp_path, use_cache=False)
    assert GraphDef.FromString(lg.graph("g")) == graph
    assert lg.tags("g") == ["__run_graph__", "step1"]
    assert lg.read_blob(lg.blobs("g", "step1").refs[0][0].key) == b"stats"


def test_custom_scalars_layout(lg: Logdir) -> None:
    layout = lg.custom_scalars("exp")
    (category,) = layout.category
    assert category.title == "Losses"
    assert list(category.chart[0].multiline.tag) == ["loss.*"]


def test_projector_embeddings(lg: Logdir) -> None:
    embeddings = lg.projector("exp")
    (info,) = embeddings.config.embeddings
    assert info.tensor_name == "emb:00000"
    assert embeddings.tensor("emb:00000").tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert embeddings.metadata("emb:00000") == [["a"], ["b"], ["c"]]
    with pytest.raises(NotFoundError, match="no embedding 'x'"):
        embeddings.tensor("x")
    with pytest.raises(NotFoundError, match="outside the logdir"):
        lg.projector("../..")
    with pytest.raises(NotFoundError, match=r"has no projector_config\.pbtxt"):
        lg.projector("exp/hp")


def test_missing_logdir_is_reported(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="is not a directory"):
        open_logdir(tmp_path / "missing")


def test_importing_the_data_layer_is_light() -> None:
    code = (
        "import sys, trainboard.data; "
        "heavy = {'numpy', 'google.protobuf', 'pandas', 'torch'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_reads_are_consistent_while_a_reload_appends(tmp_path: Path) -> None:
    path = write_events(tmp_path / "r", [scalar_event(0, "x", 0.0)])
    lg = open_logdir(tmp_path, use_cache=False)
    stop = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                series = lg.scalars("r", "x")
                steps, values = series.steps.copy(), series.values.copy()
                assert len(steps) == len(values) == len(series.wall_times)
                assert np.array_equal(steps.astype(float), values)  # written as value == step
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    for step in range(1, 300):
        with open(path, "ab") as f:
            f.write(event_bytes([scalar_event(step, "x", float(step))], version=False))
        lg.reload()
    stop.set()
    for thread in readers:
        thread.join()
    assert not errors, errors
    assert len(lg.scalars("r", "x")) == 300
