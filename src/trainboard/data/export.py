"""Exporting scalar series to CSV, JSON or Parquet (``trainboard export``).

Every format holds every point (nothing sampled), in long form with the columns
``run, tag, step, wall_time, value``:

* CSV: one row per point, floats written with the shortest text that reads back
  to the same double (``nan``, ``inf`` and ``-inf`` for non-finite values).
* JSON: a list of ``{"run", "tag", "steps", "wall_times", "values"}`` objects, one
  per series; non-finite values become the strings ``"NaN"``, ``"Infinity"`` and
  ``"-Infinity"`` so the file stays strict JSON.
* Parquet: one table (run and tag dictionary-encoded), through pyarrow, or polars
  when pyarrow is missing.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable, Sequence
from fnmatch import fnmatchcase
from typing import IO, Any

import numpy as np

from trainboard.data.provider import DataClass, DataProvider, ScalarSeries, TagInfo
from trainboard.errors import MissingDependencyError

__all__ = ["FORMATS", "select_scalars", "write_csv", "write_json", "write_parquet"]

FORMATS = ("csv", "json", "parquet")
Progress = Callable[[int], None]


def _matches(name: str, patterns: Sequence[str]) -> bool:
    return not patterns or any(name == p or fnmatchcase(name, p) for p in patterns)


def select_scalars(
    provider: DataProvider, runs: Sequence[str] = (), tags: Sequence[str] = ()
) -> list[TagInfo]:
    """The scalar tags whose run and tag match one of ``runs`` / ``tags`` (names or globs).

    Example::

        infos = select_scalars(provider, runs=["exp*"], tags=["loss"])
    """
    return [
        info
        for info in provider.tags(data_class=DataClass.SCALAR)
        if _matches(info.run, runs) and _matches(info.tag, tags)
    ]


def _series(
    provider: DataProvider, infos: Iterable[TagInfo], progress: Progress | None
) -> Iterable[ScalarSeries]:
    for info in infos:
        series = provider.read_scalars(info.run, info.tag)
        yield series
        if progress is not None:
            progress(len(series))


def write_csv(
    provider: DataProvider, infos: Sequence[TagInfo], out: IO[str], progress: Progress | None = None
) -> None:
    """Write the series of ``infos`` to ``out`` as CSV.

    Example::

        with open("scalars.csv", "w", newline="") as f:
            write_csv(provider, select_scalars(provider), f)
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "tag", "step", "wall_time", "value"])
    for s in _series(provider, infos, progress):
        rows = zip(s.steps.tolist(), s.wall_times.tolist(), s.values.tolist(), strict=True)
        writer.writerows((s.run, s.tag, step, wall, value) for step, wall, value in rows)


def _json_floats(values: np.ndarray) -> list[Any]:
    items: list[Any] = values.tolist()
    if not np.isfinite(values).all():
        names = {math.inf: "Infinity", -math.inf: "-Infinity"}
        items = [v if math.isfinite(v) else names.get(v, "NaN") for v in items]
    return items


def write_json(
    provider: DataProvider, infos: Sequence[TagInfo], out: IO[str], progress: Progress | None = None
) -> None:
    """Write the series of ``infos`` to ``out`` as a JSON list, one object per series.

    Example::

        with open("scalars.json", "w") as f:
            write_json(provider, select_scalars(provider, tags=["loss"]), f)
    """
    out.write("[")
    for i, s in enumerate(_series(provider, infos, progress)):
        item = {
            "run": s.run,
            "tag": s.tag,
            "steps": s.steps.tolist(),
            "wall_times": _json_floats(s.wall_times),
            "values": _json_floats(s.values),
        }
        out.write(("," if i else "") + "\n" + json.dumps(item, allow_nan=False))
    out.write("\n]\n")


def _columns(
    provider: DataProvider, infos: Sequence[TagInfo], progress: Progress | None
) -> dict[str, Any]:
    parts: dict[str, list[np.ndarray]] = {"step": [], "wall_time": [], "value": []}
    runs, tags, run_codes, tag_codes = [], [], [], []
    for s in _series(provider, infos, progress):
        if s.run not in runs:
            runs.append(s.run)
        if s.tag not in tags:
            tags.append(s.tag)
        run_codes.append(np.full(len(s), runs.index(s.run), dtype=np.int32))
        tag_codes.append(np.full(len(s), tags.index(s.tag), dtype=np.int32))
        parts["step"].append(s.steps)
        parts["wall_time"].append(s.wall_times)
        parts["value"].append(s.values)
    empty = {"step": np.int64, "wall_time": np.float64, "value": np.float64}
    columns: dict[str, Any] = {
        name: np.concatenate(arrays) if arrays else np.empty(0, empty[name])
        for name, arrays in parts.items()
    }
    columns["run"] = (np.concatenate(run_codes) if run_codes else np.empty(0, np.int32), runs)
    columns["tag"] = (np.concatenate(tag_codes) if tag_codes else np.empty(0, np.int32), tags)
    return columns


def write_parquet(
    provider: DataProvider, infos: Sequence[TagInfo], path: str, progress: Progress | None = None
) -> None:
    """Write the series of ``infos`` to a Parquet file at ``path``.

    Example::

        write_parquet(provider, select_scalars(provider), "scalars.parquet")
    """
    columns = _columns(provider, infos, progress)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        pa = None
    if pa is not None:
        table = pa.table(
            {
                "run": pa.DictionaryArray.from_arrays(*columns["run"]),
                "tag": pa.DictionaryArray.from_arrays(*columns["tag"]),
                "step": columns["step"],
                "wall_time": columns["wall_time"],
                "value": columns["value"],
            }
        )
        pq.write_table(table, path)
        return
    try:
        import polars as pl
    except ImportError as error:
        raise MissingDependencyError(
            "writing Parquet needs pyarrow or polars: pip install pyarrow"
        ) from error
    frame = pl.DataFrame(
        {
            "run": np.asarray(columns["run"][1], dtype=object)[columns["run"][0]].tolist(),
            "tag": np.asarray(columns["tag"][1], dtype=object)[columns["tag"][0]].tolist(),
            "step": columns["step"],
            "wall_time": columns["wall_time"],
            "value": columns["value"],
        }
    ).with_columns(pl.col("run").cast(pl.Categorical), pl.col("tag").cast(pl.Categorical))
    frame.write_parquet(path)
