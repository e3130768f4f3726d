"""add_histogram of float32 CPU tensors: time on the calling thread, and end to end.

Compares trainboard's SummaryWriter with torch.utils.tensorboard's and tensorboardX's
in one process, each with its default ``bins="tensorflow"`` (1548 exponential
buckets). "Per call" is the median time the calling thread spends in one call;
"end to end" is the time for all the calls plus ``close()``, divided by the number
of calls. A last row shows trainboard without its C kernel (numpy fallback).

    .venv/bin/python benchmarks/write_histogram.py [--calls 20] [--repeat 3] [--cuda]

Target (histogram task): 10M values >= 5x faster than torch on the calling thread.

``--cuda`` (on a machine with a GPU) instead checks and times 100M-value CUDA tensors:
that the counts equal the host kernel's, the calling thread's time (trainboard queues
the work on the device; torch copies the tensor to the host and bins it there), that
the call does not wait for the device (it returns at once while 0.5 s of other GPU work
is queued ahead of it), and how many bytes go from device to host (torch.profiler).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

from _common import header, median_call_seconds, peer_writers, print_table, timed


def _measure(cls: type, values: Any, calls: int, tmp: str) -> tuple[float, float]:
    """(median ms per call, ms per call end to end including close())."""
    w = cls(os.path.join(tmp, "calls"))
    w.add_histogram("h", values, 0)  # warm-up: lazy imports and tables are not measured
    w.flush()
    per_call = median_call_seconds(lambda i: w.add_histogram("h", values, i + 1), calls, batch=1)
    w.close()

    def run() -> None:
        writer = cls(os.path.join(tmp, "e2e"))
        for i in range(calls):
            writer.add_histogram("h", values, i)
        writer.close()

    return 1e3 * per_call, 1e3 * timed(run) / calls


def _without_kernel(fn: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    from trainboard._native import histogram_cpu

    saved = histogram_cpu._kernel, histogram_cpu.HAVE_NATIVE
    histogram_cpu._kernel, histogram_cpu.HAVE_NATIVE = None, False
    try:
        return fn()
    finally:
        histogram_cpu._kernel, histogram_cpu.HAVE_NATIVE = saved


def _cuda_counts(values: dict[str, Any]) -> None:
    """Device counts (torch ops) against the host C kernel's, on the same values."""
    import numpy as np

    from trainboard._native import histogram_cpu, histogram_torch
    from trainboard.format.kinds.histogram import check_bins

    for name, x in values.items():
        for bins in ("tensorflow", 100):
            spec = check_bins(bins)
            device = histogram_torch.count_tensor(x, spec)()
            host = histogram_cpu.count(histogram_cpu.to_float_array(x.cpu().numpy()), spec)
            same = np.array_equal(device.counts, host.counts) and np.array_equal(
                device.edges, host.edges
            )
            print(
                f"{name} bins={bins!r}: counts equal the host kernel's: {same}; min/max equal: "
                f"{(device.min, device.max) == (host.min, host.max)}; sum relative difference "
                f"{abs(device.sum - host.sum) / max(abs(host.sum), 1e-300):.1e}"
            )


def _cuda_caller_times(x: Any, tmp: str) -> None:
    import time

    import torch

    for name, cls in peer_writers().items():
        w = cls(os.path.join(tmp, name))
        w.add_histogram("h", x, 0)  # warm-up (trainboard uploads the edges once per device)
        w.flush()
        times = []
        for i in range(5 if name == "trainboard" else 2):
            torch.cuda.synchronize()
            start = time.perf_counter()
            w.add_histogram("h", x, i + 1)
            times.append(time.perf_counter() - start)
            w.flush()
        w.close()
        print(f"{name}: {1e3 * statistics.median(times):.2f} ms on the calling thread per call")


def _cuda_no_wait(w: Any, x: Any) -> None:
    """Queue ~0.5 s of GPU work, then log: a call that waited for the device would take it."""
    import time

    import torch

    busy = torch.randn(8192, 8192, device="cuda")
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(50):
        busy = busy @ busy / 90.5
    torch.cuda.synchronize()
    per_product = (time.perf_counter() - start) / 50
    for _ in range(int(0.5 / per_product) + 1):
        busy = busy @ busy / 90.5
    start = time.perf_counter()
    w.add_histogram("h", x, 10)
    call = time.perf_counter() - start
    start = time.perf_counter()
    torch.cuda.synchronize()
    print(f"add_histogram returned in {1e3 * call:.2f} ms with "
          f"{time.perf_counter() - start:.3f} s of GPU work still queued ahead of it")
    w.flush()


def _cuda_copies(w: Any, x: Any, tmp: str) -> None:
    """Device-to-host bytes of one call and its background read, from the profiler's trace."""
    import json

    import torch
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        w.add_histogram("h", x, 11)
        w.flush()
    trace = os.path.join(tmp, "trace.json")
    prof.export_chrome_trace(trace)
    with open(trace) as f:
        events = json.load(f)["traceEvents"]
    copies = [e for e in events if e.get("cat") == "gpu_memcpy"]
    sizes = sorted(int(e.get("args", {}).get("bytes", -1)) for e in copies)
    print(f"GPU memcpy ops during one call + its background read: {len(copies)}, bytes each: "
          f"{sizes} (the tensor is {x.numel() * x.element_size()} B)")
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    w.add_histogram("h", x, 12)
    w.flush()
    extra = (torch.cuda.max_memory_allocated() - base) / 2**20
    print(f"peak extra device memory during one call: {extra:.0f} MiB")


def _cuda_report(size: int = 100_000_000) -> None:
    import torch

    from trainboard import SummaryWriter

    header(f"add_histogram of {size / 1e6:g}M-value CUDA tensors, {torch.cuda.get_device_name()}")
    x = torch.randn(size, device="cuda") * 3
    _cuda_counts({"float32": x, "float16": x.half()})
    with tempfile.TemporaryDirectory() as tmp:
        _cuda_caller_times(x, tmp)
        with SummaryWriter(os.path.join(tmp, "checks")) as w:
            w.add_histogram("h", x, 0)
            w.flush()
            _cuda_no_wait(w, x)
            _cuda_copies(w, x, tmp)


def main() -> None:
    import torch

    from trainboard import SummaryWriter
    from trainboard._native import histogram_cpu

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20, help="calls per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the median is reported")
    parser.add_argument("--cuda", action="store_true", help="check and time CUDA tensors")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.cuda:
        _cuda_report()
        return
    header(f"add_histogram, float32 CPU tensors (C kernel built: {histogram_cpu.HAVE_NATIVE})")
    writers = peer_writers()
    rows_call: list[tuple[str, dict[str, float]]] = []
    rows_e2e: list[tuple[str, dict[str, float]]] = []
    fallback: list[tuple[str, float]] = []
    for size in (1_000_000, 10_000_000):
        values = torch.randn(size)
        samples: dict[str, list[tuple[float, float]]] = {n: [] for n in [*writers, "numpy"]}
        for _ in range(args.repeat):  # interleaved, so drift on a busy machine hits all alike
            for name, cls in writers.items():
                with tempfile.TemporaryDirectory() as tmp:
                    samples[name].append(_measure(cls, values, args.calls, tmp))
            with tempfile.TemporaryDirectory() as tmp:
                measure = functools.partial(_measure, SummaryWriter, values, args.calls, tmp)
                samples["numpy"].append(_without_kernel(measure))
        label = f"{size / 1e6:g}M values"
        median = {n: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v))
                  for n, v in samples.items()}
        rows_call.append((f"{label}, per call", {n: median[n][0] for n in writers}))
        rows_e2e.append((f"{label}, end to end", {n: median[n][1] for n in writers}))
        fallback.append((label, median["numpy"][0]))
    print_table(rows_call, "ms", higher_is_better=False)
    print_table(rows_e2e, "ms", higher_is_better=False)
    for label, ms in fallback:
        print(f"trainboard without the C kernel, {label}, per call: {ms:.3f} ms")


if __name__ == "__main__":
    main()
