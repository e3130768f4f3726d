"""``LogdirProvider``: the :class:`~trainboard.data.provider.DataProvider` over a logdir.

Runs are the directories under the logdir (recursively) that hold event files,
named by their path relative to it. Each :meth:`~LogdirProvider.reload` walks the
logdir for new runs and files and reads only the bytes appended since the last
one. With a cache directory, the state is saved to a persistent index
(:mod:`trainboard.data._index`) so that reopening skips unchanged bytes.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO

from trainboard.data import _index, _reading, notes
from trainboard.data._run import EventFile, RunState, Series
from trainboard.data._subruns import infer_sub_run, rank_parents, with_ranks
from trainboard.data._tail import RunReset, Scratch, read_new_bytes, refresh_files
from trainboard.data.provider import (
    BlobSequencePoint,
    BlobSequenceSeries,
    BlobSequenceSteps,
    DataClass,
    DataProvider,
    LoadProgress,
    LoadWarning,
    ReloadReport,
    Run,
    ScalarSeries,
    ScalarView,
    TagInfo,
    TensorSeries,
    XAxis,
)
from trainboard.errors import NotFoundError
from trainboard.format.event import is_event_file
from trainboard.format.kinds.projector import CONFIG_FILENAME
from trainboard.format.paths import resolve_within

__all__ = ["LogdirProvider"]

log = logging.getLogger("trainboard.data")

_INCOMPLETE_GRACE_S = 30.0  # a partial record older than this is reported as truncated


class LogdirProvider(DataProvider):
    """Every run under ``logdir``, read losslessly and incrementally.

    Args:
        logdir: The directory to read (``~`` is expanded).
        check_crc: Check every record's CRC32C (records that fail are skipped and
            reported). False is faster and trusts the bytes.
        cache_dir: Where the persistent index lives; default ``$TRAINBOARD_CACHE_DIR``,
            else the user's cache directory. ``""`` or ``use_cache=False`` disables it.
        use_cache: False reads everything from the event files every time.
        save_interval: Least seconds between two index saves during reloads.

    Example::

        provider = LogdirProvider("runs")
        provider.reload()
        loss = provider.read_scalars("exp1", "loss")
    """

    def __init__(
        self,
        logdir: str | os.PathLike[str],
        *,
        check_crc: bool = True,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool = True,
        save_interval: float = 60.0,
    ) -> None:
        super().__init__()
        self.logdir = os.path.abspath(os.path.expanduser(os.fspath(logdir)))
        self.check_crc = check_crc
        self.save_interval = save_interval
        self._lock = threading.RLock()
        self._reload_lock = threading.Lock()
        self._runs: dict[str, RunState] = {}
        self._reported: dict[tuple[str, str], tuple[int, int]] = {}
        self._reported_runs: set[str] = set()
        self._unreported: set[str] = set()  # runs read into since the last report
        # Bumped after anything runs() or tags() list changes; their answers are kept per value.
        self._generation = 0
        self._runs_cache: tuple[int, list[Run]] | None = None
        self._tags_cache: tuple[int, list[TagInfo]] | None = None
        self._warned: set[LoadWarning] = set()
        self._index = _index.IndexFile.for_logdir(self.logdir, cache_dir) if use_cache else None
        self._scratch: Scratch | None = None  # scan buffers, reused by every reload
        self._dirty = False
        self._saved_at = -math.inf  # no index yet: save after the first reload
        self._progress = _Progress()
        if self._index is not None:
            self._runs = self._index.load(check_crc)
            if self._runs:
                self._saved_at = time.monotonic()

    # -- loading -----------------------------------------------------------

    def reload(self) -> ReloadReport:
        """Read new bytes, files and runs; report what changed.

        Example::

            report = provider.reload()
            for (run, tag), count in report.new_points.items():
                print(run, tag, count)
        """
        with self._reload_lock:
            self._progress.begin()
            try:
                found = _discover(self.logdir)
                with self._lock:
                    removed = sorted(set(self._runs) - set(found))
                    for name in removed:
                        del self._runs[name]
                    new = [name for name in found if name not in self._runs]
                    for name in new:
                        self._runs[name] = RunState(name, found[name][0])
                    if removed or new:
                        self._generation += 1
                    states = [self._runs[name] for name in sorted(self._runs)]
                self._progress.found(found, states)
                if self._scratch is None:
                    self._scratch = Scratch(self.check_crc, self._lock)
                scratch = self._scratch
                reset = [s.name for s in states if self._reload_run(s, found[s.name][1], scratch)]
            finally:
                with self._lock:
                    self._progress.end(list(self._runs.values()))
            report = self._report(removed, reset)
            if report.changed:
                self._dirty = True
            if self._dirty and time.monotonic() - self._saved_at >= self.save_interval:
                self.save_index()
            return report

    def _reload_run(self, state: RunState, names: list[str], scratch: Scratch) -> bool:
        """Read a run's new bytes; return whether it had to be read again from scratch."""
        first = not any(f.offset for f in state.files)
        try:
            refresh_files(state, names)
            for file_id in range(len(state.files)):
                before = state.files[file_id].size
                if _read_isolated(state, file_id, scratch):
                    self._unreported.add(state.name)
                    self._generation += 1
                self._progress.file_read(state.name, state.files[file_id], before)
        except RunReset:
            fresh = RunState(state.name, state.path)
            self._unreported.add(state.name)
            with self._lock:
                self._runs[state.name] = fresh
                for key in [k for k in self._reported if k[0] == state.name]:
                    del self._reported[key]
            try:
                refresh_files(fresh)
                for file_id in range(len(fresh.files)):
                    _read_isolated(fresh, file_id, scratch)
            except RunReset:
                pass  # changed again while being read: the next reload tries again
            fresh.trim()
            self._generation += 1
            return True
        if first:
            with self._lock:
                state.trim()
        return False

    def _report(self, removed: list[str], reset: list[str]) -> ReloadReport:
        new_points: dict[tuple[str, str], int] = {}
        purged: dict[tuple[str, str], int] = {}
        new_tags: list[tuple[str, str]] = []
        with self._lock:
            runs = set(self._runs)
            # Only runs read into (or new) since the last report can have changed.
            changed = self._unreported | (runs - self._reported_runs)
            self._unreported = set()
            for name, state in self._runs.items():
                if name not in changed:
                    continue
                for tag, series in state.series.items():
                    key = (name, tag)
                    if key not in self._reported:
                        new_tags.append(key)
                    old_len, old_purged = self._reported.get(key, (0, 0))
                    dropped = series.purged - old_purged
                    added = len(series) - (old_len - dropped)
                    if added:
                        new_points[key] = added
                    if dropped:
                        purged[key] = dropped
                    self._reported[key] = (len(series), series.purged)
            if self._reported_runs - runs:
                for key in [k for k in self._reported if k[0] not in runs]:
                    del self._reported[key]
        new_runs = tuple(sorted(runs - self._reported_runs))
        self._reported_runs = runs
        warnings = self.warnings()
        fresh = tuple(w for w in warnings if w not in self._warned)
        self._warned = set(warnings)
        return ReloadReport(
            new_runs=new_runs,
            removed_runs=tuple(removed),
            reset_runs=tuple(reset),
            new_tags=tuple(new_tags),
            new_points=new_points,
            purged=purged,
            new_warnings=fresh,
        )

    @property
    def cache_dir(self) -> str | None:
        """The cache directory this provider uses (None when caching is off).

        Other caches of the same logdir (e.g. the projector's) live under it too.
        """
        return None if self._index is None else os.path.dirname(self._index.path)

    def save_index(self, *, only_if_changed: bool = False) -> None:
        """Write the persistent index now (a no-op without a cache directory).

        Example::

            provider.save_index(only_if_changed=True)
        """
        if self._index is None or (only_if_changed and not self._dirty):
            return
        with self._lock:
            self._index.save(self._runs, self.check_crc)
        self._dirty = False
        self._saved_at = time.monotonic()

    def close(self) -> None:
        """Save the index if anything changed since it was last saved."""
        self.save_index(only_if_changed=True)

    # -- listing -----------------------------------------------------------

    def runs(self) -> list[Run]:
        with self._lock:
            generation = self._generation
            if self._runs_cache is not None and self._runs_cache[0] == generation:
                return list(self._runs_cache[1])
            listing = [
                (n, s.start_time, list(s.series), max((f.mtime_ns for f in s.files), default=0))
                for n, s in sorted(self._runs.items())
            ]
        runs = [
            Run(name, start, *infer_sub_run(name, tags), last_write_time=mtime / 1e9 or None)
            for name, start, tags, mtime in listing
        ]
        listed = with_ranks(runs)  # rank directories marked, their parents listed once
        self._runs_cache = (generation, listed)
        return list(listed)

    def tags(
        self,
        run: str | None = None,
        *,
        data_class: DataClass | None = None,
        plugin_name: str | None = None,
    ) -> list[TagInfo]:
        with self._lock:
            if run is not None and run not in self._runs and run in rank_parents(self._runs):
                return []  # the parent of rank directories, without event files of its own
            if run is None:
                infos = self._all_tags()
            else:
                state = self._state(run)
                infos = [state.series[tag].tag_info(run) for tag in sorted(state.series)]
        if data_class is None and plugin_name is None:
            return list(infos)
        return [
            info
            for info in infos
            if (data_class is None or info.data_class is data_class)
            and (plugin_name is None or info.plugin_name == plugin_name)
        ]

    def _all_tags(self) -> list[TagInfo]:
        """Every run's tags by (run, tag), kept until something changes (call under the lock)."""
        generation = self._generation
        if self._tags_cache is not None and self._tags_cache[0] == generation:
            return self._tags_cache[1]
        infos = [
            state.series[tag].tag_info(name)
            for name, state in sorted(self._runs.items())
            for tag in sorted(state.series)
        ]
        self._tags_cache = (generation, infos)
        return infos

    # -- reading -----------------------------------------------------------

    def _state(self, run: str) -> RunState:
        state = self._runs.get(run)
        if state is None:
            raise NotFoundError(f"no run {run!r} in logdir {self.logdir!r}")
        return state

    def _series(self, run: str, tag: str, *classes: DataClass) -> tuple[RunState, Series]:
        state = self._state(run)
        series = state.series.get(tag)
        if series is None:
            raise NotFoundError(f"run {run!r} has no tag {tag!r}")
        if series.data_class not in classes:
            wanted = " or ".join(c.value for c in classes)
            raise ValueError(
                f"tag {tag!r} of run {run!r} holds {series.data_class.value} data, not {wanted}"
            )
        return state, series

    def read_scalars(self, run: str, tag: str) -> ScalarSeries:
        with self._lock:
            _, series = self._series(run, tag, DataClass.SCALAR)
            assert series.values is not None
            return ScalarSeries(
                run, tag, series.steps.view(), series.wall_times.view(), series.values.view()
            )

    def read_scalar_view(
        self,
        run: str,
        tag: str,
        *,
        width: int = 1000,
        x_axis: XAxis = "step",
        x_range: tuple[float, float] | None = None,
        smoothing: float = 0.0,
        time_weighted: bool = False,
    ) -> ScalarView:
        """A per-pixel view of a scalar tag (see :class:`~trainboard.data.provider.DataProvider`).

        Example::

            view = provider.read_scalar_view("exp1", "loss", width=800, smoothing=0.6)
        """
        return _reading.scalar_view(
            self.read_scalars(run, tag), width, x_axis, x_range, smoothing, time_weighted
        )

    def read_tensors(self, run: str, tag: str) -> TensorSeries:
        with self._lock:
            state, series = self._series(run, tag, DataClass.TENSOR, DataClass.UNKNOWN)
            refs = _reading.snapshot_refs(state, series)
        steps, walls, values = _reading.decode_tensors(refs, series, self._lock)
        return TensorSeries(run, tag, steps, walls, values)

    def read_blob_sequences(self, run: str, tag: str) -> BlobSequenceSeries:
        with self._lock:
            state, series = self._series(run, tag, DataClass.BLOB_SEQUENCE)
            refs = _reading.snapshot_refs(state, series)
        return _reading.blob_series(run, tag, refs)

    def read_blob_steps(self, run: str, tag: str) -> BlobSequenceSteps:
        with self._lock:
            _, series = self._series(run, tag, DataClass.BLOB_SEQUENCE)
            assert series.lengths is not None
            return BlobSequenceSteps(
                run, tag, series.steps.view(), series.wall_times.view(), series.lengths.view()
            )

    def read_blob_point(
        self, run: str, tag: str, step: int, index: int | None = None
    ) -> BlobSequencePoint:
        with self._lock:
            state, series = self._series(run, tag, DataClass.BLOB_SEQUENCE)
            found = series.position_of(step, index)
            if found is None:
                raise NotFoundError(f"run {run!r} tag {tag!r} has no step {step}")
            assert series.files is not None and series.offsets is not None
            assert series.indices is not None and series.lengths is not None
            file_name = state.files[int(series.files.view()[found])].name
            offset = int(series.offsets.view()[found])
            value_index = int(series.indices.view()[found])
            length = int(series.lengths.view()[found])
            wall_time = float(series.wall_times.view()[found])
        refs = _reading.blob_refs(run, file_name, offset, value_index, length, step, wall_time)
        return BlobSequencePoint(run, tag, found, step, wall_time, refs)

    def read_blob(self, key: str) -> bytes:
        run, name, offset, index, element = _reading.parse_blob_key(key)
        with self._lock:
            state = self._state(run)
            if name not in {f.name for f in state.files}:
                raise NotFoundError(f"blob key {key!r}: run {run!r} has no file {name!r}")
            plugins = {tag: s.plugin_name for tag, s in state.series.items()}
        return _reading.read_blob(os.path.join(state.path, name), offset, index, element, plugins)

    # -- files of a run's directory -----------------------------------------

    def projector_runs(self) -> list[str]:
        with self._lock:
            names = {".", *self._runs}  # a config at the root counts without event files
        # One stat per run finds the few with a config; only those pay for the real path.
        return [
            name
            for name in sorted(names)
            if os.path.isfile(os.path.join(self.logdir, name, CONFIG_FILENAME))
            and os.path.isfile(os.path.join(self._run_directory(name), CONFIG_FILENAME))
        ]

    def _run_directory(self, run: str) -> str:
        """The real path of ``run``'s directory; NotFoundError when it is outside the logdir."""
        _, path, inside = resolve_within(run, self.logdir)
        if not inside:
            raise NotFoundError(f"run {run!r} is outside the logdir {self.logdir!r}")
        return path

    def _run_file(self, run: str, path: str) -> str:
        directory, found, inside = resolve_within(
            os.path.expanduser(path), self._run_directory(run)
        )
        if not inside:
            raise ValueError(
                f"{path!r} resolves to {found!r}, outside the directory {directory!r} "
                f"of run {run!r}"
            )
        return found

    def open_run_file(self, run: str, path: str) -> BinaryIO:
        """Open a file of a run's directory (see :class:`~trainboard.data.provider.DataProvider`).

        Example::

            with provider.open_run_file("exp1", "projector_config.pbtxt") as f:
                text = f.read().decode("utf-8")
        """
        return open(self._run_file(run, path), "rb")

    def run_file_version(self, run: str, path: str) -> str:
        """A digest of the file's real path, size and modification time."""
        found = self._run_file(run, path)
        stat = os.stat(found)
        key = f"{found}\0{stat.st_size}\0{stat.st_mtime_ns}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def load_progress(self) -> LoadProgress:
        """Files and bytes indexed so far (see :class:`~trainboard.data.provider.LoadProgress`).

        Example::

            threading.Thread(target=provider.reload).start()
            print(provider.load_progress().bytes_read)
        """
        return self._progress.snapshot()

    def run_notes(self) -> dict[str, notes.RunNote]:
        """The notes in ``<logdir>/.trainboard-notes.json`` (``data/notes.py``)."""
        return notes.NotesStore(self.logdir).read()

    def update_run_notes(
        self, run: str, changes: Mapping[str, Any], *, revision: int | None = None
    ) -> notes.RunNote:
        """Change a run's note; an unknown run (neither read nor noted) is NotFoundError."""
        store = notes.NotesStore(self.logdir)
        with self._lock:
            known = run in self._runs or run in rank_parents(self._runs)
        if not known and run not in store.read():
            raise NotFoundError(f"no run {run!r} in {self.logdir!r}")
        return store.update(run, changes, revision=revision)

    def delete_run_notes(self, run: str, *, revision: int | None = None) -> None:
        notes.NotesStore(self.logdir).delete(run, revision=revision)

    def warnings(self) -> list[LoadWarning]:
        now = time.time()
        with self._lock:
            states = list(self._runs.values())
            return [w for state in states for w in _file_warnings(state, now)]


class _Progress:
    """The counters behind :meth:`LogdirProvider.load_progress`.

    The reload thread updates them (after discovery, after each file, at the end); any
    thread reads a consistent :class:`LoadProgress` under the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sizes: dict[tuple[str, str], int] = {}  # (run, file) -> size when found
        self._runs = 0
        self._files_read = 0
        self._bytes_read = 0
        self._loading = False
        self._loaded = False
        self._started: float | None = None
        self._seconds = 0.0

    def begin(self) -> None:
        with self._lock:
            self._loading = True
            if self._started is None:
                self._started = time.monotonic()

    def found(self, found: dict[str, tuple[str, list[str]]], states: list[RunState]) -> None:
        """Files found by discovery and what is indexed of them already.

        A file's size is its size when last read; only files not seen before are stat'ed
        (all of them at the first load), so a steady reload costs no extra system call.
        """
        with self._lock:
            known = self._sizes
        sizes: dict[tuple[str, str], int] = {}
        for name, (directory, files) in found.items():
            for file_name in files:
                key = (name, file_name)
                if key in known:
                    sizes[key] = known[key]
                    continue
                try:
                    sizes[key] = os.stat(os.path.join(directory, file_name)).st_size
                except OSError:
                    sizes[key] = 0
        read_files, read_bytes = _indexed(sizes, states)
        with self._lock:
            self._sizes = sizes
            self._runs = len(found)
            self._files_read, self._bytes_read = read_files, read_bytes

    def file_read(self, run: str, file: EventFile, size_before: int) -> None:
        """``file`` of ``run`` was read from ``size_before`` bytes to ``file.size``."""
        with self._lock:
            size = self._sizes.get((run, file.name))
            if size is None:
                return
            before, after = min(size_before, size), min(file.size, size)
            self._bytes_read += after - before
            if before < size <= after:
                self._files_read += 1

    def end(self, states: list[RunState]) -> None:
        """The reload ended: count again from the runs' files (a reset run was re-read).

        Sizes become the sizes read, which grow as files are appended to.
        """
        with self._lock:
            sizes = {
                key: max(size, file.size)
                for state in states
                for file in state.files
                if (size := self._sizes.get(key := (state.name, file.name))) is not None
            }
        read_files, read_bytes = _indexed(sizes, states)
        with self._lock:
            self._sizes = sizes
            self._files_read, self._bytes_read = read_files, read_bytes
            self._loading = False
            if not self._loaded and self._started is not None:
                self._seconds = time.monotonic() - self._started
            self._loaded = True

    def snapshot(self) -> LoadProgress:
        with self._lock:
            seconds = self._seconds
            if not self._loaded and self._started is not None:
                seconds = time.monotonic() - self._started
            return LoadProgress(
                loaded=self._loaded,
                loading=self._loading,
                runs=self._runs,
                files_total=len(self._sizes),
                files_read=self._files_read,
                bytes_total=sum(self._sizes.values()),
                bytes_read=self._bytes_read,
                seconds=seconds,
            )


def _indexed(sizes: dict[tuple[str, str], int], states: list[RunState]) -> tuple[int, int]:
    """Files read to their found size, and bytes indexed, among the files of ``sizes``."""
    files = bytes_read = 0
    for state in states:
        for file in state.files:
            size = sizes.get((state.name, file.name))
            if size is None:
                continue
            bytes_read += min(file.size, size)
            files += file.size >= size
    return files, bytes_read


def _discover(logdir: str) -> dict[str, tuple[str, list[str]]]:
    """``{run name: (directory, event file names)}`` for the directories with event files.

    Symbolic links to directories are followed (runs are often linked into a logdir),
    each directory at most once, so a link cycle ends. The logdir's ``.trash/`` (runs
    moved to the trash, ``data/notes.py``) is skipped.
    """
    found: dict[str, tuple[str, list[str]]] = {}
    pending = [(logdir, ".")]
    seen: set[tuple[int, int]] = set()
    while pending:
        directory, name = pending.pop()
        try:
            stat = os.stat(directory)
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            files = []
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir():
                        if name == "." and entry.name == notes.TRASH_DIR:
                            continue  # trashed runs (data/notes.py) are not read
                        child = entry.name if name == "." else f"{name}/{entry.name}"
                        pending.append((entry.path, child))
                    elif is_event_file(entry.name) and entry.is_file():
                        files.append(entry.name)
        except OSError:
            continue
        if files:
            found[name] = (directory, sorted(files))
    return found


def _file_warnings(state: RunState, now: float) -> Iterable[LoadWarning]:
    messages = {
        "crc": "records skipped because their CRC check failed",
        "garbage": "bytes skipped because they hold no valid record header",
        "parse": "records skipped because they are not valid Event protos",
        "data_loss": "values skipped because they cannot be decoded for their tag",
    }
    for file in state.files:
        path = os.path.join(state.path, file.name)
        for kind, (count, offset) in sorted((file.problems or {}).items()):
            yield LoadWarning(state.name, path, kind, count, offset, f"{messages[kind]}: {count}")
        stale = now - file.mtime_ns / 1e9 > _INCOMPLETE_GRACE_S
        if file.incomplete and stale:
            yield LoadWarning(
                state.name, path, "incomplete", file.incomplete, file.offset,
                f"the file ends with {file.incomplete} bytes that are not a whole record",
            )
        if file.unreadable:
            yield LoadWarning(state.name, path, "unreadable", 0, 0, file.unreadable)


def _read_isolated(state: RunState, file_id: int, scratch: Scratch) -> bool:
    """``read_new_bytes``, where a failure nobody foresaw costs that file, not the reload.

    The file is reported ``unreadable`` (a warning on the board) and read again at the
    next reload; the other files and runs are read as usual. Returns whether the file
    had changed (or failed part way: points may have been added).
    """
    try:
        return read_new_bytes(state, file_id, scratch)
    except (RunReset, AssertionError):  # a reset is handled above; a failed assert is a bug
        raise
    except Exception as exc:
        log.exception("reading %s of run %r failed", state.files[file_id].name, state.name)
        state.files[file_id].unreadable = f"reading it failed: {type(exc).__name__}: {exc}"
        return True
