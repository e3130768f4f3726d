"""Grouped runs: one line (mean or median) and a band per group, from every point.

Runs are grouped by a key (:func:`parse_group_by`):

* ``hparam:<name>``: the value of hyperparameter ``name`` in the run's ``add_hparams``
  session (:func:`~trainboard.data.hparams_table.hparams_table`; a run inherits the
  session of its nearest ancestor, so ``exp1/train`` is grouped by ``exp1``'s session).
  Runs without that hyperparameter are left out.
* ``regex:<pattern>``: ``re.search(pattern, run)``; the key is the first capture group
  (the whole match when the pattern has none). Runs that do not match are left out.
* ``tag:<tag>``: the run notes' tags (:mod:`trainboard.data.notes`): the key is the
  run's first note tag (sorted) equal to ``<tag>`` or starting with it, so ``tag:lr=``
  groups runs tagged ``lr=0.1`` apart from runs tagged ``lr=0.01``. Runs without such
  a tag are left out.
* ``rank``: the ranks of a run written by several processes (``<run>/rank_<N>``,
  :class:`~trainboard.data.provider.Run` ``ranks``): each such run is one group,
  named by the run, whose members are its rank directories in rank order. Other runs
  are left out.

**Alignment, without inventing data.** Each member is first smoothed on its own
(the Scalars view's EMA, over its points in log order), then reduced to one point per
step: the last point logged at that step (a restarted run overwrites). The group's
steps are the union of its members' steps; at each step the aggregate reads only the
members that have a point at exactly that step. Nothing is interpolated or carried
forward; ``count`` says how many members contributed at each step.

**Non-finite values** (NaN, ±inf) are ignored in the aggregate and counted per step in
``nonfinite``. A step where no member has a finite value has NaN line and band.

**Statistics.** ``mean``, ``median`` (numpy's default linear interpolation) or
``rank0``: the first member's value (by ``rank``: rank 0's, or the lowest rank's when
a run has no rank 0; NaN at a step where it has no finite point), for
``by="rank"`` only. The band is over every member whatever the line. Bands:
``minmax`` (lowest to highest), ``std`` (mean ± population standard deviation,
ddof=0, whatever the line) or ``p10_90`` (10th to 90th percentile, linear
interpolation as :func:`numpy.nanpercentile`).

**Downsampling.** The aggregated series is reduced per pixel column
(:func:`~trainboard.data.downsample.pixel_indices`) three times, on the line, the low
and the high column, and the union of the kept indices is returned, so each
column's own extremes survive: a spike in one member stays visible in the band.
With a step range ``x_range`` (a zoomed chart) the pixel columns span that range
only, as for a single series: the steps inside it, one step on each side of it and
the group's last step are kept, every step when they fit ``width``.

**Which runs.** ``runs`` restricts grouping to those runs (the board's selection);
absent, every run holding the tag is grouped. Aggregation, alignment and the band are
the same either way: a run left out simply is not a member.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from trainboard.data._subruns import rank_of
from trainboard.data.downsample import pixel_indices
from trainboard.data.provider import DataClass, DataProvider
from trainboard.data.smoothing import ema, ema_time_weighted

__all__ = [
    "BAND_KINDS",
    "STATS",
    "Band",
    "GroupBy",
    "GroupSeries",
    "Stat",
    "aggregate",
    "group_keys",
    "grouped_scalars",
    "parse_group_by",
]

Stat = Literal["mean", "median", "rank0"]
Band = Literal["minmax", "std", "p10_90"]
STATS: tuple[Stat, ...] = ("mean", "median", "rank0")
BAND_KINDS: tuple[Band, ...] = ("minmax", "std", "p10_90")
_CHUNK_CELLS = 1 << 22  # cells of the step × member matrix aggregated at a time


@dataclass(frozen=True, slots=True)
class GroupBy:
    """What runs are grouped by: ``kind`` is hparam, regex, tag or rank; ``value`` its
    argument (empty for rank)."""

    kind: Literal["hparam", "regex", "tag", "rank"]
    value: str

    def __str__(self) -> str:
        return self.kind if self.kind == "rank" else f"{self.kind}:{self.value}"


@dataclass(frozen=True, slots=True, eq=False)
class GroupSeries:
    """One group's aggregate: per step the line, the band, and who contributed.

    ``steps`` are the kept steps (all of them when ``width`` is None); ``count`` the
    members with a finite value at each, ``nonfinite`` the non-finite points ignored
    there. ``total_points`` is the number of steps before downsampling.
    """

    name: str
    members: tuple[str, ...]
    steps: np.ndarray
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: np.ndarray
    nonfinite: np.ndarray
    total_points: int

    def __len__(self) -> int:
        return len(self.steps)


def parse_group_by(text: str) -> GroupBy:
    """``"hparam:lr"``, ``"regex:seed(\\d+)"``, ``"tag:baseline"`` or ``"rank"`` as a
    :class:`GroupBy`.

    ValueError for any other form, an empty argument or a pattern that does not compile.
    """
    if text == "rank":
        return GroupBy("rank", "")
    kind, sep, value = text.partition(":")
    if not sep or kind not in ("hparam", "regex", "tag") or not value:
        raise ValueError(
            f"group by must be hparam:<name>, regex:<pattern>, tag:<tag> or rank, got {text!r}"
        )
    if kind == "regex":
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"bad regex {value!r} (Python re): {error}") from None
    return GroupBy(kind, value)  # type: ignore[arg-type]


def _key_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def group_keys(provider: DataProvider, runs: Sequence[str], by: GroupBy) -> dict[str, str]:
    """run -> its group's name, for the runs of ``runs`` that have a key (see the module)."""
    keys: dict[str, str] = {}
    if by.kind == "rank":
        for run in runs:
            rank = rank_of(run)
            if rank is not None:
                keys[run] = rank[0]
    elif by.kind == "regex":
        pattern = re.compile(by.value)
        for run in runs:
            found = pattern.search(run)
            if found is not None:
                key = found.group(1) if pattern.groups else found.group(0)
                keys[run] = key if key is not None else ""
    elif by.kind == "tag":
        notes = provider.run_notes()
        for run in runs:
            note = notes.get(run)
            matching = sorted(t for t in (note.tags if note else ()) if t.startswith(by.value))
            if matching:
                keys[run] = matching[0]
    else:
        from trainboard.data.hparams_table import hparams_table

        values: dict[str, object] = {}
        for session in hparams_table(provider).sessions:
            if by.value in session.hparams:
                values.setdefault(session.folded_run, session.hparams[by.value])
        for run in runs:
            path = run
            while path not in values and path not in ("", "."):
                path = posixpath.dirname(path)
            if path in values:
                keys[run] = _key_text(values[path])
    return keys


def _member_points(
    steps: np.ndarray, values: np.ndarray, smoothing: float, time_weighted: bool
) -> tuple[np.ndarray, np.ndarray]:
    """One member smoothed in log order, then its last point at each step, by step."""
    steps = np.asarray(steps, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if smoothing:
        if time_weighted:
            values = ema_time_weighted(steps.astype(np.float64), values, smoothing)
        else:
            values = ema(values, smoothing)
    if len(steps) > 1 and not bool(np.all(steps[1:] > steps[:-1])):
        order = np.argsort(steps, kind="stable")
        steps, values = steps[order], values[order]
        last = np.append(steps[1:] != steps[:-1], True)
        steps, values = steps[last], values[last]
    return steps, values


def _union(members: Sequence[np.ndarray]) -> np.ndarray:
    distinct: list[np.ndarray] = []
    for steps in members:
        if not any(len(d) == len(steps) and np.array_equal(d, steps) for d in distinct):
            distinct.append(steps)
    if len(distinct) == 1:
        return distinct[0]
    if not distinct:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(distinct))


def _percentile(ordered: np.ndarray, count: np.ndarray, q: float) -> np.ndarray:
    """Rows sorted with NaN last: the linear-interpolation ``q`` quantile of the finite ones."""
    rows = np.arange(len(ordered))
    position = np.maximum(count - 1, 0) * q
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, np.maximum(count - 1, 0))
    a = ordered[rows, below]
    b = ordered[rows, above]
    result: np.ndarray = a + (b - a) * (position - below)
    result[count == 0] = np.nan
    return result


def _aggregate_rows(
    matrix: np.ndarray, stat: Stat, band: Band
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """line, low, high, count of a step × member block (NaN: no finite point)."""
    finite = ~np.isnan(matrix)
    count = finite.sum(axis=1)
    empty = count == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(finite, matrix, 0.0).sum(axis=1) / count
        mean[empty] = np.nan
        ordered = None
        if stat == "median" or band == "p10_90":
            ordered = np.sort(matrix, axis=1)  # NaN sort last
        if stat == "mean":
            line = mean
        elif stat == "rank0":
            line = matrix[:, 0].copy()
        else:
            line = _percentile(ordered, count, 0.5)  # type: ignore[arg-type]
        if band == "std":
            deviation = np.where(finite, matrix - mean[:, None], 0.0)
            std = np.sqrt((deviation * deviation).sum(axis=1) / count)
            low, high = mean - std, mean + std
        elif band == "minmax":  # fmin/fmax skip NaN; an all-NaN row stays NaN
            low, high = np.fmin.reduce(matrix, axis=1), np.fmax.reduce(matrix, axis=1)
        else:
            assert ordered is not None
            low, high = _percentile(ordered, count, 0.1), _percentile(ordered, count, 0.9)
    return line, low, high, count


def _check_range(x_range: tuple[float, float] | None) -> None:
    if x_range is not None and not x_range[0] <= x_range[1]:
        raise ValueError(f"x_range must be (low, high) with low <= high, got {x_range!r}")


def _check_choices(stat: str, band: str) -> None:
    if stat not in STATS:
        raise ValueError(f"stat must be one of {STATS}, got {stat!r}")
    if band not in BAND_KINDS:
        raise ValueError(f"band must be one of {BAND_KINDS}, got {band!r}")


def aggregate(
    name: str,
    members: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    stat: Stat = "mean",
    band: Band = "minmax",
    width: int | None = 1000,
    smoothing: float = 0.0,
    time_weighted: bool = False,
    x_range: tuple[float, float] | None = None,
) -> GroupSeries:
    """One group's line and band from ``members``: run -> (steps, values), every point.

    Rules in the module docstring. ``width`` None keeps every step; ``x_range`` (steps,
    low <= high) downsamples per pixel within that range, as a zoomed series is.

    Example::

        group = aggregate("lr=0.1", {"a": (steps_a, loss_a), "b": (steps_b, loss_b)})
        plt.fill_between(group.steps, group.low, group.high)
    """
    _check_choices(stat, band)
    _check_range(x_range)
    points = [_member_points(s, v, smoothing, time_weighted) for s, v in members.values()]
    union = _union([p[0] for p in points])
    n, m = len(union), max(len(points), 1)
    positions = [
        np.arange(n)
        if len(s) == n and (s is union or np.array_equal(s, union))
        else np.searchsorted(union, s)
        for s, _ in points
    ]
    line, low, high = (np.full(n, np.nan) for _ in range(3))
    count = np.zeros(n, dtype=np.int64)
    nonfinite = np.zeros(n, dtype=np.int64)
    for (_, values), where in zip(points, positions, strict=True):
        bad = ~np.isfinite(values)
        if bad.any():
            nonfinite += np.bincount(where[bad], minlength=n)
    rows = max(1, _CHUNK_CELLS // m)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        block = np.full((stop - start, m), np.nan)
        for column, ((_, values), where) in enumerate(zip(points, positions, strict=True)):
            a, b = np.searchsorted(where, (start, stop))
            chunk = values[a:b]
            block[where[a:b] - start, column] = np.where(np.isfinite(chunk), chunk, np.nan)
        part = _aggregate_rows(block, stat, band)
        line[start:stop], low[start:stop], high[start:stop], count[start:stop] = part
    keep = np.arange(n)
    if width is not None and n:
        x = union.astype(np.float64)
        keep = np.union1d(
            np.union1d(
                pixel_indices(x, line, width, x_range), pixel_indices(x, low, width, x_range)
            ),
            pixel_indices(x, high, width, x_range),
        )
    return GroupSeries(
        name,
        tuple(members),
        union[keep],
        line[keep],
        low[keep],
        high[keep],
        count[keep],
        nonfinite[keep],
        n,
    )


def grouped_scalars(
    provider: DataProvider,
    tag: str,
    by: GroupBy | str,
    *,
    stat: Stat = "mean",
    band: Band = "minmax",
    width: int | None = 1000,
    smoothing: float = 0.0,
    time_weighted: bool = False,
    runs: Sequence[str] | None = None,
    x_range: tuple[float, float] | None = None,
) -> tuple[list[GroupSeries], list[str]]:
    """The groups of the runs holding scalar ``tag``, by name, and the runs left out.

    ``runs``: only these runs are grouped (None: every run); a run of ``runs`` without
    ``tag`` is skipped. ``x_range``: the step range to downsample within (a zoom).

    Example::

        groups, left_out = grouped_scalars(provider, "loss", "hparam:lr", band="std")
        ranks, _ = grouped_scalars(provider, "loss", "rank", stat="rank0")
        picked, _ = grouped_scalars(provider, "loss", "regex:seed(\\d)", runs=["a_seed0"])
    """
    if isinstance(by, str):
        by = parse_group_by(by)
    _check_choices(stat, band)
    if stat == "rank0" and by.kind != "rank":
        raise ValueError(f"stat 'rank0' needs by='rank', not {str(by)!r}")
    if not 0.0 <= smoothing <= 1.0 or math.isnan(smoothing):
        raise ValueError(f"smoothing must be in [0, 1], got {smoothing!r}")
    _check_range(x_range)
    holding = {i.run for i in provider.tags(data_class=DataClass.SCALAR) if i.tag == tag}
    runs = sorted(holding if runs is None else holding.intersection(runs))
    keys = group_keys(provider, runs, by)
    members: dict[str, list[str]] = {}
    for run in runs:
        if run in keys:
            members.setdefault(keys[run], []).append(run)
    if by.kind == "rank":
        for names in members.values():
            names.sort(key=lambda run: rank_of(run) or ("", 0))
    groups = []
    for name in sorted(members):
        series = {}
        for run in members[name]:
            read = provider.read_scalars(run, tag)
            series[run] = (read.steps, read.values)
        groups.append(
            aggregate(
                name,
                series,
                stat=stat,
                band=band,
                width=width,
                smoothing=smoothing,
                time_weighted=time_weighted,
                x_range=x_range,
            )
        )
    return groups, [run for run in runs if run not in keys]
