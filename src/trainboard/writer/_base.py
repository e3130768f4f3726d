"""The plumbing every ``SummaryWriter`` method shares: log directories, the one
background worker behind the main run and its sub-runs, and how a call becomes a
queued item. The ``add_*`` methods live in mixins beside this module."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from trainboard.writer._convert import check_tag, step_of, walltime_of
from trainboard.writer._event_file import EventFile
from trainboard.writer._ranks import RankArg, rank_directory, resolve_rank
from trainboard.writer._worker import OP_CALL, OP_EVENT, OP_VALUES, Worker
from trainboard.writer.file_writer import FileWriter, local_logdir, track

__all__ = ["WriterBase", "default_logdir"]

log = logging.getLogger("trainboard.writer")


def default_logdir(comment: str = "") -> str:
    """``runs/<Mon DD_HH-MM-SS>_<hostname><comment>``, as torch and tensorboardX name it."""
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


class WriterBase:
    """State and plumbing of :class:`~trainboard.SummaryWriter` (see its docstring)."""

    def __init__(
        self,
        log_dir: str | os.PathLike[str] | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: float = 120,
        filename_suffix: str = "",
        write_to_disk: bool = True,
        *,
        logdir: str | os.PathLike[str] | None = None,
        max_pending: int = 1_000_000,
        on_full: str = "block",
        comet_config: dict[str, Any] | None = None,
        capture_environment: bool = True,
        system_metrics: bool | float = False,
        rank: RankArg = "auto",
    ) -> None:
        if logdir is not None:
            if log_dir is not None and os.fspath(log_dir) != os.fspath(logdir):
                raise TypeError(
                    f"give the log directory once: log_dir={log_dir!r} and logdir={logdir!r} differ"
                )
            log_dir = logdir
        if comet_config is not None and not comet_config.get("disabled", True):
            raise ValueError(
                f"comet_config={comet_config!r}: trainboard does not mirror calls to comet.ml; "
                "leave comet_config unset or {'disabled': True}"
            )
        if not isinstance(filename_suffix, str):
            raise TypeError(f"filename_suffix must be a str, got {filename_suffix!r}")
        if on_full not in ("block", "drop"):
            raise ValueError(f"on_full must be 'block' or 'drop', got {on_full!r}")
        from trainboard.writer._system_metrics import interval_of, require_psutil

        metrics_interval = interval_of(system_metrics)
        if metrics_interval is not None:
            require_psutil()  # before any file is created
        self.log_dir = local_logdir(log_dir) if log_dir else default_logdir(comment)
        self.rank = resolve_rank(rank)  # of a distributed job: writes <log_dir>/rank_<N>
        if self.rank is not None:
            self.log_dir = os.path.join(self.log_dir, rank_directory(self.rank))
        self.purge_step = step_of(purge_step, "purge_step")
        self._max_queue = int(max_queue)
        self._flush_secs = float(flush_secs)
        self._filename_suffix = filename_suffix
        self._max_pending = int(max_pending)
        self._on_full = on_full
        self._write_to_disk = bool(write_to_disk)
        self._worker: Worker | None = None
        self._dropped_before = 0  # dropped by workers of earlier open/close cycles
        self._fast: tuple[Any, int, Worker] | None = None  # add_scalar's: (queue, wake_at, worker)
        self._defaults: tuple[int | None, float | None] | None = None  # use_metadata()
        self.file_writer: FileWriter | None = None
        self.all_writers: dict[str, FileWriter] = {}
        self._system_metrics: Any = None  # the SystemMetrics sampler, while one runs
        if self._write_to_disk:
            self._get_file_writer()
            if capture_environment:
                self._capture_environment()
            if metrics_interval is not None:
                from trainboard.writer._system_metrics import SystemMetrics

                self._system_metrics = SystemMetrics(self, metrics_interval)
        track(self)

    # --------------------------------------------------------------- properties

    @property
    def logdir(self) -> str:
        """tensorboardX's name for :attr:`log_dir`."""
        return self.log_dir

    @property
    def dropped(self) -> int:
        """Events dropped because the queue was full and ``on_full="drop"``."""
        return self._dropped_before + (0 if self._worker is None else self._worker.dropped)

    def get_logdir(self) -> str:
        """The directory event files are written to."""
        return self.log_dir

    # --------------------------------------------------------------- plumbing

    def _ensure_worker(self) -> Worker:
        if self._worker is None:
            self._worker = Worker(
                max_queue=self._max_queue,
                max_pending=self._max_pending,
                on_full=self._on_full,
                flush_secs=self._flush_secs,
                owner=self,
            )
            for writer in self.all_writers.values():
                writer._attach(self._worker)
        return self._worker

    def _get_file_writer(self) -> FileWriter:
        """The main run's ``FileWriter``, (re)created after ``close()`` as torch does."""
        if self.file_writer is None or self._worker is None:
            from trainboard.format.event import file_version_event, session_start_event

            worker = self._ensure_worker()
            self.file_writer = FileWriter(
                self.log_dir,
                self._max_queue,
                self._flush_secs,
                self._filename_suffix,
                _worker=worker,
            )
            self.all_writers[self.log_dir] = self.file_writer
            if self.purge_step is not None:
                now = time.time()
                self.file_writer.add_event(file_version_event(now, self.purge_step), walltime=now)
                self.file_writer.add_event(session_start_event(now, self.purge_step), walltime=now)
                self.purge_step = None
            self._restore_fast()
        return self.file_writer

    def _capture_environment(self) -> None:
        """Queue the environment record (``writer/_environment.py``) for the worker.

        The command line and working directory are taken now; the rest (git, versions,
        GPUs) on the worker. A failure there is logged, never raised to the caller.
        """
        try:
            cwd = os.getcwd()
        except OSError:
            return
        command = list(sys.argv)
        assert self.file_writer is not None and self.file_writer._file is not None
        main_path = self.file_writer._file.path

        def record() -> None:
            from trainboard.writer import _environment

            try:
                _environment.write_record(main_path, _environment.gather(command, cwd))
            except Exception as exc:
                log.warning("trainboard: could not record the environment: %s", exc)

        self._submit_call(record, "recording the environment")

    def _restore_fast(self) -> None:
        worker, writer = self._worker, self.file_writer
        if (
            worker is not None
            and writer is not None
            and writer._file is not None
            and self._defaults is None  # use_metadata's defaults need the checking path
        ):
            worker.main_file = writer._file
            self._fast = (worker.pending, worker.wake_at, worker)

    def _invalidate_fast(self) -> None:
        """Called by the worker when an error waits: send the next call down the slow path."""
        self._fast = None

    def _sub_writer(self, run: str) -> FileWriter:
        """The ``FileWriter`` of the sub-run ``run`` (a directory under ``log_dir``)."""
        path = os.path.join(self._get_file_writer().get_logdir(), run)
        writer = self.all_writers.get(path)
        if writer is None or writer._file is None:
            worker = self._ensure_worker()
            if writer is None:
                writer = FileWriter(
                    path, self._max_queue, self._flush_secs, self._filename_suffix, _worker=worker
                )
                self.all_writers[path] = writer
            else:
                writer.reopen()
        return writer

    def _target(self, run: str | None) -> tuple[Worker, EventFile] | None:
        """Where a call writes: None when ``write_to_disk=False``. Raises a waiting error."""
        if not self._write_to_disk:
            return None
        writer = self._get_file_writer() if run is None else self._sub_writer(run)
        worker = self._worker
        assert worker is not None and writer._file is not None
        if worker.error is not None:
            self._restore_fast()
            worker.raise_error()
        return worker, writer._file

    def _submit_values(
        self,
        tag: str,
        build: Callable[[], Iterable[Any]],
        global_step: Any,
        walltime: Any,
        *,
        nbytes: int = 0,
        run: str | None = None,
    ) -> None:
        """Queue one Event whose ``Summary`` holds ``build()``'s values (built on the worker).

        ``tag`` keys the automatic step used when ``global_step`` is None.
        """
        step = self._step(global_step)
        wall = self._wall(walltime)
        target = self._target(run)
        if target is not None:
            worker, file = target
            worker.submit((OP_VALUES, file, tag, build, step, wall, nbytes), nbytes)

    def _submit_event(
        self, build: Callable[[], Any], *, nbytes: int = 0, run: str | None = None
    ) -> None:
        """Queue one complete ``Event`` (or its bytes) returned by ``build()`` on the worker."""
        target = self._target(run)
        if target is not None:
            worker, file = target
            worker.submit((OP_EVENT, file, build, nbytes), nbytes)

    def _submit_call(self, fn: Callable[[], None], description: str, *, nbytes: int = 0) -> None:
        """Run ``fn`` on the worker, in order with the events around it."""
        target = self._target(None)
        if target is not None:
            target[0].submit((OP_CALL, fn, description, nbytes), nbytes)

    @staticmethod
    def _check_tag(tag: Any, name: str = "tag") -> str:
        return check_tag(tag, name)

    def _step(self, global_step: Any) -> int | None:
        """``global_step`` checked, or the ``use_metadata`` default when it is None."""
        if global_step is None and self._defaults is not None:
            return self._defaults[0]
        return step_of(global_step)

    def _wall(self, walltime: Any) -> float:
        """``walltime`` checked, or the ``use_metadata`` default, or now."""
        if walltime is None and self._defaults is not None and self._defaults[1] is not None:
            return self._defaults[1]
        return walltime_of(walltime, time.time())

    @contextlib.contextmanager
    def use_metadata(self, *, global_step: Any = None, walltime: Any = None) -> Iterator[Any]:
        """Give the ``add_*`` calls inside the block a default step and/or wall time.

        tensorboardX's context manager; explicit arguments of a call still win.

        Example::

            with writer.use_metadata(global_step=epoch):
                writer.add_scalar("loss", loss)
                writer.add_histogram("weights", w)
        """
        if self._defaults is not None:
            raise RuntimeError("use_metadata() is already active on this writer; it does not nest")
        if global_step is None and walltime is None:
            raise ValueError("use_metadata() needs global_step or walltime (or both)")
        wall = None if walltime is None else walltime_of(walltime, 0.0)
        self._defaults = (step_of(global_step), wall)
        self._fast = None
        try:
            yield self
        finally:
            self._defaults = None
            self._restore_fast()

    # --------------------------------------------------------------- lifecycle

    def flush(self) -> None:
        """Return once everything logged before this call is written to its event file.

        Raises :class:`~trainboard.errors.WriterError` if the background writer
        failed on something logged earlier.
        """
        worker = self._worker
        if worker is not None:
            self._restore_fast()
            worker.flush()

    def close(self) -> None:
        """Flush and close every event file. Idempotent; logging afterwards opens new files."""
        sampler, self._system_metrics = self._system_metrics, None
        if sampler is not None:
            sampler.stop()
        worker = self._worker
        self._fast = None
        if worker is None:
            return
        for writer in self.all_writers.values():
            file = writer._file
            writer._file = None
            if file is not None and worker.alive:
                worker.close_file(file)
            elif file is not None:
                file.close()
        worker.stop()
        self._dropped_before += worker.dropped
        self._worker = None
        self.file_writer = None
        worker.raise_error()

    def _after_fork(self) -> None:
        """In a forked child: drop the parent's files and thread; log to new files lazily."""
        self._fast = None
        self._worker = None
        self._system_metrics = None  # its thread is the parent's
        for writer in self.all_writers.values():
            writer._after_fork()
        self.file_writer = None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A writer dropped without close() still gets its events written.
        try:
            if self._worker is not None:
                self.close()
        except Exception:
            pass
