"""Typed series for the Python API: histograms, images, audio, text, PR curves.

Each is a frozen dataclass of read-only arrays (or immutable entries) built from the
provider's generic tensor and blob series; images and audio keep references and
read their bytes only when asked.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from trainboard.data.provider import _frame, _polars
from trainboard.format.kinds import pr_curve

if TYPE_CHECKING:
    import pandas
    import polars
    from PIL.Image import Image as PILImage

__all__ = [
    "AudioClip",
    "AudioSeries",
    "HistogramSeries",
    "ImageSeries",
    "PrCurveSeries",
    "StoredImage",
    "TextSeries",
]

PR_FIELDS = pr_curve.FIELDS  # the rows of a PR curve's [6, T] tensor, shared with the writer


def _long(
    steps: np.ndarray, walls: np.ndarray, arrays: tuple[np.ndarray, ...], names: tuple[str, ...]
) -> dict[str, Any]:
    """Stack per-step ``[k, len(names)]`` arrays into long columns with step and wall_time."""
    counts = np.array([len(a) for a in arrays], dtype=np.int64)
    table = np.concatenate(arrays) if arrays else np.zeros((0, len(names)))
    columns: dict[str, Any] = {
        "step": np.repeat(steps, counts),
        "wall_time": np.repeat(walls, counts),
    }
    columns.update({name: table[:, i] for i, name in enumerate(names)})
    return columns


@dataclass(frozen=True, slots=True, eq=False)
class HistogramSeries:
    """Histograms per step: ``buckets[i]`` is a ``[k, 3]`` array of (left, right, count).

    Example::

        hist = lg.histograms("train", "weights")
        left, right, count = hist.buckets[-1].T
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    buckets: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def to_pandas(self) -> pandas.DataFrame:
        """One row per bucket: step, wall_time, left, right, count."""
        names = ("left", "right", "count")
        return _frame(_long(self.steps, self.wall_times, self.buckets, names))

    def to_polars(self) -> polars.DataFrame:
        """One row per bucket: step, wall_time, left, right, count."""
        names = ("left", "right", "count")
        return _polars(_long(self.steps, self.wall_times, self.buckets, names))


@dataclass(frozen=True, slots=True)
class StoredImage:
    """One image of an image tag; :attr:`data` reads its encoded bytes (PNG, GIF...)."""

    step: int
    wall_time: float
    index: int
    width: int
    height: int
    key: str
    _read: Callable[[str], bytes] = field(repr=False, compare=False)

    @property
    def data(self) -> bytes:
        """The encoded image, read from the event file."""
        return self._read(self.key)

    def to_pil(self) -> PILImage:
        """The image decoded by Pillow (the first frame of a GIF)."""
        import io

        from PIL import Image

        return Image.open(io.BytesIO(self.data))

    def to_numpy(self) -> np.ndarray:
        """The image as a uint8 array: ``[H, W]`` (grey) or ``[H, W, C]``."""
        return np.asarray(self.to_pil())


@dataclass(frozen=True, slots=True, eq=False)
class ImageSeries:
    """Images per step (``images[i]`` holds the images logged at ``steps[i]``).

    Example::

        images = lg.images("train", "samples")
        images.images[-1][0].to_pil().save("last.png")
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    images: tuple[tuple[StoredImage, ...], ...]

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, slots=True)
class AudioClip:
    """One audio clip; :attr:`data` reads its encoded bytes (WAV)."""

    step: int
    wall_time: float
    index: int
    key: str
    _read: Callable[[str], bytes] = field(repr=False, compare=False)

    @property
    def data(self) -> bytes:
        """The encoded clip, read from the event file."""
        return self._read(self.key)

    @property
    def sample_rate(self) -> int | None:
        """The WAV header's sample rate, or None for another encoding."""
        head = self.data[:28]
        if len(head) < 28 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        rate: int = struct.unpack_from("<I", head, 24)[0]
        return rate


@dataclass(frozen=True, slots=True, eq=False)
class AudioSeries:
    """Audio clips per step.

    Example::

        audio = lg.audio("train", "speech")
        open("last.wav", "wb").write(audio.clips[-1][0].data)
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    clips: tuple[tuple[AudioClip, ...], ...]

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, slots=True, eq=False)
class TextSeries:
    """Text per step: ``texts[i]`` is a string array (one string for ``add_text``).

    Example::

        notes = lg.text("train", "notes")
        print(notes.texts[-1].item())
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    texts: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def to_pandas(self) -> pandas.DataFrame:
        """One row per step: step, wall_time, text (cells joined by tabs, rows by newlines)."""
        texts = [_join(t) for t in self.texts]
        return _frame({"step": self.steps, "wall_time": self.wall_times, "text": texts})


def _join(texts: np.ndarray) -> str:
    if texts.ndim == 0:
        return str(texts.item())
    if texts.ndim == 1:
        return "\n".join(str(t) for t in texts)
    return "\n".join("\t".join(str(t) for t in row) for row in texts.reshape(len(texts), -1))


@dataclass(frozen=True, slots=True, eq=False)
class PrCurveSeries:
    """PR curves per step: ``curves[i]`` is TensorBoard's ``[6, T]`` array, rows in
    :data:`PR_FIELDS` order (TP, FP, TN, FN, precision, recall) over T thresholds.

    Example::

        pr = lg.pr_curves("eval", "cat")
        precision, recall = pr.curves[-1][4], pr.curves[-1][5]
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    curves: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def to_pandas(self) -> pandas.DataFrame:
        """One row per (step, threshold) with the six curve fields and the threshold."""
        arrays = tuple(
            np.vstack([c, np.linspace(0.0, 1.0, c.shape[1])[None]]).T for c in self.curves
        )
        return _frame(_long(self.steps, self.wall_times, arrays, (*PR_FIELDS, "threshold")))
