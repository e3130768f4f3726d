"""The logdirs the browser tests look at, written by real writers.

Values are functions of the step, so a test can compute what was written and compare it
with what the page draws (as float32: ``add_scalar`` stores ``simple_value``, a float).
Wall times are explicit: ``WALL0 + step * WALL_PER_STEP``.
"""

from __future__ import annotations

import glob
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "BASIC_RUNS",
    "BASIC_STEPS",
    "BIG_STEPS",
    "WALL0",
    "WALL_PER_STEP",
    "corrupt_crc",
    "decay_value",
    "loss_value",
    "spiky_value",
    "wave_value",
    "write_basic",
    "write_chart",
    "write_corrupt",
]

WALL0 = 1_700_000_000.0
WALL_PER_STEP = 0.5
BASIC_STEPS = 50
BASIC_RUNS = ("exp1", "exp2")  # written by trainboard; "torch" by torch.utils.tensorboard
BIG_STEPS = 5_000
SPIKES = {40: 1000.0, 120: -800.0}


def f32(value: float) -> float:
    """``value`` as the float32 an event file stores."""
    return float(np.float32(value))


def loss_value(run: str, step: int) -> float:
    offset = {"exp1": 0.0, "exp2": 0.25, "torch": 0.5}[run]
    return 1.0 / (1.0 + step) + offset + 0.05 * math.sin(step)


def wave_value(step: int) -> float:
    return math.sin(step / 200.0) + step * 1e-4


def decay_value(step: int) -> float:
    return float(10.0 ** (-step / 50.0))


def spiky_value(step: int) -> float:
    return SPIKES.get(step, 1.0 + 0.01 * math.sin(step))


def wall_time(step: int) -> float:
    return WALL0 + step * WALL_PER_STEP


def write_basic(root: Path) -> Path:
    """Runs exp1, exp2 (trainboard) and torch (torch.utils.tensorboard).

    Every run has ``loss/train`` (BASIC_STEPS points) and an ``add_scalars("metrics", ...)``
    group except exp2; exp1 also has ``loss/val`` and ``acc``; exp2 has ``acc`` and one
    image (so the Images tab is not dimmed).
    """
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    from trainboard import SummaryWriter

    for run in (*BASIC_RUNS, "torch"):
        writer: Any
        if run == "torch":
            writer = TorchWriter(str(root / run))
        else:  # side by side with torch's run: no environment record (an extra text tag)
            writer = SummaryWriter(str(root / run), capture_environment=False)
        for step in range(BASIC_STEPS):
            wall = wall_time(step)
            writer.add_scalar("loss/train", loss_value(run, step), step, walltime=wall)
            if run != "exp2":
                writer.add_scalars("metrics", {"a": step * 0.1, "b": -step * 0.1}, step,
                                   walltime=wall)
            if run != "torch":
                writer.add_scalar("acc", step / BASIC_STEPS, step, walltime=wall)
            if run == "exp1" and step % 5 == 0:
                writer.add_scalar("loss/val", loss_value(run, step) + 0.1, step, walltime=wall)
        if run == "exp2":
            writer.add_image("sample", np.zeros((3, 8, 8), dtype=np.float32), 0)
        writer.close()
    return root


def write_chart(root: Path) -> Path:
    """Run ``big``: ``wave`` (BIG_STEPS points), ``decay`` and ``spiky`` (200 points each)."""
    from trainboard import SummaryWriter

    writer = SummaryWriter(str(root / "big"), max_queue=10_000, capture_environment=False)
    for step in range(BIG_STEPS):
        wall = wall_time(step)
        writer.add_scalar("wave", wave_value(step), step, walltime=wall)
        if step < 200:
            writer.add_scalar("decay", decay_value(step), step, walltime=wall)
            writer.add_scalar("spiky", spiky_value(step), step, walltime=wall)
    writer.close()
    return root


def corrupt_crc(path: str | os.PathLike[str]) -> None:
    """Flips one byte in the middle of an event file (its record then fails the CRC check)."""
    data = bytearray(Path(path).read_bytes())
    data[len(data) // 2] ^= 0xFF
    Path(path).write_bytes(data)


def write_corrupt(root: Path) -> Path:
    """Runs ``good``, ``garbage`` (64 garbage bytes appended) and ``crc`` (a flipped byte).

    Each has ``loss`` over 20 steps (the same values, wave_value).
    """
    from trainboard import SummaryWriter

    for run in ("good", "garbage", "crc"):
        writer = SummaryWriter(str(root / run), capture_environment=False)
        for step in range(20):
            writer.add_scalar("loss", wave_value(step), step, walltime=wall_time(step))
        writer.close()
    [garbage] = glob.glob(str(root / "garbage" / "*tfevents*"))
    with open(garbage, "ab") as f:
        f.write(np.random.default_rng(0).bytes(64))
    [crc] = glob.glob(str(root / "crc" / "*tfevents*"))
    corrupt_crc(crc)
    return root
