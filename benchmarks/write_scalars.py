"""add_scalar: cost to the training loop, sustained throughput, bytes per point.

Compares trainboard's SummaryWriter with torch.utils.tensorboard's and
tensorboardX's in one process, each with its default settings.

    .venv/bin/python benchmarks/write_scalars.py [--calls 100000] [--total 200000]

Targets (issue 3): add_scalar ≤ 1 µs median on the calling thread; add_scalar +
close() ≥ 500,000 scalars/s end to end.
"""

from __future__ import annotations

import argparse
import glob
import os
import tempfile
import warnings

from _common import header, median_call_seconds, peer_writers, print_table, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000, help="calls timed for the median")
    parser.add_argument("--total", type=int, default=200_000, help="scalars in the throughput run")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import torch

    header("add_scalar")
    writers = peer_writers()
    call_float: dict[str, float] = {}
    call_tensor: dict[str, float] = {}
    throughput: dict[str, float] = {}
    size: dict[str, float] = {}
    value = torch.tensor(0.5)
    with tempfile.TemporaryDirectory() as tmp:
        for name, cls in writers.items():
            w = cls(os.path.join(tmp, name, "calls"))
            call_float[name] = 1e6 * median_call_seconds(
                lambda i, w=w: w.add_scalar("loss", 0.5, i), args.calls
            )
            call_tensor[name] = 1e6 * median_call_seconds(
                lambda i, w=w: w.add_scalar("acc", value, i), args.calls // 4
            )
            w.close()

            logdir = os.path.join(tmp, name, "throughput")

            def run(cls: type = cls, logdir: str = logdir) -> None:
                w = cls(logdir)
                for i in range(args.total):
                    w.add_scalar("loss", 0.5, i)
                w.close()

            throughput[name] = args.total / timed(run)
            files = glob.glob(os.path.join(logdir, "*tfevents*"))
            size[name] = sum(os.path.getsize(f) for f in files) / args.total

    print_table(
        [
            ("add_scalar(float), median per call", call_float),
            ("add_scalar(0-dim tensor), median per call", call_tensor),
        ],
        "µs",
        higher_is_better=False,
    )
    print_table(
        [(f"{args.total} add_scalar + close()", throughput)], "scalars/s", higher_is_better=True
    )
    print_table([("event file size per scalar", size)], "bytes", higher_is_better=False)


if __name__ == "__main__":
    main()
