from __future__ import annotations

import io

import pytest

from trainboard.errors import CorruptRecordError
from trainboard.format.crc32c import crc32c, masked_crc32c, unmask
from trainboard.format.proto.event_pb2 import Event
from trainboard.format.proto.summary_pb2 import Summary
from trainboard.format.record import encode_record, iter_records, write_record

# Known answers from the TFRecord spec (reference §2.1), cross-checked with tensorboardX.
FILE_VERSION_RECORD = bytes.fromhex(
    "1800000000000000a37f4b220900000040fc54d9411a0d627261696e2e4576656e743a32eced8f9d"
)
SCALAR_RECORD = bytes.fromhex(
    "1a00000000000000129bd82d0900004040fc54d94110012a0d0a0b0a046c6f7373150000003f97d67404"
)


def test_crc32c_check_value() -> None:
    assert crc32c(b"123456789") == 0xE3069283


def test_mask_roundtrips() -> None:
    for data in (b"", b"a", b"123456789", bytes(range(256))):
        assert unmask(masked_crc32c(data)) == crc32c(data)


def test_file_version_record_matches_known_answer() -> None:
    event = Event(wall_time=1700000000.0, file_version="brain.Event:2")
    assert encode_record(event.SerializeToString()) == FILE_VERSION_RECORD


def test_scalar_record_matches_known_answer() -> None:
    event = Event(
        wall_time=1700000001.0,
        step=1,
        summary=Summary(value=[Summary.Value(tag="loss", simple_value=0.5)]),
    )
    assert encode_record(event.SerializeToString()) == SCALAR_RECORD


def test_iter_records_reads_back_what_write_record_wrote() -> None:
    f = io.BytesIO()
    payloads = [b"", b"x", b"hello" * 100]
    for p in payloads:
        write_record(f, p)
    got = list(iter_records(f))
    assert [d for _, d in got] == payloads
    assert [o for o, _ in got] == [0, 16, 33]


def test_iter_records_stops_quietly_at_a_truncated_record() -> None:
    data = FILE_VERSION_RECORD + SCALAR_RECORD[:-3]
    records = list(iter_records(io.BytesIO(data)))
    assert len(records) == 1
    records = list(iter_records(io.BytesIO(data[:5])))
    assert records == []


def test_iter_records_raises_on_a_corrupt_payload_with_its_offset() -> None:
    bad = bytearray(FILE_VERSION_RECORD + SCALAR_RECORD)
    bad[len(FILE_VERSION_RECORD) + 20] ^= 0xFF
    it = iter_records(io.BytesIO(bytes(bad)))
    next(it)
    with pytest.raises(CorruptRecordError, match="data CRC") as info:
        next(it)
    assert info.value.offset == len(FILE_VERSION_RECORD)


def test_iter_records_raises_on_a_corrupt_length() -> None:
    bad = bytearray(SCALAR_RECORD)
    bad[0] ^= 0x01
    with pytest.raises(CorruptRecordError, match="length CRC"):
        list(iter_records(io.BytesIO(bytes(bad))))


def test_iter_records_skips_crc_checks_when_asked() -> None:
    bad = bytearray(SCALAR_RECORD)
    bad[-1] ^= 0xFF
    assert len(list(iter_records(io.BytesIO(bytes(bad)), check_crc=False))) == 1


def test_event_file_names_sort_in_creation_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run written by several writers within one second is read in creation order:
    the counter is zero-padded, so '...9' does not sort after '...10'."""
    import itertools

    from trainboard.format import event

    monkeypatch.setattr(event, "_file_counter", itertools.count(5))
    names = [event.event_filename(now=1700000000.0, host="h") for _ in range(12)]
    assert sorted(names) == names
