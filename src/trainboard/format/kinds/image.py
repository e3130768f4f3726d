"""Images: ``add_image``, ``add_images``, ``add_image_with_boxes``, ``add_figure``.

Written old-style, as torch writes them: ``Summary.Value(image=Summary.Image(height,
width, colorspace, encoded_image_string=<PNG>))`` with no plugin metadata.
TensorBoard's reader migrates that to the ``images`` plugin: a string tensor
``[str(width), str(height), <image bytes>, ...]`` (:func:`migrate`), which the data
layer keeps as a point's blobs: :data:`RESERVED_BLOBS` leading size blobs
(:func:`recorded_size`), then the images (:func:`decode_blobs`). :func:`decode` reads
both forms of a value.

Boxes are drawn as torch draws them (PIL, red, 2 px, labels on a red band above
the box's bottom edge), so the pixels are the same.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

    from trainboard.format.proto.summary_pb2 import Summary

__all__ = [
    "PLUGIN_NAME",
    "RESERVED_BLOBS",
    "VERSION",
    "EncodedImage",
    "decode",
    "decode_blobs",
    "draw_boxes",
    "encode_png",
    "image_value",
    "migrate",
    "recorded_size",
]

PLUGIN_NAME = "images"
VERSION = 0
RESERVED_BLOBS = 2  # a point's blobs: [str(width), str(height), image, image, ...]

_BOX_COLOR = "Red"
_TEXT_COLOR = "black"
_BOX_WIDTH = 2


@dataclass(frozen=True, slots=True)
class EncodedImage:
    """One stored image: its size as recorded and its PNG/JPEG/GIF bytes."""

    width: int
    height: int
    data: bytes


def _draw_box(draw: Any, font: Any, box: Sequence[float], label: str | None) -> None:
    left, top, right, bottom = box
    outline = [(left, top), (left, bottom), (right, bottom), (right, top), (left, top)]
    draw.line(outline, width=_BOX_WIDTH, fill=_BOX_COLOR)
    if not label:
        return
    x0, y0, x1, y1 = font.getbbox(label)
    text_width, text_height = x1 - x0, y1 - y0
    margin = math.ceil(0.05 * text_height)
    band_top = bottom - text_height - 2 * margin
    draw.rectangle([(left, band_top), (left + text_width, bottom)], fill=_BOX_COLOR)
    draw.text((left + margin, bottom - text_height - margin), label, fill=_TEXT_COLOR, font=font)


def draw_boxes(image: PILImage, boxes: np.ndarray, labels: Sequence[str] | None = None) -> PILImage:
    """Draw ``(N, 4)`` boxes ``[x1, y1, x2, y2]`` (pixels) on ``image`` in place.

    Boxes with a NaN or infinite coordinate are skipped (PIL cannot draw them).
    """
    from PIL import ImageDraw, ImageFont

    font = ImageFont.load_default()
    draw = ImageDraw.Draw(image)
    for i, box in enumerate(np.asarray(boxes, dtype=np.float64).reshape(-1, 4).tolist()):
        if all(math.isfinite(x) for x in box):
            _draw_box(draw, font, box, None if labels is None else labels[i])
    return image


def encode_png(
    hwc: np.ndarray,
    *,
    rescale: float = 1.0,
    boxes: np.ndarray | None = None,
    labels: Sequence[str] | None = None,
) -> tuple[bytes, int, int]:
    """PNG bytes, height and width of a ``uint8`` HWC image (3 or 4 channels).

    Boxes are drawn before the image is resized by ``rescale`` (Lanczos), as torch does.
    """
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(hwc))
    if boxes is not None:
        image = draw_boxes(image, boxes, labels)
    height, width = hwc.shape[0], hwc.shape[1]
    scaled = (int(width * rescale), int(height * rescale))
    if scaled != (width, height):
        image = image.resize(scaled, Image.Resampling.LANCZOS)
        width, height = scaled
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), height, width


def image_value(
    tag: str,
    hwc: np.ndarray,
    *,
    rescale: float = 1.0,
    boxes: np.ndarray | None = None,
    labels: Sequence[str] | None = None,
) -> Summary.Value:
    """The ``Summary.Value`` torch's ``add_image`` writes for a ``uint8`` HWC image.

    ``height`` and ``width`` are those of the encoded PNG (torch records the size
    before ``rescale``; they agree when ``rescale`` is 1).
    """
    from trainboard.format.proto.summary_pb2 import Summary

    png, height, width = encode_png(hwc, rescale=rescale, boxes=boxes, labels=labels)
    image = Summary.Image(
        height=height, width=width, colorspace=hwc.shape[2], encoded_image_string=png
    )
    return Summary.Value(tag=tag, image=image)


def migrate(image: Summary.Image) -> np.ndarray:
    """An old-style ``Summary.Image`` as TensorBoard's readers migrate it: the ``object``
    array of bytes ``[str(width), str(height), encoded image]``."""
    strings = np.empty(3, dtype=object)
    strings[:] = [str(image.width).encode(), str(image.height).encode(), image.encoded_image_string]
    return strings


def recorded_size(blobs: Sequence[bytes]) -> tuple[int, int] | None:
    """``(width, height)`` from a point's leading blobs; None unless both are numbers."""
    if len(blobs) < RESERVED_BLOBS:
        return None
    try:
        return int(blobs[0]), int(blobs[1])
    except ValueError:
        return None


def decode_blobs(blobs: Sequence[bytes]) -> list[EncodedImage]:
    """The images of a point's blobs ``[width, height, image, ...]`` (see :func:`migrate`).

    Raises ``ValueError`` when the leading blobs are not the size.
    """
    size = recorded_size(blobs)
    if size is None:
        raise ValueError("an image point's blobs must start with its width and height")
    return [EncodedImage(size[0], size[1], data) for data in blobs[RESERVED_BLOBS:]]


def decode(value: Summary.Value) -> list[EncodedImage]:
    """The images of a value: old-style ``Summary.Image`` or the ``images`` plugin's tensor.

    Raises ``ValueError`` for a value that holds neither.
    """
    which = value.WhichOneof("value")
    if which == "image":
        return decode_blobs(migrate(value.image).tolist())
    if which == "tensor":
        try:
            return decode_blobs(list(value.tensor.string_val))
        except ValueError:
            pass
    raise ValueError(f"tag {value.tag!r}: expected an image, got a {which or 'empty'} value")
