"""The persistent index: a logdir's read state, saved so reopening skips parsed bytes.

One file per logdir in the cache directory, never in the logdir unless the cache
directory points there::

    b"TBIDX\\x00\\x01\\n"   magic and format version
    uint64 (LE)             length of the JSON header
    JSON header             runs, their files (size, mtime, inode, first bytes, the
                            offset read up to) and their series (tag, metadata,
                            column positions)
    zero padding            to a multiple of 8
    raw little-endian columns, each 8-byte aligned

Loading maps the columns straight out of one read of the file. Staleness is
checked file by file on the next reload: an unchanged file is skipped, a grown one
is read from where the index stopped, and a shrunk, replaced or removed one makes
its run be read again from scratch (see :mod:`trainboard.data._tail`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import mmap
import os
import struct
import tempfile
from typing import Any

import numpy as np

from trainboard.data._columns import Column
from trainboard.data._compat import data_class_of
from trainboard.data._run import COLUMN_DTYPES, EventFile, RunState, Series, column_names
from trainboard.data.provider import DataClass
from trainboard.format.paths import user_cache_dir
from trainboard.format.proto.summary_pb2 import SummaryMetadata

__all__ = ["CACHE_ENV", "IndexFile", "cache_root"]

CACHE_ENV = "TRAINBOARD_CACHE_DIR"
_MAGIC = b"TBIDX\x00\x01\n"
_FORMAT = 1
_U64 = struct.Struct("<Q")


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> str | None:
    """The cache directory to use, or None when caching is off.

    ``cache_dir`` wins; else ``$TRAINBOARD_CACHE_DIR``; else the user's cache
    directory. An empty string (in either) turns the cache off.
    """
    if cache_dir is None:
        cache_dir = os.environ.get(CACHE_ENV)
    if cache_dir is not None:
        path = os.fspath(cache_dir)
        return os.path.abspath(os.path.expanduser(path)) if path else None
    return user_cache_dir()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class IndexFile:
    """The index of one logdir at one path."""

    def __init__(self, path: str, logdir: str) -> None:
        self.path = path
        self.logdir = logdir

    @classmethod
    def for_logdir(
        cls, logdir: str, cache_dir: str | os.PathLike[str] | None = None
    ) -> IndexFile | None:
        """The index of ``logdir`` under the cache root, or None when caching is off."""
        root = cache_root(cache_dir)
        if root is None:
            return None
        digest = hashlib.sha256(os.path.realpath(logdir).encode("utf-8")).hexdigest()[:24]
        return cls(os.path.join(root, f"index-{digest}.tbidx"), logdir)

    # -- saving ------------------------------------------------------------

    def save(self, runs: dict[str, RunState], check_crc: bool) -> None:
        """Write the index atomically; errors (a read-only cache) are ignored."""
        arrays: list[np.ndarray] = []
        metadata: dict[bytes, int] = {}
        entries = []
        position = 0  # where the next array starts, after the header
        for state in runs.values():
            entry, position = _run_entry(state, arrays, metadata, position)
            entries.append(entry)
        header = {
            "format": _FORMAT,
            "logdir": self.logdir,
            "check_crc": check_crc,
            "metadata": [_b64(m) for m in metadata],
            "runs": entries,
        }
        text = json.dumps(header, separators=(",", ":")).encode("utf-8")
        head = _MAGIC + _U64.pack(len(text)) + text
        head += b"\0" * (-len(head) % 8)
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=os.path.dirname(self.path), suffix=".tmp")
            with os.fdopen(fd, "w+b") as out:
                out.write(head)
                for array in arrays:
                    out.write(np.ascontiguousarray(array).data)
                    out.write(b"\0" * (-array.nbytes % 8))
                out.flush()
                blob = _mapped(out)
            os.replace(temp, self.path)
        except OSError:
            return
        if blob is not None:
            _remap(runs, entries, blob, len(head))


    # -- loading -----------------------------------------------------------

    def load(self, check_crc: bool) -> dict[str, RunState]:
        """The saved runs, or nothing when the index is missing, stale or damaged.

        The columns are memory-mapped: saving replaces the file (never rewrites it
        in place), so a mapping stays valid, and pages are read only when used. Not
        on Windows, where a mapped file cannot be replaced.
        """
        try:
            with open(self.path, "rb") as f:
                try:
                    if os.name == "nt":
                        raise OSError("no mapping on Windows")
                    blob: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                except (OSError, ValueError):
                    blob = f.read()
            return self._parse(blob, check_crc)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return {}

    def _parse(self, blob: Any, check_crc: bool) -> dict[str, RunState]:
        if blob[: len(_MAGIC)] != _MAGIC:
            return {}
        size = _U64.unpack_from(blob, len(_MAGIC))[0]
        start = len(_MAGIC) + _U64.size
        header = json.loads(bytes(blob[start : start + size]))
        if header["format"] != _FORMAT or header["logdir"] != self.logdir:
            return {}
        if check_crc and not header["check_crc"]:
            return {}  # read without CRC checks: not good enough now
        base = start + size + (-(start + size) % 8)
        metadata = [SummaryMetadata.FromString(base64.b64decode(m)) for m in header["metadata"]]
        kinds = [(m, data_class_of(m)) for m in metadata]
        runs = {}
        for entry in header["runs"]:
            state = _run_state(entry, blob, base, kinds)
            runs[state.name] = state
        return runs


def _run_entry(
    state: RunState, arrays: list[np.ndarray], metadata: dict[bytes, int], position: int
) -> tuple[Any, int]:
    """A run's JSON entry and the position after its columns.

    Its columns, concatenated per name over its series, go to ``arrays`` from ``position``.
    """
    groups: dict[str, list[np.ndarray]] = {}
    series_entries = []
    for series in state.series.values():
        key = series.metadata.SerializeToString()
        series_entries.append([series.tag, metadata.setdefault(key, len(metadata)), len(series)])
        for name, column in series.columns().items():
            groups.setdefault(name, []).append(column.view())
    columns = {}
    for name, parts in groups.items():
        array = np.concatenate(parts).astype(COLUMN_DTYPES[name], copy=False)
        columns[name] = [position, len(array)]
        arrays.append(array)
        position += (array.nbytes + 7) // 8 * 8
    entry = {
        "name": state.name,
        "path": state.path,
        "seen_start": state.seen_start,
        "file_version": state.file_version,
        "start_time": state.start_time,
        "files": [vars(f) for f in state.files],
        "series": series_entries,
        "columns": columns,
    }
    return entry, position


def _mapped(file: Any) -> mmap.mmap | None:
    """A read-only mapping of ``file`` (None on Windows, where it could not be replaced)."""
    if os.name == "nt":
        return None
    try:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None


def _remap(runs: dict[str, RunState], entries: list[Any], blob: Any, base: int) -> None:
    """Point every series' columns at their copy in the saved index, ``blob``.

    The points then live in the page cache, read again from the index when a view needs
    them, instead of in the process's memory; a column appended to later copies itself
    out (:class:`~trainboard.data._columns.Column`). Call under the provider's lock.
    """
    for state, entry in zip(runs.values(), entries, strict=True):
        whole = {
            name: np.frombuffer(blob, dtype=COLUMN_DTYPES[name], count=count, offset=base + offset)
            for name, (offset, count) in entry["columns"].items()
        }
        cursor = dict.fromkeys(whole, 0)
        for series in state.series.values():
            count = len(series)
            for name, column in series.columns().items():
                at = cursor[name]
                column.adopt(whole[name][at : at + count])
                cursor[name] = at + count


def _run_state(
    entry: Any, blob: Any, base: int, kinds: list[tuple[SummaryMetadata, DataClass]]
) -> RunState:
    state = RunState(entry["name"], entry["path"])
    state.seen_start = entry["seen_start"]
    state.file_version = entry["file_version"]
    state.start_time = entry["start_time"]
    state.files = [EventFile(**f) for f in entry["files"]]
    whole = {
        name: np.frombuffer(blob, dtype=COLUMN_DTYPES[name], count=count, offset=base + offset)
        for name, (offset, count) in entry["columns"].items()
    }
    cursor = dict.fromkeys(whole, 0)
    for tag, meta, count in entry["series"]:
        metadata, data_class = kinds[meta]
        columns = {}
        for name in column_names(data_class):
            at = cursor[name]
            columns[name] = Column(COLUMN_DTYPES[name], whole[name][at : at + count])
            cursor[name] = at + count
        state.series[tag] = Series(tag, metadata, columns, data_class)
    return state
