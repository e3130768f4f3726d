from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import Golden
from trainboard.format.kinds import projector
from trainboard.format.proto.projector_config_pb2 import EmbeddingInfo, ProjectorConfig


def torch_embedding() -> Any:
    pytest.importorskip("torch")
    from torch.utils.tensorboard import _embedding

    return _embedding


def png_pixels(data: bytes) -> np.ndarray:
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB"
    return np.asarray(image)


def test_paths_and_names_follow_torch() -> None:
    assert projector.escape_tag("a/b%c\\d") == "a%2fb%25c%5cd"
    assert projector.embedding_subdir("a/b", 7) == "00007/a%2fb"
    assert projector.embedding_subdir("x", 123456) == "123456/x"
    assert projector.tensor_name("a/b", 7) == "a/b:00007"
    assert projector.tensor_name("t", -3) == "t:-0003"


@pytest.mark.parametrize(
    "mat",
    [
        np.random.default_rng(0).standard_normal((7, 5)).astype(np.float32),
        np.random.default_rng(1).standard_normal((3, 2)),
        np.arange(12, dtype=np.int64).reshape(4, 3) - 5,
        np.array([[True, False]]),
        np.array([[0.1, 65504.0]], dtype=np.float16),
        np.array([[np.nan, np.inf, -np.inf, 1e-7, 1e20]], dtype=np.float32),
    ],
    ids=["float32", "float64", "int64", "bool", "float16", "special"],
)
def test_tensor_tsv_is_byte_equal_to_torch(mat: np.ndarray, tmp_path: Path) -> None:
    torch_embedding().make_mat(mat, str(tmp_path))
    assert b"".join(projector.iter_tensor_tsv(mat)) == (tmp_path / "tensors.tsv").read_bytes()


def test_tensor_tsv_comes_in_chunks_of_rows() -> None:
    chunks = list(projector.iter_tensor_tsv(np.zeros((1025, 2))))
    assert [c.count(b"\n") for c in chunks] == [512, 512, 1]


@pytest.mark.parametrize(
    ("metadata", "header"),
    [
        (["a", "b", 3], None),
        ([[1, "x"], [2, "y"], [3, "z"]], ["id", "name"]),
        ([["u", 1.5, None], ("v", 2, True), ["w", 0, ""]], ("c1", "c2", "c3")),
        (["a", "b", "c"], []),
    ],
)
def test_metadata_tsv_is_byte_equal_to_torch(metadata: Any, header: Any, tmp_path: Path) -> None:
    torch_embedding().make_tsv([list(m) if isinstance(m, tuple) else m for m in metadata],
                               str(tmp_path), metadata_header=header and list(header))
    got = projector.metadata_tsv(projector.metadata_lines(metadata, header, 3))
    assert got == (tmp_path / "metadata.tsv").read_bytes()


def test_single_column_metadata_never_gets_a_header() -> None:
    assert projector.metadata_lines(["a", "b"], ["label"], 2) == ["a", "b"]
    assert projector.metadata_lines([["a"], ["b"]], ["label"], 2) == ["a", "b"]


def test_array_and_tensor_metadata_are_written_as_values() -> None:
    assert projector.metadata_lines(np.array([1, 2]), None, 2) == ["1", "2"]
    assert projector.metadata_lines(np.array([[1, 2]]), ["a", "b"], 1) == ["a\tb", "1\t2"]
    torch = pytest.importorskip("torch")
    # torch writes "tensor(3)" for these
    assert projector.metadata_lines(torch.tensor([3, 4]), None, 2) == ["3", "4"]


@pytest.mark.parametrize(
    ("metadata", "header", "error", "match"),
    [
        (["a"], None, ValueError, "metadata has 1 labels but mat has 2 rows"),
        (["a\tb", "c"], None, ValueError, r"metadata\[0\] is 'a\\tb': metadata cannot hold tabs"),
        (["a", "b\nc"], None, ValueError, r"metadata\[1\].*line breaks"),
        ([[1, 2], [3]], ["x", "y"], ValueError, r"metadata\[1\] is \[3\]: .* 2 columns"),
        (["ab", "cd"], ["x", "y"], ValueError, r"metadata\[0\] is 'ab'"),
        ([[1, 2], [3, 4]], ["x", "y\t"], ValueError, r"metadata_header\[1\]"),
        ([["a", "b"], ["c"]], ["x"], ValueError, r"metadata\[0\] .* one value"),
        ("ab", None, TypeError, "metadata must be a list"),
        (["a", "b"], "xy", TypeError, "metadata_header must be a list"),
    ],
)
def test_bad_metadata_is_rejected(
    metadata: Any, header: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        projector.metadata_lines(metadata, header, 2)


@pytest.mark.parametrize(("count", "channels"), [(1, 3), (2, 1), (5, 3), (9, 1), (10, 3)])
def test_sprite_pixels_equal_torch(count: int, channels: int, tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    images = torch.rand(count, channels, 4, 6, generator=torch.Generator().manual_seed(count))
    images[0, 0, 0, 0] = 1.5  # clipped to 255
    images[-1, 0, 0, 0] = -0.5  # clipped to 0
    torch_embedding().make_sprite(images, str(tmp_path))
    # Both are PIL PNGs of the same array, so even the bytes agree; compare the pixels,
    # which is what must hold whatever the encoder.
    ours = png_pixels(projector.sprite_png(images.numpy()))
    np.testing.assert_array_equal(ours, png_pixels((tmp_path / "sprite.png").read_bytes()))
    columns = int(np.ceil(np.sqrt(count)))
    assert ours.shape == (6 * columns, 6 * columns, 3)


def test_sprite_of_tall_images_keeps_the_column_count() -> None:
    # torch fails here (the images do not fit in a square of the grid's width).
    sprite = projector.sprite_array(np.ones((3, 1, 10, 2), dtype=np.float32))
    assert sprite.shape == (20, 4, 3)
    assert sprite[:10].min() == 255 and sprite[10:, 2:].max() == 0 and sprite[10:, :2].min() == 255


def test_sprite_takes_uint8_as_is_and_nan_as_black() -> None:
    images = np.full((1, 3, 2, 2), 200, dtype=np.uint8)
    assert projector.sprite_array(images).max() == 200
    floats = np.full((1, 1, 1, 1), np.nan, dtype=np.float32)
    assert projector.sprite_array(floats).tolist() == [[[0, 0, 0]]]


def test_sprites_over_8192_px_are_rejected() -> None:
    assert projector.sprite_layout(100, 819, 819) == (10, 8190)
    with pytest.raises(ValueError, match=r"8200x8200 px sprite.*up to 8192"):
        projector.sprite_layout(100, 820, 820)
    with pytest.raises(ValueError, match="8192"):
        projector.sprite_layout(4, 5000, 10)


def test_config_text_equals_torch(tmp_path: Path, golden: Golden) -> None:
    from google.protobuf import text_format
    from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig as TBConfig

    embedding = torch_embedding()
    torch = pytest.importorskip("torch")
    theirs = TBConfig()
    theirs.embeddings.extend([
        embedding.get_embedding_info(["a"], torch.zeros(1, 3, 4, 5), "00003/a%2fb", 3, "a/b"),
        embedding.get_embedding_info(None, None, "00000/default", 0, "default"),
    ])
    ours = projector.merge_config(None, [
        projector.embedding_info("a/b", 3, has_metadata=True, image_size=(5, 4)),
        projector.embedding_info("default", 0, has_metadata=False, image_size=None),
    ])
    assert projector.config_text(ours) == text_format.MessageToString(theirs)
    golden.check("projector_config", ours)


def info(name: str, path: str = "") -> EmbeddingInfo:
    return EmbeddingInfo(tensor_name=name, tensor_path=path or f"{name}/tensors.tsv")


def test_merge_keeps_other_entries_and_replaces_ours_in_place() -> None:
    existing = ProjectorConfig(
        model_checkpoint_dir="ckpt",
        embeddings=[info("theirs:00000"), info("ours:00001", "old"), info("ours:00001", "dup")],
    )
    merged = projector.merge_config(existing, [info("ours:00001", "new"), info("ours:00002")])
    assert [(e.tensor_name, e.tensor_path) for e in merged.embeddings] == [
        ("theirs:00000", "theirs:00000/tensors.tsv"),
        ("ours:00001", "new"),
        ("ours:00002", "ours:00002/tensors.tsv"),
    ]
    assert merged.model_checkpoint_dir == "ckpt"
    assert len(existing.embeddings) == 3


def test_parse_config_reads_tensorboardx_appended_blocks() -> None:
    text = 'embeddings {\n  tensor_name: "a:00000"\n}\n' * 2
    assert [e.tensor_name for e in projector.parse_config(text).embeddings] == ["a:00000"] * 2


def test_read_config_resolves_paths_inside_its_directory(tmp_path: Path) -> None:
    (tmp_path / "00000" / "t").mkdir(parents=True)
    config = projector.merge_config(None, [
        projector.embedding_info("t", 0, has_metadata=True, image_size=(2, 2)),
    ])
    path = tmp_path / projector.CONFIG_FILENAME
    path.write_text(projector.config_text(config))
    (read,) = projector.read_config(path).embeddings
    root = os.path.realpath(tmp_path)
    assert read.tensor_path == os.path.join(root, "00000", "t", "tensors.tsv")
    assert read.metadata_path == os.path.join(root, "00000", "t", "metadata.tsv")
    assert read.sprite.image_path == os.path.join(root, "00000", "t", "sprite.png")
    assert list(read.sprite.single_image_dim) == [2, 2]


@pytest.mark.parametrize("bad", ["../secret.tsv", "/etc/passwd", "a/../../x", "link/x.tsv", "~/x"])
def test_read_config_rejects_paths_escaping_its_directory(bad: str, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "link").symlink_to(tmp_path)
    (run / projector.CONFIG_FILENAME).write_text(
        projector.config_text(ProjectorConfig(embeddings=[info("a", "ok.tsv"), info("b", bad)]))
    )
    with pytest.raises(ValueError, match="outside the config's directory"):
        projector.read_config(run / projector.CONFIG_FILENAME)
    assert projector.resolve_asset_path("sub/../ok.tsv", str(run)) == os.path.join(
        os.path.realpath(run), "ok.tsv"
    )


def test_read_config_reports_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / projector.CONFIG_FILENAME
    path.write_text("embeddings { nonsense")
    with pytest.raises(ValueError, match="not a valid projector config"):
        projector.read_config(path)
