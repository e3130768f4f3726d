"""Fuzzing the reader: the record scanner and every kind's decoder, on hostile bytes.

Inputs are random bytes and mutations of real event files written by our
``SummaryWriter`` with every kind of data (bit flips, cut and repeated ranges, spliced
records, header lengths rewritten with a valid CRC). For each input:

* the compiled scan kernel and the pure-Python one terminate and agree on everything the
  provider returns (points, blobs, decoded tensors, warnings);
* reading never raises: damage is skipped and reported as warnings;
* every tag can be read back whole (every decoder runs on the mutated values).

CI runs it for ``TRAINBOARD_FUZZ_SECONDS`` (default 20) with a fixed seed per run of the
clock; a longer run is one command::

    TRAINBOARD_FUZZ_SECONDS=600 .venv/bin/python -m pytest -q tests/data/test_fuzz.py

A failing input is written to ``$TRAINBOARD_FUZZ_OUT`` (default: the test's tmp dir) so
it can be replayed.
"""

from __future__ import annotations

import io
import os
import random
import struct
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.data.logdirs import EVENT_NAME
from tests.data.test_kernel import _dump
from trainboard import SummaryWriter
from trainboard.data import _kernel
from trainboard.data.logdir import LogdirProvider
from trainboard.format.crc32c import masked_crc32c
from trainboard.format.record import iter_records

FUZZ_SECONDS = float(os.environ.get("TRAINBOARD_FUZZ_SECONDS", "20"))
needs_native = pytest.mark.skipif(_kernel.native is None, reason="compiled kernel not built")


def _seed_files(directory: Path) -> list[bytes]:
    """Event files holding every kind our writer logs."""
    rng = np.random.default_rng(0)
    with SummaryWriter(directory / "all") as w:
        for step in range(3):
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_scalars("pair", {"a": step, "b": -step}, step)
            w.add_histogram("weights", rng.normal(size=200), step)
            w.add_image("image", rng.integers(0, 255, (3, 4, 5), dtype=np.uint8), step)
            w.add_text("note", f"step **{step}**", step)
            w.add_audio("clip", rng.uniform(-1, 1, 64).astype(np.float32), step)
            w.add_pr_curve("pr", rng.integers(0, 2, 20), rng.uniform(size=20), step)
            w.add_mesh("mesh", rng.normal(size=(1, 4, 3)).astype(np.float32), global_step=step)
        w.add_hparams({"lr": 0.1, "opt": "sgd"}, {"hp/acc": 0.5})
        w.add_custom_scalars({"cat": {"chart": ["Multiline", ["loss"]]}})
    return [p.read_bytes() for p in sorted(directory.rglob("events.out.tfevents.*"))]


def _record(payload: bytes) -> bytes:
    length = struct.pack("<Q", len(payload))
    return (length + struct.pack("<I", masked_crc32c(length)) + payload
            + struct.pack("<I", masked_crc32c(payload)))


def _mutate(rng: random.Random, seeds: list[bytes], records: list[bytes]) -> bytes:
    data = bytearray(rng.choice(seeds))
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(7)
        if not data:
            data += rng.randbytes(rng.randint(1, 64))
        at = rng.randrange(len(data))
        if choice == 0:  # flip bits
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif choice == 1:  # cut a range
            del data[at : at + rng.randint(1, 200)]
        elif choice == 2:  # repeat a range
            data[at:at] = data[at : at + rng.randint(1, 200)]
        elif choice == 3:  # splice in a record from any file
            data[at:at] = rng.choice(records)
        elif choice == 4:  # a record whose payload is damaged but whose CRCs are right
            payload = bytearray(rng.choice(records)[12:-4])
            if payload:
                payload[rng.randrange(len(payload))] = rng.randrange(256)
            data[at:at] = _record(bytes(payload))
        elif choice == 5:  # a valid header claiming a different length
            length = struct.pack("<Q", rng.choice([0, 1, 2**31, 2**60, rng.randrange(1 << 20)]))
            data[at:at] = length + struct.pack("<I", masked_crc32c(length))
        else:  # random bytes
            data[at:at] = rng.randbytes(rng.randint(1, 100))
    return bytes(data)


def _read(logdir: Path) -> dict[str, Any]:
    provider = LogdirProvider(logdir, use_cache=False)
    provider.reload()
    return _dump(provider)


def _check(data: bytes, tmp: Path, monkeypatch: pytest.MonkeyPatch, out: Path, n: int) -> None:
    run = tmp / "run"
    run.mkdir(parents=True, exist_ok=True)
    (run / EVENT_NAME).write_bytes(data)
    try:
        native = _read(tmp)
        with monkeypatch.context() as m:
            m.setattr(_kernel, "native", None)
            python = _read(tmp)
        assert native == python
    except BaseException:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"fuzz-{n}.tfevents").write_bytes(data)
        raise


@needs_native
@pytest.mark.timeout(FUZZ_SECONDS * 4 + 120)
def test_fuzzed_event_files_are_read_alike_by_both_kernels_and_never_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = _seed_files(tmp_path / "seeds")
    records = [r for s in seeds for r in _records_of(s)]
    out = Path(os.environ.get("TRAINBOARD_FUZZ_OUT", tmp_path / "failures"))
    seed = int(time.time())
    rng = random.Random(seed)
    deadline = time.monotonic() + FUZZ_SECONDS
    count = 0
    while time.monotonic() < deadline:
        data = rng.randbytes(rng.randint(0, 300)) if count % 10 == 0 else _mutate(
            rng, seeds, records
        )
        work = tmp_path / f"case{count % 2}"
        _check(data, work, monkeypatch, out, count)
        count += 1
    assert count > 0
    print(f"fuzz: {count} inputs in {FUZZ_SECONDS:g} s (seed {seed})")


def _records_of(data: bytes) -> list[bytes]:
    return [_record(payload) for _, payload in iter_records(io.BytesIO(data))]


@needs_native
def test_the_scan_kernel_terminates_on_random_buffers_of_any_window() -> None:
    rng = random.Random(1)
    rows = np.empty(8, dtype=_kernel.ROW_DTYPE)
    started = time.monotonic()
    count = 0
    while time.monotonic() - started < min(FUZZ_SECONDS / 4, 5):
        data = rng.randbytes(rng.randint(0, 2000))
        start = rng.randint(0, len(data))
        end = rng.randint(start, len(data))
        pos = start
        for _ in range(len(data) + 2):  # drain as the reader does: each call makes progress
            pos, _, _, status = _kernel.scan(data, pos, end, 0, True, rows)
            assert start <= pos <= end
            if status == _kernel.STATUS_END:
                break
        else:
            raise AssertionError(f"no end after {len(data) + 2} calls: {data.hex()}")
        count += 1
    assert count > 100
