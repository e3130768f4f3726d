"""Reading event files incrementally: only the bytes added since the last read.

A file is read from the offset where its first unread record starts, in chunks,
through the scan kernel. A record cut short at the end is left for the next read
(the writer is still writing it), unless it cannot be one: a header whose length
passes ``MAX_RECORD_BYTES``, or one followed by a complete, CRC-checked record
inside the bytes it claims, is corrupt; the reader skips to that next record and
reports the bytes skipped (a ``garbage`` warning) instead of dropping the rest.
A file that shrank, changed its first bytes, or became another file (inode)
invalidates its run, which is then read again from scratch; so does a file that
disappeared.
"""

from __future__ import annotations

import os
import struct
import threading
from contextlib import AbstractContextManager, nullcontext
from typing import BinaryIO

import numpy as np

from trainboard.data._kernel import ROW_BAD_CRC, ROW_DTYPE, ROW_SKIPPED, STATUS_END, scan
from trainboard.data._run import EventFile, RunState
from trainboard.format.event import is_event_file

__all__ = ["RunReset", "Scratch", "list_event_files", "read_new_bytes", "refresh_files"]

CHUNK_BYTES = 32 << 20
MAX_RECORD_BYTES = 1 << 31  # protobuf's limit on a message: a longer record is corrupt
ROWS_PER_SCAN = 1 << 16
_HEAD_BYTES = 32
_MARK_BYTES = 16
_U64 = struct.Struct("<Q")


class RunReset(Exception):
    """A file of the run shrank, was replaced or removed: read the run again."""


class Scratch:
    """Per-thread buffers for scanning, and the lock ingestion happens under."""

    def __init__(self, check_crc: bool, lock: threading.RLock | None = None) -> None:
        self.check_crc = check_crc
        self.rows = np.empty(ROWS_PER_SCAN, dtype=ROW_DTYPE)
        self.lock: AbstractContextManager[object] = lock if lock is not None else nullcontext()


def list_event_files(path: str) -> list[str]:
    """Names of the event files directly in ``path``, sorted (chronological by name)."""
    try:
        with os.scandir(path) as entries:
            return sorted(e.name for e in entries if is_event_file(e.name) and e.is_file())
    except OSError:
        return []


def refresh_files(run: RunState, names: list[str] | None = None) -> None:
    """Add the run's new event files (``names``, default: listed from its directory).

    Raises :class:`RunReset` when a file read before has disappeared.
    """
    if names is None:
        names = list_event_files(run.path)
    known = {f.name for f in run.files}
    if known - set(names):
        raise RunReset(f"an event file of run {run.name!r} disappeared")
    run.files.extend(EventFile(name) for name in names if name not in known)


def read_new_bytes(run: RunState, file_id: int, scratch: Scratch) -> bool:
    """Read what was appended to ``run.files[file_id]``; return whether it had changed."""
    file = run.files[file_id]
    path = os.path.join(run.path, file.name)
    try:
        stat = os.stat(path)
        if (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (file.size, file.mtime_ns, file.ino):
            return False
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        file.unreadable = str(error)
        return False
    with handle:
        stat = os.fstat(handle.fileno())
        replaced = stat.st_size < file.offset or stat.st_ino != file.ino
        if (file.offset or file.head) and (replaced or not _same(handle, file)):
            raise RunReset(f"event file {file.name!r} of run {run.name!r} was replaced")
        file.unreadable = ""
        _read_from(handle, file, file_id, run, stat.st_size, scratch)
        file.size, file.mtime_ns, file.ino = stat.st_size, stat.st_mtime_ns, stat.st_ino
    return True


def _read_from(
    handle: BinaryIO, file: EventFile, file_id: int, run: RunState, size: int, scratch: Scratch
) -> None:
    pos, chunk = file.offset, CHUNK_BYTES
    while pos < size:
        handle.seek(pos)
        data = handle.read(min(chunk, size - pos))
        if not data:
            break
        if pos == 0 and not file.head:
            file.head = data[:_HEAD_BYTES].hex()
        consumed = _scan_chunk(data, pos, file_id, run, scratch)
        if consumed == 0:
            length = _U64.unpack_from(data)[0] if len(data) >= 8 else 0
            if length <= MAX_RECORD_BYTES and len(data) < size - pos:
                chunk = min(size - pos, max(chunk * 2, length + 16))
                continue
            consumed = _skip_corrupt_header(data, pos, file_id, run, scratch)
            if consumed == 0 and length > MAX_RECORD_BYTES and len(data) < size - pos:
                consumed = len(data) - 11  # nothing valid in this chunk: look in the next
                with scratch.lock:
                    file.note("garbage", pos, consumed)
            if consumed == 0:
                break  # a record still being written
        pos += consumed
    file.offset = pos
    file.incomplete = size - pos
    handle.seek(max(pos - _MARK_BYTES, 0))
    file.mark = handle.read(min(pos, _MARK_BYTES)).hex()


def _skip_corrupt_header(
    data: bytes, base: int, file_id: int, run: RunState, scratch: Scratch
) -> int:
    """Bytes to skip when the record at ``data[0]`` claims more than ``data`` holds.

    It is corrupt when a complete record with valid CRCs starts inside the bytes it
    claims (a writer appends, so nothing valid follows a record still being written):
    skip to that record and note the bytes skipped. 0 when nothing valid follows.
    """
    if not scratch.check_crc or len(data) < 13:
        return 0
    _, count, _, _ = scan(data, 1, len(data), base, True, scratch.rows)
    kinds = scratch.rows["kind"][:count]
    valid = np.flatnonzero((kinds != ROW_SKIPPED) & (kinds != ROW_BAD_CRC))
    if len(valid) == 0:
        return 0
    skipped = int(scratch.rows["offset"][valid[0]]) - base
    with scratch.lock:
        run.files[file_id].note("garbage", base, skipped)
    return skipped


def _same(handle: BinaryIO, file: EventFile) -> bool:
    """Whether the bytes remembered at the start and before ``offset`` are still there."""
    if handle.read(len(file.head) // 2).hex() != file.head:
        return False
    handle.seek(max(file.offset - _MARK_BYTES, 0))
    return handle.read(len(file.mark) // 2).hex() == file.mark


def _scan_chunk(data: bytes, base: int, file_id: int, run: RunState, scratch: Scratch) -> int:
    pos = 0
    while True:
        pos, count, tags, status = scan(data, pos, len(data), base, scratch.check_crc, scratch.rows)
        if count:
            with scratch.lock:
                run.ingest(data, base, scratch.rows[:count], tags, file_id)
        if status == STATUS_END:
            return pos
