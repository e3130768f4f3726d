"""Log directories in object storage: event files written locally in segments, uploaded in order.

Object stores have no append, so a writer whose log dir is an fsspec URL (``s3://``,
``gs://``, ``az://``, ``memory://``, ...) writes each event file exactly as it writes a
local one, into a local *spill directory* (one per writer, under :func:`spill_root`),
and cuts it into segments: every ``flush_secs`` (the worker's periodic sync), on
``flush()``, and whenever a segment reaches :data:`SEGMENT_BYTES`, the segment is closed
and the next one started. Each closed segment is a complete event file (it starts with
its own ``file_version`` record) named ``<event file name>.<segment:06d><suffix>``, so
the segments of one file sort in the order they were written and TensorBoard's directory
loader, which reads a run's event files in name order, reads them as one run.

:class:`ObjectStore` uploads the closed segments, oldest first, on a thread of its own
(never the training thread, never the writer's worker), retrying with exponential backoff
and jitter while the store is unreachable. A segment is deleted locally only once its
upload succeeded, so what a writer was handed is on local disk until it is in the store.
Other files the writer makes in the log dir (the ``.<event file>.environment`` sidecar)
are uploaded whenever they changed, by a sweep of the spill directory on every sync
(before the segments waiting then).

The spill directory mirrors the store: ``<spill dir>/<scheme>/<bucket>/<key...>``, so
``trainboard upload <spill dir>`` (:func:`upload_spill`) can put whatever a writer left
there (the store was down when it closed, or the process died) where it belongs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import threading
import time
import uuid
import warnings
from collections import deque
from typing import TYPE_CHECKING

from trainboard._storage import filesystem, filesystem_class, url_scheme
from trainboard.format.paths import user_cache_dir
from trainboard.writer._event_file import EventFile

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = [
    "CLOSE_TIMEOUT",
    "FLUSH_TIMEOUT",
    "SEGMENT_BYTES",
    "SPILL_LIMIT_BYTES",
    "ObjectStore",
    "SegmentedEventFile",
    "check_url",
    "spill_root",
    "upload_spill",
]

log = logging.getLogger("trainboard.writer")

SEGMENT_BYTES = 8 * 1024 * 1024  # a segment is closed once it holds this many bytes
# Bytes of closed segments waiting for upload beyond which the writer warns (once) that the
# store is not keeping up. It goes on writing to the spill directory: nothing is dropped.
SPILL_LIMIT_BYTES = 1024 * 1024 * 1024
FLUSH_TIMEOUT = 30.0  # seconds flush() waits for the uploads (then warns and returns)
CLOSE_TIMEOUT = 120.0  # seconds close() waits for the last upload (then warns and returns)
BACKOFF_FIRST = 0.1  # seconds before the first retry of a failed upload
BACKOFF_MAX = 10.0  # the longest wait between two tries

SPILL_ENV = "TRAINBOARD_SPILL_DIR"  # where spill directories go (default: <cache>/spill)
SPILL_LIMIT_ENV = "TRAINBOARD_SPILL_LIMIT"  # SPILL_LIMIT_BYTES, in bytes
UPLOAD_TIMEOUT_ENV = "TRAINBOARD_UPLOAD_TIMEOUT"  # CLOSE_TIMEOUT, in seconds

_TEMPORARY = (".partial", ".tmp")  # files written then renamed: never uploaded as they are


def spill_root() -> str:
    """The folder that holds every writer's spill directory.

    ``$TRAINBOARD_SPILL_DIR`` if set; else ``spill/`` in trainboard's cache directory
    (``$TRAINBOARD_CACHE_DIR``, else the user's cache directory: ``~/.cache/trainboard``
    on Linux, ``~/Library/Caches/trainboard`` on macOS, ``%LOCALAPPDATA%\\trainboard\\Cache``
    on Windows). Spilling cannot be turned off: it is where unuploaded data lives.
    """
    override = os.environ.get(SPILL_ENV)
    if override:
        return os.path.abspath(os.path.expanduser(override))
    cache = os.environ.get("TRAINBOARD_CACHE_DIR")
    base = os.path.abspath(os.path.expanduser(cache)) if cache else user_cache_dir()
    return os.path.join(base, "spill")


def _path_parts(url: str) -> list[str]:
    """The segments of ``url``'s path as its file system names it (``bucket``, keys...)."""
    path = str(filesystem_class(url)._strip_protocol(url))
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(f"log_dir {url!r}: '.' and '..' are not allowed in a URL's path")
    return parts


def check_url(url: str) -> str:
    """``url`` checked as a log dir to write to, its scheme in lower case.

    Raises:
        MissingDependencyError: fsspec or the scheme's backend is not installed (the
            message names the extra to install).
        ValueError: no fsspec backend knows the scheme, or the URL names no location.
    """
    scheme = url_scheme(url)
    assert scheme is not None
    url = scheme + url[len(scheme) :]
    if not _path_parts(url):
        raise ValueError(f"log_dir {url!r} names no bucket or path to write to")
    return url.rstrip("/")


def _new_spill_dir(url: str) -> str:
    tail = re.sub(r"[^A-Za-z0-9_.-]+", "-", url.split("://", 1)[1]).strip("-.")[-60:]
    name = f"{tail or 'run'}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path = os.path.join(spill_root(), name)
    os.makedirs(path)
    return path


def _remote_url(scheme_dir: str, local: str) -> str:
    """The URL of the spilled file ``local`` under ``<spill dir>/<scheme>``."""
    relative = os.path.relpath(local, scheme_dir).replace(os.sep, "/")
    return f"{os.path.basename(scheme_dir)}://{relative}"


def _put(fs: AbstractFileSystem, local: str, url: str) -> None:
    fs.put_file(local, str(fs._strip_protocol(url)))


class ObjectStore:
    """The uploads of one writer: its spill directory, the upload queue and its thread.

    One store serves every event file of a writer (the main run and its sub-runs) whose
    log dir has this store's scheme. :meth:`enqueue` takes closed segments (from the
    worker thread), :meth:`flush` and :meth:`close` wait for them to be in the store.
    """

    def __init__(self, url: str) -> None:
        self.url = check_url(url)
        self.scheme = url_scheme(self.url) or ""
        self.segment_bytes = SEGMENT_BYTES
        limit = os.environ.get(SPILL_LIMIT_ENV)
        self.spill_limit = int(limit) if limit else SPILL_LIMIT_BYTES
        self.spill_dir = _new_spill_dir(self.url)
        self.pid = os.getpid()
        self._scheme_dir = os.path.join(self.spill_dir, self.scheme)
        self._fs: AbstractFileSystem | None = None
        self._cond = threading.Condition()
        self._queue: deque[tuple[int, str, int]] = deque()  # (number, local path, size)
        self._queued = 0  # segments queued so far (the last one's number)
        self._uploaded = 0  # number of the last segment uploaded
        self._sweeps_asked = 0
        self._sweeps_done = 0
        self._segments: set[str] = set()  # local segments being written or waiting
        self._swept: dict[str, tuple[int, int]] = {}  # other files uploaded: (size, mtime)
        self.spilled_bytes = 0  # bytes of closed segments not uploaded yet
        self._warned_limit = False
        self._failing: BaseException | None = None  # the error of the last try, while failing
        self._kick = False  # retry now (flush/close wait)
        self._closing = False
        self._abandoned = False  # close() gave up: the thread ends, the files stay
        self._thread = threading.Thread(target=self._run, name="trainboard-upload", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ writer side

    def local_dir(self, url: str) -> str:
        """The folder in the spill directory that stands for the log dir ``url``."""
        scheme = url_scheme(url)
        if scheme is None or scheme.lower() != self.scheme:
            raise ValueError(f"{url!r} is not a {self.scheme}:// URL")
        return os.path.join(self._scheme_dir, *_path_parts(url))

    def register(self, local: str) -> None:
        """``local`` is a segment being written: the sweep leaves it to :meth:`enqueue`."""
        with self._cond:
            self._segments.add(local)

    def forget(self, local: str) -> None:
        """The segment ``local`` was deleted without being uploaded (it held no records)."""
        with self._cond:
            self._segments.discard(local)

    def enqueue(self, local: str, size: int) -> None:
        """Upload the closed segment ``local`` after those queued before it."""
        with self._cond:
            self._queued += 1
            self._queue.append((self._queued, local, size))
            self.spilled_bytes += size
            over = self.spilled_bytes > self.spill_limit and not self._warned_limit
            if over:
                self._warned_limit = True
            self._cond.notify_all()
        if over:
            warnings.warn(
                f"trainboard: {self.spilled_bytes} bytes of event files wait for upload to "
                f"{self.url} in {self.spill_dir} (more than the spill limit of "
                f"{self.spill_limit} bytes, ${SPILL_LIMIT_ENV}); the store is unreachable or "
                "slow. The writer keeps writing there and nothing is dropped",
                RuntimeWarning,
                stacklevel=2,
            )

    def request_sweep(self) -> None:
        """Upload the other files of the spill directory that changed (after the segments)."""
        with self._cond:
            self._sweeps_asked += 1
            self._cond.notify_all()

    def wait(self, timeout: float | None) -> bool:
        """Wait until everything queued and every file present now is uploaded.

        Returns False when ``timeout`` seconds passed first. A waiting retry starts at once.
        """
        self.request_sweep()
        with self._cond:
            target, sweep = self._queued, self._sweeps_asked
            self._kick = True
            self._cond.notify_all()
            return self._cond.wait_for(
                lambda: self._uploaded >= target and self._sweeps_done >= sweep, timeout
            )

    def flush(self, timeout: float | None = None) -> bool:
        """:meth:`wait` at most ``timeout`` (:data:`FLUSH_TIMEOUT`); warn when it ran out."""
        done = self.wait(FLUSH_TIMEOUT if timeout is None else timeout)
        if not done:
            warnings.warn(
                f"trainboard: flush() gave up waiting for the upload to {self.url}: "
                f"{self._why()}. The event files stay in {self.spill_dir} and are uploaded "
                "when the store answers again",
                RuntimeWarning,
                stacklevel=3,
            )
        return done

    def close(self, timeout: float | None = None) -> bool:
        """Wait for the last upload (at most ``timeout``, default :data:`CLOSE_TIMEOUT` or
        ``$TRAINBOARD_UPLOAD_TIMEOUT``), end the thread, remove the emptied spill directory.

        When the store is still unreachable it warns, naming the spill directory and the
        command that uploads it, and returns False; nothing there is deleted.
        """
        if timeout is None:
            setting = os.environ.get(UPLOAD_TIMEOUT_ENV)
            timeout = float(setting) if setting else CLOSE_TIMEOUT
        if self.pid != os.getpid():
            return False  # a forked child's copy: the parent's thread does not run here
        done = self.wait(timeout)
        with self._cond:
            self._closing = True
            self._abandoned = not done
            self._cond.notify_all()
        self._thread.join(2.0)
        if not done:
            warnings.warn(
                f"trainboard: could not upload everything to {self.url} within {timeout} s "
                f"({self._why()}). Nothing is lost: the event files are in {self.spill_dir}; "
                f"upload them with: trainboard upload {self.spill_dir}",
                RuntimeWarning,
                stacklevel=3,
            )
            return False
        self._remove_spill_dir()
        return True

    def _why(self) -> str:
        error = self._failing
        return "uploads are still running" if error is None else f"{type(error).__name__}: {error}"

    def _remove_spill_dir(self) -> None:
        """Delete the swept files (all uploaded) and the folders the writer emptied."""
        for local, stamp in self._swept.items():
            try:
                stat = os.stat(local)
                if (stat.st_size, stat.st_mtime_ns) == stamp:
                    os.remove(local)
            except OSError:
                pass
        for folder, _dirs, _files in sorted(os.walk(self.spill_dir), reverse=True):
            with contextlib.suppress(OSError):  # not empty: something not uploaded stays
                os.rmdir(folder)

    # ------------------------------------------------------------ upload thread

    def _filesystem(self) -> AbstractFileSystem:
        if self._fs is None:
            self._fs = filesystem(self.url)[0]
        return self._fs

    def _has_work(self) -> bool:
        return bool(self._queue) or self._sweeps_done < self._sweeps_asked

    def _run(self) -> None:
        delay = 0.0
        while True:
            with self._cond:
                while not self._has_work() and not self._closing:
                    self._cond.wait()
                if self._abandoned or not self._has_work():
                    return
                # The other files first: the environment sidecar's name sorts before the
                # event files', and TensorBoard's loader skips a file that shows up late
                # with a name before the one it reads.
                sweep = self._sweeps_asked
                head = None if self._sweeps_done < sweep else self._queue[0]
            try:
                if head is not None:
                    number, local, size = head
                    _put(self._filesystem(), local, _remote_url(self._scheme_dir, local))
                    os.remove(local)
                    with self._cond:
                        self._queue.popleft()
                        self._segments.discard(local)
                        self._uploaded = number
                        self.spilled_bytes -= size
                        self._cond.notify_all()
                else:
                    self._sweep()
                    with self._cond:
                        self._sweeps_done = sweep
                        self._cond.notify_all()
            except Exception as exc:
                if self._failing is None:
                    log.warning(
                        "trainboard: upload to %s failed (%s: %s); retrying, the event files "
                        "wait in %s",
                        self.url,
                        type(exc).__name__,
                        exc,
                        self.spill_dir,
                    )
                self._failing = exc
                delay = min(BACKOFF_MAX, max(BACKOFF_FIRST, delay * 2))
                self._backoff(random.uniform(delay / 2, delay))  # "equal jitter"
                continue
            if self._failing is not None:
                log.warning("trainboard: uploads to %s resumed", self.url)
            self._failing = None
            delay = 0.0

    def _backoff(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when a flush/close asks for a try now."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._kick and not self._abandoned:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            self._kick = False

    def _sweep(self) -> None:
        """Upload the files of the spill directory that are not segments and changed."""
        for folder, dirs, files in os.walk(self._scheme_dir):
            dirs.sort()
            for name in sorted(files):
                local = os.path.join(folder, name)
                if name.endswith(_TEMPORARY):
                    continue
                with self._cond:  # a segment the worker opened since the walk began too
                    if local in self._segments:
                        continue
                try:
                    stat = os.stat(local)
                except FileNotFoundError:
                    continue  # an uploaded segment, removed meanwhile
                stamp = (stat.st_size, stat.st_mtime_ns)
                if self._swept.get(local) != stamp:
                    _put(self._filesystem(), local, _remote_url(self._scheme_dir, local))
                    self._swept[local] = stamp


class SegmentedEventFile(EventFile):
    """An event file of an object-store log dir: written locally, uploaded in segments.

    The worker writes to it as to an :class:`EventFile`; ``path`` is the local segment
    being written. :meth:`sync` (every ``flush_secs`` and on ``flush()``) closes the
    segment if it holds records and starts the next; so does a write that makes it reach
    the store's ``segment_bytes``. :meth:`close` closes the last one (a segment holding
    only its header is dropped, unless it is the file's only one).
    """

    def __init__(self, store: ObjectStore, url: str, filename_suffix: str = "") -> None:
        from trainboard.format.event import event_filename

        self.store = store
        self.url = url
        self.logdir = store.local_dir(url)
        os.makedirs(self.logdir, exist_ok=True)
        self.pid = os.getpid()
        self.tag_prefixes = {}
        self.auto_steps = {}
        self._fd = None
        self._stem = event_filename("")
        self._suffix = filename_suffix
        self._segment = 0
        self._size = 0
        self._dirty = False  # records written since the header
        self._opening = False
        self._sealed_any = False
        self._open_segment()

    def _open_segment(self) -> None:
        path = os.path.join(self.logdir, f"{self._stem}.{self._segment:06d}{self._suffix}")
        self.store.register(path)
        self._size = 0
        self._dirty = False
        self._opening = True
        try:
            self._create(path)
        finally:
            self._opening = False

    def write(self, data: bytes) -> None:
        super().write(data)
        self._size += len(data)
        if not self._opening:
            self._dirty = True
            if self._size >= self.store.segment_bytes:
                self._seal(final=False)

    def sync(self) -> None:
        self._seal(final=False)

    def close(self) -> None:
        self._seal(final=True)

    def _seal(self, *, final: bool) -> None:
        fd, path = self._fd, self.path
        if fd is None:
            return
        if not self._dirty and (self._sealed_any or not final):
            if final:  # a header alone, after segments with records: not worth an object
                self._fd = None
                os.close(fd)
                os.remove(path)
                self.store.forget(path)
            return
        self._fd = None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self.store.enqueue(path, self._size)
        self._sealed_any = True
        if not final:
            self._segment += 1
            self._open_segment()


def upload_spill(spill_dir: str, url: str | None = None) -> list[str]:
    """Upload what a writer left in ``spill_dir``, oldest segment first; return the URLs.

    Without ``url`` each file goes where the writer meant it to (``<spill dir>/s3/b/k``
    to ``s3://b/k``); with ``url`` every file under ``spill_dir`` goes to ``url`` plus
    its relative path. Each file is deleted once uploaded, then the emptied folders.
    Run it once the writer's process has ended (it uploads the segment being written).
    """
    if url is not None:
        url = check_url(url)
        pairs = [(local, f"{url}/{rel}") for local, rel in _files_under(spill_dir)]
    else:
        pairs = []
        for scheme in sorted(os.listdir(spill_dir)):
            scheme_dir = os.path.join(spill_dir, scheme)
            if os.path.isdir(scheme_dir):
                pairs += [(local, f"{scheme}://{rel}") for local, rel in _files_under(scheme_dir)]
    systems: dict[str, AbstractFileSystem] = {}
    done = []
    for local, target in pairs:
        scheme = url_scheme(target) or ""
        if scheme not in systems:
            systems[scheme] = filesystem(target)[0]
        _put(systems[scheme], local, target)
        os.remove(local)
        done.append(target)
    for folder, _dirs, _files in sorted(os.walk(spill_dir), reverse=True):
        with contextlib.suppress(OSError):  # not empty: a temporary file, or not the writer's
            os.rmdir(folder)
    return done


def _files_under(top: str) -> list[tuple[str, str]]:
    """(path, ``/``-separated path relative to ``top``) of every file, in name order."""
    found = []
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(_TEMPORARY):
                local = os.path.join(folder, name)
                found.append((local, os.path.relpath(local, top).replace(os.sep, "/")))
    return found
