"""The runs table: one row per run with its hyperparameters, environment and metric summaries.

A row is a run of the provider, except an ``add_hparams`` sub-run whose parent run exists:
that one is *folded* into its parent, as the HParams dashboard folds it (the sub-run is
listed in the row's ``members``). A row holds

* ``hparams``: the hyperparameters of the sessions folded into the run (the run's own
  session, and those of its ``add_hparams`` sub-runs), from
  :func:`trainboard.data.hparams_table.hparams_table`. When several sessions describe one
  run (torch's ``add_hparams`` called twice by one writer), their values are merged in
  session order (start time, then run name): the latest session's value of a name wins.
* ``environment``: what ``SummaryWriter`` captured at start
  (:meth:`~trainboard.data.provider.DataProvider.read_environment`) of the run, else of
  its first member that has one, flattened to one value per column: lists become one
  comma-separated string (``gpus``), nested objects become ``parent.child`` columns, and
  integers become floats (``pid``, ``started``); strings and booleans stay as they are.
* ``metrics``: a :class:`MetricSummary` per scalar tag the caller asked for, of the run's
  own series, else (for metrics such as torch's ``hparam/accuracy`` that ``add_hparams``
  writes into the sub-run) of its members' in session order, latest first; None when
  none of them holds the tag.

**Non-finite values.** ``last`` is the value of the last point as it is (NaN or ±inf when
the run diverged). ``min`` and ``max`` are taken over the finite values only, and are NaN
when the series has none; ``nonfinite`` counts the points left out. An hparam or
environment value may be NaN as well (as ``add_hparams`` wrote it).

**Cost.** The table reads the tag listing once; a metric's summary is computed from the
series only when the series changed since the last table of the same provider (the cache
is keyed by the series' point count and last step and wall time, which every appended
point or purge changes), so a table over 10,000 runs reads only the series that moved.
Environments and the hyperparameter sessions are cached the same way; series of tags
nobody asked for are never read.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np

from trainboard.data.hparams_table import (
    ColumnType,
    HParamColumn,
    HParamsTable,
    HParamValue,
    hparams_table,
)
from trainboard.data.provider import DataClass, DataProvider, Run, TagInfo
from trainboard.format.kinds import environment as environment_kind
from trainboard.format.kinds import hparams as hparams_kind

__all__ = [
    "EnvColumn",
    "EnvValue",
    "MetricSummary",
    "RunRow",
    "RunsTable",
    "flatten_environment",
    "frame_columns",
    "runs_table",
    "summarize",
]

EnvValue: TypeAlias = str | float | bool | None
_Version = tuple[int, int | None, float | None]


@dataclass(frozen=True, slots=True)
class MetricSummary:
    """One scalar series summed up (see the module docstring for non-finite values).

    ``last`` and ``last_step`` are of the last point read; ``points`` counts every point.
    """

    last: float
    last_step: int
    min: float
    max: float
    points: int
    nonfinite: int


@dataclass(frozen=True, slots=True)
class EnvColumn:
    """One environment column: a (flattened) key and the one type its values have.

    Values of several types make it ``"string"``, as for hyperparameters.
    """

    name: str
    type: ColumnType


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run of the table (see the module docstring).

    ``members`` are the ``add_hparams`` sub-runs folded into this row; ``display_name``,
    ``color``, ``tags``, ``hidden`` and ``archived`` come from the run's note
    (:mod:`trainboard.data.notes`), when it has one.
    """

    run: str
    members: tuple[str, ...]
    start_time: float | None
    display_name: str | None
    color: str | None
    tags: tuple[str, ...]
    hidden: bool
    archived: bool
    hparams: Mapping[str, HParamValue | None]
    environment: Mapping[str, EnvValue]
    metrics: tuple[MetricSummary | None, ...]


@dataclass(frozen=True, slots=True)
class RunsTable:
    """The columns and the rows, in run-name order.

    ``metrics`` are the asked-for scalar tags, in the order asked (duplicates once);
    ``scalar_tags`` every scalar tag a row could show as a metric column, sorted.
    """

    hparams: tuple[HParamColumn, ...]
    environment: tuple[EnvColumn, ...]
    metrics: tuple[str, ...]
    scalar_tags: tuple[str, ...]
    rows: tuple[RunRow, ...]


def summarize(values: np.ndarray, steps: np.ndarray) -> MetricSummary | None:
    """The summary of one series' values and steps, or None when it has no point.

    Example::

        series = provider.read_scalars("exp1", "loss")
        summary = summarize(series.values, series.steps)
    """
    count = len(values)
    if count == 0:
        return None
    finite = np.isfinite(values)
    kept = int(np.count_nonzero(finite))
    if kept == count:
        low, high = float(np.min(values)), float(np.max(values))
    elif kept:
        low, high = float(np.min(values[finite])), float(np.max(values[finite]))
    else:
        low = high = math.nan
    return MetricSummary(
        last=float(values[-1]),
        last_step=int(steps[-1]),
        min=low,
        max=high,
        points=count,
        nonfinite=count - kept,
    )


def _flat_value(value: Any) -> EnvValue:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def flatten_environment(environment: Mapping[str, Any], prefix: str = "") -> dict[str, EnvValue]:
    """``environment`` as one value per column (module docstring), keys in their order.

    Example::

        flatten_environment({"gpus": ["A100", "A100"], "x": {"y": 1}})
        # {"gpus": "A100, A100", "x.y": 1.0}
    """
    flat: dict[str, EnvValue] = {}
    for key, value in environment.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_environment(value, name + "."))
        else:
            flat[name] = _flat_value(value)
    return flat


def _version(info: TagInfo) -> _Version:
    return (info.num_points, info.last_step, info.last_wall_time)


class _Cache:
    """What one provider's tables computed, keyed by the versions of what they read."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.metrics: dict[tuple[str, str], tuple[_Version, MetricSummary | None]] = {}
        self.environments: dict[str, tuple[_Version, dict[str, EnvValue] | None]] = {}
        self.hparams: tuple[Any, HParamsTable] | None = None


def _cache(provider: DataProvider) -> _Cache:
    return provider.kept(__name__, _Cache)


def _metric(cache: _Cache, provider: DataProvider, info: TagInfo) -> MetricSummary | None:
    key, version = (info.run, info.tag), _version(info)
    with cache.lock:
        found = cache.metrics.get(key)
    if found is not None and found[0] == version:
        return found[1]
    series = provider.read_scalars(info.run, info.tag)
    summary = summarize(series.values, series.steps)
    # The series may have grown since the listing: key the summary by what it is of.
    last = float(series.wall_times[-1]) if len(series) else None
    read: _Version = (len(series), summary.last_step if summary else None, last)
    with cache.lock:
        cache.metrics[key] = (read, summary)
    return summary


def _environment(
    cache: _Cache, provider: DataProvider, info: TagInfo
) -> dict[str, EnvValue] | None:
    version = _version(info)
    with cache.lock:
        found = cache.environments.get(info.run)
    if found is not None and found[0] == version:
        return found[1]
    try:
        raw = provider.read_environment(info.run)
    except ValueError:  # a record that is not a JSON object: no environment
        raw = None
    flat = None if raw is None else flatten_environment(raw)
    with cache.lock:
        cache.environments[info.run] = (version, flat)
    return flat


def _hparams(cache: _Cache, provider: DataProvider, infos: Iterable[TagInfo]) -> HParamsTable:
    version = tuple(sorted((i.run, i.tag, *_version(i)) for i in infos))
    with cache.lock:
        found = cache.hparams
    if found is not None and found[0] == version:
        return found[1]
    table = hparams_table(provider)
    with cache.lock:
        cache.hparams = (version, table)
    return table


def _folded(runs: Sequence[Run]) -> dict[str, str]:
    """run -> the row it belongs to (an add_hparams sub-run's parent, else itself)."""
    names = {run.name for run in runs}
    return {
        run.name: run.parent
        if run.sub_run == "hparams" and run.parent is not None and run.parent in names
        else run.name
        for run in runs
    }


def _column_type(values: Iterable[EnvValue]) -> ColumnType:
    types: set[ColumnType] = set()
    for value in values:
        if isinstance(value, bool):
            types.add("bool")
        elif isinstance(value, float):
            types.add("number")
        elif isinstance(value, str):
            types.add("string")
    return next(iter(types)) if len(types) == 1 else "string"


def runs_table(provider: DataProvider, metrics: Sequence[str] = ()) -> RunsTable:
    """One row per run of ``provider``, with a summary of each scalar tag in ``metrics``.

    Example::

        table = runs_table(provider, ["loss", "accuracy"])
        for row in table.rows:
            print(row.run, dict(row.hparams), row.environment.get("git_commit"), row.metrics)

    A tag no run holds gives a column of None (a run may log it later); a tag that only
    names non-scalar data raises ``ValueError``.
    """
    wanted = tuple(dict.fromkeys(metrics))
    cache = _cache(provider)
    runs = provider.runs()
    row_of = _folded(runs)
    infos = provider.tags()
    scalars: dict[tuple[str, str], TagInfo] = {}
    env_infos: dict[str, TagInfo] = {}
    hparam_infos: list[TagInfo] = []
    scalar_tags: set[str] = set()
    other_tags: set[str] = set()
    for info in infos:
        if info.data_class is DataClass.SCALAR:
            scalars[(info.run, info.tag)] = info
            scalar_tags.add(info.tag)
            continue
        other_tags.add(info.tag)
        if info.tag == environment_kind.DATA_TAG:
            env_infos[info.run] = info
        elif info.plugin_name == hparams_kind.PLUGIN_NAME:
            hparam_infos.append(info)
    for tag in wanted:
        if tag in other_tags and tag not in scalar_tags:
            raise ValueError(f"metric {tag!r} is not a scalar tag")

    found_hparams = _hparams(cache, provider, hparam_infos) if hparam_infos else None
    sessions = found_hparams.sessions if found_hparams is not None else ()
    ordered = sorted(sessions, key=lambda s: (s.start_time or 0.0, s.run))
    hparams: dict[str, dict[str, HParamValue | None]] = {}
    for session in ordered:
        target = row_of.get(session.run, session.run)
        hparams.setdefault(target, {}).update(session.hparams)
    members: dict[str, list[str]] = {}
    for run in runs:
        if row_of[run.name] != run.name:
            members.setdefault(row_of[run.name], []).append(run.name)
    rank = {s.run: i for i, s in enumerate(ordered)}
    for names in members.values():
        names.sort(key=lambda name: (rank.get(name, -1), name))

    notes = provider.run_notes()
    rows: list[RunRow] = []
    for run in runs:
        if row_of[run.name] != run.name:
            continue
        # The run itself first, then its members, latest session first.
        sources = [run.name, *reversed(members.get(run.name, []))]
        environment: dict[str, EnvValue] = {}
        for source in sources:
            if source in env_infos:
                found = _environment(cache, provider, env_infos[source])
                if found is not None:
                    environment = found
                    break
        summaries: list[MetricSummary | None] = []
        for tag in wanted:
            summary = None
            for source in sources:
                series_info = scalars.get((source, tag))
                if series_info is not None:
                    summary = _metric(cache, provider, series_info)
                    if summary is not None:
                        break
            summaries.append(summary)
        note = notes.get(run.name)
        rows.append(
            RunRow(
                run=run.name,
                members=tuple(members.get(run.name, ())),
                start_time=run.start_time,
                display_name=note.display_name if note else None,
                color=note.color if note else None,
                tags=note.tags if note else (),
                hidden=note.hidden if note else False,
                archived=note.archived if note else False,
                hparams=hparams.get(run.name, {}),
                environment=environment,
                metrics=tuple(summaries),
            )
        )

    env_names: dict[str, list[EnvValue]] = {}
    for row in rows:
        for name, value in row.environment.items():
            env_names.setdefault(name, []).append(value)
    order = {name: i for i, name in enumerate(environment_kind.LABELS)}
    env_columns = tuple(
        EnvColumn(name, _column_type(values))
        for name, values in sorted(
            env_names.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    )
    return RunsTable(
        hparams=found_hparams.hparams if found_hparams is not None else (),
        environment=env_columns,
        metrics=wanted,
        scalar_tags=tuple(sorted(scalar_tags)),
        rows=tuple(rows),
    )


def _object_column(values: Iterable[Any]) -> np.ndarray:
    items = list(values)
    column = np.empty(len(items), dtype=object)
    column[:] = items
    return column


def _typed_column(values: list[Any], type_: ColumnType) -> np.ndarray:
    """Floats (NaN where missing) for a number column, else objects (None where missing)."""
    if type_ == "number":
        return np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    return _object_column(values)


def frame_columns(table: RunsTable) -> dict[str, np.ndarray]:
    """The table as columns for a DataFrame (``trainboard.open(...).runs_frame``).

    ``run``, ``display_name``, one column per hyperparameter (its name), one per
    environment key (``env.<key>``) and four per metric (``<tag>.last``, ``<tag>.min``,
    ``<tag>.max`` and ``<tag>.last_step``; NaN, and -1 for the step, where a run lacks
    the tag). Number columns are float64, the rest objects with None where missing.
    """
    rows = table.rows
    columns: dict[str, np.ndarray] = {
        "run": _object_column(row.run for row in rows),
        "display_name": _object_column(row.display_name for row in rows),
    }
    for hparam in table.hparams:
        values = [row.hparams.get(hparam.name) for row in rows]
        if hparam.type == "number" and not all(isinstance(v, float | None) for v in values):
            columns[hparam.name] = _object_column(values)
        else:
            columns[hparam.name] = _typed_column(values, hparam.type)
    for env in table.environment:
        values = [row.environment.get(env.name) for row in rows]
        columns[f"env.{env.name}"] = _typed_column(values, env.type)
    for index, tag in enumerate(table.metrics):
        summaries = [row.metrics[index] for row in rows]
        for field in ("last", "min", "max"):
            columns[f"{tag}.{field}"] = np.array(
                [math.nan if s is None else getattr(s, field) for s in summaries], np.float64
            )
        columns[f"{tag}.last_step"] = np.array(
            [-1 if s is None else s.last_step for s in summaries], np.int64
        )
    return columns
