"""The reader's hot loop, isolated behind :func:`scan`: compiled when it can be.

:func:`scan` walks the TFRecord framing of a buffer holding part of an event file,
checks CRCs and writes one fixed-size row per finding (``ROW_DTYPE``):

* ``ROW_SIMPLE`` / ``ROW_TENSOR``: one ``Summary.Value`` of a scalar-shaped Event
  (a ``simple_value`` or a one-element float/double/int32/int64 tensor) with its
  step, wall time, value as float64, tag and where its metadata lies;
* ``ROW_RECORD``: a valid record the caller decodes with protobuf;
* ``ROW_BAD_CRC``: a record whose data CRC fails (skipped);
* ``ROW_SKIPPED``: bytes skipped after a record header whose CRC fails, up to the
  next offset where a header's CRC matches.

The compiled kernel (``trainboard._native._records``, ``records.c``) decodes the
scalar shapes itself; this module's pure-Python version emits ``ROW_RECORD`` for
every valid record, and the caller's protobuf path yields exactly the same data.
Both stop at a record cut short by the end of the buffer and return its offset.
"""

from __future__ import annotations

import os
import struct
from types import ModuleType
from typing import Any

import numpy as np

from trainboard.format.crc32c import masked_crc32c

__all__ = [
    "ROW_BAD_CRC",
    "ROW_DTYPE",
    "ROW_RECORD",
    "ROW_SIMPLE",
    "ROW_SKIPPED",
    "ROW_TENSOR",
    "STATUS_END",
    "native",
    "scan",
]

ROW_DTYPE = np.dtype(
    [
        ("offset", "<i8"),
        ("length", "<i8"),
        ("step", "<i8"),
        ("wall_time", "<f8"),
        ("value", "<f8"),
        ("tag", "<i4"),
        ("value_index", "<i4"),
        ("meta_off", "<i4"),
        ("meta_len", "<i4"),
        ("kind", "<i4"),
        ("reserved", "<i4"),
    ]
)
ROW_RECORD, ROW_SIMPLE, ROW_TENSOR, ROW_BAD_CRC, ROW_SKIPPED = range(5)
STATUS_END, STATUS_ROWS_FULL, STATUS_TAGS_FULL = range(3)

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


def _load_native() -> ModuleType | None:
    if os.environ.get("TRAINBOARD_PURE_PYTHON"):
        return None
    try:
        from trainboard._native import _records
    except ImportError:
        return None
    return _records if ROW_DTYPE.itemsize == _records.ROW_SIZE else None


native: ModuleType | None = _load_native()
"""The compiled kernel, or None (tests set it to None to cover the fallback)."""

ScanResult = tuple[int, int, tuple[bytes, ...], int]


def scan(
    buffer: Any, start: int, end: int, base: int, check_crc: bool, rows: np.ndarray
) -> ScanResult:
    """Scan ``buffer[start:end]`` (file bytes from offset ``base``) into ``rows``.

    Returns ``(pos, nrows, tags, status)``: where scanning stopped (a record cut
    short, or the end), how many rows were written, the tag of each ``tag`` index,
    and ``STATUS_END`` or, when ``rows`` (or the tag table) filled up, another status
    telling the caller to drain the rows and call again from ``pos``.
    """
    if native is not None:
        result: ScanResult = native.scan(buffer, start, end, base, check_crc, rows)
        return result
    return _scan_python(bytes(buffer), start, end, base, check_crc, rows)


def _resync(buffer: bytes, pos: int, end: int) -> int:
    """The first offset after ``pos`` whose 12 bytes are a header with a valid CRC."""
    q = pos + 1
    while q + 12 <= end and masked_crc32c(buffer[q : q + 8]) != _U32.unpack_from(buffer, q + 8)[0]:
        q += 1
    return q if q + 12 <= end else end - 11


def _scan_python(
    buffer: bytes, start: int, end: int, base: int, check_crc: bool, rows: np.ndarray
) -> ScanResult:
    pos, status = start, STATUS_END
    kinds: list[int] = []
    offsets: list[int] = []
    lengths: list[int] = []
    capacity = len(rows)
    while pos + 12 <= end:
        if len(kinds) >= capacity:
            status = STATUS_ROWS_FULL
            break
        header_crc = _U32.unpack_from(buffer, pos + 8)[0]
        if check_crc and masked_crc32c(buffer[pos : pos + 8]) != header_crc:
            q = _resync(buffer, pos, end)
            kinds.append(ROW_SKIPPED)
            offsets.append(base + pos)
            lengths.append(q - pos)
            pos = q
            continue
        length = _U64.unpack_from(buffer, pos)[0]
        if end - pos < 16 or length > end - pos - 16:
            break
        data_end = pos + 12 + length
        kind = ROW_RECORD
        if check_crc and masked_crc32c(buffer[pos + 12 : data_end]) != _U32.unpack_from(
            buffer, data_end
        )[0]:
            kind = ROW_BAD_CRC
        kinds.append(kind)
        offsets.append(base + pos)
        lengths.append(length)
        pos = data_end + 4
    n = len(kinds)
    out = rows[:n]
    out[...] = 0
    out["kind"] = kinds
    out["offset"] = offsets
    out["length"] = lengths
    out["meta_off"] = -1
    return pos, n, (), status
