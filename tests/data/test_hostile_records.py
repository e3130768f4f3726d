"""A hostile record costs that record: never its run, the other runs, or the board.

Each record here once aborted every reload of the whole logdir (a ``MemoryError`` or an
``IndexError`` escaped the per-record ``except ValueError``), or made a 43-byte record
decode into 0.9 GB.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from tests.data.logdirs import metadata, scalar_event, write_events
from trainboard.data.logdir import LogdirProvider
from trainboard.format.kinds import tensor as tensor_kind
from trainboard.format.proto.event_pb2 import Event
from trainboard.format.proto.summary_pb2 import Summary
from trainboard.format.proto.tensor_pb2 import (
    DT_FLOAT,
    DT_STRING,
    TensorProto,
    TensorShapeProto,
)


def _shape(*dims: int) -> TensorShapeProto:
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in dims])


def _event(step: int, tag: str, plugin: str, tensor: TensorProto) -> Event:
    value = Summary.Value(tag=tag, tensor=tensor, metadata=metadata(plugin))
    return Event(step=step, wall_time=1700000000.0 + step, summary=Summary(value=[value]))


HOSTILE = {
    "a trillion floats from one": TensorProto(
        dtype=DT_FLOAT, tensor_shape=_shape(10**6, 10**6), float_val=[1.0]
    ),
    "0.9 GB from one float": TensorProto(
        dtype=DT_FLOAT, tensor_shape=_shape(15_000, 15_000), float_val=[1.0]
    ),
    "a negative dimension": TensorProto(dtype=DT_FLOAT, tensor_shape=_shape(-3), float_val=[1.0]),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_an_absurd_tensor_shape_costs_only_its_record(tmp_path: Path, case: str) -> None:
    write_events(
        tmp_path / "bad",
        [
            scalar_event(0, "loss", 1.0),
            _event(1, "weights", "histograms", HOSTILE[case]),
            scalar_event(2, "loss", 0.5),
        ],
    )
    write_events(tmp_path / "good", [scalar_event(s, "loss", float(s)) for s in range(3)])
    provider = LogdirProvider(tmp_path, use_cache=False)
    started = time.perf_counter()
    provider.reload()
    provider.reload()
    assert time.perf_counter() - started < 5  # not 6 s of work per decode (and no 0.9 GB)
    assert provider.read_scalars("good", "loss").steps.tolist() == [0, 1, 2]
    assert provider.read_scalars("bad", "loss").steps.tolist() == [0, 2]
    kinds = {(w.run, w.kind) for w in provider.warnings()}
    assert ("bad", "data_loss") in kinds


def test_an_audio_tensor_with_no_columns_costs_only_its_record(tmp_path: Path) -> None:
    empty = TensorProto(dtype=DT_STRING, tensor_shape=_shape(1, 0))
    write_events(
        tmp_path / "bad",
        [_event(0, "clip", "audio", empty), scalar_event(1, "loss", 0.5)],
    )
    write_events(tmp_path / "good", [scalar_event(0, "loss", 1.0)])
    provider = LogdirProvider(tmp_path, use_cache=False)
    provider.reload()
    assert provider.read_scalars("good", "loss").steps.tolist() == [0]
    assert provider.read_scalars("bad", "loss").steps.tolist() == [1]
    assert ("bad", "data_loss") in {(w.run, w.kind) for w in provider.warnings()}


def test_decoding_is_bounded_by_the_record_size() -> None:
    one = TensorProto(dtype=DT_FLOAT, tensor_shape=_shape(15_000, 15_000), float_val=[1.0])
    with pytest.raises(ValueError, match=r"\[15000, 15000\].*expand"):
        tensor_kind.tensor_to_ndarray(one)
    small = TensorProto(dtype=DT_FLOAT, tensor_shape=_shape(100, 100), float_val=[2.0])
    assert tensor_kind.tensor_to_ndarray(small).shape == (100, 100)  # within the floor
    whole = tensor_kind.ndarray_to_tensor(np.ones((2000, 2000), np.float32))
    assert tensor_kind.tensor_to_ndarray(whole).shape == (2000, 2000)  # stored, not expanded


def test_the_expansion_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    small = TensorProto(dtype=DT_FLOAT, tensor_shape=_shape(100, 100), float_val=[2.0])
    monkeypatch.setattr(tensor_kind, "MIN_EXPANDED_BYTES", 1024)
    with pytest.raises(ValueError, match="MAX_EXPANSION"):
        tensor_kind.tensor_to_ndarray(small)
