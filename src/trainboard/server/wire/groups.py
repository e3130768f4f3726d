"""Models of ``/api/scalars/groups``: runs grouped into one line and a band per group."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

__all__ = ["GroupedSeries", "GroupsResponse"]


class GroupedSeries(TypedDict):
    """One group, columnar and per-pixel downsampled: per step the line (``value``), the
    band (``low``..``high``), the members with a finite value there (``count``) and the
    non-finite points ignored there (``nonfinite``); non-finite numbers are null.
    ``total_points`` counts the group's steps before downsampling."""

    name: str
    members: list[str]
    total_points: int
    returned_points: int
    steps: list[int]
    value: list[float | None]
    low: list[float | None]
    high: list[float | None]
    count: list[int]
    nonfinite: list[int]


class GroupsResponse(TypedDict):
    """The groups of the runs holding ``tag``, by name; ``ungrouped``: runs without a key.

    With ``by`` ``rank`` each group is a run written by several processes (its name)
    and its ``members`` are the rank runs ``<run>/rank_<N>``, in rank order; ``stat``
    ``rank0`` draws rank 0's value as the line."""

    tag: str
    by: str
    stat: Literal["mean", "median", "rank0"]
    band: Literal["minmax", "std", "p10_90"]
    groups: list[GroupedSeries]
    ungrouped: list[str]
