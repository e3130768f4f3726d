"""What a SIGKILL loses: trainboard's SummaryWriter against torch's and tensorboardX's.

A child process logs one scalar at a fixed rate and reports each point after
``add_scalar`` returns; the parent kills it with SIGKILL at a random moment and reads the
event file back. The loss of one trial is how old, at the kill, the oldest logged point
missing from the file was: the span of training whose logs died with the process (0 when
every logged point is on disk).

    .venv/bin/python benchmarks/crash_loss.py [--trials 15] [--rates 10 1000]

Target (issue 14): median loss ≤ 50 ms at 10 and at 1,000 scalars/s.
"""

from __future__ import annotations

import argparse
import glob
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from _common import header

_CHILD = """
import sys, time
writer_name, logdir, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
if writer_name == "trainboard":
    from trainboard import SummaryWriter
elif writer_name == "torch":
    from torch.utils.tensorboard import SummaryWriter
else:
    from tensorboardX import SummaryWriter
w = SummaryWriter(logdir)
print("ready", flush=True)
period, start = 1.0 / rate, time.perf_counter()
for step in range(10**9):
    w.add_scalar("x", float(step), step)
    print(step, time.time(), flush=True)
    delay = start + (step + 1) * period - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
"""


def _steps_on_disk(logdir: str) -> set[int]:
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader

    from trainboard.format.proto.event_pb2 import Event

    steps = set()
    for path in glob.glob(f"{logdir}/events.out.tfevents.*"):
        for raw in RawEventFileLoader(path).Load():
            event = Event.FromString(raw)
            if event.summary.value:
                steps.add(event.step)
    return steps


def trial(writer: str, rate: float, rng: random.Random) -> float:
    """Seconds of logged data one SIGKILL lost."""
    logdir = tempfile.mkdtemp()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, writer, logdir, str(rate)],
        stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    kill_at = time.monotonic() + rng.uniform(1.0, 2.0)
    logged: list[tuple[int, float]] = []
    for line in child.stdout:
        step, wall = line.split()
        logged.append((int(step), float(wall)))
        if time.monotonic() >= kill_at:
            break
    killed = time.time()
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    on_disk = _steps_on_disk(logdir)
    missing = [wall for step, wall in logged if step not in on_disk]
    return killed - min(missing) if missing else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--rates", type=float, nargs="+", default=[10.0, 1000.0])
    args = parser.parse_args()
    header("data lost to SIGKILL (ms of logged points not on disk; lower is better)")
    writers = ["trainboard", "torch", "tensorboardX"]
    rng = random.Random(0)
    print(f"{'':28s}" + "".join(f"{w + ' median':>20s}{'max':>8s}" for w in writers))
    for rate in args.rates:
        losses: dict[str, list[float]] = {w: [] for w in writers}
        for _ in range(args.trials):
            for w in writers:  # interleaved, so load affects all alike
                losses[w].append(trial(w, rate, rng) * 1000)
        cells = "".join(
            f"{statistics.median(losses[w]):20.1f}{max(losses[w]):8.1f}" for w in writers
        )
        print(f"{f'{rate:g} scalars/s':28s}{cells}")


if __name__ == "__main__":
    main()
