"""add_scalar to an s3:// log dir: the training thread's cost beside a local log dir.

Starts moto's S3 server (``moto_server``, a real S3 protocol server in its own process)
and writes the same scalars to ``runs/`` on local disk and to ``s3://bucket/run``
through it, beside torch.utils.tensorboard writing locally. Segments are cut small
(``--segment-kib``) so that uploads run while the calls are timed.

    .venv/bin/python benchmarks/write_remote.py [--calls 100000] [--total 200000]

Target (issue 17): the add_scalar cost on the training thread is unchanged by an
object-store log dir (uploads run on a thread of their own).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import header, median_call_seconds, print_table, timed


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto S3 server on a free port, the standard AWS environment aimed at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    moto = Path(sys.executable).with_name("moto_server")
    command = [str(moto)] if moto.exists() else [sys.executable, "-m", "moto.server"]
    process = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        os.environ.update(
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ENDPOINT_URL=endpoint,
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        yield endpoint
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000, help="calls timed for the median")
    parser.add_argument("--total", type=int, default=200_000, help="scalars in the throughput run")
    parser.add_argument("--segment-kib", type=int, default=256, help="segment size (KiB)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import boto3

    from trainboard import SummaryWriter
    from trainboard.writer import _object_store

    _object_store.SEGMENT_BYTES = args.segment_kib * 1024
    writers: dict[str, Any] = {"trainboard": SummaryWriter}
    try:
        from torch.utils.tensorboard import SummaryWriter as TorchWriter

        writers["torch"] = TorchWriter
    except ImportError:
        pass

    header("add_scalar, s3:// (moto) vs local")
    print('# column "trainboard": the s3:// log dir; "tb-local": trainboard on local disk')
    with tempfile.TemporaryDirectory() as tmp, moto_server() as endpoint:
        os.environ["TRAINBOARD_SPILL_DIR"] = os.path.join(tmp, "spill")
        client = boto3.client("s3", endpoint_url=endpoint)
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        client.create_bucket(Bucket=bucket)
        targets = {
            "trainboard": (SummaryWriter, f"s3://{bucket}/{{}}"),
            "tb-local": (SummaryWriter, os.path.join(tmp, "local", "{}")),
        }
        if "torch" in writers:
            targets["torch-local"] = (writers["torch"], os.path.join(tmp, "torch", "{}"))
        per_call: dict[str, float] = {}
        throughput: dict[str, float] = {}
        closing: dict[str, float] = {}
        for name, (cls, where) in targets.items():
            w = cls(where.format("calls"), flush_secs=1)
            per_call[name] = 1e6 * median_call_seconds(
                lambda i, w=w: w.add_scalar("loss", 0.5, i), args.calls
            )
            closing[name] = timed(w.close)

            def run(cls: Any = cls, logdir: str = where.format("throughput")) -> None:
                w = cls(logdir)
                for i in range(args.total):
                    w.add_scalar("loss", 0.5, i)
                w.close()

            throughput[name] = args.total / timed(run)
        objects = client.list_objects_v2(Bucket=bucket).get("KeyCount", 0)

    print_table([("add_scalar(float), median per call", per_call)], "µs", higher_is_better=False)
    print_table(
        [(f"{args.total} add_scalar + close()", throughput)], "scalars/s", higher_is_better=True
    )
    print(
        "# close() after the timed calls (s): "
        + ", ".join(f"{n} {v:.3f}" for n, v in closing.items())
    )
    print(f"# objects written to the bucket: {objects} ({args.segment_kib} KiB segments)")


if __name__ == "__main__":
    main()
