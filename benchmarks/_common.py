"""Shared helpers for the benchmarks: timing, peers, and printing tables with ratios."""

from __future__ import annotations

import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

__all__ = [
    "TENSORBOARD_PROBE",
    "TRAINBOARD_PROBE",
    "header",
    "median_call_seconds",
    "peer_writers",
    "print_table",
    "tensorboard_command",
    "timed",
]


def header(title: str) -> None:
    """Print what was measured, when and where (benchmarks/README.md records these)."""
    import os

    print(f"# {title}")
    print(
        f"# {date.today()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()}"
    )


def median_call_seconds(call: Callable[[int], None], calls: int, batch: int = 100) -> float:
    """Median seconds per call, timing batches of ``batch`` calls (timer overhead amortized)."""
    per_call = []
    clock = time.perf_counter
    i = 0
    while i < calls:
        start = clock()
        for j in range(i, i + batch):
            call(j)
        per_call.append((clock() - start) / batch)
        i += batch
    return statistics.median(per_call)


def timed(fn: Callable[[], Any]) -> float:
    """Wall-clock seconds of one call of ``fn``."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peer_writers() -> dict[str, Any]:
    """The SummaryWriter classes to compare: trainboard's and whichever peers are installed."""
    from trainboard import SummaryWriter

    writers: dict[str, Any] = {"trainboard": SummaryWriter}
    try:
        from torch.utils.tensorboard import SummaryWriter as TorchWriter

        writers["torch"] = TorchWriter
    except ImportError:
        pass
    try:
        from tensorboardX import SummaryWriter as TbxWriter

        writers["tensorboardX"] = TbxWriter
    except ImportError:
        pass
    return writers


def print_table(
    rows: list[tuple[str, dict[str, float]]], unit: str, *, higher_is_better: bool
) -> None:
    """One row per measurement, one column per writer, then the ratio trainboard vs each peer."""
    names = list(rows[0][1])
    print(f"{'':44s}" + "".join(f"{n:>14s}" for n in names) + "   trainboard vs peers")
    for label, values in rows:
        cells = "".join(f"{values[n]:14.3f}" for n in names)
        ours = values["trainboard"]
        ratios = []
        for n in names[1:]:
            ratio = ours / values[n] if higher_is_better else values[n] / ours
            ratios.append(f"{ratio:.1f}x {n}")
        print(f"{label + ' (' + unit + ')':44s}{cells}   {', '.join(ratios)} (higher is better)")


def tensorboard_command() -> list[str] | None:
    """How to start TensorBoard: the venv's script beside this Python, else one on PATH."""
    script = Path(sys.executable).with_name("tensorboard")
    if script.is_file():
        return [str(script)]
    found = shutil.which("tensorboard")
    return [found] if found else None


# Records, per animation frame, when a scalar card with data first shows a drawn chart.
TRAINBOARD_PROBE = """
window.__firstCard = null;
const tick = () => {
  if (document.querySelector('[data-testid="scalar-card"][data-state="ready"] canvas')) {
    window.__firstCard = performance.now();
  } else {
    requestAnimationFrame(tick);
  }
};
requestAnimationFrame(tick);
"""

# TensorBoard's line charts draw in a worker: its first card counts as drawn one frame after
# the worker was sent data, visible series and an extent (benchmarks/board_browser.py).
TENSORBOARD_PROBE = """
window.__firstCard = null;
const seen = new WeakMap();
const post = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (message, ...rest) {
  const state = seen.get(this) || {data: false, metadata: false, extent: false};
  if (message && message.type === 0 && message.compactDataSeries &&
      message.compactDataSeries.idsAndLengths.some((s) => s.length > 0)) state.data = true;
  if (message && message.type === 1 && message.metadata &&
      Object.values(message.metadata).some((m) => m.visible)) state.metadata = true;
  if (message && message.type === 3 && message.extent) state.extent = true;
  seen.set(this, state);
  if (window.__firstCard === null && state.data && state.metadata && state.extent) {
    window.__firstCard = -1;
    requestAnimationFrame(() => { window.__firstCard = performance.now(); });
  }
  return post.call(this, message, ...rest);
};
"""
