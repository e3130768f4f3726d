"""add_image / add_images / add_video / add_audio: cost to the training loop, and end to end.

Compares trainboard's SummaryWriter with torch.utils.tensorboard's and
tensorboardX's in one process, each with its default settings. "Per call" is the
median time the calling thread spends in one call (trainboard encodes in the
background); "end to end" is the time for all the calls plus ``close()``, divided
by the number of calls.

    .venv/bin/python benchmarks/write_media.py [--calls 100] [--repeat 3]

Targets (media task): add_image of a 3x256x256 float32 tensor <= 1 ms per call.
A peer is left out of a row when it cannot make the call here: torch and
tensorboardX need moviepy for add_video (torch's path is broken with moviepy >= 2),
tensorboardX needs soundfile for add_audio.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

from _common import header, median_call_seconds, peer_writers, print_table, timed


def _cases() -> list[tuple[str, str, Callable[[Any, int], None]]]:
    import torch

    image = torch.rand(3, 256, 256)
    batch = torch.rand(64, 3, 32, 32)
    clip = torch.rand(1, 16, 3, 64, 64)
    sound = torch.rand(44100) * 2 - 1
    return [
        ("add_image 3x256x256 float32", "", lambda w, i: w.add_image("img", image, i)),
        ("add_images 64x3x32x32 float32", "", lambda w, i: w.add_images("batch", batch, i)),
        ("add_audio 1 s at 44.1 kHz", "", lambda w, i: w.add_audio("snd", sound, i)),
        ("add_video 1x16x3x64x64 float32", "video", lambda w, i: w.add_video("vid", clip, i)),
    ]


def _measure(
    cls: type, call: Callable[[Any, int], None], calls: int, tmp: str
) -> tuple[float, float]:
    """(median ms per call, ms per call end to end including close())."""
    w = cls(os.path.join(tmp, "calls"))
    call(w, 0)  # warm-up: lazy imports (PIL, encoders) are not what is measured
    w.flush()
    # One call per sample: at milliseconds the timer costs nothing, and a median of
    # single calls is not dragged up by the few calls that wait for the CPU.
    per_call = median_call_seconds(lambda i: call(w, i + 1), calls, batch=1)
    w.close()

    def run() -> None:
        writer = cls(os.path.join(tmp, "e2e"))
        for i in range(calls):
            call(writer, i)
        writer.close()

    return 1e3 * per_call, 1e3 * timed(run) / calls


def _works(cls: type, call: Callable[[Any, int], None]) -> bool:
    """Whether a peer can make this call here (tensorboardX's add_audio needs soundfile)."""
    with tempfile.TemporaryDirectory() as tmp:
        w = cls(tmp)
        try:
            call(w, 0)
        except ImportError:
            return False
        finally:
            w.close()
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100, help="calls per measurement (>= 50)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the median is reported")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    header("media: add_image, add_images, add_audio, add_video")
    has_moviepy = importlib.util.find_spec("moviepy") is not None
    writers = peer_writers()
    rows_call: list[tuple[str, dict[str, float]]] = []
    rows_e2e: list[tuple[str, dict[str, float]]] = []
    for label, needs, call in _cases():
        names = [
            n
            for n in writers
            if n == "trainboard"
            or (not (needs == "video" and not has_moviepy) and _works(writers[n], call))
        ]
        samples: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
        for _ in range(args.repeat):  # interleaved, so drift on a busy machine hits all alike
            for name in names:
                with tempfile.TemporaryDirectory() as tmp:
                    samples[name].append(_measure(writers[name], call, args.calls, tmp))
        rows_call.append(
            (f"{label}, per call", {n: statistics.median(s[0] for s in samples[n]) for n in names})
        )
        rows_e2e.append(
            (
                f"{label}, end to end",
                {n: statistics.median(s[1] for s in samples[n]) for n in names},
            )
        )
    for rows in (rows_call, rows_e2e):
        full = [r for r in rows if len(r[1]) == len(writers)]
        if full:
            print_table(full, "ms", higher_is_better=False)
        for label, values in rows:
            if len(values) != len(writers):
                others = ", ".join(f"{n} {v:.3f}" for n, v in values.items())
                print(f"{label} (ms): {others} (a peer missing needs moviepy or soundfile)")


if __name__ == "__main__":
    main()
