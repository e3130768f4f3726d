"""Videos (``add_video``): an animated GIF in an old-style ``Summary.Image``.

TensorBoard has no video dashboard; the Images dashboard plays GIFs, which is how
torch and tensorboardX store videos too. torch encodes through moviepy (broken with
moviepy >= 2, pytorch#147317); here Pillow encodes, with no extra dependency.

GIF limits, which every GIF writer shares: each frame has a palette of at most 256
colours (so frames with more colours are quantized), and frame delays are stored
in hundredths of a second. Identical consecutive frames are stored once with their
delays added up, which plays the same.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from trainboard.format.proto.summary_pb2 import Summary

__all__ = ["PLUGIN_NAME", "VERSION", "decode_gif", "encode_gif", "frame_delay_ms", "video_value"]

PLUGIN_NAME = "images"  # GIFs are shown, and played, by the Images dashboard
VERSION = 0
_GIF_COLORS = 256


def frame_delay_ms(fps: float) -> int:
    """The per-frame delay a GIF can store for ``fps``: whole centiseconds, at least 1."""
    return 10 * max(1, round(100 / fps))


def _palette_frame(frame: np.ndarray) -> Any:
    """One ``(H, W, C)`` frame as a PIL image a GIF can hold (gray, or <= 256 colours)."""
    from PIL import Image

    if frame.shape[2] == 1:
        return Image.fromarray(np.ascontiguousarray(frame[:, :, 0]))
    image = Image.fromarray(np.ascontiguousarray(frame[:, :, :3]))
    if image.getcolors(_GIF_COLORS) is not None:
        # Few colours: median cut keeps every one of them exactly.
        return image.quantize(_GIF_COLORS, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    # Many colours: an octree palette is ~100x faster than median cut (0.5 ms vs 80 ms
    # for 256x256), at a mean error of about 5 levels instead of 4.
    return image.quantize(_GIF_COLORS, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def encode_gif(frames: np.ndarray, fps: float) -> bytes:
    """An endlessly looping animated GIF of ``(T, H, W, C)`` ``uint8`` frames.

    One channel is stored as gray, three as RGB; a fourth (alpha) channel is
    dropped, as moviepy drops it. Each frame gets its own palette.
    """
    images = [_palette_frame(frame) for frame in frames]
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=frame_delay_ms(fps),
        loop=0,
    )
    return buffer.getvalue()


def video_value(tag: str, frames: np.ndarray, fps: float) -> Summary.Value:
    """The ``Summary.Value`` of ``(T, H, W, C)`` ``uint8`` frames, as torch's ``add_video``.

    ``height``, ``width`` and ``colorspace`` are one frame's.
    """
    from trainboard.format.proto.summary_pb2 import Summary

    _, height, width, channels = frames.shape
    image = Summary.Image(
        height=height,
        width=width,
        colorspace=channels,
        encoded_image_string=encode_gif(frames, fps),
    )
    return Summary.Value(tag=tag, image=image)


def decode_gif(data: bytes) -> tuple[np.ndarray, list[int]]:
    """The frames of a GIF as ``(T, H, W, 3)`` ``uint8`` RGB, and each frame's delay in ms."""
    from PIL import Image, ImageSequence

    frames = []
    delays = []
    with Image.open(io.BytesIO(data)) as gif:
        for frame in ImageSequence.Iterator(gif):
            frames.append(np.asarray(frame.convert("RGB")))
            delays.append(int(frame.info.get("duration", 0)))
    return np.stack(frames), delays
