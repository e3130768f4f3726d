"""Incremental reading: only new bytes, new files and new runs; damage never raises."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.data.logdirs import EVENT_NAME, event_bytes, scalar_event, write_events
from trainboard.data import _kernel
from trainboard.data.logdir import LogdirProvider


def _provider(logdir: Path) -> LogdirProvider:
    return LogdirProvider(logdir, use_cache=False)


def _append(path: Path, data: bytes) -> None:
    with open(path, "ab") as f:
        f.write(data)


def test_second_reload_reads_only_the_appended_bytes(
    tmp_path: Path, kernel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_events(tmp_path / "r", [scalar_event(s, "x", 1.0) for s in range(100)])
    provider = _provider(tmp_path)
    first = provider.reload()
    assert first.new_runs == ("r",)
    assert first.new_tags == (("r", "x"),)
    assert dict(first.new_points) == {("r", "x"): 100}
    scanned: list[int] = []
    real_scan = _kernel.scan

    def counting_scan(buffer: bytes, start: int, end: int, *args: object) -> object:
        scanned.append(end - start)
        return real_scan(buffer, start, end, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("trainboard.data._tail.scan", counting_scan)
    tail = event_bytes([scalar_event(100, "x", 2.0)], version=False)
    _append(path, tail)
    second = provider.reload()
    assert sum(scanned) == len(tail)
    assert dict(second.new_points) == {("r", "x"): 1}
    assert second.new_runs == () and second.new_tags == ()
    assert not provider.reload().changed


def test_half_written_record_is_waited_for(tmp_path: Path, kernel: str) -> None:
    path = write_events(tmp_path / "r", [scalar_event(0, "x", 1.0)])
    record = event_bytes([scalar_event(1, "x", 2.0)], version=False)
    provider = _provider(tmp_path)
    provider.reload()
    for cut in (5, 13, len(record) - 1):
        _append(path, record[:cut])
        assert not provider.reload().new_points
        assert provider.warnings() == []  # a fresh partial record is no problem yet
        _append(path, record[cut:])
        assert dict(provider.reload().new_points) == {("r", "x"): 1}
    assert provider.read_scalars("r", "x").steps.tolist() == [0, 1, 1, 1]


def test_old_partial_record_is_reported_as_incomplete(tmp_path: Path, kernel: str) -> None:
    path = write_events(tmp_path / "r", [scalar_event(0, "x", 1.0)])
    _append(path, b"\x30\0\0\0\0\0")
    os.utime(path, (1, 1))  # last written long ago: the writer stopped mid-record
    provider = _provider(tmp_path)
    provider.reload()
    (warning,) = provider.warnings()
    assert (warning.kind, warning.count) == ("incomplete", 6)


def test_new_files_and_runs_are_discovered(tmp_path: Path, kernel: str) -> None:
    write_events(tmp_path / "a", [scalar_event(0, "x", 1.0)])
    provider = _provider(tmp_path)
    provider.reload()
    write_events(tmp_path / "a", [scalar_event(1, "x", 2.0)], "events.out.tfevents.2.h")
    write_events(tmp_path / "b" / "c", [scalar_event(0, "y", 3.0)])
    report = provider.reload()
    assert report.new_runs == ("b/c",)
    assert dict(report.new_points) == {("a", "x"): 1, ("b/c", "y"): 1}
    assert provider.read_scalars("a", "x").values.tolist() == [1.0, 2.0]


def test_removed_run_is_reported(tmp_path: Path) -> None:
    path = write_events(tmp_path / "a", [scalar_event(0, "x", 1.0)])
    write_events(tmp_path / "b", [scalar_event(0, "x", 1.0)])
    provider = _provider(tmp_path)
    provider.reload()
    path.unlink()
    assert provider.reload().removed_runs == ("a",)
    assert [r.name for r in provider.runs()] == ["b"]


@pytest.mark.parametrize("change", ["shrink", "replace", "remove_file"])
def test_shrunk_or_replaced_file_resets_its_run(tmp_path: Path, change: str) -> None:
    path = write_events(tmp_path / "r", [scalar_event(s, "x", 1.0) for s in range(10)])
    write_events(tmp_path / "r", [scalar_event(20, "y", 1.0)], "events.out.tfevents.9.h")
    provider = _provider(tmp_path)
    provider.reload()
    if change == "shrink":
        path.write_bytes(event_bytes([scalar_event(s, "x", 5.0) for s in range(3)]))
        expected = [5.0] * 3
    elif change == "replace":
        other = tmp_path / "other"
        write_events(other, [scalar_event(s, "x", 7.0, wall=5.0) for s in range(12)])
        os.replace(other / EVENT_NAME, path)
        expected = [7.0] * 12
    else:
        path.unlink()
        expected = []
    report = provider.reload()
    assert report.reset_runs == ("r",)
    tags = {info.tag for info in provider.tags("r")}
    if expected:
        assert provider.read_scalars("r", "x").values.tolist() == expected
    else:
        assert tags == {"y"}


def test_corrupt_and_garbage_files_never_raise(tmp_path: Path, kernel: str) -> None:
    for name, data in {
        "empty": b"",
        "text": b"hello, I am not an event file\n",
        "short": b"\x01\x02",
        "huge_length": b"\xff" * 8 + b"\0" * 30,
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / EVENT_NAME).write_bytes(data)
    (tmp_path / "dir_named_like_events.tfevents").mkdir()
    provider = _provider(tmp_path)
    provider.reload()
    assert {r.name for r in provider.runs()} == {"empty", "text", "short", "huge_length"}
    assert provider.tags() == []
    assert {w.run for w in provider.warnings() if w.kind == "garbage"} == {"text", "huge_length"}
    assert not provider.reload().changed


def test_bad_crc_records_are_skipped_counted_and_reported(tmp_path: Path, kernel: str) -> None:
    data = bytearray(event_bytes([scalar_event(s, "x", float(s)) for s in range(10)]))
    data[-3] ^= 0x55  # the last record's data CRC
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / EVENT_NAME).write_bytes(bytes(data))
    provider = _provider(tmp_path)
    report = provider.reload()
    assert provider.read_scalars("r", "x").steps.tolist() == list(range(9))
    (warning,) = report.new_warnings
    assert (warning.run, warning.kind, warning.count) == ("r", "crc", 1)
    assert provider.reload().new_warnings == ()


def test_without_crc_checks_damaged_data_is_read_as_is(tmp_path: Path) -> None:
    data = bytearray(event_bytes([scalar_event(0, "x", 1.0)]))
    data[-1] ^= 0xFF  # only the CRC is damaged
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / EVENT_NAME).write_bytes(bytes(data))
    provider = LogdirProvider(tmp_path, use_cache=False, check_crc=False)
    provider.reload()
    assert provider.read_scalars("r", "x").values.tolist() == [1.0]
    assert provider.warnings() == []


def test_purge_is_reported(tmp_path: Path) -> None:
    from tests.data.test_logdir import _start

    path = write_events(tmp_path / "r", [_start(0), *[scalar_event(s, "x", 1.0) for s in range(5)]])
    provider = _provider(tmp_path)
    provider.reload()
    _append(path, event_bytes([_start(2), scalar_event(2, "x", 9.0)], version=False))
    report = provider.reload()
    assert dict(report.purged) == {("r", "x"): 3}
    assert dict(report.new_points) == {("r", "x"): 1}
    assert provider.read_scalars("r", "x").steps.tolist() == [0, 1, 2]


def test_file_rewritten_in_place_with_the_same_start_resets_its_run(tmp_path: Path) -> None:
    path = write_events(tmp_path / "r", [scalar_event(s, "x", 1.0) for s in range(3)])
    provider = _provider(tmp_path)
    provider.reload()
    with open(path, "r+b") as f:  # same inode, same first bytes, other data, grown
        f.write(event_bytes([scalar_event(s, "x", 2.0) for s in range(5)]))
    assert provider.reload().reset_runs == ("r",)
    assert provider.read_scalars("r", "x").values.tolist() == [2.0] * 5


@pytest.mark.parametrize("claimed", [2**60, 2**40, 10_000_000])
def test_a_record_claiming_absurd_length_costs_only_itself(
    tmp_path: Path, kernel: str, claimed: int
) -> None:
    """A length field of 2**60 (with a valid header CRC) once dropped the other 50 records
    of the file as 'not a whole record'; the reader now skips to the next valid record."""
    import struct

    from trainboard.format.crc32c import masked_crc32c

    records = [event_bytes([scalar_event(s, "x", float(s))], version=False) for s in range(100)]
    length = struct.pack("<Q", claimed)
    records[50] = length + struct.pack("<I", masked_crc32c(length)) + records[50][12:]
    path = tmp_path / "r" / EVENT_NAME
    path.parent.mkdir()
    path.write_bytes(b"".join(records))
    provider = _provider(tmp_path)
    provider.reload()
    steps = provider.read_scalars("r", "x").steps.tolist()
    assert steps == [s for s in range(100) if s != 50]
    (warning,) = provider.warnings()
    assert (warning.kind, warning.count, warning.offset) == (
        "garbage", len(records[50]), sum(map(len, records[:50]))
    )
    assert "garbage" in warning.message or str(len(records[50])) in warning.message
