"""One event file, and the bytes of the records the worker appends to it.

``EventFile`` owns the descriptor (opened unbuffered, so no bytes wait in a user-space
buffer a forked child could write twice) and the per-file state of the fast path:
encoded tag prefixes and the automatic steps of calls without ``global_step``.
``scalar_record`` is the writer's hot loop.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Iterable
from typing import Any

from google_crc32c import value as crc32c

from trainboard.errors import WriterError
from trainboard.format.crc32c import MASK_DELTA
from trainboard.format.kinds import scalar
from trainboard.format.kinds._wire import PACK_DOUBLE, PACK_FLOAT, encode_varint
from trainboard.format.record import HEADER_SIZE, encode_record

__all__ = ["EventFile", "event_bytes", "scalar_record"]


class EventFile:
    """One event file: created with its ``file_version`` record, then appended to."""

    def __init__(self, logdir: str, filename_suffix: str = "") -> None:
        from trainboard.format.event import event_filename

        os.makedirs(logdir, exist_ok=True)
        self.logdir = logdir
        self.pid = os.getpid()
        self.tag_prefixes: dict[str, bytes] = {}  # scalar fast path: tag -> encoded event tail
        self.auto_steps: dict[str, int] = {}  # tag -> next step for calls without global_step
        self._fd: int | None = None
        self._create(os.path.join(logdir, event_filename(filename_suffix)))

    def _create(self, path: str) -> None:
        """Create ``path`` (it must not exist) and write its ``file_version`` record."""
        from trainboard.format.event import file_version_event

        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0)
        self.path = path
        self._fd = os.open(path, flags, 0o644)
        self.write(encode_record(file_version_event(time.time()).SerializeToString()))

    @property
    def closed(self) -> bool:
        return self._fd is None

    def next_auto_step(self, key: str) -> int:
        step = self.auto_steps.get(key, 0)
        self.auto_steps[key] = step + 1
        return step

    def write(self, data: bytes) -> None:
        if self._fd is None:
            raise WriterError(f"event file {self.path!r} is closed")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def abandon(self) -> None:
        """Forget the descriptor without touching the file (after ``fork()``, in the child)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


_LENGTH_HEADERS: dict[int, bytes] = {}  # record length -> its 12-byte framing header
_PACK_U32 = struct.Struct("<I").pack
_ZERO = PACK_DOUBLE(0.0)
_SMALL_VARINTS = [bytes((n,)) for n in range(128)]


def scalar_record(
    file: EventFile,
    tag: str,
    value: Any,
    step: int | None,
    wall_time: float,
    new_style: bool,
    double_precision: bool,
) -> bytes:
    """The framed record of one scalar item: the hot loop of the writer.

    Equivalent to ``encode_record(scalar.encode_event(...))`` with the per-tag
    prefix and the per-length record header cached.
    """
    if type(value) is not float:
        value = float(value)  # ints, and 0-dim device tensors whose read was deferred
    if step is None:
        step = file.next_auto_step(tag)
    if new_style:
        proto = scalar.scalar_value(tag, value, new_style=True, double_precision=double_precision)
        return encode_record(event_bytes(wall_time, step, [proto]))
    prefix: bytes | None = file.tag_prefixes.get(tag)
    if prefix is None:
        if len(file.tag_prefixes) > 100_000:
            file.tag_prefixes.clear()
        prefix = file.tag_prefixes[tag] = scalar.event_tail_prefix(tag)
    wall = PACK_DOUBLE(wall_time)
    head = b"" if wall == _ZERO else b"\x09" + wall
    if step:
        head += b"\x10" + (_SMALL_VARINTS[step] if 0 < step < 128 else encode_varint(step))
    try:
        data = head + prefix + PACK_FLOAT(value)
    except OverflowError:
        data = scalar.encode_event(prefix, value, step, wall_time)
    n = len(data)
    header = _LENGTH_HEADERS.get(n)
    if header is None:
        header = _LENGTH_HEADERS[n] = encode_record(b"\0" * n)[:HEADER_SIZE]
    crc: int = crc32c(data)
    return header + data + _PACK_U32((((crc >> 15) | (crc << 17)) + MASK_DELTA) & 0xFFFFFFFF)


def event_bytes(wall_time: float, step: int, values: Iterable[Any]) -> bytes:
    """Serialize an Event holding ``values`` (our ``Summary.Value`` protos or duck-typed ones)."""
    from trainboard.format.proto.event_pb2 import Event
    from trainboard.format.proto.summary_pb2 import Summary

    summary = Summary()
    for value in values:
        if isinstance(value, Summary.Value):
            summary.value.append(value)
        else:  # a Summary.Value from another protobuf module (tensorboard's, tensorboardX's)
            summary.value.add().ParseFromString(value.SerializeToString())
    data: bytes = Event(wall_time=wall_time, step=step, summary=summary).SerializeToString()
    return data
