"""The projector's worker process: runs t-SNE and UMAP, one job at a time, reporting progress.

Started by :class:`trainboard.projector.jobs.ProjectionJobs` as
``python -m trainboard.projector._worker``. It lives as long as the server
(UMAP compiles its kernels with numba on first use, ~20 s, so one process is kept
warm) and exits when its stdin closes or the server process goes away.

Protocol, one JSON object per line. In, on stdin::

    {"method": "tsne" | "umap", "input": "x.npy", "output": "y.npy", "params": {...}}

Out, on the original stdout (everything the libraries print goes to stderr)::

    {"type": "progress", "progress": 0.0..1.0, "stage": "..."}   any number of times
    {"type": "done"} | {"type": "error", "message": "..."}       once per job

Progress comes from the libraries' own verbose output: scikit-learn's
``[t-SNE] Iteration N`` lines and UMAP's epoch counter (tqdm).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TextIO

Report = Callable[[float, str], None]

_TSNE_ITERATION = re.compile(r"\[t-SNE\] Iteration (\d+)")
_EPOCHS = re.compile(r"(\d+)/(\d+)")
_UMAP_STAGES = (  # (text in UMAP's verbose output, progress, stage shown)
    ("Construct fuzzy simplicial set", 0.05, "finding nearest neighbours"),
    ("Finished Nearest Neighbor Search", 0.25, "building the neighbour graph"),
    ("Construct embedding", 0.3, "optimising the layout"),
)


class _Tap(io.TextIOBase):
    """A text stream that hands every line (``\\n`` or ``\\r`` ended) to a callback."""

    def __init__(self, on_line: Callable[[str], None]) -> None:
        self._on_line = on_line
        self._buffer = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        parts = re.split(r"[\r\n]", self._buffer)
        self._buffer = parts.pop()
        for part in parts:
            if part.strip():
                self._on_line(part)
        return len(text)


def run_tsne(x: Any, params: dict[str, Any], report: Report) -> Any:
    """t-SNE of ``x`` (scikit-learn, Barnes-Hut), progress from its iteration lines."""
    report(0.01, "loading scikit-learn")
    from sklearn.manifold import TSNE

    n, d = x.shape
    dims = int(params["dims"])
    iterations = int(params["iterations"])

    def on_line(line: str) -> None:
        match = _TSNE_ITERATION.search(line)
        if match:
            report(0.1 + 0.9 * min(1.0, int(match.group(1)) / iterations), "optimising")
        elif "nearest neighbors" in line:
            report(0.02, "finding nearest neighbours")
        elif "conditional probabilities" in line:
            report(0.1, "optimising")

    tsne = TSNE(
        n_components=dims,
        perplexity=min(float(params["perplexity"]), max(1.0, (n - 1) / 3.0)),
        learning_rate=params["learning_rate"] or "auto",
        max_iter=iterations,
        init="pca" if min(n, d) >= dims else "random",
        random_state=int(params["seed"]),
        verbose=2,
    )
    previous = sys.stdout
    sys.stdout = _Tap(on_line)
    try:
        return tsne.fit_transform(x)
    finally:
        sys.stdout = previous


def run_umap(x: Any, params: dict[str, Any], report: Report) -> Any:
    """UMAP of ``x`` (umap-learn), progress from its stage lines and epoch counter."""
    report(0.01, "loading UMAP (compiled on first use: up to a minute)")
    import umap

    n = x.shape[0]
    dims = int(params["dims"])

    def on_line(line: str) -> None:
        for text, progress, stage in _UMAP_STAGES:
            if text in line:
                report(progress, stage)
                return
        match = _EPOCHS.search(line)
        if match and int(match.group(2)) > 0:
            report(0.3 + 0.7 * int(match.group(1)) / int(match.group(2)), "optimising the layout")

    tap = _Tap(on_line)
    reducer = umap.UMAP(
        n_components=dims,
        n_neighbors=max(2, min(int(params["neighbors"]), n - 1)),
        min_dist=float(params["min_dist"]),
        metric=str(params["metric"]),
        random_state=int(params["seed"]),
        n_jobs=1,  # what a seed implies anyway (said explicitly, UMAP warns otherwise)
        init="spectral" if n > dims + 2 else "random",
        verbose=True,
        tqdm_kwds={"file": tap, "mininterval": 0.25, "bar_format": "{n}/{total}", "ascii": True},
    )
    previous = sys.stdout
    sys.stdout = tap
    try:
        return reducer.fit_transform(x)
    finally:
        sys.stdout = previous


_RUNNERS: dict[str, Callable[[Any, dict[str, Any], Report], Any]] = {
    "tsne": run_tsne,
    "umap": run_umap,
}


def _watch_parent() -> None:
    """Exit when the server process goes away, even in the middle of a job."""
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _serve(requests: TextIO, replies: TextIO) -> None:
    import numpy as np

    def send(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    last = [0.0]

    def report(progress: float, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2 or progress >= 1.0:  # a few lines a second at most
            last[0] = now
            send({"type": "progress", "progress": round(progress, 4), "stage": stage})

    for line in requests:
        try:
            request = json.loads(line)
            x = np.load(request["input"], allow_pickle=False)
            result = _RUNNERS[request["method"]](x, request["params"], report)
            np.save(request["output"], np.asarray(result, dtype=np.float32), allow_pickle=False)
        except Exception as exc:
            last_frame = traceback.extract_tb(exc.__traceback__)[-1:]
            where = f" ({last_frame[0].filename}:{last_frame[0].lineno})" if last_frame else ""
            send({"type": "error", "message": f"{type(exc).__name__}: {exc}{where}"})
        else:
            send({"type": "done"})


def main() -> None:
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray output must not break the protocol
    threading.Thread(target=_watch_parent, daemon=True).start()
    _serve(sys.stdin, replies)


if __name__ == "__main__":
    main()
