"""Time grouping 100 runs × 100,000 points into 4 groups at 1000 px (target ≤ 0.5 s).

Writes a temporary logdir with trainboard's writer: 100 runs named ``g<k>_seed<i>``
(4 groups of 25), half of them logging every step and half every other step over twice
the range, so the groups' steps are misaligned (each group's union has 150,000 steps),
with noise and a NaN now and then. Then, through a ``LogdirProvider`` that has read the
logdir once, times :func:`trainboard.data.groups.grouped_scalars` (regex grouping, then
the aggregate of every point of every member, then the per-pixel downsampling), for
each statistic and band, and prints the median of ``--repeat`` calls. ``read`` is the
reading of the 100 series alone, for scale.

Usage::

    .venv/bin/python benchmarks/group_runs.py [--runs 100] [--points 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import header


def write_logdir(root: Path, runs: int, points: int) -> None:
    from trainboard import SummaryWriter

    rng = np.random.default_rng(0)
    for i in range(runs):
        stride = 1 if i % 2 == 0 else 2
        values = np.cumsum(rng.normal(size=points)) / 100.0
        values[rng.random(points) < 1e-4] = np.nan
        with SummaryWriter(root / f"g{i % 4}_seed{i}") as w:
            for step, value in zip(range(0, points * stride, stride), values.tolist(), strict=True):
                w.add_scalar("loss", value, step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from trainboard.data.groups import grouped_scalars
    from trainboard.data.logdir import LogdirProvider

    header(f"grouping {args.runs} runs x {args.points:,} points into 4 groups at 1000 px")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        write_logdir(root, args.runs, args.points)
        print(f"# wrote the logdir in {time.perf_counter() - start:.1f} s")
        with LogdirProvider(root, use_cache=False) as provider:
            provider.reload()
            names = [run.name for run in provider.runs()]

            def read() -> None:
                for name in names:
                    provider.read_scalars(name, "loss")

            cases = [("read", None)] + [
                (f"{stat} {band}", (stat, band))
                for stat in ("mean", "median")
                for band in ("minmax", "std", "p10_90")
            ]
            for label, case in cases:
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    if case is None:
                        read()
                    else:
                        groups, _ = grouped_scalars(
                            provider,
                            "loss",
                            r"regex:^(g\d)_",
                            stat=case[0],  # type: ignore[arg-type]
                            band=case[1],  # type: ignore[arg-type]
                            width=1000,
                        )
                        assert len(groups) == 4
                    times.append(time.perf_counter() - start)
                print(f"{label:16s} {statistics.median(times):7.3f} s (median of {args.repeat})")


if __name__ == "__main__":
    main()
