"""Logdirs for the data-layer tests, written by real writers and by hand.

``write_torch_run`` / ``write_tbx_run`` / ``write_trainboard_run`` use the real
``SummaryWriter``s; ``write_tf2_run`` builds TF2-style events (tensor scalars with
metadata on the first value only, ``[k, 3]`` histogram tensors, string-tensor
images and audio) that no installed writer produces. ``assert_same_as_tensorboard``
checks that the provider reads exactly what TensorBoard's own loader reads.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tests.support import tb_accumulator
from trainboard.data.provider import DataClass, DataProvider
from trainboard.format.event import file_version_event
from trainboard.format.kinds.tensor import ndarray_to_tensor
from trainboard.format.proto.event_pb2 import Event
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.format.record import encode_record

EVENT_NAME = "events.out.tfevents.1700000000.host.1.0"
_CLASS_BY_PROTO = {
    0: DataClass.UNKNOWN,
    1: DataClass.SCALAR,
    2: DataClass.TENSOR,
    3: DataClass.BLOB_SEQUENCE,
}


def event_bytes(events: Sequence[Event], *, version: bool = True) -> bytes:
    """The framed records of ``events``, after a file-version event unless ``version=False``."""
    head = [file_version_event(1700000000.0)] if version else []
    return b"".join(encode_record(e.SerializeToString()) for e in [*head, *events])


def write_events(
    directory: Path, events: Sequence[Event], name: str = EVENT_NAME, *, version: bool = True
) -> Path:
    """Write ``events`` as one event file in ``directory``; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(event_bytes(events, version=version))
    return path


def metadata(plugin: str, content: bytes = b"", data_class: int = 0) -> SummaryMetadata:
    return SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=plugin, content=content),
        data_class=data_class,  # type: ignore[arg-type]
    )


def tensor_event(
    step: int, tag: str, array: Any, meta: SummaryMetadata | None = None, wall: float = 0.0
) -> Event:
    """An Event with one tensor value (TF2 style), ``meta`` only when given."""
    value = Summary.Value(tag=tag, tensor=ndarray_to_tensor(np.asarray(array)))
    if meta is not None:
        value.metadata.CopyFrom(meta)
    return Event(step=step, wall_time=wall or 1700000000.0 + step, summary=Summary(value=[value]))


def scalar_event(step: int, tag: str, value: float, wall: float = 0.0) -> Event:
    """An old-style ``simple_value`` Event, as torch writes."""
    summary = Summary(value=[Summary.Value(tag=tag, simple_value=value)])
    return Event(step=step, wall_time=wall or 1700000000.0 + step, summary=summary)


def png(width: int = 4, height: int = 3) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def write_tf2_run(directory: Path) -> dict[str, Any]:
    """TF2-style events for every shape no installed writer produces; returns what was written."""
    scalars = metadata("scalars", data_class=1)
    written: dict[str, Any] = {
        "float": [0.5, -1.25, math.inf],
        "double": [1e300, 2.0 / 3.0, -0.0],
        "int32": [7, -8, 2**31 - 1],
        "int64": [2**53 + 1, -(2**40), 3],
    }
    dtypes = {"float": np.float32, "double": np.float64, "int32": np.int32, "int64": np.int64}
    events = []
    for step in range(3):
        for name, values in written.items():
            meta = scalars if step == 0 else None  # metadata on the first value only
            events.append(tensor_event(step, f"scalar/{name}", dtypes[name](values[step]), meta))
    histograms = [
        np.array([[0.0, 1.0, 3.0], [1.0, 2.5, 0.0], [2.5, 4.0, 1.0]], dtype=np.float64)
        for _ in range(2)
    ]
    for step, table in enumerate(histograms):
        meta = metadata("histograms") if step == 0 else None
        events.append(tensor_event(step, "hist", table + step, meta))
    images = np.array([b"4", b"3", png(), png(2, 2)], dtype=object)
    events.append(tensor_event(5, "images", images, metadata("images", data_class=3)))
    audio = np.array([[b"RIFF-one", b"label one"], [b"RIFF-two", b""]], dtype=object)
    events.append(tensor_event(6, "audio", audio, metadata("audio")))
    events.append(tensor_event(7, "text", np.array([b"a", b"b"], dtype=object), metadata("text")))
    events.append(tensor_event(8, "untyped", np.arange(6, dtype=np.int16).reshape(2, 3)))
    write_events(directory, events)
    written["hist"] = [h + i for i, h in enumerate(histograms)]
    return written


def make_ndarray(tensor_proto: Any) -> np.ndarray:
    from tensorboard.util import tensor_util

    return np.asarray(tensor_util.make_ndarray(tensor_proto))


def _same_floats(a: Any, b: Any) -> bool:
    return bool(np.array_equal(np.asarray(a, float), np.asarray(b, float), equal_nan=True))


def assert_same_as_tensorboard(provider: DataProvider, logdir: Path, run: str) -> None:
    """Every tag of ``run`` reads exactly as in TensorBoard's plugin event accumulator."""
    acc = tb_accumulator(os.path.join(logdir, run))
    tb_tags = set(acc.Tags()["tensors"])
    infos = {info.tag: info for info in provider.tags(run)}
    assert set(infos) == tb_tags
    for tag in sorted(tb_tags):
        info = infos[tag]
        tb_meta = acc.summary_metadata.get(tag) or SummaryMetadata()  # none: a raw tensor
        assert info.plugin_name == tb_meta.plugin_data.plugin_name, tag
        assert info.plugin_content == tb_meta.plugin_data.content, tag
        if tb_meta.data_class:
            assert info.data_class is _CLASS_BY_PROTO[tb_meta.data_class], tag
        events = acc.Tensors(tag)
        steps = [e.step for e in events]
        walls = [e.wall_time for e in events]
        arrays = [make_ndarray(e.tensor_proto) for e in events]
        if info.data_class is DataClass.SCALAR:
            series = provider.read_scalars(run, tag)
            assert series.steps.tolist() == steps, tag
            assert series.wall_times.tolist() == walls, tag
            assert _same_floats(series.values, [a.item() for a in arrays]), tag
        elif info.data_class is DataClass.BLOB_SEQUENCE:
            blobs = provider.read_blob_sequences(run, tag)
            assert blobs.steps.tolist() == steps, tag
            assert blobs.wall_times.tolist() == walls, tag
            for refs, array in zip(blobs.refs, arrays, strict=True):
                assert [provider.read_blob(r.key) for r in refs] == array.reshape(-1).tolist()
        else:
            tensors = provider.read_tensors(run, tag)
            assert tensors.steps.tolist() == steps, tag
            assert tensors.wall_times.tolist() == walls, tag
            for ours, theirs in zip(tensors.values, arrays, strict=True):
                assert ours.dtype == theirs.dtype, tag
                assert ours.shape == theirs.shape, tag
                if ours.dtype == object:
                    assert ours.tolist() == theirs.tolist(), tag
                else:
                    assert np.array_equal(ours, theirs, equal_nan=True), tag
