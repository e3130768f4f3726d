"""Models of the core routes: ``/api/environment``, ``/api/progress``, ``/api/runs``,
``/api/tags``."""

from __future__ import annotations

from typing_extensions import TypedDict

from trainboard.data.dashboard_kinds import Kind

__all__ = [
    "Environment",
    "LoadProgress",
    "LoadWarning",
    "Run",
    "RunsResponse",
    "TagInfo",
    "TagsResponse",
]


class Environment(TypedDict):
    """The server's version, logdir and settings."""

    version: str
    logdir: str
    window_title: str
    reload_interval: float


class LoadProgress(TypedDict):
    """How far the server has read the logdir (a progress line while a big one loads).

    ``loaded``: the first read finished. ``files_read``/``files_total`` and
    ``bytes_read``/``bytes_total``: event files and their bytes indexed so far, of those
    found. ``seconds``: how long the first read took (or has taken so far).
    """

    loaded: bool
    loading: bool
    runs: int
    files_total: int
    files_read: int
    bytes_total: int
    bytes_read: int
    seconds: float


class Run(TypedDict):
    """One run: its place among add_scalars sub-runs, its dashboard kinds and times.

    ``last_update``: the wall time of its newest point; ``last_write_time``: when its
    newest event file (object, in object storage) was last written, seconds since the
    epoch (null when unknown): now minus it is the run's lag. A run written by several
    processes lists its ``ranks`` (else empty); each rank is a run ``<name>/rank_<N>``
    with ``sub_run`` ``"rank"``, that ``parent`` and its ``rank`` (else null).
    """

    name: str
    parent: str | None
    group_tag: str | None
    sub_run: str | None
    kinds: list[Kind]
    start_time: float | None
    last_update: float | None
    last_write_time: float | None
    rank: int | None
    ranks: list[int]


class LoadWarning(TypedDict):
    """Something wrong in an event file, skipped while reading."""

    run: str | None
    path: str
    kind: str
    count: int
    message: str


class RunsResponse(TypedDict):
    """Every run, the kinds of the whole logdir, and load warnings."""

    runs: list[Run]
    kinds: list[Kind]
    warnings: list[LoadWarning]


class TagInfo(TypedDict):
    """One tag of one run, without its points."""

    points: int
    last_step: int | None
    display_name: str
    description: str


class TagsResponse(TypedDict):
    """The tags of one kind: run name -> tag -> info."""

    kind: Kind
    tags: dict[str, dict[str, TagInfo]]
