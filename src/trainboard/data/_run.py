"""One run's state: its event files, its series, and how scanned rows become points.

The scan kernel (:mod:`trainboard.data._kernel`) hands over rows in file order;
:meth:`RunState.ingest` appends the scalar rows to their series in bulk, and
decodes every other record with protobuf in between, so that restarts
(``SessionLog.START``) purge exactly the points read before them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from google.protobuf.message import DecodeError

from trainboard.data import _compat
from trainboard.data._columns import Column
from trainboard.data._kernel import ROW_BAD_CRC, ROW_SIMPLE, ROW_SKIPPED, ROW_TENSOR
from trainboard.data.provider import DataClass, TagInfo
from trainboard.format.kinds._wire import encode_varint
from trainboard.format.proto.event_pb2 import Event, SessionLog
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata

__all__ = [
    "COLUMN_DTYPES",
    "GRAPH_DEF_INDEX",
    "RUN_METADATA_INDEX",
    "EventFile",
    "RunState",
    "Series",
    "column_names",
]

GRAPH_DEF_INDEX = -1  # value_index of a point that is an Event's graph_def
RUN_METADATA_INDEX = -2  # ... or its tagged_run_metadata.run_metadata
log = logging.getLogger("trainboard.data")
_CACHE_LIMIT = 1 << 16  # decoded tensors up to this many bytes are kept from the scan
_DTYPES: dict[str, np.dtype[Any]] = {
    "steps": np.dtype("<i8"),
    "wall_times": np.dtype("<f8"),
    "values": np.dtype("<f8"),
    "files": np.dtype("<i4"),
    "offsets": np.dtype("<i8"),
    "indices": np.dtype("<i4"),
    "lengths": np.dtype("<i4"),
}
COLUMN_DTYPES = _DTYPES
_STEP, _F8 = _DTYPES["steps"], _DTYPES["values"]
_SCALAR_COLUMNS = ("steps", "wall_times", "values")
_REF_COLUMNS = ("steps", "wall_times", "files", "offsets", "indices", "lengths")


@dataclass
class EventFile:
    """An event file of a run and how far it has been read."""

    name: str
    size: int = 0
    mtime_ns: int = 0
    ino: int = 0
    offset: int = 0  # the next byte to scan: the start of the first unread record
    head: str = ""  # hex of its first bytes, to notice a replaced file
    mark: str = ""  # hex of the bytes just before ``offset``, to notice a rewritten one
    problems: dict[str, list[int]] | None = None  # kind -> [count, first offset]
    incomplete: int = 0  # bytes after ``offset`` that do not yet form a record
    unreadable: str = ""

    def note(self, kind: str, offset: int, count: int) -> None:
        """Count a problem of ``kind`` (see :class:`~trainboard.data.provider.LoadWarning`)."""
        if self.problems is None:
            self.problems = {}
        entry = self.problems.setdefault(kind, [0, offset])
        entry[0] += count


def column_names(data_class: DataClass) -> tuple[str, ...]:
    """The columns a series of ``data_class`` keeps."""
    return _SCALAR_COLUMNS if data_class is DataClass.SCALAR else _REF_COLUMNS


def _new_columns(data_class: DataClass) -> dict[str, Column]:
    if data_class is DataClass.SCALAR:
        return {
            "steps": Column(_STEP),
            "wall_times": Column(_F8),
            "values": Column(_F8),
        }
    return {name: Column(_DTYPES[name]) for name in _REF_COLUMNS}


class Series:
    """One tag's points: scalars as values, everything else as record references."""

    __slots__ = (
        "_by_step",
        "_by_step_count",
        "_info",
        "data_class",
        "decoded",
        "files",
        "indices",
        "lengths",
        "metadata",
        "offsets",
        "plugin_name",
        "purged",
        "steps",
        "tag",
        "values",
        "wall_times",
    )

    def __init__(
        self,
        tag: str,
        metadata: SummaryMetadata,
        columns: dict[str, Column] | None = None,
        data_class: DataClass | None = None,
    ) -> None:
        """``data_class``: ``_compat.data_class_of(metadata)`` when the caller knows it."""
        self.tag = tag
        self.metadata = metadata
        self.plugin_name = metadata.plugin_data.plugin_name
        self.data_class = _compat.data_class_of(metadata) if data_class is None else data_class
        if columns is None:
            columns = _new_columns(self.data_class)
        get = columns.get
        self.steps = columns["steps"]
        self.wall_times = columns["wall_times"]
        self.values: Column | None = get("values")
        self.files: Column | None = get("files")
        self.offsets: Column | None = get("offsets")
        self.indices: Column | None = get("indices")
        self.lengths: Column | None = get("lengths")
        self.decoded: dict[tuple[int, int, int], np.ndarray] = {}
        self.purged = 0
        self._by_step: dict[int, int] = {}  # step -> position of its last point
        self._by_step_count = 0  # how many points _by_step covers
        self._info: tuple[int, int, TagInfo] | None = None  # (length, purged, info) when made

    def __len__(self) -> int:
        return len(self.steps)

    def tag_info(self, run: str) -> TagInfo:
        """What the listing says of this series (kept until points are added or purged)."""
        count = len(self.steps)
        cached = self._info
        if cached is not None and cached[:2] == (count, self.purged) and cached[2].run == run:
            return cached[2]
        metadata = self.metadata
        info = TagInfo(
            run=run,
            tag=self.tag,
            data_class=self.data_class,
            plugin_name=self.plugin_name,
            plugin_content=metadata.plugin_data.content,
            display_name=metadata.display_name,
            description=metadata.summary_description,
            num_points=count,
            last_step=int(self.steps.view()[-1]) if count else None,
            last_wall_time=float(self.wall_times.view()[-1]) if count else None,
        )
        self._info = (count, self.purged, info)
        return info

    def columns(self) -> dict[str, Column]:
        """Every column by name (for the index)."""
        return {name: getattr(self, name) for name in column_names(self.data_class)}

    def append_scalars(self, steps: Any, wall_times: Any, values: Any) -> None:
        assert self.values is not None  # only SCALAR series are built with values
        self.steps.extend(steps)
        self.wall_times.extend(wall_times)
        self.values.extend(values)

    def append_refs(
        self, steps: Any, wall_times: Any, file_id: int, offsets: Any, indices: Any, lengths: Any
    ) -> None:
        assert self.files is not None and self.offsets is not None
        assert self.indices is not None and self.lengths is not None
        count = np.size(steps)
        self.steps.extend(steps)
        self.wall_times.extend(wall_times)
        self.files.extend(np.full(count, file_id))
        self.offsets.extend(offsets)
        self.indices.extend(indices)
        self.lengths.extend(np.broadcast_to(np.asarray(lengths), (count,)))

    def purge_from(self, step: int) -> int:
        """Drop the points with step >= ``step``; return how many."""
        steps = self.steps.view()
        keep = steps < step
        dropped = len(steps) - int(np.count_nonzero(keep))
        if dropped:
            for column in self.columns().values():
                column.keep(keep)
            self.purged += dropped
            self._by_step.clear()  # positions moved: index again from the start
            self._by_step_count = 0
        return dropped

    def position_of(self, step: int, hint: int | None = None) -> int | None:
        """The position of the point a reader asking for ``step`` gets, or None.

        ``hint`` when that point holds ``step``, else the last point with it. The
        step index grows with the points appended since the last call (each point
        is indexed once); a purge starts it again.
        """
        steps = self.steps.view()
        if hint is not None and 0 <= hint < len(steps) and int(steps[hint]) == step:
            return hint
        start = self._by_step_count
        if start < len(steps):
            self._by_step.update(zip(steps[start:].tolist(), range(start, len(steps)), strict=True))
            self._by_step_count = len(steps)
        return self._by_step.get(step)

    def trim(self) -> None:
        for column in self.columns().values():
            column.trim()


class RunState:
    """A run: its files (``file_id`` = position in :attr:`files`) and its series by tag."""

    def __init__(self, name: str, path: str) -> None:
        self.name = name
        self.path = path
        self.files: list[EventFile] = []
        self.series: dict[str, Series] = {}
        self.seen_start = False
        self.file_version: float | None = None
        self.start_time: float | None = None
        self._by_bytes: dict[bytes, Series] = {}
        self._pending: dict[Series, tuple[list[int], list[float], list[float]]] = {}

    def new_series(self, tag: str, metadata: SummaryMetadata) -> Series:
        series = Series(tag, metadata)
        self.series[tag] = series
        return series

    # -- scanned rows ------------------------------------------------------

    def ingest(
        self, data: bytes, base: int, rows: np.ndarray, tags: tuple[bytes, ...], file_id: int
    ) -> None:
        """Apply ``rows`` (from a scan of ``data``, which holds file bytes from ``base``)."""
        kinds = rows["kind"]
        special = np.flatnonzero((kinds != ROW_SIMPLE) & (kinds != ROW_TENSOR))
        records = zip(
            special.tolist(),
            kinds[special].tolist(),
            rows["offset"][special].tolist(),
            rows["length"][special].tolist(),
            strict=True,
        )
        start = 0
        for i, kind, offset, length in records:
            if i > start:
                self._ingest_fast(data, base, rows[start:i], tags, file_id)
            self._ingest_record(data, base, kind, offset, length, file_id)
            start = i + 1
        if start < len(rows):
            self._ingest_fast(data, base, rows[start:], tags, file_id)
        self.flush()

    def flush(self) -> None:
        """Append the scalar points decoded one by one since the last flush."""
        for series, (steps, walls, values) in self._pending.items():
            series.append_scalars(steps, walls, values)
        self._pending.clear()

    def _ingest_fast(
        self, data: bytes, base: int, rows: np.ndarray, tags: tuple[bytes, ...], file_id: int
    ) -> None:
        if self.start_time is None:
            self.start_time = float(rows["wall_time"][0])
        self.flush()  # points decoded one by one come first
        steps, walls, values = rows["step"], rows["wall_time"], rows["value"]
        for local, where in _group_by_tag(rows["tag"], len(tags)):
            series = self._by_bytes.get(tags[local])
            if series is None:
                first = rows[_first_of(where)]
                series = self._series_for_row(tags[local], first, data, base)
            if series.data_class is DataClass.SCALAR:
                series.append_scalars(steps[where], walls[where], values[where])
            elif series.data_class is DataClass.BLOB_SEQUENCE:  # a number is no blob
                offsets = rows["offset"][where]
                self.files[file_id].note("data_loss", int(offsets[0]), len(offsets))
            else:
                series.append_refs(
                    steps[where],
                    walls[where],
                    file_id,
                    rows["offset"][where],
                    rows["value_index"][where],
                    1,
                )

    def _series_for_row(self, tag_bytes: bytes, row: Any, data: bytes, base: int) -> Series:
        tag = tag_bytes.decode("utf-8")  # the kernel checked it is valid UTF-8
        series = self.series.get(tag)
        if series is None:
            metadata = None
            if row["meta_off"] >= 0:
                start = int(row["offset"]) - base + 12 + int(row["meta_off"])
                metadata = SummaryMetadata.FromString(bytes(data[start : start + row["meta_len"]]))
            if row["kind"] == ROW_SIMPLE:
                metadata = _scalar_metadata(tag_bytes, tag, metadata)
            series = self.new_series(tag, metadata or SummaryMetadata())
        self._by_bytes[tag_bytes] = series
        return series

    def _ingest_record(
        self, data: bytes, base: int, kind: int, offset: int, length: int, file_id: int
    ) -> None:
        file = self.files[file_id]
        if kind == ROW_BAD_CRC:
            file.note("crc", offset, 1)
            return
        if kind == ROW_SKIPPED:
            file.note("garbage", offset, length)
            return
        start = offset - base + 12
        try:
            event = Event.FromString(bytes(data[start : start + length]))
        except DecodeError:
            file.note("parse", offset, 1)
            return
        try:
            self.process_event(event, file_id, offset)
        except Exception:  # a record that breaks a rule we did not foresee costs itself
            log.exception("run %r: skipped the record at offset %d", self.name, offset)
            file.note("data_loss", offset, 1)

    # -- decoded events ----------------------------------------------------

    def process_event(self, event: Event, file_id: int, offset: int) -> None:
        """Apply one Event read from ``files[file_id]`` at byte ``offset``."""
        if self.start_time is None:
            self.start_time = event.wall_time
        what = event.WhichOneof("what")
        if what == "file_version":
            self.file_version = _parse_file_version(event.file_version)
        elif what == "session_log":
            self._maybe_purge(event)
        elif what == "summary":
            for index, value in enumerate(event.summary.value):
                self._ingest_value(value, index, event, file_id, offset)
        elif what == "graph_def":
            self._blob_event(_compat.RUN_GRAPH_TAG, _compat.GRAPHS, event, file_id, offset, -1)
        elif what == "tagged_run_metadata":
            tag, plugin = event.tagged_run_metadata.tag, _compat.GRAPH_TAGGED_RUN_METADATA
            self._blob_event(tag, plugin, event, file_id, offset, RUN_METADATA_INDEX)

    def _maybe_purge(self, event: Event) -> None:
        # TensorBoard's Python loader, with a file version >= 2: the first START of a
        # run marks the first session; each later one purges every point read before
        # it whose step is >= its step.
        if self.file_version is None or self.file_version < 2:
            return
        if event.session_log.status != SessionLog.START:
            return
        if not self.seen_start:
            self.seen_start = True
            return
        self.flush()
        for series in self.series.values():
            series.purge_from(event.step)

    def _blob_event(
        self, tag: str, plugin: str, event: Event, file_id: int, offset: int, index: int
    ) -> None:
        series = self.series.get(tag)
        if series is None:
            series = self.new_series(tag, _compat.blob_metadata(plugin))
        series.append_refs(event.step, event.wall_time, file_id, offset, index, 1)

    def _ingest_value(
        self, value: Summary.Value, index: int, event: Event, file_id: int, offset: int
    ) -> None:
        tag = value.tag or value.node_name
        series = self.series.get(tag)
        if series is None:
            series = self.new_series(tag, _compat.initial_metadata(value))
        try:
            if series.data_class is DataClass.SCALAR:
                number = _compat.decode_scalar(value)
                pending = self._pending.get(series)
                if pending is None:
                    pending = self._pending[series] = ([], [], [])
                pending[0].append(event.step)
                pending[1].append(event.wall_time)
                pending[2].append(number)
                return
            length = 1
            if series.data_class is DataClass.BLOB_SEQUENCE:
                length = len(_compat.decode_blobs(value, series.plugin_name))
            else:
                array = _compat.decode_tensor(value, series.plugin_name)
                if array.nbytes <= _CACHE_LIMIT:
                    array.flags.writeable = False
                    series.decoded[(file_id, offset, index)] = array
        except Exception:  # any value that cannot be decoded costs itself, nothing more
            self.files[file_id].note("data_loss", offset, 1)
            return
        series.append_refs(event.step, event.wall_time, file_id, offset, index, length)

    def trim(self) -> None:
        for series in self.series.values():
            series.trim()


_MASK_GROUPS = 16  # up to this many tags in a batch, one mask per tag beats sorting


def _group_by_tag(ids: np.ndarray, count: int) -> list[tuple[int, Any]]:
    """``(tag id, selector)`` per tag present in ``ids``, each selector in row order."""
    present = np.flatnonzero(np.bincount(ids, minlength=count)).tolist()
    if len(present) == 1:
        return [(present[0], slice(None))]
    if len(present) <= _MASK_GROUPS:
        return [(local, ids == local) for local in present]
    order = np.argsort(ids, kind="stable")
    bounds = np.flatnonzero(np.diff(ids[order])) + 1
    groups = np.split(order, bounds)
    return [(int(ids[group[0]]), group) for group in groups]


# scalar_metadata(tag, None) is this prefix and the tag as field 2 (display_name): parsing
# those bytes is a quarter of the cost of building the message (once per series).
_SCALAR_PREFIX = _compat.scalar_metadata("", None).SerializeToString()


def _scalar_metadata(
    tag_bytes: bytes, tag: str, metadata: SummaryMetadata | None
) -> SummaryMetadata:
    """``_compat.scalar_metadata(tag, metadata)``, quicker when ``metadata`` is None."""
    if metadata is not None or not tag_bytes:
        return _compat.scalar_metadata(tag, metadata)
    return SummaryMetadata.FromString(
        _SCALAR_PREFIX + b"\x12" + encode_varint(len(tag_bytes)) + tag_bytes
    )


def _first_of(where: Any) -> int:
    """The first row a ``_group_by_tag`` selector picks."""
    if isinstance(where, slice):
        return 0
    if where.dtype == np.bool_:
        return int(where.argmax())
    return int(where[0])


def _parse_file_version(text: str) -> float:
    try:
        return float(text.split(":")[-1])
    except ValueError:
        return -1.0
