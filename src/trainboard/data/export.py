"""Exporting a logdir's data to CSV, JSON or Parquet (``trainboard export``), and as tables.

Four kinds of data, each one long table (nothing sampled):

* ``scalars``: ``run, tag, step, wall_time, value``, one row per point;
* ``histograms``: ``run, tag, step, wall_time, left, right, count``, one row per bucket;
* ``text``: ``run, tag, step, wall_time, index, text``, one row per string (``index``
  is its position in the point's flattened string array; ``add_text`` writes one);
* ``hparams``: one row per hparams session (:mod:`trainboard.data.hparams_table`),
  ``run`` (the run it describes, as the HParams dashboard folds it), ``session`` (the
  run holding it), then one column per hyperparameter and one per metric (its latest
  value; a metric named like a hyperparameter is called ``metric:<name>``).

Runs and tags are chosen by patterns: each is a shell-style glob (``*``, ``?``,
``[abc]``) matched against the whole name, so a plain name matches only itself; a
name matches when it matches any of the patterns, and no patterns match everything.

Scalars are streamed series by series:

* CSV: one row per point, floats written with the shortest text that reads back
  to the same double (``nan``, ``inf`` and ``-inf`` for non-finite values).
* JSON: a list of ``{"run", "tag", "steps", "wall_times", "values"}`` objects, one
  per series; non-finite values become the strings ``"NaN"``, ``"Infinity"`` and
  ``"-Infinity"`` so the file stays strict JSON.
* Parquet: one table (run and tag dictionary-encoded), through pyarrow, or polars
  when pyarrow is missing.

The other kinds are built as columns first (:func:`table_columns`, which
``trainboard.open(...).*_frame()`` also uses), then written by :func:`write_table`:
CSV as above, JSON as a list of row objects (non-finite numbers as strings), Parquet
through pyarrow or polars.
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
from trainboard.format.kinds import histogram as histogram_kind
from trainboard.format.kinds import text as text_kind

__all__ = [
    "FORMATS",
    "KINDS",
    "matches",
    "select_scalars",
    "select_tags",
    "table_columns",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_table",
]

FORMATS = ("csv", "json", "parquet")
KINDS = ("scalars", "histograms", "text", "hparams")
Progress = Callable[[int], None]
Columns = dict[str, Any]  # column name -> numpy array or list, all of one length


def matches(name: str, patterns: Sequence[str]) -> bool:
    """Whether ``name`` is one of ``patterns`` or matches one as a glob (no patterns: yes).

    Example::

        matches("exp1/train", ["exp*"])  # True: fnmatch's * also crosses "/"
    """
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
        if matches(info.run, runs) and matches(info.tag, tags)
    ]


def select_tags(
    provider: DataProvider, kind: str, runs: Sequence[str] = (), tags: Sequence[str] = ()
) -> list[TagInfo]:
    """The tags of ``kind`` (``scalars``, ``histograms`` or ``text``) matching the patterns.

    Example::

        infos = select_tags(provider, "histograms", tags=["weights/*"])
    """
    if kind == "scalars":
        return select_scalars(provider, runs, tags)
    if kind not in ("histograms", "text"):
        raise ValueError(f"kind {kind!r} has no tags to select; use one of scalars, histograms, "
                         "text")
    plugin = histogram_kind.PLUGIN_NAME if kind == "histograms" else text_kind.PLUGIN_NAME
    return [
        info
        for info in provider.tags(plugin_name=plugin)
        if info.data_class is DataClass.TENSOR and matches(info.run, runs)
        and matches(info.tag, tags)
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
            "writing Parquet needs pyarrow (or polars): pip install 'trainboard[parquet]'"
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


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _scalar_table(
    provider: DataProvider, infos: Sequence[TagInfo], progress: Progress | None
) -> Columns:
    columns = _columns(provider, infos, progress)
    return {
        "run": np.asarray(columns["run"][1], dtype=object)[columns["run"][0]],
        "tag": np.asarray(columns["tag"][1], dtype=object)[columns["tag"][0]],
        "step": columns["step"],
        "wall_time": columns["wall_time"],
        "value": columns["value"],
    }


def _tensor_table(
    provider: DataProvider, infos: Sequence[TagInfo], kind: str, progress: Progress | None
) -> Columns:
    """Histograms (a row per bucket) or text (a row per string) as columns."""
    names = ("left", "right", "count") if kind == "histograms" else ("index", "text")
    rows: dict[str, list[Any]] = {n: [] for n in ("run", "tag", "step", "wall_time", *names)}
    for info in infos:
        series = provider.read_tensors(info.run, info.tag)
        for step, wall, value in zip(
            series.steps.tolist(), series.wall_times.tolist(), series.values, strict=True
        ):
            if kind == "histograms":
                parts = histogram_kind.decode_array(value).T.tolist()
            else:
                strings = text_kind.decode_strings(value).reshape(-1).tolist()
                parts = [list(range(len(strings))), strings]
            count = len(parts[0])
            rows["run"] += [info.run] * count
            rows["tag"] += [info.tag] * count
            rows["step"] += [step] * count
            rows["wall_time"] += [wall] * count
            for name, part in zip(names, parts, strict=True):
                rows[name] += part
        if progress is not None:
            progress(len(series))
    dtypes = {"step": np.int64, "wall_time": np.float64, "left": np.float64,
              "right": np.float64, "count": np.float64, "index": np.int64}
    return {
        name: np.asarray(values, dtype=dtypes.get(name, object)) for name, values in rows.items()
    }


def _hparams_table(provider: DataProvider, runs: Sequence[str]) -> Columns:
    """One row per session: run (folded), session, hyperparameters, then metrics."""
    from trainboard.data.hparams_table import hparams_table

    table = hparams_table(provider)
    sessions = [
        s for s in table.sessions if matches(s.folded_run, runs) or matches(s.run, runs)
    ]
    columns: Columns = {
        "run": np.asarray([s.folded_run for s in sessions], dtype=object),
        "session": np.asarray([s.run for s in sessions], dtype=object),
    }
    for hparam in table.hparams:
        values = [s.hparams.get(hparam.name) for s in sessions]
        if hparam.type == "number":  # a session without it: NaN
            columns[hparam.name] = np.asarray(
                [math.nan if v is None else v for v in values], dtype=np.float64
            )
            continue
        if hparam.type == "string":  # mixed types read as text, as the dashboard shows them
            values = [None if v is None else _text(v) for v in values]
        column = np.empty(len(values), dtype=object)  # None where a session lacks it
        column[:] = values
        columns[hparam.name] = column
    for i, metric in enumerate(table.metrics):
        name = metric.name if metric.name not in columns else f"metric:{metric.name}"
        points = [s.metrics[i] for s in sessions]
        columns[name] = np.asarray(
            [math.nan if p is None else p.value for p in points], dtype=np.float64
        )
    return columns


def table_columns(
    provider: DataProvider,
    kind: str,
    runs: Sequence[str] = (),
    tags: Sequence[str] = (),
    progress: Progress | None = None,
) -> Columns:
    """The long table of ``kind`` (see the module docstring) as columns, filtered by patterns.

    ``tags`` does not apply to ``hparams``; ``runs`` matches a session's run or the run
    it describes. A metric a session lacks is NaN.

    Example::

        columns = table_columns(provider, "histograms", runs=["exp*"])
        pandas.DataFrame(columns)
    """
    if kind == "hparams":
        return _hparams_table(provider, runs)
    infos = select_tags(provider, kind, runs, tags)
    if kind == "scalars":
        return _scalar_table(provider, infos, progress)
    return _tensor_table(provider, infos, kind, progress)


def _json_cell(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def write_table(columns: Columns, fmt: str, out: IO[str] | str) -> None:
    """Write ``columns`` as CSV or JSON (to a text stream) or Parquet (to a path).

    Example::

        with open("hparams.csv", "w", newline="") as f:
            write_table(table_columns(provider, "hparams"), "csv", f)
    """
    names = list(columns)
    if fmt == "parquet":
        if not isinstance(out, str):
            raise TypeError("Parquet is written to a path")
        _write_parquet_columns(columns, out)
        return
    if isinstance(out, str):
        raise TypeError(f"{fmt} is written to a text stream")
    lists = [list(columns[name]) for name in names]
    rows = zip(*lists, strict=True) if lists else iter(())
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([_cell(v) for v in row] for row in rows)
        return
    if fmt != "json":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    out.write("[")
    for i, row in enumerate(rows):
        item = {name: _json_cell(v) for name, v in zip(names, row, strict=True)}
        out.write(("," if i else "") + "\n" + json.dumps(item, allow_nan=False))
    out.write("\n]\n")


def _cell(value: Any) -> Any:
    """A CSV cell: numbers as their shortest round-tripping text, None as empty."""
    if isinstance(value, np.generic):
        value = value.item()
    return "" if value is None else value


def _write_parquet_columns(columns: Columns, path: str) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        pa = None
    if pa is not None:
        pq.write_table(pa.table({n: list(v) if isinstance(v, list) else v
                                 for n, v in columns.items()}), path)
        return
    try:
        import polars as pl
    except ImportError as error:
        raise MissingDependencyError(
            "writing Parquet needs pyarrow (or polars): pip install 'trainboard[parquet]'"
        ) from error
    pl.DataFrame({n: list(v) if isinstance(v, np.ndarray) and v.dtype == object else v
                  for n, v in columns.items()}).write_parquet(path)
