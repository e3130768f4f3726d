"""Reading media headers: image types, GIF frames and delays, WAV formats."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np
import pytest
from PIL import Image

from trainboard.format.kinds.video import encode_gif
from trainboard.server.routes import _media


def _image_bytes(fmt: str, mode: str = "RGB", size: tuple[int, int] = (7, 5)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("PNG", "image/png"),
        ("GIF", "image/gif"),
        ("JPEG", "image/jpeg"),
        ("WEBP", "image/webp"),
        ("BMP", "image/bmp"),
    ],
)
def test_image_types_are_sniffed(fmt: str, mime: str) -> None:
    assert _media.sniff_image(_image_bytes(fmt)) == mime


def test_unknown_bytes_are_octet_stream() -> None:
    assert _media.sniff_image(b"hello") == "application/octet-stream"
    assert _media.sniff_audio(b"hello") == "application/octet-stream"
    assert _media.image_size(b"hello") is None


def test_png_and_gif_sizes_come_from_the_header() -> None:
    assert _media.image_size(_image_bytes("PNG")) == (7, 5)
    assert _media.image_size(_image_bytes("GIF")) == (7, 5)
    assert _media.image_size(_image_bytes("JPEG")) is None


def _frames(n: int) -> np.ndarray:
    return np.stack([np.full((6, 8, 3), 40 * i, dtype=np.uint8) for i in range(n)])


@pytest.mark.parametrize(("n", "fps"), [(1, 4), (3, 4), (7, 25), (4, 0.5)])
def test_gif_frames_and_delays(n: int, fps: float) -> None:
    info = _media.gif_info(encode_gif(_frames(n), fps))
    delay = 10 * max(1, round(100 / fps))
    assert (info.width, info.height, info.frames) == (8, 6, n)
    assert info.delays_ms == (delay,) * n
    assert info.duration_ms == n * delay
    assert _media.is_animated_gif(encode_gif(_frames(n), fps)) is (n > 1)


def test_pillow_gifs_with_local_palettes_and_extensions_are_walked() -> None:
    frames = [Image.new("RGB", (9, 4), (i * 80, 255 - i * 80, 3)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[50, 0, 120],
        loop=0,
        comment=b"a comment block",
    )
    info = _media.gif_info(out.getvalue())
    assert info.frames == 3
    assert info.delays_ms == (50, 0, 120)
    assert info.duration_ms == 50 + 100 + 120  # browsers play a 0 ms frame for 100 ms


def test_a_truncated_gif_counts_its_complete_frames() -> None:
    data = encode_gif(_frames(3), 4)
    assert _media.gif_info(data[:-1]).frames == 3  # no trailer
    with pytest.raises(ValueError, match="no complete frame"):
        _media.gif_info(data[:40])
    with pytest.raises(ValueError, match="not a GIF"):
        _media.gif_info(_image_bytes("PNG"))
    assert _media.is_animated_gif(data[:40]) is False
    assert _media.is_animated_gif(_image_bytes("PNG")) is False


def _wav(rate: int, channels: int, width: int, frames: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\0" * (frames * channels * width))
    return out.getvalue()


@pytest.mark.parametrize(
    ("rate", "channels", "width", "frames"),
    [(8000, 1, 2, 4000), (44100, 2, 2, 441), (16000, 1, 1, 3), (22050, 2, 3, 0)],
)
def test_wav_headers(rate: int, channels: int, width: int, frames: int) -> None:
    data = _wav(rate, channels, width, frames)
    info = _media.wav_info(data)
    assert (info.audio_format, info.channels, info.sample_rate) == (1, channels, rate)
    assert (info.bits_per_sample, info.frames) == (8 * width, frames)
    assert info.duration == frames / rate
    assert _media.sniff_audio(data) == "audio/wav"


def test_wav_with_extra_chunks_and_an_unset_data_size() -> None:
    pcm = b"\1\0" * 100
    fmt = struct.pack("<HHIIHH", 1, 1, 1000, 2000, 2, 16)
    body = (
        b"WAVE"
        + b"LIST"
        + struct.pack("<I", 3)
        + b"abc\0"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", 0xFFFFFFFF)
        + pcm
    )
    info = _media.wav_info(b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + body)
    assert (info.frames, info.duration) == (100, 0.1)


def test_bad_wavs_raise_value_error() -> None:
    with pytest.raises(ValueError, match="not a WAV"):
        _media.wav_info(b"RIFF\0\0\0\0AVI ")
    data_first = b"RIFF\0\0\0\0WAVE" + b"data" + struct.pack("<I", 2) + b"\0\0"
    with pytest.raises(ValueError, match="before its 'fmt '"):
        _media.wav_info(data_first)
    with pytest.raises(ValueError, match="no 'fmt ' and 'data'"):
        _media.wav_info(b"RIFF\0\0\0\0WAVE")


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"fLaC\0", "audio/flac"),
        (b"OggS\0", "audio/ogg"),
        (b"ID3\3", "audio/mpeg"),
        (b"\xff\xfb\x90", "audio/mpeg"),
    ],
)
def test_other_audio_types_are_sniffed(head: bytes, mime: str) -> None:
    assert _media.sniff_audio(head) == mime
