"""Audio (``add_audio``): 16-bit PCM mono WAV in an old-style ``Summary.Audio``.

As torch writes it: samples in [-1, 1] (others are clipped) are multiplied by 32767
and truncated toward zero to ``int16``, stored as a WAV file with ``content_type
"audio/wav"`` and no plugin metadata. TensorBoard's reader migrates that to the
``audio`` plugin: a ``[k, 2]`` string tensor of ``(wav, label)`` pairs with
``AudioPluginData(encoding=WAV)`` (:func:`migrate`). The data layer keeps a point's
clips, without their labels (:func:`clips`), as its blobs: one blob per clip, none
reserved (:data:`RESERVED_BLOBS`). :func:`decode` reads both forms of a value.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from trainboard.format.proto.summary_pb2 import Summary

__all__ = [
    "CONTENT_TYPE",
    "PLUGIN_NAME",
    "RESERVED_BLOBS",
    "VERSION",
    "EncodedAudio",
    "audio_value",
    "clips",
    "decode",
    "decode_wav",
    "encode_wav",
    "migrate",
    "to_pcm16",
]

PLUGIN_NAME = "audio"
VERSION = 0
CONTENT_TYPE = "audio/wav"
RESERVED_BLOBS = 0  # a point's blobs are its clips, one blob each
_INT16_MAX = 32767


@dataclass(frozen=True, slots=True)
class EncodedAudio:
    """One stored clip: its encoded bytes, MIME type and label (empty when none)."""

    data: bytes
    content_type: str
    label: bytes = b""


def to_pcm16(samples: np.ndarray) -> tuple[np.ndarray, bool]:
    """Mono samples in [-1, 1] as little-endian ``int16``; and whether any were clipped.

    NaN becomes 0 (silence); values beyond [-1, 1], infinities included, are clipped.
    """
    values = np.asarray(samples).reshape(-1)
    if values.dtype != np.float32 and values.dtype != np.float64:
        values = values.astype(np.float64)
    # float32 stays float32: torch multiplies in the input's precision, and the
    # product is truncated, so the precision decides some samples' last bit.
    clipped = bool(np.any(np.abs(values) > 1))
    if clipped:
        values = np.clip(values, -1, 1)
    nan = np.isnan(values)
    if nan.any():
        values = np.where(nan, 0.0, values)
    return (values * _INT16_MAX).astype("<i2"), clipped


def encode_wav(pcm: np.ndarray, sample_rate: float) -> bytes:
    """A mono 16-bit PCM WAV file of ``int16`` samples (the rate is rounded to whole Hz)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(np.ascontiguousarray(pcm, dtype="<i2").tobytes())
    return buffer.getvalue()


def audio_value(tag: str, pcm: np.ndarray, sample_rate: float) -> Summary.Value:
    """The ``Summary.Value`` torch's ``add_audio`` writes for ``int16`` mono samples."""
    from trainboard.format.proto.summary_pb2 import Summary

    audio = Summary.Audio(
        sample_rate=sample_rate,
        num_channels=1,
        length_frames=pcm.shape[-1],
        encoded_audio_string=encode_wav(pcm, sample_rate),
        content_type=CONTENT_TYPE,
    )
    return Summary.Value(tag=tag, audio=audio)


def migrate(audio: Summary.Audio) -> np.ndarray:
    """An old-style ``Summary.Audio`` as TensorBoard's readers migrate it: the ``[1, 2]``
    ``object`` array ``[[wav, b""]]`` of one clip and its (empty) label."""
    pairs = np.empty((1, 2), dtype=object)
    pairs[0, 0], pairs[0, 1] = audio.encoded_audio_string, b""
    return pairs


def clips(array: np.ndarray) -> np.ndarray:
    """The clips of an ``audio`` point's string array: the first column of ``[k, 2]``
    ``(clip, label)`` rows (any array of rank 2 or more is read as rows); a rank-0 or
    rank-1 array is already clips."""
    if array.ndim > 1:
        return array.reshape(array.shape[0], -1)[:, 0]
    return array


def decode(value: Summary.Value) -> list[EncodedAudio]:
    """The clips of a value: old-style ``Summary.Audio`` or the ``audio`` plugin's tensor.

    Raises ``ValueError`` for a value that holds neither.
    """
    which = value.WhichOneof("value")
    if which == "audio":
        audio = value.audio
        return [EncodedAudio(audio.encoded_audio_string, audio.content_type or CONTENT_TYPE)]
    if which == "tensor" and value.tensor.string_val:
        strings = list(value.tensor.string_val)
        dims = [d.size for d in value.tensor.tensor_shape.dim]
        if len(dims) == 2 and dims[1] == 2 and len(strings) == 2 * dims[0]:
            return [
                EncodedAudio(strings[i], CONTENT_TYPE, strings[i + 1])
                for i in range(0, len(strings), 2)
            ]
        if len(dims) == 1 and len(strings) == dims[0]:
            return [EncodedAudio(s, CONTENT_TYPE) for s in strings]
    raise ValueError(f"tag {value.tag!r}: expected audio, got a {which or 'empty'} value")


def decode_wav(data: bytes) -> tuple[np.ndarray, int]:
    """The samples of a 16-bit PCM WAV file as float64 in [-1, 1], shape ``(frames, channels)``."""
    with wave.open(io.BytesIO(data), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"expected 16-bit PCM, got {8 * wav.getsampwidth()}-bit samples")
        channels, rate = wav.getnchannels(), wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    pcm = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)
    return pcm.astype(np.float64) / _INT16_MAX, rate
