"""The data-provider interface every dashboard reads through, and the values it returns.

A :class:`DataProvider` exposes a logdir as **runs**, each holding **tags**; every
tag is a time series of one of three data classes (TensorBoard's):

* ``SCALAR``: one float per point. Stored losslessly as columnar numpy arrays
  (steps int64, wall times float64, values float64: 24 bytes a point); every point
  is kept, none sampled.
* ``TENSOR``: one numpy array per point (histograms as ``[k, 3]``, text as string
  arrays, PR curves as ``[6, T]``, ...), decoded on first read.
* ``BLOB_SEQUENCE``: a sequence of byte strings per point (images, audio, graphs),
  indexed by file and offset and read from disk only by :meth:`DataProvider.read_blob`.
  Each series is also indexed by step, so one point
  (:meth:`~DataProvider.read_blob_point`) or the steps alone
  (:meth:`~DataProvider.read_blob_steps`) cost the same however long the series is.

Besides event files, a run's directory may hold files that plugins write directly
(``add_embedding``'s ``projector_config.pbtxt`` and the TSVs it names): they are
read by path relative to the run with :meth:`~DataProvider.open_run_file`, which
refuses paths that leave the run's directory.

Points of a series are in the order they were read: file by file in name order,
each in record order. Steps may go backwards (a resumed job); nothing is dropped
for it. A ``SessionLog.START`` after the first one in a run purges the points read
before it whose step is >= its step, as TensorBoard's Python loader does.

Every value returned is immutable: frozen dataclasses holding read-only arrays,
which a later :meth:`~DataProvider.reload` never changes. Reads are safe from any
thread while a reload runs. Damaged input (bad CRCs, garbage, truncation) never
raises: it is skipped and reported by :meth:`~DataProvider.warnings`.

Scalar views (:meth:`~DataProvider.read_scalar_view`) are downsampled per pixel:
for an x-range and a width in pixels they keep, per pixel column, the first, min,
max and last point (plus the first non-finite one), so a line drawn from the view
matches a line drawn from every point, spikes included; the latest point is always
kept. Smoothing is computed on all points first.
"""

from __future__ import annotations

import abc
import enum
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypeVar, cast

if TYPE_CHECKING:
    import numpy as np
    import pandas
    import polars

    from trainboard.data.notes import RunNote

__all__ = [
    "BlobRef",
    "BlobSequencePoint",
    "BlobSequenceSeries",
    "BlobSequenceSteps",
    "DataClass",
    "DataProvider",
    "LoadProgress",
    "LoadWarning",
    "ReloadReport",
    "Run",
    "ScalarSeries",
    "ScalarView",
    "TagInfo",
    "TensorSeries",
    "XAxis",
]

XAxis = Literal["step", "wall_time", "relative"]
_T = TypeVar("_T")
_BLOB_FACTS = 4096  # facts derived from blobs, remembered per provider (least recent out)


class DataClass(str, enum.Enum):
    """How a tag's points are stored and read."""

    SCALAR = "scalar"
    TENSOR = "tensor"
    BLOB_SEQUENCE = "blob_sequence"
    UNKNOWN = "unknown"  # a raw tensor without plugin metadata: kept, shown by no dashboard


@dataclass(frozen=True, slots=True)
class Run:
    """A directory of the logdir holding event files.

    Attributes:
        name: Path relative to the logdir (``"."`` for the logdir itself).
        start_time: Wall time of the run's first event, or None before any.
        parent: For a sub-run made by ``add_scalars`` or ``add_hparams``, or a rank
            directory: the run (directory) it belongs to. None otherwise.
        main_tag: For an ``add_scalars`` sub-run: the ``main_tag`` it was logged under.
        sub_run: ``"scalars"`` or ``"hparams"`` for a sub-run, ``"rank"`` for a rank
            directory ``<parent>/rank_<N>`` of a run written by several processes,
            else None.
        last_write_time: When the run's newest data was written (seconds since the
            epoch): its newest event file's modification time; for a log dir in
            object storage, its newest object's ``LastModified``. None when unknown.
            The board shows a run's lag from it.
        rank: For a rank directory (``sub_run == "rank"``): its rank N.
        ranks: For a run written by several processes: the ranks of its rank
            directories, sorted (each readable as the run ``<name>/rank_<N>``);
            empty for other runs.
    """

    name: str
    start_time: float | None = None
    parent: str | None = None
    main_tag: str | None = None
    sub_run: Literal["scalars", "hparams", "rank"] | None = None
    last_write_time: float | None = None
    rank: int | None = None
    ranks: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TagInfo:
    """What is known about one (run, tag) without reading its points."""

    run: str
    tag: str
    data_class: DataClass
    plugin_name: str
    plugin_content: bytes
    display_name: str
    description: str
    num_points: int
    last_step: int | None
    last_wall_time: float | None


def _frame(columns: dict[str, Any]) -> pandas.DataFrame:
    try:
        import pandas
    except ImportError as error:
        from trainboard.errors import MissingDependencyError

        raise MissingDependencyError(
            "to_pandas() needs pandas: pip install 'trainboard[pandas]'"
        ) from error
    return pandas.DataFrame(columns)


def _polars(columns: dict[str, Any]) -> polars.DataFrame:
    try:
        import polars
    except ImportError as error:
        from trainboard.errors import MissingDependencyError

        raise MissingDependencyError(
            "to_polars() needs polars: pip install 'trainboard[polars]'"
        ) from error
    return polars.DataFrame(columns)


@dataclass(frozen=True, slots=True, eq=False)
class ScalarSeries:
    """Every point of a scalar tag, as read-only numpy columns.

    Example::

        series = provider.read_scalars("train", "loss")
        print(series.steps[-1], series.values[-1])
        frame = series.to_pandas()  # columns: step, wall_time, value
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.steps)

    def _columns(self) -> dict[str, Any]:
        return {"step": self.steps, "wall_time": self.wall_times, "value": self.values}

    def to_pandas(self) -> pandas.DataFrame:
        """A pandas DataFrame with columns ``step``, ``wall_time``, ``value``."""
        return _frame(self._columns())

    def to_polars(self) -> polars.DataFrame:
        """A polars DataFrame with columns ``step``, ``wall_time``, ``value``."""
        return _polars(self._columns())


@dataclass(frozen=True, slots=True, eq=False)
class TensorSeries:
    """Every point of a tensor tag: one read-only numpy array per step.

    Example::

        series = provider.read_tensors("train", "weights")  # a histogram tag
        left, right, count = series.values[-1].T
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    values: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, slots=True)
class BlobRef:
    """One blob of a blob sequence, read with :meth:`DataProvider.read_blob`.

    ``key`` is an opaque, URL-safe string that stays valid while the file it
    points into is not replaced.
    """

    key: str
    step: int
    wall_time: float
    index: int


@dataclass(frozen=True, slots=True, eq=False)
class BlobSequenceSeries:
    """Every point of a blob-sequence tag: how many blobs each holds and their refs.

    Example::

        series = provider.read_blob_sequences("train", "samples")
        png = provider.read_blob(series.refs[-1][2].key)  # images: [width, height, png...]
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    lengths: np.ndarray
    refs: tuple[tuple[BlobRef, ...], ...]

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, slots=True, eq=False)
class BlobSequenceSteps:
    """The points of a blob-sequence tag without their refs: steps, wall times, blob counts.

    Example::

        steps = provider.read_blob_steps("train", "samples")
        print(steps.steps[-1], steps.lengths[-1])
    """

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    lengths: np.ndarray

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, slots=True)
class BlobSequencePoint:
    """One point of a blob-sequence tag: its position ``index`` in the series and its refs."""

    run: str
    tag: str
    index: int
    step: int
    wall_time: float
    refs: tuple[BlobRef, ...]


@dataclass(frozen=True, slots=True, eq=False)
class ScalarView:
    """A per-pixel downsampled window of a scalar series (see the module docstring).

    ``x`` is the chosen axis (steps, wall times, or seconds since the series' first
    point); ``smoothed`` is None when no smoothing was asked for; ``total`` is the
    number of points in the whole series.
    """

    run: str
    tag: str
    x_axis: XAxis
    x: np.ndarray
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray
    smoothed: np.ndarray | None
    total: int

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, slots=True)
class LoadWarning:
    """Something wrong with an event file, skipped while reading.

    ``kind`` is ``"crc"`` (records whose checksum failed; ``count`` of them),
    ``"garbage"`` (``count`` bytes skipped where no valid record header was found),
    ``"parse"`` (records that are not Event protos), ``"data_loss"`` (values that
    could not be decoded for their tag), ``"incomplete"`` (``count`` bytes of a
    record still being written, or cut short for good) or ``"unreadable"``.
    """

    run: str
    path: str
    kind: str
    count: int
    offset: int
    message: str


@dataclass(frozen=True, slots=True)
class ReloadReport:
    """What a :meth:`DataProvider.reload` changed.

    ``new_points`` maps ``(run, tag)`` to the number of points added;
    ``reset_runs`` were re-read from scratch (a file shrank or was replaced), and
    their tags should be fetched again whole.
    """

    new_runs: tuple[str, ...] = ()
    removed_runs: tuple[str, ...] = ()
    reset_runs: tuple[str, ...] = ()
    new_tags: tuple[tuple[str, str], ...] = ()
    new_points: Mapping[tuple[str, str], int] = field(default_factory=dict)
    purged: Mapping[tuple[str, str], int] = field(default_factory=dict)
    new_warnings: tuple[LoadWarning, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything at all changed."""
        return bool(
            self.new_runs
            or self.removed_runs
            or self.reset_runs
            or self.new_tags
            or self.new_points
            or self.purged
            or self.new_warnings
        )


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """How far a provider has read its logdir: for a progress line while a big one loads.

    ``loaded`` turns true when the first :meth:`DataProvider.reload` has finished (it
    stays true); ``loading`` is true while any reload runs. ``files_total`` and ``bytes_total``
    count the event files found by the latest reload and their sizes then; ``files_read`` and
    ``bytes_read`` how much of them is indexed so far (a file counts once it is read to
    the size it had when found; a reopened logdir's cached index counts as read).
    ``seconds`` is how long the first reload took, or has taken so far (0 before it).
    """

    loaded: bool
    loading: bool
    runs: int
    files_total: int
    files_read: int
    bytes_total: int
    bytes_read: int
    seconds: float

    @staticmethod
    def combine(parts: list[LoadProgress]) -> LoadProgress:
        """The progress of several providers read together (sums; loaded when all are).

        Example::

            LoadProgress.combine([a.load_progress(), b.load_progress()])
        """
        return LoadProgress(
            loaded=all(p.loaded for p in parts),
            loading=any(p.loading for p in parts),
            runs=sum(p.runs for p in parts),
            files_total=sum(p.files_total for p in parts),
            files_read=sum(p.files_read for p in parts),
            bytes_total=sum(p.bytes_total for p in parts),
            bytes_read=sum(p.bytes_read for p in parts),
            seconds=max((p.seconds for p in parts), default=0.0),
        )


class DataProvider(abc.ABC):
    """Runs, tags and their series, read from somewhere (see the module docstring).

    Unknown runs or tags raise :class:`~trainboard.errors.NotFoundError`; reading a
    tag as the wrong data class raises ``ValueError``.
    """

    def __init__(self) -> None:
        self._blob_facts: OrderedDict[tuple[str, str, float], Any] = OrderedDict()
        self._blob_facts_lock = threading.Lock()
        self._kept: dict[str, Any] = {}
        self._kept_lock = threading.Lock()

    @abc.abstractmethod
    def reload(self) -> ReloadReport:
        """Read what is new since the last call: new bytes, new files, new runs."""

    @abc.abstractmethod
    def runs(self) -> list[Run]:
        """Every run, sorted by name."""

    @abc.abstractmethod
    def tags(
        self,
        run: str | None = None,
        *,
        data_class: DataClass | None = None,
        plugin_name: str | None = None,
    ) -> list[TagInfo]:
        """Tags of one run (or of every run), optionally of one data class or plugin."""

    @abc.abstractmethod
    def read_scalars(self, run: str, tag: str) -> ScalarSeries:
        """Every point of a scalar tag."""

    @abc.abstractmethod
    def read_scalar_view(
        self,
        run: str,
        tag: str,
        *,
        width: int = 1000,
        x_axis: XAxis = "step",
        x_range: tuple[float, float] | None = None,
        smoothing: float = 0.0,
        time_weighted: bool = False,
    ) -> ScalarView:
        """A per-pixel downsampled view of a scalar tag, optionally smoothed."""

    @abc.abstractmethod
    def read_tensors(self, run: str, tag: str) -> TensorSeries:
        """Every point of a tensor tag, decoded."""

    @abc.abstractmethod
    def read_blob_sequences(self, run: str, tag: str) -> BlobSequenceSeries:
        """Every point of a blob-sequence tag, as references."""

    @abc.abstractmethod
    def read_blob_steps(self, run: str, tag: str) -> BlobSequenceSteps:
        """The steps, wall times and blob counts of a blob-sequence tag, without refs."""

    @abc.abstractmethod
    def read_blob_point(
        self, run: str, tag: str, step: int, index: int | None = None
    ) -> BlobSequencePoint:
        """The point of a blob-sequence tag at ``step``.

        ``index`` is a hint: the point at that position when it holds ``step``, else
        the last point with that step (steps repeat when a run restarted without a
        purge). NotFoundError when the tag has no such step.
        """

    @abc.abstractmethod
    def read_blob(self, key: str) -> bytes:
        """The bytes of one blob (``BlobRef.key``)."""

    def kept(self, owner: str, make: Callable[[], _T]) -> _T:
        """The object ``owner`` (a module: its caches) keeps for this provider, made by
        ``make()`` on first use; it lives and goes with the provider."""
        with self._kept_lock:
            found = self._kept.get(owner)
            if found is None:
                found = self._kept[owner] = make()
            return cast("_T", found)

    def blob_fact(self, ref: BlobRef, name: str, derive: Callable[[bytes], _T]) -> _T:
        """``derive(blob bytes)``, remembered under ``name`` while the blob is unchanged.

        For small facts sniffed from a blob (is this image an animated GIF?) that a
        listing needs for every tag: the blob is read once, not on every request. The
        memo is keyed by the ref's key and wall time, so a rewritten file derives again.
        """
        memo = self._blob_facts
        key = (name, ref.key, ref.wall_time)
        with self._blob_facts_lock:
            if key in memo:
                memo.move_to_end(key)
                found: _T = memo[key]
                return found
        fact = derive(self.read_blob(ref.key))
        with self._blob_facts_lock:
            memo[key] = fact
            while len(memo) > _BLOB_FACTS:
                memo.popitem(last=False)
        return fact

    @abc.abstractmethod
    def projector_runs(self) -> list[str]:
        """Runs whose directory holds a ``projector_config.pbtxt`` (``add_embedding``).

        A logdir's root (``"."``) counts even without event files of its own.
        """

    @abc.abstractmethod
    def open_run_file(self, run: str, path: str) -> BinaryIO:
        """Open a file of ``run``'s directory for reading (binary), to use as a context manager.

        ``run`` may also be ``"."`` (the logdir's root) or another directory of the
        logdir; ``path`` is relative to it (``/``-separated).

        Raises:
            NotFoundError: if ``run`` names no directory of the logdir.
            ValueError: if ``path`` leads outside ``run``'s directory (``..``, an
                absolute path elsewhere, a symbolic link pointing out).
            OSError: if the file cannot be read (FileNotFoundError when absent).
        """

    @abc.abstractmethod
    def run_file_version(self, run: str, path: str) -> str:
        """A short string that changes whenever the file is replaced or rewritten.

        Raises as :meth:`open_run_file` does.
        """

    @property
    def cache_dir(self) -> str | None:
        """A local directory for data derived from this provider's logdirs, or None.

        Readers keep their own caches below it (the projector's parsed tensors and
        projections under ``projector/``); None means: keep nothing on disk.
        """
        return None

    @abc.abstractmethod
    def warnings(self) -> list[LoadWarning]:
        """Problems met while reading, current as of the last reload."""

    @abc.abstractmethod
    def load_progress(self) -> LoadProgress:
        """How far reading has got (safe to call from any thread while a reload runs).

        Example::

            progress = provider.load_progress()
            print(f"{progress.files_read}/{progress.files_total} files")
        """

    # -- the captured environment and run notes (docs/data.md) -------------

    def read_environment(self, run: str) -> dict[str, Any] | None:
        """The environment a ``SummaryWriter`` recorded for ``run``, or None if it has none.

        Example::

            env = provider.read_environment("exp1")
            commit = env and env.get("git_commit")
        """
        from trainboard.format.kinds import environment

        if not any(i.tag == environment.DATA_TAG for i in self.tags(run)):
            return None
        series = self.read_tensors(run, environment.DATA_TAG)
        if not len(series):
            return None
        return environment.decode(series.values[-1])

    def run_notes(self) -> dict[str, RunNote]:
        """Every run's note (display name, colour, tags, ...; ``data/notes.py``).

        Runs without a note are absent; trashed runs are present (``trashed`` set).
        A provider that keeps no notes has none.
        """
        return {}

    def update_run_notes(
        self, run: str, changes: Mapping[str, Any], *, revision: int | None = None
    ) -> RunNote:
        """Change ``run``'s note (``{"trashed": True}`` moves the run to the trash).

        ``revision``: the note's revision the change was made from; a note changed
        since raises :class:`~trainboard.data.notes.NotesConflictError`.

        Example::

            provider.update_run_notes("exp1", {"color": "#ff8800", "tags": ["best"]})
        """
        raise ValueError(f"{type(self).__name__} keeps no run notes")

    def delete_run_notes(self, run: str, *, revision: int | None = None) -> None:
        """Forget ``run``'s note (a trashed run must be restored first)."""
        raise ValueError(f"{type(self).__name__} keeps no run notes")

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and save state; the provider must not be used afterwards."""

    def __enter__(self) -> DataProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
