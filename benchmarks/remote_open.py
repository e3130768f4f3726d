"""Opening a log dir in object storage: cold and warm, beside the same log dir on local disk.

Writes ``--runs`` runs (``--tags`` scalar tags x ``--steps`` steps each, and one image per
run) with trainboard's SummaryWriter, uploads them to moto's S3 server (``moto_server``,
a real S3 protocol server in its own process) with boto3, then times
``trainboard.open(...)``:

* local, cold: the directory, with an empty index cache;
* local, warm: again, with the index the cold open saved;
* s3, cold: ``s3://bucket/runs`` with an empty cache (the mirror downloads every object);
* s3, warm: again with that cache (one listing, nothing downloaded, the index reused).

For the s3 opens it prints the HTTP requests sent (counted by the mirror's hook on
botocore, by operation) and the bytes downloaded.

    .venv/bin/python benchmarks/remote_open.py [--runs 100] [--tags 5] [--steps 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from _common import header, timed
from write_remote import moto_server


def _write(root: Path, runs: int, tags: int, steps: int) -> int:
    from trainboard import SummaryWriter

    for r in range(runs):
        with SummaryWriter(root / f"run_{r:04d}") as w:
            for step in range(steps):
                for t in range(tags):
                    w.add_scalar(f"metric_{t}", float(np.sin(step / 10 + t + r)), step)
            w.add_image("sample", np.full((3, 16, 16), r / runs), 0)
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _upload(client: Any, root: Path, bucket: str) -> int:
    count = 0
    for directory, _, files in os.walk(root):
        for name in files:
            path = Path(directory) / name
            client.upload_file(str(path), bucket, f"runs/{path.relative_to(root).as_posix()}")
            count += 1
    return count


def _open(logdir: str, cache: str) -> tuple[float, Any]:
    import trainboard

    found: dict[str, Any] = {}

    def run() -> None:
        lg = trainboard.open(logdir, cache_dir=cache)
        found["provider"] = lg.provider
        found["runs"] = len(lg.runs)
        found["sync"] = getattr(lg.provider, "last_sync", None)
        found["stats"] = getattr(getattr(lg.provider, "mirror", None), "stats", None)
        lg.close()

    return timed(run), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--tags", type=int, default=5)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="timings per case (median)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import boto3

    header(f"open {args.runs} runs ({args.tags} tags x {args.steps} steps): s3:// (moto) vs local")
    with tempfile.TemporaryDirectory() as tmp, moto_server() as endpoint:
        root = Path(tmp) / "runs"
        size = _write(root, args.runs, args.tags, args.steps)
        client = boto3.client("s3", endpoint_url=endpoint)
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        client.create_bucket(Bucket=bucket)
        objects = _upload(client, root, bucket)
        print(f"# {objects} objects, {size / 1e6:.2f} MB")
        url = f"s3://{bucket}/runs"
        times: dict[str, list[float]] = {}
        costs: dict[str, Any] = {}
        for i in range(args.repeat):
            for where, logdir in (("local", str(root)), ("s3", url)):
                cache = os.path.join(tmp, f"cache-{where}-{i}")
                seconds, found = _open(logdir, cache)
                assert found["runs"] == args.runs, found
                times.setdefault(f"{where}, cold", []).append(seconds)
                costs.setdefault(f"{where}, cold", found)
                seconds, found = _open(logdir, cache)
                times.setdefault(f"{where}, warm", []).append(seconds)
                costs.setdefault(f"{where}, warm", found)

    median = {case: statistics.median(values) for case, values in times.items()}
    print(f"{'':14s}{'seconds':>10s}{'requests':>10s}{'MB down':>10s}   requests by operation")
    for case in ("local, cold", "local, warm", "s3, cold", "s3, warm"):
        sync = costs[case]["sync"]
        stats = costs[case]["stats"]
        requests = f"{sync.requests:10d}" if sync else f"{'-':>10s}"
        mb = f"{sync.bytes / 1e6:10.2f}" if sync else f"{'-':>10s}"
        by_op = dict(stats.requests) if stats else {}
        print(f"{case:14s}{median[case]:10.3f}{requests}{mb}   {by_op or ''}")
    print(
        f"# s3 / local: cold {median['s3, cold'] / median['local, cold']:.2f}x, "
        f"warm {median['s3, warm'] / median['local, warm']:.2f}x; "
        f"s3 warm vs s3 cold: {median['s3, cold'] / median['s3, warm']:.1f}x faster"
    )


if __name__ == "__main__":
    main()
