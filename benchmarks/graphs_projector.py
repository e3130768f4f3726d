"""add_graph of ResNet-50 and add_embedding of 10,000 x 784 points, against the peers.

add_graph: each writer runs in fresh processes, taking turns (the first trace in a
process pays torch's one-time JIT set-up, and a training script usually logs its
graph once): "first" is that first call, "warm" the median of the next ``--repeat``
calls, each followed by ``flush()``; both are medians over ``--repeat`` processes.
ResNet-50 is built from torch.nn (torchvision's layout, ~700 traced nodes) on a
1x3x224x224 input.

add_embedding: a 10,000 x 784 float32 matrix with labels and 28x28 grey images (a
2,800 px sprite). "call" is the time the calling thread spends in add_embedding;
"flushed" adds the wait until the files are written.

    .venv/bin/python benchmarks/graphs_projector.py [--repeat 3] [--points 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from typing import Any

from _common import header, peer_writers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _graph_child(name: str, repeat: int) -> None:
    """In a fresh process: time add_graph of ResNet-50 with writer ``name``; print JSON."""
    warnings.simplefilter("ignore")
    sys.path.insert(0, ROOT)
    import torch

    from tests.format.kinds.torch_models import ResNet

    model, image = ResNet(), torch.randn(1, 3, 224, 224)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        writer = peer_writers()[name](os.path.join(tmp, "run"))
        for _ in range(repeat + 1):
            start = time.perf_counter()
            writer.add_graph(model, image)
            writer.flush()
            times.append(time.perf_counter() - start)
        writer.close()
    print(json.dumps({"first": times[0], "warm": statistics.median(times[1:])}))


def bench_graph(repeat: int) -> None:
    print("add_graph, ResNet-50 (seconds; medians over processes run in turn)")
    results: dict[str, dict[str, list[float]]] = {}
    for _ in range(repeat):  # interleaved, so load changes hit every writer alike
        for name in peer_writers():
            out = subprocess.run(
                [sys.executable, __file__, "--graph-child", name, "--repeat", str(repeat)],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                print(f"  {name:14s} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            times = results.setdefault(name, {"first": [], "warm": []})
            times["first"].append(result["first"])
            times["warm"].append(result["warm"])
    for name, times in results.items():
        first, warm = statistics.median(times["first"]), statistics.median(times["warm"])
        print(f"  {name:14s} first {first:7.3f}   warm {warm:7.3f}")


def bench_embedding(repeat: int, points: int) -> None:
    import numpy as np
    import torch

    rng = np.random.default_rng(0)
    mat = torch.from_numpy(rng.standard_normal((points, 784)).astype(np.float32))
    labels = [str(i % 10) for i in range(points)]
    images = torch.from_numpy(rng.random((points, 1, 28, 28)).astype(np.float32))
    print(f"add_embedding, {points} x 784 float32 + labels + 28x28 images (seconds)")
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(repeat):  # interleaved, so load changes hit every writer alike
            for name, cls in peer_writers().items():
                writer: Any = cls(os.path.join(tmp, f"{name}{round_}"))
                start = time.perf_counter()
                writer.add_embedding(mat, labels, images, global_step=0)
                called = time.perf_counter()
                writer.flush()
                flushed = time.perf_counter()
                writer.close()
                times = results.setdefault(name, {"call": [], "flushed": []})
                times["call"].append(called - start)
                times["flushed"].append(flushed - start)
    for name, times in results.items():
        call, flushed = statistics.median(times["call"]), statistics.median(times["flushed"])
        print(f"  {name:14s} call {call:7.3f}   flushed {flushed:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--graph-child", default=None)
    args = parser.parse_args()
    if args.graph_child:
        _graph_child(args.graph_child, args.repeat)
        return
    warnings.simplefilter("ignore")
    header("add_graph and add_embedding")
    bench_graph(args.repeat)
    bench_embedding(args.repeat, args.points)


if __name__ == "__main__":
    main()
