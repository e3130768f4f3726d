"""add_image, add_images, add_image_with_boxes, add_figure, add_video, add_audio."""

from __future__ import annotations

from trainboard.writer._base import WriterBase

__all__ = ["MediaMethods"]


class MediaMethods(WriterBase):
    """add_image, add_images, add_image_with_boxes, add_figure, add_video, add_audio; mixed into :class:`~trainboard.SummaryWriter`."""
