from __future__ import annotations

import io
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest

from tests.support import summary_values
from trainboard import SummaryWriter
from trainboard.format.kinds import projector

pytest.importorskip("torch")

import torch


def pixels(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path))


def embedding_files(logdir: Path) -> dict[str, Path]:
    return {
        os.path.relpath(os.path.join(root, name), logdir): Path(root) / name
        for root, _, names in os.walk(logdir)
        for name in names
        if "tfevents" not in name
    }


def log_embeddings(writer: Any) -> None:
    gen = torch.Generator().manual_seed(0)
    mat = torch.randn(10, 5, generator=gen)
    images = torch.rand(10, 3, 6, 6, generator=gen)
    writer.add_embedding(mat, [f"w{i}" for i in range(10)], images, global_step=1, tag="a/b")
    writer.add_embedding(mat.double(), [[i, f"n{i}"] for i in range(10)], None, 2,
                         metadata_header=["idx", "name"])
    writer.add_embedding(mat[:, :2] * 1000, None, images[:, :1], global_step=3, tag="x%y\\z")


def test_files_equal_what_torch_writes(tmp_path: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    with TorchWriter(str(tmp_path / "torch")) as theirs:
        log_embeddings(theirs)
    with SummaryWriter(tmp_path / "ours") as ours:
        log_embeddings(ours)
    expected, got = embedding_files(tmp_path / "torch"), embedding_files(tmp_path / "ours")
    assert sorted(got) == sorted(expected) and len(got) == 8
    for name, path in expected.items():
        if name.endswith(".png"):
            np.testing.assert_array_equal(pixels(got[name]), pixels(path))  # any encoder will do
        else:
            assert got[name].read_bytes() == path.read_bytes(), name


def projector_get(logdir: Path, route: str, **query: str) -> Any:
    """A response of TensorBoard's projector plugin over ``logdir``."""
    from tensorboard.backend.event_processing import data_provider
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin
    from werkzeug.test import Client

    multiplexer = pem.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(os.fspath(logdir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, os.fspath(logdir))
    tb_context = base_plugin.TBContext(logdir=os.fspath(logdir), data_provider=provider)
    plugin = ProjectorPlugin(tb_context)
    response = Client(plugin.get_plugin_apps()[route]).get("/?" + urlencode(query))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_tensorboard_projector_reads_config_tensor_metadata_and_sprite(tmp_path: Path) -> None:
    mat = np.random.default_rng(0).standard_normal((9, 4)).astype(np.float32)
    images = np.random.default_rng(1).random((9, 3, 5, 5))
    labels = [f"label {i}" for i in range(9)]
    with SummaryWriter(tmp_path) as w:
        w.add_embedding(mat, labels, images, global_step=5, tag="features")
        w.add_embedding(torch.tensor(mat[:, :2]), None, None, global_step=6, tag="features")
    assert json.loads(projector_get(tmp_path, "/runs").data) == ["."]
    config = json.loads(projector_get(tmp_path, "/info", run=".").data)
    assert [(e["tensorName"], e["tensorShape"]) for e in config["embeddings"]] == [
        ("features:00005", [9, 4]), ("features:00006", [9, 2]),
    ]
    assert config["embeddings"][0]["sprite"]["singleImageDim"] == [5, 5]
    tensor = projector_get(tmp_path, "/tensor", run=".", name="features:00005").data
    np.testing.assert_array_equal(np.frombuffer(tensor, dtype=np.float32).reshape(9, 4), mat)
    metadata = projector_get(tmp_path, "/metadata", run=".", name="features:00005")
    assert metadata.get_data(as_text=True).splitlines() == labels
    sprite = projector_get(tmp_path, "/sprite_image", run=".", name="features:00005")
    assert sprite.mimetype == "image/png"
    from PIL import Image

    grid = np.asarray(Image.open(io.BytesIO(sprite.data)))
    assert grid.shape == (15, 15, 3)
    sixth = (images[5] * 255).astype(np.uint8).transpose(1, 2, 0)  # row 1, column 2
    np.testing.assert_array_equal(grid[5:10, 10:15], sixth)


def test_entries_of_earlier_writers_are_kept(tmp_path: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    with TorchWriter(str(tmp_path)) as theirs:
        theirs.add_embedding(torch.ones(2, 2), tag="old", global_step=0)
    with SummaryWriter(tmp_path) as ours:
        ours.add_embedding(np.ones((2, 2)), tag="new", global_step=0)
        ours.add_embedding(np.ones((2, 3)), tag="new2", global_step=0)
    config = projector.read_config(tmp_path / "projector_config.pbtxt")
    assert [e.tensor_name for e in config.embeddings] == ["old:00000", "new:00000", "new2:00000"]


def test_flush_waits_for_the_files(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    w.add_embedding(np.arange(6.0).reshape(3, 2), ["a", "b", "c"])
    w.flush()
    tensors = (tmp_path / "00000" / "default" / "tensors.tsv").read_text()
    assert tensors == "0.0\t1.0\n2.0\t3.0\n4.0\t5.0\n"
    assert (tmp_path / "00000" / "default" / "metadata.tsv").read_text() == "a\nb\nc\n"
    assert not [p for p in tmp_path.rglob(".*.tmp")]
    w.close()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mat": np.ones(3)}, ValueError, r"mat must be 2-D .* got shape \(3,\)"),
        ({"mat": np.ones((0, 3))}, ValueError, r"got shape \(0, 3\)"),
        ({"mat": np.array([["a"]])}, TypeError, "mat must hold real numbers, got dtype <U1"),
        ({"mat": np.ones((2, 2), dtype=complex)}, TypeError, "mat must hold real numbers"),
        ({"metadata": ["a"]}, ValueError, "metadata has 1 labels but mat has 2 rows"),
        ({"label_img": np.ones((2, 3, 4))}, ValueError, r"label_img must be \(N, C, H, W\)"),
        ({"label_img": np.ones((2, 4, 4, 4))}, ValueError, r"C = 1 or 3, got shape \(2, 4, 4, 4\)"),
        ({"label_img": np.ones((3, 1, 4, 4))}, ValueError, "label_img has 3 images but mat has 2"),
        ({"label_img": np.zeros((2, 1, 9000, 1))}, ValueError, "8192"),
        ({"label_img": np.full((2, 1, 1, 1), "x")}, TypeError, "label_img must hold real numbers"),
        ({"global_step": 1.5}, ValueError, "global_step must be an integer"),
    ],
)
def test_bad_input_raises_clearly_and_keeps_what_was_logged(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("ok", 1.0, 0)
        w.add_embedding(np.ones((2, 2)), tag="first")
        with pytest.raises(error, match=match):
            w.add_embedding(**{"mat": np.ones((2, 2)), "tag": "bad", **kwargs})
        w.add_scalar("ok", 2.0, 1)
        w.add_embedding(np.ones((2, 2)), tag="second")
    assert [v.simple_value for _, v in summary_values(tmp_path)] == [1.0, 2.0]
    config = projector.read_config(tmp_path / "projector_config.pbtxt")
    assert [e.tensor_name for e in config.embeddings] == ["first:00000", "second:00000"]
    assert not (tmp_path / "00000" / "bad").exists()


def test_reusing_a_step_and_tag_warns_like_torch_and_overwrites(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_embedding(np.ones((2, 2)))
        with pytest.warns(UserWarning, match="already holds an embedding"):
            w.add_embedding(np.zeros((2, 2)))
    assert (tmp_path / "00000" / "default" / "tensors.tsv").read_text() == "0.0\t0.0\n" * 2
    config = projector.read_config(tmp_path / "projector_config.pbtxt")
    assert len(config.embeddings) == 1  # torch lists it twice
    (tmp_path / "00001").write_text("a file")
    with SummaryWriter(tmp_path) as w, pytest.raises(NotADirectoryError, match="not a directory"):
        w.add_embedding(np.ones((2, 2)), global_step=1)


def test_a_corrupt_config_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "projector_config.pbtxt").write_text("embeddings { garbage")
    with SummaryWriter(tmp_path) as w:
        w.add_embedding(np.ones((2, 2)))
    config = projector.read_config(tmp_path / "projector_config.pbtxt")
    assert [e.tensor_name for e in config.embeddings] == ["default:00000"]


def test_a_failed_file_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    from trainboard.writer._projector import _write_atomic

    def chunks() -> Iterator[bytes]:
        yield b"partial"
        raise OSError("disk full")

    (tmp_path / "tensors.tsv").write_bytes(b"old")
    with pytest.raises(OSError, match="disk full"):
        _write_atomic(str(tmp_path / "tensors.tsv"), chunks())
    assert [p.name for p in tmp_path.iterdir()] == ["tensors.tsv"]
    assert (tmp_path / "tensors.tsv").read_bytes() == b"old"


def test_write_to_disk_false_writes_nothing(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = SummaryWriter(tmp_path / "none", write_to_disk=False)
        w.add_embedding(np.ones((2, 2)), ["a", "b"], np.ones((2, 1, 2, 2)))
        w.close()
    assert not (tmp_path / "none").exists()


def test_cuda_tensors_with_grad_write_the_same_files(tmp_path: Path) -> None:
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    gen = torch.Generator().manual_seed(0)
    mat, images = torch.randn(5, 3, generator=gen), torch.rand(5, 3, 4, 4, generator=gen)
    labels = torch.arange(5)
    with SummaryWriter(tmp_path / "cpu") as w:
        w.add_embedding(mat, labels, images)
    with SummaryWriter(tmp_path / "cuda") as w:
        w.add_embedding(mat.cuda().requires_grad_(), labels.cuda(), images.cuda().requires_grad_())
    cpu, cuda = embedding_files(tmp_path / "cpu"), embedding_files(tmp_path / "cuda")
    assert sorted(cpu) == sorted(cuda) and len(cpu) == 4
    assert all(cpu[name].read_bytes() == cuda[name].read_bytes() for name in cpu)
