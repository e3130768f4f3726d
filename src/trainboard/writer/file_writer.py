"""``FileWriter``: one event file in one log directory, written in the background.

The low-level writer under ``SummaryWriter`` (``writer.file_writer``), with the
API of torch's and tensorboardX's ``FileWriter`` for code that writes protos
itself. It accepts any protobuf ``Event``/``Summary``/``GraphDef`` with the
TensorBoard field numbers, ours or the ``tensorboard`` package's.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
import weakref
from typing import Any

from trainboard._storage import file_url_path, url_scheme
from trainboard.format.kinds._wire import length_delimited
from trainboard.writer._convert import step_of, walltime_of
from trainboard.writer._event_file import EventFile
from trainboard.writer._worker import OP_EVENT, Worker

__all__ = ["FileWriter", "close_all_writers", "local_logdir"]

_LIVE: weakref.WeakSet[Any] = weakref.WeakSet()  # writers to close at exit / reset after fork
_LIVE_LOCK = threading.Lock()


def track(writer: Any) -> None:
    """Remember ``writer`` so it is closed at interpreter exit and reset in a forked child."""
    with _LIVE_LOCK:
        _LIVE.add(writer)


def close_all_writers() -> None:
    """Flush and close every open writer (run at interpreter exit)."""
    with _LIVE_LOCK:
        writers = list(_LIVE)
    for writer in writers:
        with contextlib.suppress(Exception):
            writer.close()


def _after_fork_in_child() -> None:
    for writer in list(_LIVE):
        writer._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(close_all_writers)


def local_logdir(log_dir: str | os.PathLike[str]) -> str:
    """``log_dir`` as trainboard writes to it: a local path, or a checked fsspec URL.

    A path is returned as given; a ``file://`` URL as the path after it (as torch's
    file system layer does; ``file://localhost/x`` is ``/x``). Any other URL
    (``s3://``, ``gs://``, ``az://``, ``memory://``, ...) is an object-store log dir,
    returned with its scheme in lower case once its fsspec backend is known to be
    installed: ``MissingDependencyError`` names the extra to install otherwise, and a
    scheme fsspec does not know raises ``ValueError``, before anything is created.
    """
    path = os.fsdecode(os.fspath(log_dir))
    scheme = url_scheme(path)  # two letters at least: a Windows drive ("C://x") is a path
    if scheme is None:
        return path
    if scheme == "file":
        return file_url_path(path)
    from trainboard.writer._object_store import check_url

    return check_url(path)


class FileWriter:
    """Writes ``Event`` protos to a new event file in ``log_dir``.

    Args:
        log_dir: Directory of the event file; created if missing. A local path, a
            ``file://`` URL, or an fsspec URL (``s3://bucket/prefix/run``, ``gs://``,
            ``az://``, ...; docs/object_storage.md): then the file is written to a local
            spill directory in segments, each uploaded as an event file of its own, in
            order, off the calling thread; ``flush()`` and ``close()`` wait for the
            uploads (bounded). The backend is an extra: ``pip install 'trainboard[s3]'``.
        max_queue: Pending events at which an ``add_*`` call wakes the background
            writer rather than waiting for its next periodic write.
        flush_secs: Seconds between ``fsync`` calls. Events reach the file (and
            any reader) within ~20 ms whatever this is. In object storage: seconds
            between two segments, i.e. how late the store is at most.
        filename_suffix: Appended to the event file's name.

    Example::

        from trainboard.writer import FileWriter
        fw = FileWriter("runs/raw")
        fw.add_summary(summary_proto, global_step=3)
        fw.close()
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str],
        max_queue: int = 10,
        flush_secs: float = 120,
        filename_suffix: str = "",
        *,
        _worker: Worker | None = None,
    ) -> None:
        self._log_dir = local_logdir(log_dir)
        self._filename_suffix = filename_suffix
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._own_worker = _worker is None
        self._worker: Worker | None = (
            Worker(max_queue=max_queue, flush_secs=flush_secs) if _worker is None else _worker
        )
        self._file: EventFile | None = self._new_file(self._worker)
        self._paths = [self._file.path]  # every event file this writer has written
        self._worker.register(self._file)
        if self._own_worker:
            track(self)

    def _new_file(self, worker: Worker) -> EventFile:
        """A new event file in the log dir; in object storage, through ``worker``'s store."""
        if url_scheme(self._log_dir) is None:
            return EventFile(self._log_dir, self._filename_suffix)
        from trainboard.writer._object_store import ObjectStore, SegmentedEventFile

        if worker.store is None:
            worker.store = ObjectStore(self._log_dir)
        return SegmentedEventFile(worker.store, self._log_dir, self._filename_suffix)

    @property
    def path(self) -> str | None:
        """The event file being written (in object storage: the local segment), or None
        once closed."""
        return None if self._file is None else self._file.path

    def get_logdir(self) -> str:
        """The directory this writer writes into."""
        return self._log_dir

    def _target(self) -> tuple[Worker, EventFile]:
        if self._file is None or self._worker is None:
            self.reopen()
        assert self._worker is not None and self._file is not None
        return self._worker, self._file

    def add_event(self, event: Any, step: Any = None, walltime: Any = None) -> None:
        """Write an ``Event`` proto, setting its wall time (now if None) and step (if given)."""
        event.wall_time = walltime_of(walltime, time.time())
        if step is not None:
            event.step = step_of(step, "step")
        self.add_serialized_event(event.SerializeToString())

    def add_serialized_event(self, data: bytes) -> None:
        """Write the bytes of a serialized ``Event`` as one record."""
        worker, file = self._target()
        worker.submit((OP_EVENT, file, lambda: data, len(data)), len(data))

    def add_summary(self, summary: Any, global_step: Any = None, walltime: Any = None) -> None:
        """Write a ``Summary`` proto (ours, tensorboard's or tensorboardX's) in an Event."""
        from trainboard.format.proto.event_pb2 import Event

        head = Event(wall_time=walltime_of(walltime, time.time()), step=step_of(global_step) or 0)
        # Field 5 (summary) follows fields 1-2, so appending it keeps canonical field order.
        self.add_serialized_event(
            head.SerializeToString() + length_delimited(b"\x2a", summary.SerializeToString())
        )

    def add_graph(self, graph_profile: Any, walltime: Any = None) -> None:
        """Write a ``(GraphDef, RunMetadata)`` pair: the graph, then its run metadata."""
        from trainboard.format.proto.event_pb2 import Event, TaggedRunMetadata

        graph, run_metadata = graph_profile
        self.add_event(Event(graph_def=graph.SerializeToString()), None, walltime)
        tagged = TaggedRunMetadata(tag="step1", run_metadata=run_metadata.SerializeToString())
        self.add_event(Event(tagged_run_metadata=tagged), None, walltime)

    def add_onnx_graph(self, graph: Any, walltime: Any = None) -> None:
        """Write a ``GraphDef`` converted from an ONNX model."""
        from trainboard.format.proto.event_pb2 import Event

        self.add_event(Event(graph_def=graph.SerializeToString()), None, walltime)

    def flush(self) -> None:
        """Return once every event added before this call is in the file (in object
        storage: uploaded, or after a bounded wait a warning)."""
        if self._worker is not None:
            self._worker.flush()

    def close(self) -> None:
        """Flush and close the file. Idempotent; a later ``add_*`` opens a new file."""
        worker, file = self._worker, self._file
        self._file = None
        if worker is None:
            return
        if file is not None and worker.alive:
            worker.close_file(file)
        elif file is not None:
            file.close()
        if self._own_worker:
            self._worker = None
            worker.stop()
            worker.raise_error()

    def reopen(self) -> None:
        """Open a new event file after ``close()``; does nothing while open."""
        if self._worker is None:
            self._worker = Worker(max_queue=self._max_queue, flush_secs=self._flush_secs)
        if self._file is None:
            self._file = self._new_file(self._worker)
            self._paths.append(self._file.path)
            self._worker.register(self._file)

    def _attach(self, worker: Worker) -> None:
        """Use ``worker`` (a ``SummaryWriter``'s, after it was recreated) from now on."""
        self._worker = worker

    def _after_fork(self) -> None:
        """In a forked child: let go of the parent's file and thread without writing."""
        if self._file is not None:
            self._file.abandon()
        self._file = None
        if self._own_worker:
            self._worker = None

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FileWriter(log_dir={self._log_dir!r}, path={self.path!r})"
