"""Log a toy training run with trainboard's drop-in SummaryWriter.

python examples/quickstart.py [--logdir runs/quickstart]
"""

from __future__ import annotations

import argparse
import math
import random

from trainboard import SummaryWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs/quickstart")
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()

    rng = random.Random(0)
    with SummaryWriter(args.logdir) as writer:
        for step in range(args.steps):
            loss = math.exp(-step / 500) + 0.05 * rng.random()
            writer.add_scalar("loss/train", loss, step)
            if step % 100 == 0:
                writer.add_scalars("loss/compare", {"train": loss, "val": loss * 1.1}, step)
    print(f"wrote {args.steps} steps to {writer.get_logdir()}")


if __name__ == "__main__":
    main()
