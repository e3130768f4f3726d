"""How long `import <package>` takes, each in a fresh interpreter (median of 5).

.venv/bin/python benchmarks/import_time.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from _common import header, print_table

STATEMENTS = {
    "trainboard": "from trainboard import SummaryWriter",
    "torch": "from torch.utils.tensorboard import SummaryWriter",
    "tensorboardX": "from tensorboardX import SummaryWriter",
}


def import_seconds(statement: str, repeat: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", code], check=True, capture_output=True, text=True
        )
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(runs)


def main() -> None:
    header("import time")
    times = {name: 1000 * import_seconds(stmt) for name, stmt in STATEMENTS.items()}
    print_table([("import SummaryWriter", times)], "ms", higher_is_better=False)


if __name__ == "__main__":
    main()
