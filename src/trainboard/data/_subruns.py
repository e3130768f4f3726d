"""Recognizing the sub-runs that ``add_scalars`` and ``add_hparams`` create, and the
rank directories of a run written by several processes.

* torch's ``add_scalars(main_tag, {key: v})`` writes tag ``main_tag`` into the run
  ``<run>/<main_tag with "/" -> "_">_<key>`` (trainboard does the same);
* tensorboardX's writes it into ``<run>/<main_tag>/<key>``;
* ``add_hparams`` writes ``_hparams_/session_start_info`` into ``<run>/<name>``;
* a ``SummaryWriter`` of rank N of a distributed job writes into ``<run>/rank_<N>``
  (``writer/_ranks.py``): a directory named ``rank_<decimal>`` is rank N of its parent
  run. :func:`with_ranks` marks those runs and gives each parent its ``ranks``; a
  parent without event files of its own is listed too, holding no tags.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable, Sequence
from typing import Literal

from trainboard.data.provider import Run

__all__ = ["HPARAMS_START_TAG", "infer_sub_run", "rank_of", "rank_parents", "with_ranks"]

HPARAMS_START_TAG = "_hparams_/session_start_info"
_RANK_PREFIX = "rank_"  # then the rank in decimal, without leading zeros

SubRun = tuple[str | None, str | None, Literal["scalars", "hparams"] | None]


def infer_sub_run(name: str, tags: Sequence[str]) -> SubRun:
    """``(parent, main_tag, kind)`` of run ``name`` holding ``tags``, or all None."""
    if name == ".":
        return None, None, None
    parent = posixpath.dirname(name) or "."
    if HPARAMS_START_TAG in tags:
        return parent, None, "hparams"
    if len(tags) != 1:
        return None, None, None
    (tag,) = tags
    base = posixpath.basename(name)
    prefix = tag.replace("/", "_") + "_"
    if base.startswith(prefix) and len(base) > len(prefix):
        return parent, tag, "scalars"
    if parent == tag or parent.endswith("/" + tag):
        grandparent = parent[: len(parent) - len(tag)].rstrip("/") or "."
        return grandparent, tag, "scalars"
    return None, None, None


def rank_of(name: str) -> tuple[str, int] | None:
    """``(parent run, rank)`` when run ``name`` is a rank directory ``<parent>/rank_<N>``."""
    parent, _, base = name.rpartition("/")
    digits = base[len(_RANK_PREFIX) :]
    if (
        not base.startswith(_RANK_PREFIX)
        or not (digits.isascii() and digits.isdigit())
        or (digits[0] == "0" and len(digits) > 1)
    ):
        return None
    return parent or ".", int(digits)


def rank_parents(names: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """parent run -> its ranks (sorted), over the rank directories among ``names``."""
    ranks: dict[str, list[int]] = {}
    for name in names:
        found = rank_of(name)
        if found is not None:
            ranks.setdefault(found[0], []).append(found[1])
    return {parent: tuple(sorted(r)) for parent, r in ranks.items()}


def with_ranks(runs: Sequence[Run]) -> list[Run]:
    """``runs`` (by name) with rank directories marked and their parents listed once.

    A rank directory gets ``parent``, ``sub_run="rank"`` and ``rank``; its parent gets
    ``ranks``. A parent that is no run itself (no event files of its own) is added,
    with the ranks' earliest start and latest write time.
    """
    found = [rank_of(run.name) for run in runs]
    if not any(found):
        return list(runs)
    members: dict[str, list[Run]] = {}
    numbers: dict[str, list[int]] = {}
    for run, rank in zip(runs, found, strict=True):
        if rank is not None:
            members.setdefault(rank[0], []).append(run)
            numbers.setdefault(rank[0], []).append(rank[1])
    ranks = {parent: tuple(sorted(n)) for parent, n in numbers.items()}
    result: list[Run] = []
    for run, rank in zip(runs, found, strict=True):
        if rank is not None:
            run = dataclasses.replace(
                run, parent=rank[0], main_tag=None, sub_run="rank", rank=rank[1]
            )
        if run.name in ranks:
            run = dataclasses.replace(run, ranks=ranks[run.name])
        result.append(run)
    listed = {run.name for run in runs}
    for parent, group in members.items():
        if parent not in listed:
            starts = [r.start_time for r in group if r.start_time is not None]
            writes = [r.last_write_time for r in group if r.last_write_time is not None]
            result.append(
                Run(
                    parent,
                    min(starts, default=None),
                    last_write_time=max(writes, default=None),
                    ranks=ranks[parent],
                )
            )
    return sorted(result, key=lambda r: r.name)
