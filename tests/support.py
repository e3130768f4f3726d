"""Helpers for tests: read event files back with our reader and with TensorBoard's."""

from __future__ import annotations

import glob
import os
from typing import Any

from trainboard.format.proto.event_pb2 import Event
from trainboard.format.record import iter_records


def event_files(logdir: str | os.PathLike[str]) -> list[str]:
    """Event files directly inside ``logdir``, in name order."""
    return sorted(glob.glob(os.path.join(os.fspath(logdir), "*tfevents*")))


def read_events(logdir: str | os.PathLike[str]) -> list[Event]:
    """Every event of every event file directly inside ``logdir``, CRCs checked."""
    events: list[Event] = []
    for path in event_files(logdir):
        with open(path, "rb") as f:
            events.extend(Event.FromString(data) for _, data in iter_records(f))
    return events


def summary_values(logdir: str | os.PathLike[str]) -> list[tuple[int, Any]]:
    """``(step, Summary.Value)`` for every summary value in ``logdir``'s event files."""
    return [(e.step, v) for e in read_events(logdir) for v in e.summary.value]


def tb_accumulator(logdir: str | os.PathLike[str]) -> Any:
    """TensorBoard's own plugin event accumulator over one run directory, fully loaded."""
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea

    acc = pea.EventAccumulator(os.fspath(logdir), size_guidance={"tensors": 0, "scalars": 0})
    acc.Reload()
    return acc
