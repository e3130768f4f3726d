"""The compiled scan kernel and the pure-Python fallback give identical results.

The kernel decodes common scalar shapes itself and hands everything else to
protobuf; these tests feed both paths the unusual shapes that decide whether a
record may take the fast path, and compare everything the provider returns.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.data.logdirs import event_bytes, metadata, scalar_event, tensor_event, write_events
from trainboard.data import _kernel, _tail
from trainboard.data.logdir import LogdirProvider
from trainboard.format.kinds._wire import encode_varint
from trainboard.format.proto.event_pb2 import Event, SourceMetadata
from trainboard.format.proto.summary_pb2 import Summary
from trainboard.format.proto.tensor_pb2 import DT_FLOAT, TensorProto, TensorShapeProto
from trainboard.format.record import encode_record, iter_records

needs_native = pytest.mark.skipif(_kernel.native is None, reason="compiled kernel not built")


def _field(number: int, wire: int, payload: bytes) -> bytes:
    key = encode_varint(number << 3 | wire)
    if wire == 2:
        return key + encode_varint(len(payload)) + payload
    return key + payload


def _raw_event(step: int, values: list[bytes], extra: bytes = b"") -> bytes:
    summary = b"".join(_field(1, 2, v) for v in values)
    head = _field(1, 1, struct.pack("<d", 1700000000.0 + step)) + _field(2, 0, encode_varint(step))
    return head + extra + _field(5, 2, summary)


def _value(tag: bytes, body: bytes) -> bytes:
    return _field(1, 2, tag) + body


def _tensor(dtype: int, *fields: bytes) -> bytes:
    return _field(8, 2, _field(1, 0, encode_varint(dtype)) + b"".join(fields))


def _simple(value: float) -> bytes:
    return _field(2, 5, struct.pack("<f", value))


def _odd_records() -> list[bytes]:
    """Serialized Events at the edges of what the fast path accepts."""
    shape_1 = _field(2, 2, _field(2, 2, _field(1, 0, b"\x01")))
    shape_2 = _field(2, 2, _field(2, 2, _field(1, 0, b"\x02")))
    meta = metadata("scalars").SerializeToString()
    records = [
        _raw_event(1, [_value(b"s", _simple(1.5))]),
        _raw_event(2, [_value(b"s", _simple(2.5) + _field(9, 2, meta))]),  # metadata later
        _raw_event(3, [_value(b"multi/a", _simple(1)), _value(b"multi/b", _simple(2))]),
        _raw_event(-5, [_value(b"s", _simple(float("nan")))]),  # negative step
        _raw_event(4, [_value(b"t/packed", _tensor(1, _field(5, 2, struct.pack("<f", 0.25))))]),
        _raw_event(4, [_value(b"t/unpacked", _tensor(1, _field(5, 5, struct.pack("<f", 0.5))))]),
        _raw_event(4, [_value(b"t/double", _tensor(2, _field(6, 1, struct.pack("<d", 1 / 3))))]),
        _raw_event(4, [_value(b"t/int32", _tensor(3, _field(7, 0, encode_varint(-3))))]),
        _raw_event(4, [_value(b"t/int64", _tensor(9, _field(10, 0, encode_varint(2**62))))]),
        _raw_event(4, [_value(b"t/content", _tensor(2, _field(4, 2, struct.pack("<d", 9.5))))]),
        _raw_event(4, [_value(b"t/shape1", _tensor(1, shape_1, _field(5, 5, b"\0\0\x80?")))]),
        _raw_event(4, [_value(b"t/shape2", _tensor(1, shape_2, _field(5, 2, b"\0" * 8)))]),
        _raw_event(4, [_value(b"t/empty", _tensor(1))]),  # no values: 0.0 by "fill"
        _raw_event(4, [_value(b"t/half", _tensor(19, _field(13, 0, b"\x01")))]),
        _raw_event(4, [_value(b"t/mismatch", _tensor(1, _field(6, 1, b"\0" * 8)))]),
        _raw_event(4, [_value(b"t/twice", _tensor(1, _field(5, 5, b"\0" * 4) * 2))]),
        _raw_event(5, [_value(b"s", _simple(1.0) + _simple(2.0))]),  # duplicate value field
        _raw_event(6, [_value(b"\xff\xfebad", _simple(1.0))]),  # invalid UTF-8: parse error
        _raw_event(7, [_field(7, 2, b"node") + _simple(7.0)]),  # node_name, no tag
        _raw_event(8, [_value(b"s", _simple(8.0) + _field(15, 0, b"\x01"))]),  # unknown field
        _raw_event(9, [_value(b"s", _simple(9.0))], extra=_field(2, 0, b"\x0b")),  # step twice
        _raw_event(10, [_value(b"s", _simple(10.0))], extra=_field(10, 2, b"\x0a\x01w")),
        _raw_event(11, [_value(b"s", _simple(11.0))]) + b"\x80",  # truncated varint
        _raw_event(12, [_value(b"\xc3\xa9t\xc3\xa9", _simple(12.0))]),  # valid UTF-8 tag
        _raw_event(13, []),
        _raw_event(14, [_value(b"s", _simple(14.0) + _field(9, 2, b"\x12\x02\xff\xff"))]),
    ]
    named_dim = TensorShapeProto(dim=[TensorShapeProto.Dim(size=1, name="x")])
    tensor = TensorProto(dtype=DT_FLOAT, tensor_shape=named_dim, float_val=[1.0])
    typed = Event(step=15, summary=Summary(value=[Summary.Value(tag="typed", tensor=tensor)]))
    records.append(typed.SerializeToString())
    records.append(Event(step=16, source_metadata=SourceMetadata(writer="w")).SerializeToString())
    return records


def _tensor_key(value: Any) -> tuple[Any, ...]:
    if value.dtype == object:  # strings: their values
        return (value.dtype, value.shape, value.tolist())
    return (value.dtype, value.shape, value.tobytes())


def _dump(provider: LogdirProvider) -> dict[str, Any]:
    """Everything the provider returns, in comparable form."""
    out: dict[str, Any] = {"runs": provider.runs(), "warnings": provider.warnings()}
    for info in provider.tags():
        key = f"{info.run}|{info.tag}"
        out[key] = info
        if info.data_class.value == "scalar":
            s = provider.read_scalars(info.run, info.tag)
            out[key + "|s"] = (s.steps.tobytes(), s.wall_times.tobytes(), s.values.tobytes())
        elif info.data_class.value == "blob_sequence":
            b = provider.read_blob_sequences(info.run, info.tag)
            out[key + "|b"] = [[provider.read_blob(r.key) for r in refs] for refs in b.refs]
        else:
            t = provider.read_tensors(info.run, info.tag)
            # Bytes, not lists: NaN values (a fuzzed mesh's) are equal to themselves.
            out[key + "|t"] = (t.steps.tolist(), [_tensor_key(v) for v in t.values])
    return out


def _read_both(logdir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    native = LogdirProvider(logdir, use_cache=False)
    native.reload()
    monkeypatch.setattr(_kernel, "native", None)
    python = LogdirProvider(logdir, use_cache=False)
    python.reload()
    return _dump(native), _dump(python)


@needs_native
def test_odd_records_read_identically_by_both_kernels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    data = event_bytes([]) + b"".join(encode_record(r) for r in _odd_records())
    (run / "events.out.tfevents.1.h").write_bytes(data)
    native, python = _read_both(tmp_path, monkeypatch)
    assert native == python
    steps = np.frombuffer(native["run|s|s"][0], "<i8").tolist()
    assert steps == [1, 2, -5, 5, 8, 11, 10]  # protobuf: the last of a repeated field wins
    assert {w.kind for w in native["warnings"]} == {"parse", "data_loss"}


@needs_native
def test_damaged_files_read_identically_by_both_kernels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = event_bytes([scalar_event(s, "x", float(s)) for s in range(20)])
    bad_data = bytearray(good)
    bad_data[200] ^= 0xFF  # inside a record's data: a CRC failure
    bad_header = bytearray(good)
    header_at = [offset for offset, _ in iter_records(io.BytesIO(good))][5]
    bad_header[header_at + 9] ^= 0x01  # a header's CRC: resynchronize at the next record
    files = {
        "data": bytes(bad_data),
        "header": bytes(bad_header),
        "garbage": b"this is not an event file at all\n" * 30,
        "empty": b"",
        "truncated": good[:-7],
        "zeros": b"\0" * 100 + good,
    }
    for name, data in files.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "events.out.tfevents.1.h").write_bytes(data)
    native, python = _read_both(tmp_path, monkeypatch)
    assert native == python
    kinds = {(w.run, w.kind) for w in native["warnings"]}
    assert {("data", "crc"), ("header", "garbage"), ("garbage", "garbage")} <= kinds
    counts = {name: len(native.get(f"{name}|x|s", (b"",))[0]) // 8 for name in files}
    assert counts == {"data": 19, "header": 19, "garbage": 0, "empty": 0, "truncated": 19,
                      "zeros": 20}
    zeros = [w for w in native["warnings"] if w.run == "zeros"]
    assert [(w.kind, w.count, w.offset) for w in zeros] == [("garbage", 100, 0)]


@needs_native
def test_tiny_row_buffers_and_many_tags_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = [scalar_event(s, f"tag{s % 5000}", float(s)) for s in range(12000)]
    many = Event(step=1, summary=Summary(value=[
        Summary.Value(tag=f"wide{i}", simple_value=i) for i in range(5000)
    ]))
    write_events(tmp_path / "r", [*events, many, tensor_event(2, "t", np.float32(3), None)])
    reference, _ = _read_both(tmp_path, monkeypatch)
    monkeypatch.setattr(_kernel, "native", _kernel._load_native())
    monkeypatch.setattr(_tail, "ROWS_PER_SCAN", 7)
    native, python = _read_both(tmp_path, monkeypatch)
    assert native == python == reference


def test_scan_stops_at_a_record_cut_short(kernel: str) -> None:
    data = event_bytes([scalar_event(s, "x", 1.0) for s in range(3)])
    rows = np.empty(16, dtype=_kernel.ROW_DTYPE)
    for cut in (1, 5, 12, 20):
        pos, _, _, status = _kernel.scan(data[:-cut], 0, len(data) - cut, 0, True, rows)
        assert status == _kernel.STATUS_END
        assert pos < len(data) - cut and pos > 0
    pos, count, _, _ = _kernel.scan(data, 0, len(data), 0, True, rows)
    assert pos == len(data) and count == 4


@needs_native
def test_consecutive_records_each_wider_than_the_tag_table_are_read(tmp_path: Path) -> None:
    """Two records of 5,000 scalar values each (TF1 merged summaries) once hung the scan
    forever: the first filled the tag table, and the second's rolled-back tags left no
    empty slot for the probe. Run in a child so a regression fails instead of hanging."""
    wide = [
        Event(step=step, summary=Summary(value=[
            Summary.Value(tag=f"w{step}_{i}", simple_value=i) for i in range(5000)
        ]))
        for step in range(3)
    ]
    write_events(tmp_path / "r", wide)
    code = (
        "import sys\n"
        "from trainboard.data.logdir import LogdirProvider\n"
        "p = LogdirProvider(sys.argv[1], use_cache=False)\n"
        "p.reload()\n"
        "print(len(p.tags('r')))\n"
    )
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["15000"]
