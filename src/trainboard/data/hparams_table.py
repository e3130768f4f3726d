"""The hyperparameter table of a logdir: every session with its hyperparameters and metrics.

A *session* is a run holding ``_hparams_/session_start_info`` (torch's ``add_hparams``
writes it into a sub-run of the run it describes: the session's ``parent``). Columns
are the union over every experiment declaration and every session, not only the first
experiment's (a known TensorBoard complaint). A metric's value in a session is the
latest point of scalar tag ``MetricName.tag`` in run ``<session>/<MetricName.group>``
(the session itself when the group is empty), as TensorBoard reads it; without any
declared metric, the scalar tags of the runs under each session are the metrics.

The HParams dashboard (``/api/hparams``) and ``trainboard.open(...).hparams_frame()``
both read this table, so they always agree.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from google.protobuf.message import DecodeError

from trainboard.data.provider import DataClass, DataProvider, Run
from trainboard.format.kinds import hparams as kind
from trainboard.format.proto.hparams_pb2 import (
    DataType,
    Experiment,
    HParamInfo,
    MetricInfo,
    SessionEndInfo,
    SessionStartInfo,
    Status,
)

__all__ = [
    "ColumnType",
    "HParamColumn",
    "HParamsTable",
    "MetricColumn",
    "MetricValue",
    "Session",
    "SessionStatus",
    "hparams_table",
]

ColumnType = Literal["number", "string", "bool"]
SessionStatus = Literal["unknown", "success", "failure", "running"]
HParamValue = kind.HParamValue

_TYPE_NAMES: dict[int, ColumnType] = {
    DataType.DATA_TYPE_FLOAT64: "number",
    DataType.DATA_TYPE_STRING: "string",
    DataType.DATA_TYPE_BOOL: "bool",
}
_STATUS_NAMES: dict[int, SessionStatus] = {
    Status.STATUS_UNKNOWN: "unknown",
    Status.STATUS_SUCCESS: "success",
    Status.STATUS_FAILURE: "failure",
    Status.STATUS_RUNNING: "running",
}


@dataclass(frozen=True, slots=True)
class HParamColumn:
    """One hyperparameter, merged over its declarations and the values sessions set.

    ``type`` is the one type its values have; values of several types (or none known)
    make it ``"string"``, as TensorBoard sorts and filters them. ``domain`` lists the
    declared discrete values, ``interval`` the declared ``(min, max)``.
    """

    name: str
    display_name: str
    description: str
    type: ColumnType
    domain: tuple[HParamValue | None, ...] | None
    interval: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class MetricColumn:
    """One metric: scalar tag ``tag`` in the run ``group`` below each session."""

    tag: str
    group: str
    display_name: str
    description: str

    @property
    def name(self) -> str:
        """``group/tag``, or the tag alone when the group is empty."""
        return f"{self.group}/{self.tag}" if self.group else self.tag


@dataclass(frozen=True, slots=True)
class MetricValue:
    """A metric's latest point in one session."""

    value: float
    step: int
    wall_time: float


@dataclass(frozen=True, slots=True)
class Session:
    """One session: its hyperparameters and one value (or None) per metric column."""

    run: str
    parent: str | None
    group_name: str
    status: SessionStatus | None
    start_time: float | None
    end_time: float | None
    hparams: Mapping[str, HParamValue | None]
    metrics: tuple[MetricValue | None, ...]

    @property
    def folded_run(self) -> str:
        """The run the session describes: its parent for an ``add_hparams`` sub-run."""
        return self.parent if self.parent is not None else self.run


@dataclass(frozen=True, slots=True)
class HParamsTable:
    """Columns (hyperparameters, then metrics) and the sessions, in run-name order."""

    hparams: tuple[HParamColumn, ...]
    metrics: tuple[MetricColumn, ...]
    sessions: tuple[Session, ...]


def _type_of(value: HParamValue | None) -> ColumnType | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    return "number" if isinstance(value, float) else None


def _same(value: HParamValue | None) -> object:
    """A key under which two values count as one domain entry (every NaN is one)."""
    return "NaN" if isinstance(value, float) and math.isnan(value) else value


class _Column:
    """One hyperparameter column being merged over declarations and observed values."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.display_name = ""
        self.description = ""
        self.types: set[ColumnType] = set()
        self.domain: list[HParamValue | None] | None = None
        self.interval: tuple[float, float] | None = None

    def declare(self, info: HParamInfo) -> None:
        self.display_name = self.display_name or info.display_name
        self.description = self.description or info.description
        declared = _TYPE_NAMES.get(info.type)
        if declared is not None:
            self.types.add(declared)
        which = info.WhichOneof("domain")
        if which == "domain_discrete":
            merged = self.domain or []
            for proto_value in info.domain_discrete.values:
                value = kind.value_to_python(proto_value)
                if _same(value) not in [_same(m) for m in merged]:
                    merged.append(value)
            self.domain = merged
        elif which == "domain_interval" and self.interval is None:
            self.interval = (info.domain_interval.min_value, info.domain_interval.max_value)

    def column(self) -> HParamColumn:
        only: ColumnType = next(iter(self.types)) if len(self.types) == 1 else "string"
        domain = None if self.domain is None else tuple(self.domain)
        return HParamColumn(
            self.name, self.display_name, self.description, only, domain, self.interval
        )


def _hparam_columns(
    experiments: Iterable[Experiment], starts: Iterable[SessionStartInfo]
) -> tuple[HParamColumn, ...]:
    """Every hyperparameter declared by any experiment or set by any session, in that order."""
    columns: dict[str, _Column] = {}
    for experiment in experiments:
        for info in experiment.hparam_infos:
            columns.setdefault(info.name, _Column(info.name)).declare(info)
    for start in starts:
        for name, value in sorted(start.hparams.items()):
            found = _type_of(kind.value_to_python(value))
            column = columns.setdefault(name, _Column(name))
            if found is not None:
                column.types.add(found)
    return tuple(column.column() for column in columns.values())


def _declared_metrics(experiments: Iterable[Experiment]) -> list[MetricInfo]:
    metrics: dict[tuple[str, str], MetricInfo] = {}
    for experiment in experiments:
        for info in experiment.metric_infos:
            metrics.setdefault((info.name.group, info.name.tag), info)
    return list(metrics.values())


def _inferred_metrics(provider: DataProvider, sessions: Iterable[str]) -> list[MetricInfo]:
    """TensorBoard's rule without any declaration: scalar tags of runs under a session.

    The group is the run's path below the longest session it lies in.
    """
    session_set = set(sessions)
    names: set[tuple[str, str]] = set()
    for info in provider.tags(data_class=DataClass.SCALAR):
        path = info.run
        while path not in session_set and path not in ("", "."):
            path = posixpath.dirname(path)
        if path not in session_set:
            continue
        group = "" if path == info.run else posixpath.relpath(info.run, path)
        names.add((group, info.tag))
    result = []
    for group, tag in sorted(names, key=lambda name: (name[1], name[0])):
        metric = MetricInfo()
        metric.name.group = group
        metric.name.tag = tag
        result.append(metric)
    return result


def _metric_run(session: str, group: str) -> str:
    return posixpath.normpath(posixpath.join(session, group)) if group else session


def _metric_values(
    provider: DataProvider, session: str, metrics: list[MetricInfo], scalars: set[tuple[str, str]]
) -> tuple[MetricValue | None, ...]:
    values: list[MetricValue | None] = []
    for metric in metrics:
        run = _metric_run(session, metric.name.group)
        if (run, metric.name.tag) not in scalars:
            values.append(None)
            continue
        series = provider.read_scalars(run, metric.name.tag)
        if not len(series):  # every point purged
            values.append(None)
            continue
        values.append(
            MetricValue(
                float(series.values[-1]), int(series.steps[-1]), float(series.wall_times[-1])
            )
        )
    return tuple(values)


def _parent(info: Run | None, runs: Mapping[str, Run]) -> str | None:
    """The run an ``add_hparams`` sub-run describes (None for a session that is a run itself)."""
    if info is None or info.sub_run != "hparams" or info.parent not in runs:
        return None
    return info.parent


def _session(
    run: str,
    info: Run | None,
    parent: str | None,
    start: SessionStartInfo,
    end: SessionEndInfo | None,
    metric_values: tuple[MetricValue | None, ...],
) -> Session:
    start_time = start.start_time_secs or (info.start_time if info is not None else None)
    return Session(
        run=run,
        parent=parent,
        group_name=start.group_name,
        status=_STATUS_NAMES.get(end.status, "unknown") if end is not None else None,
        start_time=start_time,
        end_time=(end.end_time_secs or None) if end is not None else None,
        hparams={
            name: kind.value_to_python(value) for name, value in sorted(start.hparams.items())
        },
        metrics=metric_values,
    )


def _plugin_data(provider: DataProvider) -> dict[str, dict[str, bytes]]:
    """run -> hparams tag -> its ``HParamsPluginData`` bytes (each tag's first metadata)."""
    contents: dict[str, dict[str, bytes]] = {}
    for info in provider.tags(plugin_name=kind.PLUGIN_NAME):
        contents.setdefault(info.run, {})[info.tag] = info.plugin_content
    return contents


_FIELDS = {
    kind.EXPERIMENT_TAG: "experiment",
    kind.SESSION_START_INFO_TAG: "session_start_info",
    kind.SESSION_END_INFO_TAG: "session_end_info",
}


def _parsed(contents: Mapping[str, Mapping[str, bytes]], tag: str) -> dict[str, Any]:
    """run -> the message under ``tag`` for the runs that hold one, in name order.

    Content that does not parse, or holds another message than the tag's, is skipped.
    """
    out: dict[str, Any] = {}
    for run in sorted(contents):
        content = contents[run].get(tag)
        if content is None:
            continue
        try:
            data = kind.parse_plugin_data(content)
        except DecodeError:
            continue
        if data.WhichOneof("data") == _FIELDS[tag]:
            out[run] = getattr(data, _FIELDS[tag])
    return out


def hparams_table(provider: DataProvider) -> HParamsTable:
    """Every session of ``provider``'s runs with its hyperparameters and metric values.

    Example::

        table = hparams_table(provider)
        for session in table.sessions:
            print(session.folded_run, dict(session.hparams), session.metrics)
    """
    contents = _plugin_data(provider)
    experiments: list[Experiment] = list(_parsed(contents, kind.EXPERIMENT_TAG).values())
    starts: dict[str, SessionStartInfo] = _parsed(contents, kind.SESSION_START_INFO_TAG)
    ends: dict[str, SessionEndInfo] = _parsed(contents, kind.SESSION_END_INFO_TAG)
    metrics = _declared_metrics(experiments) or _inferred_metrics(provider, starts)
    scalars = {(i.run, i.tag) for i in provider.tags(data_class=DataClass.SCALAR)}
    runs = {run.name: run for run in provider.runs()}
    sessions = tuple(
        _session(
            run,
            runs.get(run),
            _parent(runs.get(run), runs),
            start,
            ends.get(run),
            _metric_values(provider, run, metrics, scalars),
        )
        for run, start in starts.items()
    )
    return HParamsTable(
        hparams=_hparam_columns(experiments, starts.values()),
        metrics=tuple(
            MetricColumn(m.name.tag, m.name.group, m.display_name, m.description)
            for m in metrics
        ),
        sessions=sessions,
    )
