"""``SummaryWriter("s3://...")`` against a real S3 protocol server (moto's ``moto_server``).

What is written reads back value for value (TensorBoard's EventAccumulator and our reader,
over a download of the objects); the segments of a run sort in write order and read as one
run; the store going away in the middle of a run loses nothing (the spill directory holds
it until the store is back); ``close()`` returns once the last object is in the bucket.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import trainboard
from tests.remote.conftest import S3Server
from tests.support import tb_accumulator
from trainboard import SummaryWriter
from trainboard.writer import _object_store


@pytest.fixture()
def spill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "spill"
    monkeypatch.setenv("TRAINBOARD_SPILL_DIR", str(root))
    return root


def s3_client(server: S3Server) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=server.endpoint)


def keys(server: S3Server, bucket: str, prefix: str = "") -> list[str]:
    pages = (
        s3_client(server).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    )
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def download(server: S3Server, bucket: str, prefix: str, to: Path) -> Path:
    client = s3_client(server)
    for key in keys(server, bucket, prefix):
        target = to / key[len(prefix) :].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    return to


def write_everything(w: SummaryWriter) -> None:
    rng = np.random.default_rng(0)
    for step in range(50):
        w.add_scalar("loss", 1.0 / (step + 1), step)
        w.add_scalars("acc", {"train": step / 50, "val": step / 60}, step)
        if step % 10 == 0:
            w.add_histogram("weights", rng.normal(size=1000), step)
            w.add_image("sample", rng.integers(0, 255, (3, 8, 6), dtype=np.uint8), step)
            w.add_text("note", f"step {step}", step)
        if step % 20 == 0:
            w.flush()  # a segment boundary in the middle of the run


def test_what_is_written_to_s3_reads_back_value_for_value(
    s3_env: S3Server, spill: Path, tmp_path: Path
) -> None:
    bucket = s3_env.bucket()
    url = f"s3://{bucket}/prefix/run"
    with SummaryWriter(url) as w:
        assert w.log_dir == url
        write_everything(w)
    with SummaryWriter(tmp_path / "local") as w:
        write_everything(w)
    assert list(spill.iterdir()) == [], "all uploaded: the spill directory is gone"
    stored = keys(s3_env, bucket, "prefix/run/")
    main = [k for k in stored if k.count("/") == 2 and "tfevents" in k and "/." not in k]
    assert len(main) >= 3, "flush() closed segments"
    assert main == sorted(main)
    copy = download(s3_env, bucket, "prefix/run", tmp_path / "copy")
    with (
        trainboard.open(copy, use_cache=False) as remote,
        trainboard.open(tmp_path / "local", use_cache=False) as local,
    ):
        assert sorted(remote.runs) == sorted(local.runs) == [".", "acc_train", "acc_val"]
        for run, tag in ((".", "loss"), ("acc_train", "acc"), ("acc_val", "acc")):
            a, b = remote.scalars(run, tag), local.scalars(run, tag)
            assert a.steps.tolist() == b.steps.tolist() == list(range(50))
            assert a.values.tolist() == b.values.tolist()
        ha, hb = remote.histograms(".", "weights"), local.histograms(".", "weights")
        assert ha.steps.tolist() == hb.steps.tolist() == [0, 10, 20, 30, 40]
        for x, y in zip(ha.buckets, hb.buckets, strict=True):
            np.testing.assert_array_equal(x, y)
        ia, ib = remote.images(".", "sample"), local.images(".", "sample")
        assert [i[0].to_pil().tobytes() for i in ia.images] == [
            i[0].to_pil().tobytes() for i in ib.images
        ]
        assert remote.text(".", "note/text_summary").texts[-1].item() == "step 40"
        assert remote.environment(".")["pid"] == os.getpid()
    acc_remote, acc_local = tb_accumulator(copy), tb_accumulator(tmp_path / "local")
    for tag in ("loss", "weights", "sample", "note/text_summary"):
        got = [(e.step, e.tensor_proto.SerializeToString()) for e in acc_remote.Tensors(tag)]
        want = [(e.step, e.tensor_proto.SerializeToString()) for e in acc_local.Tensors(tag)]
        assert got == want and got


def test_segments_sort_in_write_order_and_tensorboard_reads_one_run(
    s3_env: S3Server, spill: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3_env.bucket()
    with SummaryWriter(f"s3://{bucket}/run", capture_environment=False) as w:
        for step in range(30):
            w.add_scalar("x", float(step), step)
            if step % 3 == 2:
                w.flush()
    stored = keys(s3_env, bucket)
    assert len(stored) == 10 and stored == sorted(stored)
    assert [k.rsplit(".", 1)[1] for k in stored] == [f"{n:06d}" for n in range(10)]
    copy = download(s3_env, bucket, "run", tmp_path / "copy")
    acc = tb_accumulator(copy)
    assert [e.step for e in acc.Tensors("x")] == list(range(30))
    # TensorBoard's own S3 file system (boto3; its endpoint from S3_ENDPOINT), on the bucket.
    monkeypatch.setenv("S3_ENDPOINT", s3_env.endpoint)
    acc = tb_accumulator(f"s3://{bucket}/run")
    assert [e.step for e in acc.Tensors("x")] == list(range(30))
    with trainboard.open(copy, use_cache=False) as lg:
        assert lg.scalars(".", "x").values.tolist() == [float(s) for s in range(30)]


def test_close_returns_once_the_last_object_is_in_the_bucket(
    s3_env: S3Server, spill: Path, tmp_path: Path
) -> None:
    bucket = s3_env.bucket()
    w = SummaryWriter(f"s3://{bucket}/run", flush_secs=3600, capture_environment=False)
    for step in range(100):
        w.add_scalar("x", float(step), step)
    assert keys(s3_env, bucket) == []
    w.close()
    copy = download(s3_env, bucket, "run", tmp_path / "copy")
    with trainboard.open(copy, use_cache=False) as lg:
        assert lg.scalars(".", "x").steps.tolist() == list(range(100))


def test_an_outage_loses_nothing_and_close_uploads_it(
    s3_env: S3Server, spill: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3_env.bucket()
    monkeypatch.setattr(_object_store, "FLUSH_TIMEOUT", 0.5)
    monkeypatch.setenv("TRAINBOARD_SPILL_LIMIT", "1")
    monkeypatch.setenv("TRAINBOARD_UPLOAD_TIMEOUT", "120")
    with pytest.warns(RuntimeWarning, match=r"more than the spill limit of 1 bytes"):
        w = SummaryWriter(f"s3://{bucket}/run", flush_secs=3600, capture_environment=False)
        w.add_scalar("x", 0.0, 0)
        w.flush()
    assert len(keys(s3_env, bucket)) == 1
    s3_env.stop()
    try:
        for step in range(1, 40):
            w.add_scalar("x", float(step), step)
            if step % 10 == 0:
                with pytest.warns(RuntimeWarning, match=r"flush\(\) gave up"):
                    w.flush()
        spilled = [p for p in spill.rglob("*tfevents*") if p.stat().st_size]
        assert len(spilled) >= 4, "closed segments wait in the spill directory"
    finally:
        s3_env.start()
    s3_client(s3_env).create_bucket(Bucket=bucket)  # moto forgot it
    w.close()
    stored = keys(s3_env, bucket)
    assert stored == sorted(stored) and len(stored) >= 4
    copy = download(s3_env, bucket, "run", tmp_path / "copy")
    with trainboard.open(copy, use_cache=False) as lg:
        # Step 0 was uploaded before the outage (and forgotten by moto with its buckets).
        assert lg.scalars(".", "x").steps.tolist() == list(range(1, 40))
    assert list(spill.iterdir()) == []


def test_a_store_still_down_at_close_leaves_the_spill_dir_to_upload(
    s3_env: S3Server, spill: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from trainboard.cli.main import cli

    bucket = s3_env.bucket()
    monkeypatch.setenv("TRAINBOARD_UPLOAD_TIMEOUT", "1")
    w = SummaryWriter(f"s3://{bucket}/run")
    s3_env.stop()
    try:
        for step in range(10):
            w.add_scalar("x", float(step), step)
        started = time.monotonic()
        with pytest.warns(RuntimeWarning, match=r"trainboard upload .*spill") as caught:
            w.close()
        assert time.monotonic() - started < 30, "a bounded wait"
        (left,) = spill.iterdir()
        assert str(left) in str(caught[0].message)
    finally:
        s3_env.start()
    s3_client(s3_env).create_bucket(Bucket=bucket)
    result = CliRunner().invoke(cli, ["upload", str(left)])
    assert result.exit_code == 0, result.output
    assert not left.exists()
    copy = download(s3_env, bucket, "run", tmp_path / "copy")
    with trainboard.open(copy, use_cache=False) as lg:
        assert lg.scalars(".", "x").steps.tolist() == list(range(10))
        assert lg.environment(".")["pid"] == os.getpid()
