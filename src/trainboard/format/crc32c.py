"""CRC32C (Castagnoli) and the TFRecord mask, backed by the C-accelerated google-crc32c."""

from __future__ import annotations

from google_crc32c import value as _crc32c

__all__ = ["MASK_DELTA", "crc32c", "masked_crc32c", "unmask"]

MASK_DELTA = 0xA282EAD8


def crc32c(data: bytes | bytearray | memoryview) -> int:
    """Return the CRC32C of ``data`` (init and final XOR 0xFFFFFFFF)."""
    return int(_crc32c(data))


def masked_crc32c(data: bytes | bytearray | memoryview) -> int:
    """Return TFRecord's masked CRC: rotate the CRC right by 15 bits, add ``MASK_DELTA``."""
    crc = int(_crc32c(data))
    return (((crc >> 15) | (crc << 17)) + MASK_DELTA) & 0xFFFFFFFF


def unmask(masked: int) -> int:
    """Invert :func:`masked_crc32c`'s mask, giving back the plain CRC32C."""
    rot = (masked - MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF
