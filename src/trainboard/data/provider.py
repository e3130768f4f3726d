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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    import pandas
    import polars

__all__ = [
    "BlobRef",
    "BlobSequenceSeries",
    "DataClass",
    "DataProvider",
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
        parent: For a sub-run made by ``add_scalars`` or ``add_hparams``: the run
            (directory) it belongs to. None otherwise.
        main_tag: For an ``add_scalars`` sub-run: the ``main_tag`` it was logged under.
        sub_run: ``"scalars"`` or ``"hparams"`` for a sub-run, else None.
    """

    name: str
    start_time: float | None = None
    parent: str | None = None
    main_tag: str | None = None
    sub_run: Literal["scalars", "hparams"] | None = None


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

        raise MissingDependencyError("to_pandas() needs pandas: pip install pandas") from error
    return pandas.DataFrame(columns)


def _polars(columns: dict[str, Any]) -> polars.DataFrame:
    try:
        import polars
    except ImportError as error:
        from trainboard.errors import MissingDependencyError

        raise MissingDependencyError("to_polars() needs polars: pip install polars") from error
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


class DataProvider(abc.ABC):
    """Runs, tags and their series, read from somewhere (see the module docstring).

    Unknown runs or tags raise :class:`~trainboard.errors.NotFoundError`; reading a
    tag as the wrong data class raises ``ValueError``.
    """

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
    def read_blob(self, key: str) -> bytes:
        """The bytes of one blob (``BlobRef.key``)."""

    @abc.abstractmethod
    def warnings(self) -> list[LoadWarning]:
        """Problems met while reading, current as of the last reload."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and save state; the provider must not be used afterwards."""

    def __enter__(self) -> DataProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
