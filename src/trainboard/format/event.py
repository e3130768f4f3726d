"""Event files: their names, their first record and the restart (purge) markers."""

from __future__ import annotations

import itertools
import os
import socket
import time

from trainboard.format.proto.event_pb2 import Event, SessionLog, SourceMetadata

__all__ = [
    "EVENT_FILE_INFIX",
    "FILE_VERSION",
    "WRITER_NAME",
    "event_filename",
    "file_version_event",
    "is_event_file",
    "session_start_event",
]

FILE_VERSION = "brain.Event:2"
EVENT_FILE_INFIX = "tfevents"  # TensorBoard treats any file whose name contains this as events.
WRITER_NAME = "trainboard"

_file_counter = itertools.count()


def event_filename(
    filename_suffix: str = "", *, now: float | None = None, host: str | None = None
) -> str:
    """Name a new event file as TensorBoard's writer does.

    ``events.out.tfevents.<10-digit unix time>.<host>.<pid>.<counter><suffix>``; the
    pid and the process-wide counter keep two writers created in the same second
    from colliding (tensorboardX's names omit them and can truncate each other). The
    counter is zero-padded, so that name order is creation order (readers, TensorBoard's
    too, read a run's files in name order; torch's ``.10`` sorts before its ``.9``).
    """
    seconds = int(time.time() if now is None else now)
    hostname = socket.gethostname() if host is None else host
    return (
        f"events.out.{EVENT_FILE_INFIX}.{seconds:010d}.{hostname}.{os.getpid()}."
        f"{next(_file_counter):06d}{filename_suffix}"
    )


def is_event_file(name: str) -> bool:
    """Return whether a file's base name marks it as an event file."""
    return EVENT_FILE_INFIX in os.path.basename(name)


def file_version_event(wall_time: float, step: int = 0) -> Event:
    """The first record of every event file."""
    return Event(
        wall_time=wall_time,
        step=step,
        file_version=FILE_VERSION,
        source_metadata=SourceMetadata(writer=WRITER_NAME),
    )


def session_start_event(wall_time: float, step: int) -> Event:
    """A ``SessionLog.START`` at ``step``: readers drop earlier events with step >= it."""
    return Event(wall_time=wall_time, step=step, session_log=SessionLog(status=SessionLog.START))
