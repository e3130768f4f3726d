"""Models of the image and audio routes (their bytes are binary answers)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from trainboard.server.wire.core import TagInfo

__all__ = [
    "AudioInfo",
    "ImageInfo",
    "ImageSteps",
    "ImageTagInfo",
    "ImageTagsResponse",
    "Media",
    "StepsListing",
]

Media = Literal["image", "video"]


class ImageTagInfo(TagInfo):
    """An image tag: ``video`` when its first image is an animated GIF."""

    media: Media


class ImageTagsResponse(TypedDict):
    """Every image tag per run (only those of ``media`` when it was asked for)."""

    media: Media | None
    tags: dict[str, dict[str, ImageTagInfo]]


class StepsListing(TypedDict):
    """Every step of a blob tag, with its wall time and how many samples it holds."""

    run: str
    tag: str
    steps: list[int]
    wall_times: list[float]
    samples: list[int]


class ImageSteps(StepsListing):
    """Every step of an image tag, and whether it holds images or videos."""

    media: Media


class _Point(TypedDict):
    run: str
    tag: str
    step: int
    index: int
    wall_time: float
    sample: int
    samples: int
    content_type: str
    bytes: int


class ImageInfo(_Point):
    """What one image is: size (null when unknown), frames and a GIF's loop duration."""

    width: int | None
    height: int | None
    frames: int
    duration_ms: int | None


class AudioInfo(_Point):
    """One clip's format (null unless it is WAV)."""

    sample_rate: int | None
    channels: int | None
    bits_per_sample: int | None
    frames: int | None
    duration: float | None
