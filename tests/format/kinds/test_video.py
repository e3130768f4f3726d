"""Video encoding: torch's batch tiling, animated GIFs with the right frames and delays."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.conftest import Golden
from trainboard.format.kinds import video
from trainboard.format.kinds._image_layout import check_video_layout, tile_video, to_uint8
from trainboard.format.proto.summary_pb2 import Summary

torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")

RNG = np.random.default_rng(3)


def _ours(tag: str, array: np.ndarray, fps: float, dataformats: str = "NTCHW") -> Summary.Value:
    fmt = check_video_layout(array.shape, dataformats)
    return video.video_value(tag, to_uint8(tile_video(array, fmt)), fps)


def _torch_frames(array: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, np.ndarray]:
    """torch's Summary for ``array`` and the uint8 frames it hands to moviepy.

    torch's encoder needs moviepy (and is broken with moviepy >= 2), so the frames
    are caught where they would be encoded; everything but the GIF bytes is torch's.
    """
    caught: list[np.ndarray] = []

    def make_video(frames: np.ndarray, fps: float) -> Any:
        caught.append(frames)
        _, h, w, c = frames.shape
        return torch_summary.Summary.Image(height=h, width=w, colorspace=c)

    monkeypatch.setattr(torch_summary, "make_video", make_video)
    return torch_summary.video("v", array, fps=4).value[0], caught[0]


def _distinct_frames(n: int, t: int, c: int, h: int, w: int) -> np.ndarray:
    """uint8 videos with few colours (so GIF stores them exactly) and no two equal frames."""
    levels = np.array([0, 51, 102, 153, 204, 255], dtype=np.uint8)
    array = levels[RNG.integers(0, 6, (n, t, c, h, w))]
    array[:, :, :, 0, 0] = (np.arange(t, dtype=np.uint8) * 7)[None, :, None]
    return array


@pytest.mark.parametrize("n", [1, 2, 3, 5, 16])
def test_batch_is_tiled_as_torch_tiles_it(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    array = _distinct_frames(n, 3, 3, 4, 5)
    theirs, torch_frames = _torch_frames(array, monkeypatch)
    frames = to_uint8(tile_video(array, "NTCHW"))
    np.testing.assert_array_equal(frames, torch_frames)
    ours = _ours("v", array, 4)
    assert (ours.image.height, ours.image.width, ours.image.colorspace) == (
        theirs.image.height,
        theirs.image.width,
        theirs.image.colorspace,
    )
    decoded, _ = video.decode_gif(ours.image.encoded_image_string)
    np.testing.assert_array_equal(decoded, frames)  # <= 256 colours: GIF is lossless


def test_float_videos_scale_as_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    array = RNG.random((3, 4, 3, 6, 6), dtype=np.float32) * 1.2 - 0.1
    _, torch_frames = _torch_frames(array, monkeypatch)
    np.testing.assert_array_equal(to_uint8(tile_video(array, "NTCHW")), torch_frames)


@pytest.mark.parametrize("fps", [4, 10, 25, 2.5])
def test_gif_has_one_frame_per_time_step_and_the_fps_delay(fps: float) -> None:
    array = _distinct_frames(1, 6, 3, 8, 8)
    decoded, delays = video.decode_gif(_ours("v", array, fps).image.encoded_image_string)
    assert decoded.shape == (6, 8, 8, 3)
    assert delays == [round(1000 / fps)] * 6
    np.testing.assert_array_equal(decoded, array[0].transpose(0, 2, 3, 1))


def test_delays_are_whole_centiseconds() -> None:
    assert video.frame_delay_ms(30) == 30
    assert video.frame_delay_ms(1000) == 10


def test_many_coloured_frames_are_quantized_closely() -> None:
    # A smooth gradient with ~2000 colours: GIF keeps 256 per frame (octree palette).
    ramp = np.linspace(0, 1, 48, dtype=np.float32)
    frame = np.stack(
        [ramp[None, :] * ramp[:, None], ramp[None, :].repeat(48, 0), ramp[:, None].repeat(48, 1)]
    )
    array = np.stack([frame, frame[:, ::-1]])[None]  # (1, 2, 3, 48, 48)
    decoded, _ = video.decode_gif(_ours("v", array, 4).image.encoded_image_string)
    error = np.abs(decoded.astype(int) - to_uint8(tile_video(array, "NTCHW")).astype(int))
    assert decoded.shape == (2, 48, 48, 3)
    assert error.mean() < 6 and error.max() <= 40


@pytest.mark.parametrize(("channels", "expected"), [(1, "gray"), (4, "alpha dropped")])
def test_gray_and_rgba_videos(channels: int, expected: str) -> None:
    array = _distinct_frames(1, 2, channels, 4, 4)
    value = _ours("v", array, 4)
    assert value.image.colorspace == channels
    decoded, _ = video.decode_gif(value.image.encoded_image_string)
    want = array[0].transpose(0, 2, 3, 1)
    want = np.repeat(want, 3, axis=3) if channels == 1 else want[..., :3]
    np.testing.assert_array_equal(decoded, want, err_msg=expected)


def test_other_layouts_are_transposed_first() -> None:
    array = _distinct_frames(2, 3, 3, 4, 5)
    ntchw = _ours("v", array, 4)
    thwnc = _ours("v", array.transpose(1, 3, 4, 0, 2), 4, dataformats="thwnc")
    assert ntchw == thwnc


@pytest.mark.parametrize(
    ("shape", "dataformats", "match"),
    [
        ((2, 3, 8, 8), "NTCHW", r"5 dims \(NTCHW\), got shape \(2, 3, 8, 8\)"),
        ((1, 2, 8, 8, 3), "NTCHW", r"C=8, H=8, W=3.*C must be 1"),
        ((1, 2, 3, 8, 8), "NCHW", r"'NCHW' must name each of the axes N, T, C, H, W"),
        ((1, 0, 3, 8, 8), "NTCHW", r"empty"),
    ],
)
def test_layout_errors(shape: tuple[int, ...], dataformats: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        check_video_layout(shape, dataformats)


def test_golden(golden: Golden) -> None:
    array = np.zeros((1, 2, 1, 2, 3), dtype=np.uint8)
    array[0, 1] = 255
    golden.check("video_two_frames", _ours("clip", array, 4))
