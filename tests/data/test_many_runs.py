"""Many runs: listings kept until something changes, and series mapped from the index."""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np

from tests.data.logdirs import event_bytes, scalar_event, write_events
from trainboard.data._columns import Column
from trainboard.data.logdir import LogdirProvider


def _logdir(tmp_path: Path, runs: int = 30) -> Path:
    logdir = tmp_path / "logs"
    for r in range(runs):
        events = [scalar_event(s, f"t{s % 3}", r + s) for s in range(12)]
        write_events(logdir / f"sweep/run{r:02d}", events)
    return logdir


def test_listings_follow_new_points_runs_and_tags(tmp_path: Path) -> None:
    logdir = _logdir(tmp_path)
    provider = LogdirProvider(logdir, use_cache=False)
    provider.reload()
    first = provider.tags()
    assert provider.tags() == first and len(first) == 90
    assert [i.num_points for i in provider.tags("sweep/run03")] == [4, 4, 4]
    assert len(provider.runs()) == 30
    with open(next((logdir / "sweep/run03").iterdir()), "ab") as f:  # more points, a new tag
        more = [scalar_event(12, "t0", 1.0), scalar_event(13, "new", 2.0)]
        f.write(event_bytes(more, version=False))
    write_events(logdir / "sweep/run30", [scalar_event(0, "t0", 0.0)])
    provider.reload()
    infos = {(i.run, i.tag): i for i in provider.tags()}
    assert infos[("sweep/run03", "t0")].num_points == 5
    assert infos[("sweep/run03", "t0")].last_step == 12
    assert ("sweep/run03", "new") in infos and ("sweep/run30", "t0") in infos
    assert [r.name for r in provider.runs()][-1] == "sweep/run30"
    assert [i.tag for i in provider.tags("sweep/run03")] == ["new", "t0", "t1", "t2"]


def test_a_saved_index_holds_the_points_and_the_process_drops_its_copies(tmp_path: Path) -> None:
    logdir = _logdir(tmp_path)
    provider = LogdirProvider(logdir, cache_dir=tmp_path / "cache")
    provider.reload()  # the first load saves the index
    series = provider.read_scalars("sweep/run05", "t1")
    assert series.values.tolist() == [5.0 + s for s in range(1, 12, 3)]
    state = provider._runs["sweep/run05"]
    column = state.series["t1"].values
    assert isinstance(column, Column)
    data = column.view()
    assert not data.flags.owndata and isinstance(data.base, np.ndarray)
    assert isinstance(data.base.base, memoryview)
    assert isinstance(data.base.base.obj, mmap.mmap)  # the mapped index, not a heap copy
    # Appending after the mapping copies the column out; the index itself is never written.
    with open(next((logdir / "sweep/run05").iterdir()), "ab") as f:
        f.write(event_bytes([scalar_event(12, "t1", 99.0)], version=False))
    provider.reload()
    assert provider.read_scalars("sweep/run05", "t1").values.tolist()[-2:] == [15.0, 99.0]
    again = LogdirProvider(logdir, cache_dir=tmp_path / "cache")
    assert again.read_scalars("sweep/run05", "t1").values.tolist() == series.values.tolist()

