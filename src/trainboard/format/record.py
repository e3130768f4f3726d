"""TFRecord framing, the container of TensorBoard event files.

Each record is, all integers little-endian::

    uint64  length
    uint32  masked_crc32c(the 8 length bytes)
    byte    data[length]
    uint32  masked_crc32c(data)

There is no file header or index: a reader walks records until the bytes run out.
A record cut short at the end of a file is a writer still writing, not an error.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

from trainboard.errors import CorruptRecordError
from trainboard.format.crc32c import masked_crc32c

__all__ = ["FOOTER_SIZE", "HEADER_SIZE", "encode_record", "iter_records", "write_record"]

HEADER_SIZE = 12  # uint64 length + uint32 masked CRC of the length
FOOTER_SIZE = 4  # uint32 masked CRC of the data

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_HEADER = struct.Struct("<QI")


def encode_record(data: bytes) -> bytes:
    """Frame ``data`` as one TFRecord."""
    length = _LENGTH.pack(len(data))
    return b"".join(
        (length, _CRC.pack(masked_crc32c(length)), data, _CRC.pack(masked_crc32c(data)))
    )


def write_record(file: BinaryIO, data: bytes) -> int:
    """Write ``data`` to ``file`` as one TFRecord; return the number of bytes written."""
    record = encode_record(data)
    file.write(record)
    return len(record)


def iter_records(
    file: BinaryIO, *, check_crc: bool = True, start: int = 0
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(offset, data)`` for each complete record of ``file`` from byte ``start``.

    Stops quietly at a record cut short by the end of the file (it may still be
    being written). Raises :class:`~trainboard.errors.CorruptRecordError` when a
    CRC does not match and ``check_crc`` is true.
    """
    offset = start
    file.seek(start)
    while True:
        header = file.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            return
        length, length_crc = _HEADER.unpack(header)
        if check_crc and masked_crc32c(header[:8]) != length_crc:
            raise CorruptRecordError(f"record at byte {offset}: length CRC mismatch", offset=offset)
        body = file.read(length + FOOTER_SIZE)
        if len(body) < length + FOOTER_SIZE:
            return
        data = body[:length]
        if check_crc and masked_crc32c(data) != _CRC.unpack_from(body, length)[0]:
            raise CorruptRecordError(f"record at byte {offset}: data CRC mismatch", offset=offset)
        yield offset, data
        offset += HEADER_SIZE + length + FOOTER_SIZE
