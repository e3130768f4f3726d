"""Small logdirs of images, videos and audio for the media routes' and dashboards' tests.

Images are solid colours (so a pixel anywhere says which step is shown), videos have one
solid colour per frame, audio is a sine of known rate and length.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from trainboard import SummaryWriter

__all__ = [
    "AUDIO_RATE",
    "AUDIO_SECONDS",
    "VIDEO_COLORS",
    "VIDEO_FPS",
    "image_color",
    "sine",
    "solid",
    "write_multi_sample",
    "write_ours",
    "write_torch",
]

AUDIO_RATE = 8000
AUDIO_SECONDS = 0.75
VIDEO_FPS = 4
VIDEO_COLORS = ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255))
START = 1_700_000_000.0


def image_color(step: int) -> tuple[int, int, int]:
    """The colour of the solid image logged at ``step`` (distinct for steps 0-99)."""
    return (40 + 2 * step) % 256, (200 - step) % 256, (90 + 3 * step) % 256


def solid(color: tuple[int, int, int], height: int = 24, width: int = 32) -> np.ndarray:
    """A ``(height, width, 3)`` uint8 image of one colour."""
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = color
    return image


def sine(seconds: float = AUDIO_SECONDS, rate: int = AUDIO_RATE, hz: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * rate), dtype=np.float64) / rate
    wave: np.ndarray = (0.5 * np.sin(2 * math.pi * hz * t)).astype(np.float32)
    return wave


def _video() -> np.ndarray:
    """``(1, T, 3, H, W)`` float frames in [0, 1], one solid colour each."""
    frames = np.stack([solid(c, 16, 20) for c in VIDEO_COLORS])  # T, H, W, C
    video: np.ndarray = (frames.transpose(0, 3, 1, 2)[None] / 255.0).astype(np.float32)
    return video


def write_ours(root: Path, steps: int = 5, run: str = "ours") -> Path:
    """A run by our SummaryWriter: solid images, boxes, a batch, a video, audio."""
    with SummaryWriter(os.fspath(root / run)) as w:
        for step in range(steps):
            wall = START + step
            w.add_image("solid", solid(image_color(step)), step, walltime=wall, dataformats="HWC")
        boxes = np.array([[4, 4, 28, 20]], dtype=np.float64)
        w.add_image_with_boxes(
            "boxes",
            solid((255, 255, 255), 40, 60),
            boxes,
            0,
            walltime=START,
            labels=["cat"],
            dataformats="HWC",
        )
        batch = np.stack([solid((i * 60, 0, 0)).transpose(2, 0, 1) for i in range(4)])
        w.add_images("batch", batch, 0, walltime=START)
        for step in range(2):
            w.add_video("clip", _video(), step, fps=VIDEO_FPS, walltime=START + step)
        for step in range(3):
            w.add_audio("tone", sine(), step, sample_rate=AUDIO_RATE, walltime=START + step)
    return root / run


def write_torch(root: Path, steps: int = 3, run: str = "torch") -> Path:
    """A run by torch.utils.tensorboard: solid images and audio."""
    import torch
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    writer = TorchWriter(os.fspath(root / run))
    for step in range(steps):
        image = torch.from_numpy(solid(image_color(step)))
        writer.add_image("solid", image, step, walltime=START + step, dataformats="HWC")
        writer.add_audio(
            "tone", torch.from_numpy(sine()), step, sample_rate=AUDIO_RATE, walltime=START + step
        )
    writer.close()
    return root / run


def write_multi_sample(root: Path, run: str = "multi") -> Path:
    """A run with three images per step, as ``tf.summary.image(max_outputs=3)`` writes them:
    the ``images`` plugin's string tensor ``[width, height, png, png, png]``."""
    import io

    from PIL import Image

    from trainboard.format.event import event_filename, file_version_event
    from trainboard.format.proto.event_pb2 import Event
    from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
    from trainboard.format.proto.tensor_pb2 import TensorProto, TensorShapeProto
    from trainboard.format.record import write_record

    def png(color: tuple[int, int, int]) -> bytes:
        out = io.BytesIO()
        Image.fromarray(solid(color, 8, 10)).save(out, format="PNG")
        return out.getvalue()

    directory = root / run
    directory.mkdir(parents=True)
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="images"))
    with open(directory / event_filename(now=START), "wb") as f:
        write_record(f, file_version_event(START).SerializeToString())
        for step in range(2):
            strings = [b"10", b"8", *(png(image_color(10 * step + k)) for k in range(3))]
            tensor = TensorProto(
                dtype="DT_STRING",
                tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=len(strings))]),
                string_val=strings,
            )
            value = Summary.Value(tag="samples", tensor=tensor, metadata=metadata)
            event = Event(wall_time=START + step, step=step, summary=Summary(value=[value]))
            write_record(f, event.SerializeToString())
    return directory
