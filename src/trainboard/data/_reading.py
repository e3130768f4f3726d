"""Reads that go back to the event files: tensors decoded on demand, blobs, views.

Tensor and blob points are kept as (file, offset, value index) references; these
helpers read the referenced records (outside the provider's lock, from a snapshot
taken under it) and decode them with the same rules as the scan.
"""

from __future__ import annotations

import base64
import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from google.protobuf.message import DecodeError

from trainboard.data import _compat
from trainboard.data._run import GRAPH_DEF_INDEX, RUN_METADATA_INDEX, RunState, Series
from trainboard.data.downsample import pixel_indices
from trainboard.data.provider import BlobRef, BlobSequenceSeries, ScalarSeries, ScalarView, XAxis
from trainboard.data.smoothing import ema, ema_time_weighted
from trainboard.errors import NotFoundError
from trainboard.format.proto.event_pb2 import Event

__all__ = [
    "RefSnapshot",
    "blob_refs",
    "blob_series",
    "decode_tensors",
    "parse_blob_key",
    "read_blob",
    "scalar_view",
    "snapshot_refs",
]

_HEADER = struct.Struct("<QI")
_Key = tuple[int, int, int]


@dataclass(frozen=True)
class RefSnapshot:
    """A series' references as they were when taken (arrays are read-only views)."""

    run: str
    path: str
    names: tuple[str, ...]
    plugin: str
    steps: np.ndarray
    wall_times: np.ndarray
    files: np.ndarray
    offsets: np.ndarray
    indices: np.ndarray
    lengths: np.ndarray


def snapshot_refs(state: RunState, series: Series) -> RefSnapshot:
    """Take a snapshot of ``series`` (call under the provider's lock)."""
    assert series.files is not None and series.offsets is not None
    assert series.indices is not None and series.lengths is not None
    return RefSnapshot(
        state.name,
        state.path,
        tuple(f.name for f in state.files),
        series.plugin_name,
        series.steps.view(),
        series.wall_times.view(),
        series.files.view(),
        series.offsets.view(),
        series.indices.view(),
        series.lengths.view(),
    )


def read_event(handle: BinaryIO, offset: int) -> Event:
    """The Event of the record at ``offset`` (CRCs were checked when it was scanned)."""
    handle.seek(offset)
    header = handle.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise ValueError(f"no record at byte {offset}")
    length = _HEADER.unpack(header)[0]
    data = handle.read(length)
    if len(data) < length:
        raise ValueError(f"record at byte {offset} is cut short")
    return Event.FromString(data)


def _decode_missing(refs: RefSnapshot, keys: list[_Key]) -> dict[_Key, np.ndarray]:
    out: dict[_Key, np.ndarray] = {}
    by_file: dict[int, list[_Key]] = {}
    for key in keys:
        by_file.setdefault(key[0], []).append(key)
    for file_id, file_keys in by_file.items():
        try:
            with open(os.path.join(refs.path, refs.names[file_id]), "rb") as handle:
                for key in sorted(file_keys, key=lambda k: k[1]):
                    try:
                        value = read_event(handle, key[1]).summary.value[key[2]]
                        array = _compat.decode_tensor(value, refs.plugin)
                    except (DecodeError, ValueError, IndexError):
                        continue  # the file changed under us: the next reload resets the run
                    array.flags.writeable = False
                    out[key] = array
        except OSError:
            continue
    return out


def decode_tensors(
    refs: RefSnapshot, series: Series, lock: object
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Steps, wall times and arrays of a tensor series, decoding what is not cached."""
    keys: list[_Key] = list(
        zip(refs.files.tolist(), refs.offsets.tolist(), refs.indices.tolist(), strict=True)
    )
    cache = series.decoded
    missing = [key for key in keys if key not in cache]
    fresh = _decode_missing(refs, missing) if missing else {}
    if fresh:
        with lock:  # type: ignore[attr-defined]
            cache.update(fresh)
    arrays = [cache[key] if key in cache else fresh.get(key) for key in keys]
    kept = tuple(a for a in arrays if a is not None)
    if len(kept) == len(arrays):
        return refs.steps, refs.wall_times, kept
    keep = np.array([a is not None for a in arrays], dtype=bool)
    return _readonly(refs.steps[keep]), _readonly(refs.wall_times[keep]), kept


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _unb64(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")


def blob_series(run: str, tag: str, refs: RefSnapshot) -> BlobSequenceSeries:
    """The blob-sequence series of a snapshot, with a key per blob."""
    prefixes = [f"{_b64(run)}.{_b64(name)}" for name in refs.names]
    points = zip(
        refs.files.tolist(),
        refs.offsets.tolist(),
        refs.indices.tolist(),
        refs.lengths.tolist(),
        refs.steps.tolist(),
        refs.wall_times.tolist(),
        strict=True,
    )
    blobs = tuple(
        tuple(
            BlobRef(f"{prefixes[file_id]}.{offset}.{index}.{j}", step, wall, j)
            for j in range(length)
        )
        for file_id, offset, index, length, step, wall in points
    )
    return BlobSequenceSeries(run, tag, refs.steps, refs.wall_times, refs.lengths, blobs)


def blob_refs(
    run: str, file_name: str, offset: int, index: int, length: int, step: int, wall_time: float
) -> tuple[BlobRef, ...]:
    """The refs of one point's ``length`` blobs (value ``index`` of the record at ``offset``)."""
    prefix = f"{_b64(run)}.{_b64(file_name)}.{offset}.{index}"
    return tuple(BlobRef(f"{prefix}.{j}", step, wall_time, j) for j in range(length))


def parse_blob_key(key: str) -> tuple[str, str, int, int, int]:
    """``(run, file name, offset, value index, element)`` of a blob key."""
    try:
        run, name, offset, index, element = key.split(".")
        return _unb64(run), _unb64(name), int(offset), int(index), int(element)
    except (ValueError, UnicodeDecodeError) as error:
        raise NotFoundError(f"malformed blob key {key!r}") from error


def read_blob(path: str, offset: int, index: int, element: int, plugins: dict[str, str]) -> bytes:
    """One blob of the record at ``offset`` of the file at ``path``."""
    try:
        with open(path, "rb") as handle:
            event = read_event(handle, offset)
        if index == GRAPH_DEF_INDEX:
            blobs: tuple[bytes, ...] = (event.graph_def,)
        elif index == RUN_METADATA_INDEX:
            blobs = (event.tagged_run_metadata.run_metadata,)
        else:
            value = event.summary.value[index]
            blobs = _compat.decode_blobs(value, plugins.get(value.tag or value.node_name, ""))
        return blobs[element]
    except (OSError, DecodeError, ValueError, IndexError) as error:
        message = f"no blob {element} in the record at byte {offset} of {path!r}"
        raise NotFoundError(message) from error


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def scalar_view(
    series: ScalarSeries,
    width: int,
    x_axis: XAxis,
    x_range: tuple[float, float] | None,
    smoothing: float,
    time_weighted: bool,
) -> ScalarView:
    """Smooth every point of ``series``, then keep per pixel column what a line needs."""
    if x_axis == "step":
        x = series.steps.astype(np.float64)
    elif x_axis == "wall_time":
        x = series.wall_times
    elif x_axis == "relative":
        x = series.wall_times - (series.wall_times[0] if len(series) else 0.0)
    else:
        raise ValueError(f"x_axis must be 'step', 'wall_time' or 'relative', got {x_axis!r}")
    smoothed = None
    if smoothing:
        if time_weighted:
            smoothed = ema_time_weighted(x, series.values, smoothing)
        else:
            smoothed = ema(series.values, smoothing)
    keep = pixel_indices(x, series.values, width, x_range)
    return ScalarView(
        series.run,
        series.tag,
        x_axis,
        _readonly(x[keep]),
        _readonly(series.steps[keep]),
        _readonly(series.wall_times[keep]),
        _readonly(series.values[keep]),
        None if smoothed is None else _readonly(smoothed[keep]),
        len(series),
    )
