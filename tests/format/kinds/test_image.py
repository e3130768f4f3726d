"""Image encoding: torch's layout and scaling rules, byte-identical PNGs, boxes, decode."""

from __future__ import annotations

import io
import itertools
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.conftest import Golden
from trainboard.format.kinds import image
from trainboard.format.kinds._image_layout import (
    check_image_layout,
    image_size,
    make_grid,
    to_hwc,
    to_uint8,
)
from trainboard.format.proto.summary_pb2 import Summary

torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")
torch_utils = pytest.importorskip("torch.utils.tensorboard._utils")

RNG = np.random.default_rng(7)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def _ours(tag: str, array: np.ndarray, dataformats: str, **kwargs: Any) -> Summary.Value:
    fmt = check_image_layout(array.shape, dataformats)
    return image.image_value(tag, to_uint8(to_hwc(array, fmt)), **kwargs)


def _same_as_torch(ours: Summary.Value, theirs: Any) -> None:
    """Same Pillow, same settings: the PNG bytes, and so the whole value, are identical."""
    assert ours.SerializeToString() == theirs.SerializeToString()


LAYOUTS = ["".join(p) for n in (2, 3, 4) for p in itertools.permutations("NCHW"[4 - n :])]


@pytest.mark.parametrize("dataformats", LAYOUTS)
@pytest.mark.parametrize("channels", [1, 3])
def test_every_layout_matches_torch(dataformats: str, channels: int) -> None:
    sizes = {"N": 5, "C": channels, "H": 6, "W": 7}
    shape = tuple(sizes[c] for c in dataformats)
    array = RNG.random(shape, dtype=np.float32)
    theirs = torch_summary.image("t", array, dataformats=dataformats).value[0]
    _same_as_torch(_ours("t", array, dataformats.lower()), theirs)


@pytest.mark.parametrize(
    "array",
    [
        RNG.integers(0, 256, (3, 9, 11), dtype=np.uint8),
        RNG.random((4, 9, 11)),  # float64 RGBA
        RNG.integers(0, 3, (3, 9, 11)),  # int64 is scaled by 255 and clipped, as torch does
        RNG.random((3, 9, 11), dtype=np.float32) * 3 - 1,  # out of [0, 1]: clipped
        RNG.random((1, 9, 11)).astype(np.float16),
        RNG.random((3, 9, 11)) > 0.5,
    ],
    ids=["uint8", "float64-rgba", "int64", "out-of-range", "float16-gray", "bool"],
)
def test_dtypes_scale_as_torch(array: np.ndarray) -> None:
    theirs = torch_summary.image("t", array, dataformats="CHW").value[0]
    _same_as_torch(_ours("t", array, "CHW"), theirs)


def test_nan_and_inf_become_black_and_white() -> None:
    array = np.array([[np.nan, np.inf, -np.inf, 0.5]], dtype=np.float32)
    assert to_uint8(array).tolist() == [[0, 255, 0, 127]]


@pytest.mark.parametrize("n", [1, 3, 8, 9, 17])
def test_make_grid_matches_torch(n: int) -> None:
    batch = RNG.random((n, 3, 4, 5))
    np.testing.assert_array_equal(make_grid(batch), torch_utils.make_grid(batch))
    assert image_size(batch.shape, "NCHW") == make_grid(batch).shape[1:]


def test_grid_of_rgba_images_keeps_alpha() -> None:
    # torch refuses 4-channel batches; tensorboardX (and we) tile them.
    batch = RNG.integers(0, 256, (3, 4, 5, 6), dtype=np.uint8)
    hwc = to_hwc(batch, "NCHW")
    assert hwc.shape == (5, 18, 4)
    np.testing.assert_array_equal(hwc[:, 6:12], batch[1].transpose(1, 2, 0))


@pytest.mark.parametrize(
    ("shape", "dataformats", "error", "match"),
    [
        ((4, 3, 8, 8), "CHW", ValueError, r"\(4, 3, 8, 8\) \(4 dims\).*'CHW' describes 3.*NCHW"),
        ((8, 8, 3), "CHW", ValueError, r"C=8, H=8, W=3.*C must be 1"),
        ((2, 8, 8), "CHW", ValueError, r"C=2"),
        ((3, 8, 8), "CHX", ValueError, r"'CHX' must name each of the axes C, H, W"),
        ((3, 8, 8), "CCH", ValueError, r"'CCH'"),
        ((3, 8, 8), 3, TypeError, r"dataformats must be a str"),
        ((3, 0, 8), "CHW", ValueError, r"empty: shape \(3, 0, 8\)"),
        ((3, 8, 8, 8, 8), "NCHWX", ValueError, r"axes C, H, W"),
    ],
)
def test_layout_errors_name_the_shape_and_format(
    shape: tuple[int, ...], dataformats: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        check_image_layout(shape, dataformats)


BOXES = np.array([[2, 3, 20, 15], [10.5, 1.25, 30, 12.75], [0, 0, 39, 24]], dtype=np.float32)


@pytest.mark.parametrize("labels", [None, ["cat", "a longer label", ""]])
@pytest.mark.parametrize("boxes", [BOXES, BOXES.astype(np.int64)], ids=["float", "int"])
def test_boxes_are_drawn_as_torch_draws_them(labels: list[str] | None, boxes: np.ndarray) -> None:
    array = RNG.random((3, 25, 40), dtype=np.float32)
    theirs = torch_summary.image_boxes("b", array, boxes, labels=labels).value[0]
    _same_as_torch(_ours("b", array, "CHW", boxes=boxes, labels=labels), theirs)


def test_rescale_resizes_pixels_as_torch_but_records_the_real_size() -> None:
    array = RNG.random((25, 40, 3), dtype=np.float32)
    theirs = torch_summary.image_boxes(
        "b", array, BOXES, rescale=1.5, dataformats="HWC", labels=None
    ).value[0]
    ours = _ours("b", array, "HWC", boxes=BOXES, rescale=1.5)
    np.testing.assert_array_equal(
        _pixels(ours.image.encoded_image_string), _pixels(theirs.image.encoded_image_string)
    )
    # torch records the size before rescaling (25 x 40); the PNG is 37 x 60.
    assert (theirs.image.height, theirs.image.width) == (25, 40)
    assert (ours.image.height, ours.image.width) == (37, 60)


def test_boxes_with_nan_coordinates_are_skipped() -> None:
    hwc = np.zeros((10, 10, 3), dtype=np.uint8)
    value = image.image_value("b", hwc, boxes=np.array([[np.nan, 1, 5, 5]]))
    assert not _pixels(value.image.encoded_image_string).any()


def test_decode_reads_old_style_and_tensorboard_migrated_values() -> None:
    from tensorboard.compat.proto.summary_pb2 import Summary as TBSummary
    from tensorboard.data_compat import migrate_value

    value = _ours("t", RNG.random((3, 5, 6)), "CHW")
    (old,) = image.decode(value)
    assert (old.width, old.height) == (6, 5)
    assert old.data == value.image.encoded_image_string
    migrated = migrate_value(TBSummary.Value.FromString(value.SerializeToString()))
    assert migrated.metadata.plugin_data.plugin_name == image.PLUGIN_NAME
    assert image.decode(Summary.Value.FromString(migrated.SerializeToString())) == [old]
    with pytest.raises(ValueError, match="'x': expected an image, got a simple_value"):
        image.decode(Summary.Value(tag="x", simple_value=1.0))


def test_golden(golden: Golden) -> None:
    gradient = np.linspace(0, 1, 4 * 6 * 3, dtype=np.float32).reshape(3, 4, 6)
    golden.check("image_chw_float", _ours("img", gradient, "CHW"))
    boxed = _ours("boxes", gradient, "CHW", boxes=np.array([[1, 1, 4, 3]]))
    golden.check("image_with_boxes", boxed)
