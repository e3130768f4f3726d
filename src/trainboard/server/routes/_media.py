"""What the media routes learn from a blob's first bytes: its type, size, frames, duration.

Pure functions over ``bytes``; nothing is decoded beyond the headers (a GIF's blocks are
walked, not decompressed), so describing a blob costs a read, not a decode.

Layouts (all little-endian unless said otherwise):

* PNG: 8-byte signature, then the IHDR chunk: width and height as big-endian uint32 at
  bytes 16 and 20.
* GIF: ``GIF87a``/``GIF89a``, a 7-byte logical screen descriptor (uint16 width, height;
  a packed byte whose top bit says a global colour table of ``3 * 2 ** (n + 1)`` bytes
  follows), then blocks: ``0x21`` extensions (``0xF9``, the graphic control extension,
  holds the next frame's delay in centiseconds as a uint16 at its bytes 2-3), ``0x2C``
  image descriptors (one per frame: 9 bytes, maybe a local colour table, one byte of LZW
  code size, then data sub-blocks) and the ``0x3B`` trailer. Sub-blocks are a length byte
  and that many bytes, ended by a zero length.
* WAV: ``RIFF`` size ``WAVE``, then chunks (4-byte id, uint32 size, data padded to an
  even length); ``fmt `` holds format, channels, sample rate, byte rate, block align and
  bits per sample; ``data`` holds the frames.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = [
    "GifInfo",
    "WavInfo",
    "gif_info",
    "image_size",
    "is_animated_gif",
    "sniff_audio",
    "sniff_image",
    "wav_info",
]

# Browsers play a GIF frame whose delay is 0 or 10 ms for 100 ms (Chromium and Firefox).
_SHORT_DELAY_MS = 10
_PLAYED_SHORT_DELAY_MS = 100


def sniff_image(data: bytes) -> str:
    """The MIME type of image bytes, from their signature (``application/octet-stream``
    when unknown)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"BM"):
        return "image/bmp"
    return "application/octet-stream"


def sniff_audio(data: bytes) -> str:
    """The MIME type of audio bytes (WAV, FLAC, Ogg, MP3), else ``application/octet-stream``."""
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "audio/wav"
    if data.startswith(b"fLaC"):
        return "audio/flac"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return "application/octet-stream"


def image_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of a PNG or GIF from its header, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith((b"GIF87a", b"GIF89a")) and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    return None


@dataclass(frozen=True, slots=True)
class GifInfo:
    """A GIF's screen size, its frames and how long one loop plays.

    ``duration_ms`` counts each frame's delay as browsers play it (a stored delay of
    0 or 10 ms plays for 100 ms); ``delays_ms`` are the stored delays.
    """

    width: int
    height: int
    frames: int
    delays_ms: tuple[int, ...]

    @property
    def duration_ms(self) -> int:
        return sum(_PLAYED_SHORT_DELAY_MS if d <= _SHORT_DELAY_MS else d for d in self.delays_ms)


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """The position after a chain of data sub-blocks starting at ``pos``."""
    while True:
        if pos >= len(data):
            raise ValueError("GIF ends inside a data sub-block chain")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _color_table_size(packed: int) -> int:
    return 3 * 2 ** ((packed & 0x07) + 1) if packed & 0x80 else 0


def gif_info(data: bytes) -> GifInfo:
    """Walks a GIF's blocks; ``ValueError`` if it is not a GIF or is cut short before a frame."""
    if not data.startswith((b"GIF87a", b"GIF89a")) or len(data) < 13:
        raise ValueError("not a GIF (no GIF87a/GIF89a header)")
    width, height, packed = struct.unpack("<HHB", data[6:11])
    pos = 13 + _color_table_size(packed)
    delays: list[int] = []
    delay = 0
    try:
        while pos < len(data):
            block = data[pos]
            if block == 0x3B:  # trailer
                break
            if block == 0x21:  # extension: label, then sub-blocks
                if data[pos + 1] == 0xF9 and data[pos + 2] >= 4:
                    delay = 10 * struct.unpack("<H", data[pos + 4 : pos + 6])[0]
                pos = _skip_sub_blocks(data, pos + 2)
            elif block == 0x2C:  # image descriptor: one frame
                local = data[pos + 9]
                pos = _skip_sub_blocks(data, pos + 10 + _color_table_size(local) + 1)
                delays.append(delay)
                delay = 0
            else:
                raise ValueError(f"unknown GIF block 0x{block:02x} at byte {pos}")
    except (IndexError, struct.error, ValueError):
        if not delays:
            raise ValueError("GIF holds no complete frame") from None
    return GifInfo(int(width), int(height), len(delays), tuple(delays))


def is_animated_gif(data: bytes) -> bool:
    """Whether ``data`` is a GIF with more than one frame."""
    if sniff_image(data) != "image/gif":
        return False
    try:
        return gif_info(data).frames > 1
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class WavInfo:
    """A WAV file's format: ``duration`` is ``frames / sample_rate`` seconds."""

    audio_format: int
    channels: int
    sample_rate: int
    bits_per_sample: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def wav_info(data: bytes) -> WavInfo:
    """Reads a WAV header; ``ValueError`` when ``data`` is no WAV or lacks ``fmt ``/``data``.

    A ``data`` chunk whose size runs past the end (streaming writers leave it unset) counts
    the bytes actually there.
    """
    if not (data.startswith(b"RIFF") and data[8:12] == b"WAVE"):
        raise ValueError("not a WAV file (no RIFF/WAVE header)")
    pos = 12
    fmt: tuple[int, int, int, int, int, int] | None = None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = pos + 8
        if chunk == b"fmt " and size >= 16 and body + 16 <= len(data):
            fmt = struct.unpack("<HHIIHH", data[body : body + 16])
        elif chunk == b"data":
            if fmt is None:
                raise ValueError("WAV 'data' chunk comes before its 'fmt ' chunk")
            audio_format, channels, rate, _, block_align, bits = fmt
            available = min(size, len(data) - body)
            frames = available // block_align if block_align else 0
            return WavInfo(audio_format, channels, rate, bits, frames)
        pos = body + size + (size & 1)
    raise ValueError("WAV file has no 'fmt ' and 'data' chunks")
