"""Log dirs in object storage (``s3://``, ``gs://``, ``az://``, any fsspec URL), read.

A remote log dir is **mirrored** into the local cache and the mirror is read by the
ordinary :class:`~trainboard.data.logdir.LogdirProvider`, so incremental reading, the
persistent index and every data kind work unchanged. Why a mirror rather than a reader
over fsspec files: the reader's incremental reading works by file offsets, stat and
inode, which object stores do not have; a mirror turns the store's own change signal
(key, size, ETag) into exactly those, in one place.

Each sync (:meth:`Mirror.sync`, at every reload) costs one listing of the prefix (one
request per page of 1,000 keys on S3) and, for each object that is new or changed since
the last sync, one GET:

* a new object is downloaded (concurrently, through the backend's batched ``get``);
* an object that grew (a store rewritten as it grows: TensorFlow's S3 writer) is
  range-read from 16 bytes before the mirrored end; those 16 bytes must match what the
  mirror holds, else the object is downloaded again whole;
* an object whose ETag changed while its size did not grow is downloaded again, and the
  local file is replaced (a new inode: the provider reads that run again);
* an object that is gone is removed from the mirror.

The mirror keeps every mirrored object's key, size, ETag and LastModified in
``state.json`` beside it, so a restarted board lists once and downloads nothing it
already has. Mirrored files get their object's LastModified as modification time,
which is what :attr:`Run.last_write_time <trainboard.data.provider.Run>` reports (the
run's lag). What is mirrored: event files, the run notes (``.trainboard-notes.json``)
and projector files (``projector_config.pbtxt`` and the ``.tsv``/``.bytes``/image files
below it); checkpoints and other objects are not downloaded; ``.trash/`` is skipped.

Run notes are read from the mirrored notes object and written back to the bucket: the
change is made on a fresh copy (one GET) and uploaded with ``If-Match`` on its ETag
(``If-None-Match: *`` when there was none) on S3 and Azure, so a concurrent change by
another board is a conflict (the caller reloads and retries), never lost. Other backends
(GCS among them) have no conditional write through fsspec: there the window between that
GET and the upload (a few requests' time) is one where another board's change can be
overwritten. Moving a run to the trash is refused: an object store has no rename.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import logging
import os
import posixpath
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from trainboard import _storage
from trainboard.data import _index, notes
from trainboard.data.logdir import LogdirProvider
from trainboard.data.provider import LoadProgress, LoadWarning, ReloadReport
from trainboard.errors import MissingDependencyError, NotFoundError, TrainboardError
from trainboard.format.event import is_event_file
from trainboard.format.kinds.projector import CONFIG_FILENAME

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = [
    "Mirror",
    "MirrorStats",
    "RemoteLogdirError",
    "RemoteLogdirProvider",
    "SyncReport",
    "check_logdir",
    "logdir_provider",
]

log = logging.getLogger("trainboard.data")

_STATE_FORMAT = 1
_DOWNLOADERS = 16  # concurrent downloads
_OVERLAP = 16  # bytes re-read before a grown object's mirrored end, to check its prefix
_PROJECTOR_SUFFIXES = (".pbtxt", ".tsv", ".bytes", ".png", ".jpg", ".jpeg", ".txt")
_CREDENTIALS_HINT = {
    "s3": "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws/credentials",
    "gs": "GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`",
    "az": "AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME and a key",
}


class RemoteLogdirError(TrainboardError, OSError):
    """A log dir in object storage cannot be read: no bucket, no access, unreachable."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Object:
    """What the mirror knows of one object (``key`` relative to the log dir's prefix)."""

    size: int
    etag: str | None
    mtime: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class SyncReport:
    """What one :meth:`Mirror.sync` did: object keys (relative to the prefix) and costs."""

    listed: int = 0  # objects in the listing
    downloaded: tuple[str, ...] = ()  # new or replaced, fetched whole
    appended: tuple[str, ...] = ()  # grown, range-read
    removed: tuple[str, ...] = ()
    requests: int = 0
    bytes: int = 0


@dataclasses.dataclass
class MirrorStats:
    """Everything a :class:`Mirror` has cost so far.

    ``requests`` counts the HTTP requests its file system sent, by operation
    (``ListObjectsV2``, ``GetObject``...), where the backend lets them be observed
    (S3); elsewhere the mirror's own calls (``list``, ``get``, ``range``, ``put``).
    """

    syncs: int = 0
    requests: Counter[str] = dataclasses.field(default_factory=Counter)
    bytes_downloaded: int = 0
    objects_downloaded: int = 0
    ranges_read: int = 0
    objects_removed: int = 0

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


class Mirror:
    """A local copy of the log dir at ``url``, in ``directory``, kept in step by :meth:`sync`.

    The copy is ``<directory>/tree``; ``<directory>/state.json`` records what each
    mirrored object was when it was copied.

    Example::

        mirror = Mirror("s3://bucket/runs", "/tmp/mirror")
        report = mirror.sync()
        provider = LogdirProvider(mirror.tree)
    """

    def __init__(self, url: str, directory: str | os.PathLike[str]) -> None:
        self.url = url.rstrip("/")
        self.scheme = _storage.url_scheme(url) or "file"
        self.directory = os.path.abspath(os.fspath(directory))
        self.tree = os.path.join(self.directory, "tree")
        self.stats = MirrorStats()
        shared, self.root = _storage.filesystem(self.url)
        self.root = self.root.rstrip("/")
        # A file system of its own: its listing cache and request count are this mirror's.
        self.fs: AbstractFileSystem = type(shared)(
            **shared.storage_options, skip_instance_cache=True
        )
        self._observed = self._observe_requests()
        self._lock = threading.Lock()
        self._progress_lock = threading.Lock()
        self._progress = (0, 0, 0, 0)  # files and bytes to download, files and bytes done
        os.makedirs(self.tree, exist_ok=True)

    def __repr__(self) -> str:
        return f"Mirror({self.url!r}, {self.directory!r})"

    # -- requests -------------------------------------------------------------

    def _observe_requests(self) -> bool:
        """Count the HTTP requests of an S3 file system (botocore's ``before-send``)."""
        client = None
        with contextlib.suppress(Exception):
            client = getattr(self.fs, "s3", None)
        events = getattr(getattr(client, "meta", None), "events", None)
        if events is None:
            return False

        def count(event_name: str = "", **_: Any) -> None:
            self.stats.requests[event_name.rsplit(".", 1)[-1]] += 1

        events.register("before-send.s3", count)
        return True

    def _count(self, operation: str, n: int = 1) -> None:
        if not self._observed and n:
            self.stats.requests[operation] += n

    # -- syncing --------------------------------------------------------------

    def sync(self) -> SyncReport:
        """Bring the mirror in step with the store; see the module docstring.

        Raises:
            RemoteLogdirError: the listing failed (no bucket, no credentials, the store
                unreachable); the mirror is left as it was. A download that fails
                leaves that object out until the next sync (logged).
        """
        with self._lock, _process_lock(os.path.join(self.directory, "lock")):
            requests_before = self.stats.total_requests
            bytes_before = self.stats.bytes_downloaded
            listing = self._list()
            state = self._load_state()
            try:
                wanted = _select(listing)
                removed = sorted(set(state) - set(wanted))
                for key in removed:
                    self._remove(key)
                    del state[key]
                fetch: list[str] = []
                grow: list[str] = []
                for key, remote in wanted.items():
                    known = state.get(key)
                    local = self._local_size(key)
                    if known is None or local != known.size:
                        fetch.append(key)
                    elif (remote.size, remote.etag) == (known.size, known.etag):
                        if remote.mtime != known.mtime:
                            self._touch(key, remote.mtime)
                            state[key] = remote
                    elif remote.size > known.size and known.size >= _OVERLAP:
                        grow.append(key)
                    else:
                        fetch.append(key)
                appended = self._append(grow, wanted, state)
                fetch += [key for key in grow if key not in appended]
                downloaded = self._download(fetch, wanted, state)
            finally:
                self._save_state(state)  # what was done so far, even on a failure
            self.stats.syncs += 1
            self.stats.objects_removed += len(removed)
            return SyncReport(
                listed=len(listing),
                downloaded=tuple(downloaded),
                appended=tuple(appended),
                removed=tuple(removed),
                requests=self.stats.total_requests - requests_before,
                bytes=self.stats.bytes_downloaded - bytes_before,
            )

    def _list(self) -> dict[str, _Object]:
        """Every object under the prefix (one paginated listing), by relative key."""
        self.fs.invalidate_cache(self.root)
        self._count("list")
        try:
            found = self.fs.find(self.root, detail=True)
        except Exception as exc:
            raise _explain(self.url, self.scheme, "listing it", exc) from exc
        prefix = self.root + "/" if self.root else ""
        listing = {}
        for name, info in found.items():
            if info.get("type", "file") != "file" or not name.startswith(prefix):
                continue
            key = name[len(prefix) :]
            if _safe_key(key):
                listing[key] = _Object(int(info.get("size") or 0), _etag(info), _mtime(info))
        return listing

    def _remote(self, key: str) -> str:
        return f"{self.root}/{key}" if self.root else key

    def _local(self, key: str) -> str:
        return os.path.join(self.tree, *key.split("/"))

    def _local_size(self, key: str) -> int | None:
        try:
            return os.stat(self._local(key)).st_size
        except OSError:
            return None

    def _touch(self, key: str, mtime: float | None) -> None:
        if mtime is not None:
            with contextlib.suppress(OSError):
                os.utime(self._local(key), (mtime, mtime))

    def _remove(self, key: str) -> None:
        path = self._local(key)
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        directory = os.path.dirname(path)
        while directory != self.tree and directory.startswith(self.tree):
            try:
                os.rmdir(directory)  # only when empty
            except OSError:
                break
            directory = os.path.dirname(directory)

    def _append(
        self, keys: list[str], wanted: dict[str, _Object], state: dict[str, _Object]
    ) -> list[str]:
        """Range-read the new bytes of grown objects; return those appended."""
        if not keys:
            return []
        starts = [state[key].size - _OVERLAP for key in keys]
        ends = [wanted[key].size for key in keys]
        self._count("range", len(keys))
        try:
            chunks = self.fs.cat_ranges(
                [self._remote(k) for k in keys], starts, ends, on_error="return"
            )
        except Exception as exc:
            log.warning("range-reading %d grown objects of %s failed: %s", len(keys), self.url, exc)
            return []
        appended = []
        for key, start, chunk in zip(keys, starts, chunks, strict=True):
            if not isinstance(chunk, bytes):
                log.warning("range-reading %s of %s failed: %s", key, self.url, chunk)
                continue
            self.stats.bytes_downloaded += len(chunk)
            self.stats.ranges_read += 1
            path = self._local(key)
            with open(path, "r+b") as f:
                f.seek(start)
                if f.read(_OVERLAP) != chunk[:_OVERLAP]:
                    continue  # rewritten, not appended to: fetched whole instead
                f.seek(start + _OVERLAP)
                f.write(chunk[_OVERLAP:])
                f.truncate()
                size = f.tell()
            remote = wanted[key]
            self._touch(key, remote.mtime)
            state[key] = dataclasses.replace(
                remote, etag=remote.etag if size == remote.size else None, size=size
            )
            appended.append(key)
        return appended

    def _download(
        self, keys: list[str], wanted: dict[str, _Object], state: dict[str, _Object]
    ) -> list[str]:
        """Fetch objects whole into temporary files, then move each into place."""
        if not keys:
            return []
        incoming = tempfile.mkdtemp(prefix="incoming-", dir=self.directory)
        try:
            temporary = [os.path.join(incoming, str(i)) for i in range(len(keys))]
            self._count("get", len(keys))
            with self._progress_lock:
                self._progress = (len(keys), sum(wanted[k].size for k in keys), 0, 0)
            with ThreadPoolExecutor(min(_DOWNLOADERS, len(keys))) as pool:
                failures = [
                    failure
                    for failure in pool.map(self._get_file, keys, temporary)
                    if failure is not None
                ]
            serious = [f for f in failures if not isinstance(f, FileNotFoundError)]
            if serious and len(failures) == len(keys):  # the store, not one object
                raise _explain(self.url, self.scheme, "downloading from it", failures[0])
            done = []
            for key, path in zip(keys, temporary, strict=True):
                try:
                    size = os.stat(path).st_size
                except OSError:
                    continue  # failed (logged): fetched again at the next sync
                target = self._local(key)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(path, target)
                remote = wanted[key]
                self._touch(key, remote.mtime)
                # A size other than the listed one: the object changed since the listing;
                # forget its ETag so that the next sync looks again.
                etag = remote.etag if size == remote.size else None
                state[key] = dataclasses.replace(remote, size=size, etag=etag)
                self.stats.bytes_downloaded += size
                self.stats.objects_downloaded += 1
                done.append(key)
            return done
        finally:
            shutil.rmtree(incoming, ignore_errors=True)

    def _get_file(self, key: str, path: str) -> Exception | None:
        """Download one object to ``path``; the exception when that failed."""
        try:
            self.fs.get_file(self._remote(key), path)
            size = os.stat(path).st_size
            with self._progress_lock:
                files, total, done, done_bytes = self._progress
                self._progress = (files, total, done + 1, done_bytes + size)
        except Exception as exc:
            with contextlib.suppress(OSError):
                os.remove(path)
            if not isinstance(exc, FileNotFoundError):  # gone since the listing: not news
                log.warning("downloading %s of %s failed (retried at the next sync): %s",
                            key, self.url, exc)
            return exc
        return None

    def download_progress(self) -> tuple[int, int, int, int]:
        """The latest sync's downloads: files and bytes to fetch, files and bytes fetched."""
        with self._progress_lock:
            return self._progress

    # -- single objects (the run notes) ----------------------------------------

    def fetch(self, key: str) -> str | None:
        """Download ``key`` now (into the mirror); return its ETag, None when it is absent."""
        with self._lock, _process_lock(os.path.join(self.directory, "lock")):
            state = self._load_state()
            self._count("get")
            try:
                info = self.fs.info(self._remote(key))
                data = self.fs.cat_file(self._remote(key))
            except FileNotFoundError:
                if key in state:
                    self._remove(key)
                    del state[key]
                    self._save_state(state)
                return None
            except Exception as exc:
                raise _explain(self.url, self.scheme, f"reading {key}", exc) from exc
            self.stats.bytes_downloaded += len(data)
            _write_atomic(self._local(key), data)
            remote = _Object(len(data), _etag(info), _mtime(info))
            self._touch(key, remote.mtime)
            state[key] = remote
            self._save_state(state)
            return remote.etag

    def put(self, key: str, data: bytes, *, expected_etag: str | None) -> None:
        """Upload ``key`` (and mirror it), only over the version ``expected_etag`` (only
        where none exists when it is None) on S3 and Azure; unconditionally elsewhere.

        Raises:
            notes.NotesConflictError: the object changed since (the store's precondition
                failed).
        """
        with self._lock, _process_lock(os.path.join(self.directory, "lock")):
            condition = self._condition(expected_etag)
            self._count("put")
            try:
                response = self.fs.pipe_file(self._remote(key), data, **condition)
            except Exception as exc:
                if _precondition_failed(exc, create=condition.get("mode") == "create"):
                    raise notes.NotesConflictError(
                        f"{self._remote_url(key)} changed meanwhile: reload and try again"
                    ) from exc
                raise _explain(self.url, self.scheme, f"writing {key}", exc) from exc
            # The new version's ETag as the listing will show it (S3 "ETag", GCS and Azure "etag").
            etag = _etag(response) if isinstance(response, Mapping) else None
            _write_atomic(self._local(key), data)
            state = self._load_state()
            state[key] = _Object(len(data), etag, time.time())
            self._touch(key, state[key].mtime)
            self._save_state(state)

    def _condition(self, expected_etag: str | None) -> dict[str, Any]:
        """The backend's arguments for a write only over ``expected_etag``: s3fs's
        ``If-Match``, adlfs's (the Azure SDK's) ``etag`` and ``match_condition``;
        ``mode="create"`` (``If-None-Match: *``) when there is no version yet."""
        if self.scheme in ("s3", "s3a", "az", "abfs", "abfss"):
            if not expected_etag:
                return {"mode": "create"}
            if self.scheme.startswith("s3"):
                return {"IfMatch": expected_etag}
            from azure.core import MatchConditions

            return {"etag": expected_etag, "match_condition": MatchConditions.IfNotModified}
        return {}

    def _remote_url(self, key: str) -> str:
        return _storage.join(self.url, key)

    # -- the state file ----------------------------------------------------------

    def _load_state(self) -> dict[str, _Object]:
        try:
            with open(os.path.join(self.directory, "state.json"), encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            return {}
        if data.get("format") != _STATE_FORMAT or data.get("url") != self.url:
            return {}
        return {
            key: _Object(int(size), etag, mtime)
            for key, (size, etag, mtime) in data.get("objects", {}).items()
        }

    def _save_state(self, state: Mapping[str, _Object]) -> None:
        data = {
            "format": _STATE_FORMAT,
            "url": self.url,
            "objects": {k: [o.size, o.etag, o.mtime] for k, o in sorted(state.items())},
        }
        text = json.dumps(data, separators=(",", ":")).encode("utf-8")
        _write_atomic(os.path.join(self.directory, "state.json"), text)


class RemoteLogdirProvider(LogdirProvider):
    """A :class:`LogdirProvider` over the mirror of a log dir in object storage.

    Every :meth:`reload` syncs the mirror first (see the module docstring), then reads
    it as a local log dir.

    Args:
        url: The log dir's URL (``s3://bucket/prefix``).
        cache_dir: As :class:`LogdirProvider`'s; the mirror lives under it
            (``<cache>/remote/<digest of url>``). With the cache off (``""`` or
            ``use_cache=False``) the mirror is a temporary directory removed on close.
        on_error: ``"raise"``: a failed sync raises :class:`RemoteLogdirError` (the
            Python API); ``"warn"``: it becomes a load warning and the board keeps
            showing what was mirrored before (the server).

    Example::

        provider = RemoteLogdirProvider("s3://bucket/runs")
        provider.reload()
        provider.read_scalars("exp1", "loss")
    """

    def __init__(
        self,
        url: str,
        *,
        check_crc: bool = True,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool = True,
        save_interval: float = 60.0,
        on_error: Literal["raise", "warn"] = "raise",
    ) -> None:
        self.url = url.rstrip("/")
        root = _index.cache_root(cache_dir) if use_cache else None
        self._temporary = root is None
        if root is None:
            directory = tempfile.mkdtemp(prefix="trainboard-remote-")
        else:
            digest = hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:24]
            directory = os.path.join(root, "remote", digest)
        self.mirror = Mirror(self.url, directory)
        self.on_error = on_error
        self.last_sync: SyncReport | None = None
        self._first_sync: float | None = None  # when the first sync began, until it ends
        self._unreachable: LoadWarning | None = None
        super().__init__(
            self.mirror.tree,
            check_crc=check_crc,
            cache_dir=cache_dir,
            use_cache=use_cache,
            save_interval=save_interval,
        )

    def __repr__(self) -> str:
        return f"RemoteLogdirProvider({self.url!r})"

    def reload(self) -> ReloadReport:
        """Sync the mirror with the store, then read what it brought (see LogdirProvider)."""
        first = self.last_sync is None and self._first_sync is None
        if first:
            self._first_sync = time.monotonic()
        try:
            self.last_sync = self.mirror.sync()
            self._unreachable = None
        except RemoteLogdirError as exc:
            if self.on_error == "raise":
                raise
            log.warning("%s", exc)
            self._unreachable = LoadWarning(
                ".", self.url, "unreadable", 0, 0,
                f"{exc} (showing what was read before; retried at the next reload)",
            )
        finally:
            if first:
                self._first_sync = None
        return super().reload()

    def load_progress(self) -> LoadProgress:
        """While the first sync downloads: its files and bytes; then the reader's progress."""
        started = self._first_sync
        if started is None:
            return super().load_progress()
        files, total, done, done_bytes = self.mirror.download_progress()
        return LoadProgress(
            loaded=False,
            loading=True,
            runs=0,
            files_total=files,
            files_read=done,
            bytes_total=total,
            bytes_read=done_bytes,
            seconds=time.monotonic() - started,
        )

    def warnings(self) -> list[LoadWarning]:
        """The mirror's warnings with their paths as URLs, and a failed sync's."""
        tree = self.mirror.tree + os.sep
        found = [
            dataclasses.replace(
                w, path=_storage.join(self.url, w.path[len(tree) :].replace(os.sep, "/"))
            )
            if w.path.startswith(tree)
            else w
            for w in super().warnings()
        ]
        if self._unreachable is not None:
            found.append(self._unreachable)
        return found

    def update_run_notes(
        self, run: str, changes: Mapping[str, Any], *, revision: int | None = None
    ) -> notes.RunNote:
        """Change a run's note in the bucket (see the module docstring); no trash here."""
        if "trashed" in changes:
            raise ValueError(
                f"runs of {self.url} cannot be moved to the trash: an object store has no "
                "rename (hide or archive the run instead)"
            )
        with self._lock:
            known = run in self._runs
        etag = self.mirror.fetch(notes.FILENAME)
        store = notes.NotesStore(self.logdir)
        if not known and run not in store.read():
            raise NotFoundError(f"no run {run!r} in {self.url!r}")
        note = store.update(run, changes, revision=revision)
        self._upload_notes(etag)
        return note

    def delete_run_notes(self, run: str, *, revision: int | None = None) -> None:
        etag = self.mirror.fetch(notes.FILENAME)
        notes.NotesStore(self.logdir).delete(run, revision=revision)
        self._upload_notes(etag)

    def _upload_notes(self, etag: str | None) -> None:
        path = os.path.join(self.logdir, notes.FILENAME)
        with open(path, "rb") as f:
            data = f.read()
        try:
            self.mirror.put(notes.FILENAME, data, expected_etag=etag)
        except Exception:
            self.mirror.fetch(notes.FILENAME)  # the mirror shows the bucket's notes again
            raise

    def close(self) -> None:
        """Save the index; a temporary mirror (cache off) is removed."""
        super().close()
        if self._temporary:
            shutil.rmtree(self.mirror.directory, ignore_errors=True)


def logdir_provider(
    logdir: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    check_crc: bool = True,
    on_error: Literal["raise", "warn"] = "raise",
) -> LogdirProvider:
    """The provider over ``logdir``: a local path, ``file://`` URL or object-store URL.

    Example::

        provider = logdir_provider("s3://bucket/runs")
    """
    text = os.fspath(logdir)
    if _storage.is_remote(text):
        return RemoteLogdirProvider(
            text, cache_dir=cache_dir, use_cache=use_cache, check_crc=check_crc,
            on_error=on_error,
        )
    if _storage.url_scheme(text) == "file":
        text = _storage.file_url_path(text)
    return LogdirProvider(text, cache_dir=cache_dir, use_cache=use_cache, check_crc=check_crc)


def check_logdir(url: str) -> bool:
    """Whether the log dir at ``url`` holds any object yet (one listing request).

    Raises:
        RemoteLogdirError: no such bucket, no credentials or access, unreachable.
        MissingDependencyError: the scheme's backend is not installed (names the extra).
    """
    fs, path = _storage.filesystem(url)
    scheme = _storage.url_scheme(url) or "file"
    fs.invalidate_cache(path)
    try:
        return bool(fs.ls(path.rstrip("/"), detail=False))
    except FileNotFoundError as exc:
        if "bucket" in str(exc).lower():
            raise _explain(url, scheme, "listing it", exc) from exc
        return False
    except Exception as exc:
        raise _explain(url, scheme, "listing it", exc) from exc


# -- helpers ------------------------------------------------------------------


def _select(listing: Mapping[str, _Object]) -> dict[str, _Object]:
    """The objects worth mirroring: event files, run notes, projector files."""
    projector_dirs = {
        posixpath.dirname(key) for key in listing if posixpath.basename(key) == CONFIG_FILENAME
    }
    selected = {}
    for key, remote in listing.items():
        parts = key.split("/")
        if parts[0] == notes.TRASH_DIR:
            continue
        name = parts[-1]
        projector_file = name.lower().endswith(_PROJECTOR_SUFFIXES) and any(
            "/".join(parts[:n]) in projector_dirs for n in range(len(parts))
        )
        if is_event_file(name) or key == notes.FILENAME or projector_file:
            selected[key] = remote
    return selected


def _safe_key(key: str) -> bool:
    """A key that maps to a path inside the mirror (no ``..``, empty or odd segments)."""
    parts = key.split("/")
    bad = {"", ".", ".."}
    return not any(
        p in bad or "\0" in p or (os.sep != "/" and os.sep in p) or (os.altsep and os.altsep in p)
        for p in parts
    )


def _etag(info: Mapping[str, Any]) -> str | None:
    for field in ("ETag", "etag", "generation", "md5Hash", "content_md5"):
        value = info.get(field)
        if value:
            return str(value)
    return None


def _mtime(info: Mapping[str, Any]) -> float | None:
    for field in ("LastModified", "last_modified", "updated", "mtime", "created"):
        value = info.get(field)
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.timezone.utc)
            return value.timestamp()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=datetime.timezone.utc)
                return parsed.timestamp()
    return None


def _precondition_failed(exc: BaseException, *, create: bool) -> bool:
    """Whether a conditional write failed because the object is not the version expected:
    HTTP 412 (s3fs names it in the message, the Azure SDK has ``status_code``), or, for
    a write only where no object exists, the backend's FileExistsError."""
    if create and isinstance(exc, FileExistsError):
        return True
    if getattr(exc, "status_code", None) == 412:
        return True
    text = str(exc).lower()
    return isinstance(exc, OSError) and ("pre-condition" in text or "precondition" in text)


def _explain(url: str, scheme: str, doing: str, exc: BaseException) -> TrainboardError:
    """A :class:`RemoteLogdirError` naming ``url`` and what went wrong, in words."""
    if isinstance(exc, (MissingDependencyError, RemoteLogdirError)):
        return exc
    name = type(exc).__name__
    text = str(exc) or name
    if "NoCredentials" in name or "credential" in text.lower():
        hint = _CREDENTIALS_HINT.get(scheme[:2], "the backend's standard credentials")
        return RemoteLogdirError(
            f"{url}: no credentials for {scheme}:// ({text}); set {hint}"
        )
    if isinstance(exc, PermissionError) or "AccessDenied" in text or "Forbidden" in text:
        return RemoteLogdirError(f"{url}: access denied while {doing} ({text})")
    if isinstance(exc, FileNotFoundError) and "bucket" in text.lower():
        return RemoteLogdirError(f"{url}: no such bucket ({text})")
    return RemoteLogdirError(f"{url}: {doing} failed: {name}: {text}")


def _write_atomic(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


@contextlib.contextmanager
def _process_lock(path: str) -> Iterator[None]:
    """Excludes other processes syncing the same mirror (POSIX; a no-op elsewhere)."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        yield
        return
    import fcntl

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
