"""Time loading a logdir of scalars: TensorBoard's readers, tbparse, and trainboard.

Generates two logdirs of 1,000,000 scalar events each (1 run x 10 tags x 100,000
steps, and 100 runs x 10 tags x 1,000 steps) under ``benchmarks/out/``, then times,
side by side in one process, with the files already in the page cache:

* TensorBoard's Python ``event_accumulator.EventAccumulator`` (every point kept; its
  ``plugin_event_accumulator``, which the dashboards use, is about 3x slower still);
* tbparse's ``SummaryReader(...).scalars``;
* TensorBoard's Rust data server alone (``--checksum --reload=once``), from spawn to
  its "Finished load cycle" log line;
* trainboard cold (CRC checks on, no index) and warm (reopening through the index,
  whose columns are memory-mapped; "+ read all" also reads every value once);

and the latency of one per-pixel view (1000 px, smoothing 0.6) of a 1,000,000-point
series. Prints medians, events per second, and ratios to the Rust server.

Usage::

    .venv/bin/python benchmarks/read_logdir.py [--repeat 5] [--slow-repeat 1] [--skip-slow]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
EVENTS = 1_000_000
RUST = "Rust data server --checksum"
Row = tuple[str, float]


def generate(name: str, runs: int, tags: int, steps: int) -> Path:
    """Write ``runs x tags x steps`` scalars with trainboard's writer (torch's format)."""
    from trainboard import SummaryWriter

    root = OUT / name
    if (root / "DONE").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    for run in range(runs):
        writer = SummaryWriter(str(root / f"run{run:03d}"), max_queue=100_000)
        for step in range(steps):
            for tag in range(tags):
                writer.add_scalar(f"tag{tag}", step * 0.001 + tag, step)
        writer.close()
    (root / "DONE").write_text("")
    return root


def warm_page_cache(root: Path) -> None:
    for path in root.rglob("*tfevents*"):
        path.read_bytes()


def time_accumulator(root: Path) -> int:
    """TensorBoard's (legacy) EventAccumulator, keeping every scalar, one run at a time."""
    from tensorboard.backend.event_processing import event_accumulator as ea

    count = 0
    for run in sorted(p.parent for p in root.rglob("*tfevents*")):
        acc = ea.EventAccumulator(str(run), size_guidance={ea.SCALARS: 0})
        acc.Reload()
        count += sum(len(acc.Scalars(tag)) for tag in acc.Tags()["scalars"])
    return count


def time_tbparse(root: Path) -> int:
    from tbparse import SummaryReader

    return len(SummaryReader(str(root), pivot=False).scalars)


def rust_server_seconds(root: Path) -> float:
    """Seconds from spawning the Rust data server to its "Finished load cycle" line."""
    import tensorboard_data_server  # type: ignore[import-untyped]

    binary = os.path.join(os.path.dirname(tensorboard_data_server.__file__), "bin", "server")
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            binary,
            f"--logdir={root}",
            "--reload=once",
            "--samples-per-plugin=scalars=all",
            "--checksum",
            "--host=127.0.0.1",
            "--port=0",
            f"--port-file={tmp}/port",
            "--die-after-stdin",
            "-v",
        ]
        start = time.perf_counter()
        pipe = subprocess.PIPE
        process = subprocess.Popen(
            args, stdin=pipe, stderr=pipe, stdout=subprocess.DEVNULL, text=True
        )
        assert process.stderr is not None and process.stdin is not None
        for line in process.stderr:
            if re.search(r"Finished load cycle", line):
                elapsed = time.perf_counter() - start
                break
        else:
            raise RuntimeError("the Rust data server exited before loading")
        process.stdin.close()
        process.wait(timeout=30)
    return elapsed


def trainboard_cold(root: Path) -> int:
    from trainboard.data.logdir import LogdirProvider

    provider = LogdirProvider(root, use_cache=False, check_crc=True)
    return sum(provider.reload().new_points.values())


def trainboard_warm(root: Path, cache: Path, touch: bool = False) -> int:
    """Reopen through the index; with ``touch``, also read every value once."""
    from trainboard.data.logdir import LogdirProvider

    provider = LogdirProvider(root, cache_dir=cache, check_crc=True)
    count = sum(provider.reload().new_points.values())
    if touch:
        for info in provider.tags():
            provider.read_scalars(info.run, info.tag).values.sum()
    return count


def median_seconds(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def view_latency(repeat: int) -> dict[str, float]:
    """Milliseconds for views of a 1,000,000-point series (1 run x 1 tag x 1M steps)."""
    from trainboard.data.logdir import LogdirProvider

    root = generate("view_1x1x1000000", 1, 1, EVENTS)
    provider = LogdirProvider(root, use_cache=False)
    provider.reload()
    cases: dict[str, dict[str, Any]] = {
        "view": {},
        "view + smoothing 0.6": {"smoothing": 0.6},
        "view + time-weighted smoothing": {"smoothing": 0.6, "time_weighted": True},
        "zoomed view (10% of x)": {"x_range": (450_000.0, 550_000.0)},
    }
    out = {}
    for name, kwargs in cases.items():

        def view(kwargs: dict[str, Any] = kwargs) -> object:
            return provider.read_scalar_view("run000", "tag0", width=1000, **kwargs)

        out[name] = median_seconds(view, repeat)[0] * 1000
    return out


def time_logdir(root: Path, repeat: int, slow_repeat: int, skip_slow: bool) -> list[Row]:
    """``(reader, median seconds)`` for every reader of one logdir."""
    warm_page_cache(root)
    cache = Path(tempfile.mkdtemp())
    trainboard_warm(root, cache)  # builds the index
    rows: list[Row] = []
    if not skip_slow:
        accumulator, _ = median_seconds(lambda: time_accumulator(root), slow_repeat)
        rows.append(("EventAccumulator", accumulator))
        tbparse, _ = median_seconds(lambda: time_tbparse(root), slow_repeat)
        rows.append(("tbparse", tbparse))
    rust = statistics.median(rust_server_seconds(root) for _ in range(repeat))
    rows.append((RUST, rust))
    cold, count = median_seconds(lambda: trainboard_cold(root), repeat)
    assert count == EVENTS, count
    rows.append(("trainboard cold (CRC on)", cold))
    warm, count = median_seconds(lambda: trainboard_warm(root, cache), repeat)
    assert count == EVENTS, count
    rows.append(("trainboard warm (index)", warm))
    touched, _ = median_seconds(lambda: trainboard_warm(root, cache, True), repeat)
    rows.append(("trainboard warm + read all", touched))
    shutil.rmtree(cache)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of the fast readers")
    parser.add_argument("--slow-repeat", type=int, default=1, help="runs of the slow readers")
    parser.add_argument("--skip-slow", action="store_true", help="skip EventAccumulator, tbparse")
    args = parser.parse_args()
    logdirs = {
        "1 run x 10 tags x 100,000 steps": generate("read_1x10x100000", 1, 10, 100_000),
        "100 runs x 10 tags x 1,000 steps": generate("read_100x10x1000", 100, 10, 1_000),
    }
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    for label, root in logdirs.items():
        rows = time_logdir(root, args.repeat, args.slow_repeat, args.skip_slow)
        rust = dict(rows)[RUST]
        print(f"\n{label}: {EVENTS:,} events")
        print(f"  {'reader':32} {'seconds':>9} {'events/s':>14} {'vs Rust':>9}")
        for name, seconds in rows:
            print(f"  {name:32} {seconds:9.4f} {EVENTS / seconds:14,.0f} {rust / seconds:8.2f}x")
    print("\n1,000,000-point series, 1000 px wide (median ms):")
    for name, ms in view_latency(args.repeat).items():
        print(f"  {name:32} {ms:9.1f}")


if __name__ == "__main__":
    main()
