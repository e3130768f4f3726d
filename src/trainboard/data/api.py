"""``open_logdir``: the Python read API for notebooks and scripts (``trainboard.open``).

Full resolution, no server: every point of every series, as numpy arrays.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from trainboard.data import _compat
from trainboard.data._subruns import rank_of, rank_parents
from trainboard.data.logdir import LogdirProvider
from trainboard.data.notes import RunNote
from trainboard.data.provider import (
    BlobSequenceSeries,
    LoadWarning,
    ReloadReport,
    ScalarSeries,
    TensorSeries,
)
from trainboard.data.series import (
    AudioClip,
    AudioSeries,
    HistogramSeries,
    ImageSeries,
    PrCurveSeries,
    StoredImage,
    TextSeries,
)
from trainboard.errors import MissingDependencyError, NotFoundError
from trainboard.format.kinds import custom_scalars as custom_scalars_kind
from trainboard.format.kinds import histogram as histogram_kind
from trainboard.format.kinds import image as image_kind
from trainboard.format.kinds import pr_curve as pr_curve_kind
from trainboard.format.kinds import text as text_kind

if TYPE_CHECKING:
    from trainboard.data.projector import EmbeddingSet
    from trainboard.format.proto.layout_pb2 import Layout

__all__ = ["Backend", "Logdir", "open_logdir"]

Backend = Literal["pandas", "polars"]


class Logdir:
    """A logdir opened for reading; use :func:`open_logdir` to make one.

    Example::

        import trainboard

        with trainboard.open("runs") as lg:
            for run in lg.runs:
                print(run, lg.tags(run))
            loss = lg.scalars("exp1", "loss").to_pandas()
    """

    def __init__(self, provider: LogdirProvider) -> None:
        self.provider = provider

    def __repr__(self) -> str:
        where = getattr(self.provider, "url", self.provider.logdir)  # a remote one's URL
        return f"Logdir({where!r}, runs={len(self.runs)})"

    def __enter__(self) -> Logdir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Save the index if anything new was read."""
        self.provider.close()

    def reload(self) -> ReloadReport:
        """Read what was written since the logdir was opened (or last reloaded)."""
        return self.provider.reload()

    @property
    def runs(self) -> list[str]:
        """The names of the runs (paths relative to the logdir; ``"."`` for itself).

        A run written by several processes is listed once, then each of its ranks as
        ``<run>/rank_<N>`` (:meth:`ranks`).
        """
        return [run.name for run in self.provider.runs()]

    def ranks(self, run: str) -> list[int]:
        """The ranks of a run written by several processes, sorted; [] for another run.

        Rank N's data is the run ``f"{run}/rank_{N}"`` (docs/distributed.md).

        Example::

            for rank in lg.ranks("exp1"):
                print(rank, lg.scalars(f"exp1/rank_{rank}", "loss").values[-1])
        """
        return list(rank_parents(self.runs).get(run, ()))

    @property
    def warnings(self) -> list[LoadWarning]:
        """Problems met while reading (damaged records, truncated files...)."""
        return self.provider.warnings()

    def tags(self, run: str, plugin: str | None = None) -> list[str]:
        """The tags of ``run``, optionally only those of one plugin (``"scalars"``...).

        Example::

            lg.tags("exp1", plugin="scalars")
        """
        return [info.tag for info in self.provider.tags(run, plugin_name=plugin)]

    def scalars(self, run: str, tag: str) -> ScalarSeries:
        """Every point of a scalar tag (steps, wall_times, values; ``to_pandas()``).

        Example::

            loss = lg.scalars("exp1", "loss")
            print(loss.values.min())
        """
        return self.provider.read_scalars(run, tag)

    def tensors(self, run: str, tag: str) -> TensorSeries:
        """Every point of a tensor tag as numpy arrays (any plugin).

        Example::

            weights = lg.tensors("exp1", "weights").values[-1]
        """
        return self.provider.read_tensors(run, tag)

    def blobs(self, run: str, tag: str) -> BlobSequenceSeries:
        """Every point of a blob tag, as references read with :meth:`read_blob`.

        Example::

            refs = lg.blobs("exp1", "samples").refs[-1]
        """
        return self.provider.read_blob_sequences(run, tag)

    def read_blob(self, key: str) -> bytes:
        """The bytes of one blob (``BlobRef.key``).

        Example::

            data = lg.read_blob(lg.blobs("exp1", "samples").refs[-1][-1].key)
        """
        return self.provider.read_blob(key)

    def histograms(self, run: str, tag: str) -> HistogramSeries:
        """Histograms per step, each a ``[k, 3]`` array of (left, right, count).

        Example::

            hist = lg.histograms("exp1", "weights")
        """
        series = self._tensors(run, tag, _compat.HISTOGRAMS)
        buckets = tuple(_readonly(histogram_kind.decode_array(a)) for a in series.values)
        return HistogramSeries(run, tag, series.steps, series.wall_times, buckets)

    def text(self, run: str, tag: str) -> TextSeries:
        """Text per step, as string arrays (``add_text`` writes one string).

        Example::

            print(lg.text("exp1", "notes").texts[-1].item())
        """
        series = self._tensors(run, tag, _compat.TEXT)
        texts = tuple(_readonly(text_kind.decode_strings(a)) for a in series.values)
        return TextSeries(run, tag, series.steps, series.wall_times, texts)

    def pr_curves(self, run: str, tag: str) -> PrCurveSeries:
        """PR curves per step, each TensorBoard's ``[6, T]`` array.

        Example::

            pr = lg.pr_curves("exp1", "cat")
        """
        series = self._tensors(run, tag, _compat.PR_CURVES)
        curves = tuple(_readonly(pr_curve_kind.decode_array(a)) for a in series.values)
        return PrCurveSeries(run, tag, series.steps, series.wall_times, curves)

    def images(self, run: str, tag: str) -> ImageSeries:
        """Images per step; each image reads its bytes on demand.

        Example::

            first = lg.images("exp1", "samples").images[0][0].to_pil()
        """
        series = self._blobs(run, tag, _compat.IMAGES)
        images = []
        read = self.read_blob
        reserved = image_kind.RESERVED_BLOBS
        for refs in series.refs:
            size = image_kind.recorded_size([read(r.key) for r in refs[:reserved]])
            width, height = size or (0, 0)
            images.append(
                tuple(
                    StoredImage(r.step, r.wall_time, r.index - reserved, width, height, r.key, read)
                    for r in refs[reserved:]
                )
            )
        return ImageSeries(run, tag, series.steps, series.wall_times, tuple(images))

    def audio(self, run: str, tag: str) -> AudioSeries:
        """Audio clips per step; each reads its bytes on demand.

        Example::

            wav = lg.audio("exp1", "speech").clips[-1][0].data
        """
        series = self._blobs(run, tag, _compat.AUDIO)
        clips = tuple(
            tuple(AudioClip(r.step, r.wall_time, r.index, r.key, self.read_blob) for r in refs)
            for refs in series.refs
        )
        return AudioSeries(run, tag, series.steps, series.wall_times, clips)

    def graph(self, run: str) -> bytes:
        """The latest serialized graph of ``run`` (a ``GraphDef``, from ``add_graph``).

        Example::

            graph_bytes = lg.graph("exp1")
        """
        if _compat.RUN_GRAPH_TAG not in self.tags(run):
            raise NotFoundError(f"run {run!r} has no graph")
        series = self.provider.read_blob_sequences(run, _compat.RUN_GRAPH_TAG)
        if not len(series):  # purged
            raise NotFoundError(f"run {run!r} has no graph")
        return self.read_blob(series.refs[-1][0].key)

    def hparams(self, run: str) -> dict[str, Any]:
        """The hyperparameters ``add_hparams`` recorded in ``run`` (one of its sub-runs).

        Example::

            for run in lg.runs:
                if "_hparams_/session_start_info" in lg.tags(run):
                    print(run, lg.hparams(run))
        """
        from trainboard.format.kinds.hparams import parse_plugin_data, session_hparams

        infos = self.provider.tags(run, plugin_name=_compat.HPARAMS)
        for info in infos:
            data = parse_plugin_data(info.plugin_content)
            if data.WhichOneof("data") == "session_start_info":
                return session_hparams(data.session_start_info)
        raise NotFoundError(f"run {run!r} holds no hyperparameters")

    def environment(self, run: str) -> dict[str, Any]:
        """What ran: the environment ``SummaryWriter`` recorded at start (docs/data.md).

        Keys such as ``command``, ``cwd``, ``git_commit``, ``git_dirty``, ``host``,
        ``python``, ``torch``, ``gpus`` and ``trainboard``; a probe that found nothing
        leaves its key out. NotFoundError when the run has no such record.

        Example::

            env = lg.environment("exp1")
            print(env["command"], env.get("git_commit"))
        """
        found = self.provider.read_environment(run)
        if found is None:
            raise NotFoundError(f"run {run!r} holds no recorded environment")
        return found

    def notes(self) -> dict[str, RunNote]:
        """Every run's note: display name, colour, tags, note, hidden, archived, trash.

        Kept in ``<logdir>/.trainboard-notes.json`` (``trainboard.data.notes``), never in
        the event files. Runs without a note are absent.

        Example::

            for run, note in lg.notes().items():
                print(run, note.display_name, note.tags)
        """
        return self.provider.run_notes()

    def update_notes(self, run: str, *, revision: int | None = None, **changes: Any) -> RunNote:
        """Change ``run``'s note; ``trashed=True`` moves the run into ``.trash/``.

        Example::

            lg.update_notes("exp1", display_name="baseline", tags=["best"])
            lg.update_notes("exp2", trashed=True)  # and trashed=False to undo
        """
        return self.provider.update_run_notes(run, changes, revision=revision)

    def custom_scalars(self, run: str) -> Layout:
        """The custom-scalars layout of ``run`` (``add_custom_scalars``), the latest one.

        Example::

            for category in lg.custom_scalars("exp1").category:
                print(category.title, [chart.title for chart in category.chart])
        """
        if custom_scalars_kind.CONFIG_TAG not in self.tags(run):
            raise NotFoundError(f"run {run!r} has no custom-scalars layout")
        values = self.provider.read_tensors(run, custom_scalars_kind.CONFIG_TAG).values
        if not values:
            raise NotFoundError(f"run {run!r} has no custom-scalars layout")
        return custom_scalars_kind.decode_array(values[-1])

    def projector(self, run: str = ".") -> EmbeddingSet:
        """The embeddings ``add_embedding`` wrote into ``run``'s directory.

        Example::

            embeddings = lg.projector("exp1")
            vectors = embeddings.tensor(embeddings.config.embeddings[0].tensor_name)
        """
        from trainboard.data.projector import EmbeddingSet

        return EmbeddingSet.load(self.provider, run)

    def scalars_frame(
        self,
        runs: str | Sequence[str] | None = None,
        tags: str | Sequence[str] | None = None,
        *,
        backend: Backend = "pandas",
    ) -> Any:
        """Every point of every scalar tag as one long frame: run, tag, step, wall_time, value.

        ``runs`` and ``tags`` are names or shell-style globs (``*``, ``?``, ``[..]``),
        one or a list, matched against the whole name (``"exp*"`` also matches
        ``exp1/train``); None keeps every run or tag. ``backend`` is ``"pandas"`` or
        ``"polars"`` (``pip install 'trainboard[pandas]'`` / ``'trainboard[polars]'``).

        When a row's run is a rank of a run written by several processes (the run
        ``<run>/rank_<N>``), every frame of this class has a ``rank`` column after
        ``run``: N on such rows, null (pandas ``<NA>``, nullable ``Int64``) on the others.
        Frames of a logdir without rank directories have no ``rank`` column.

        Example::

            frame = lg.scalars_frame(runs="exp*", tags=["loss", "acc/*"])
            frame.pivot_table(index="step", columns="run", values="value")
        """
        return self._frame("scalars", runs, tags, backend)

    def histograms_frame(
        self,
        runs: str | Sequence[str] | None = None,
        tags: str | Sequence[str] | None = None,
        *,
        backend: Backend = "pandas",
    ) -> Any:
        """Every histogram bucket as one long frame: run, tag, step, wall_time, left, right, count.

        Patterns and ``backend`` as in :meth:`scalars_frame`.

        Example::

            frame = lg.histograms_frame(tags="weights/*")
        """
        return self._frame("histograms", runs, tags, backend)

    def text_frame(
        self,
        runs: str | Sequence[str] | None = None,
        tags: str | Sequence[str] | None = None,
        *,
        backend: Backend = "pandas",
    ) -> Any:
        """Every text as one long frame: run, tag, step, wall_time, index, text.

        ``index`` is the string's position in its point (``add_text`` writes one: 0).
        Patterns and ``backend`` as in :meth:`scalars_frame`.

        Example::

            notes = lg.text_frame(tags="notes")
        """
        return self._frame("text", runs, tags, backend)

    def hparams_frame(
        self, runs: str | Sequence[str] | None = None, *, backend: Backend = "pandas"
    ) -> Any:
        """Runs × hyperparameters and final metrics: one row per ``add_hparams`` session.

        Columns: ``run`` (the run the session describes, as the HParams dashboard folds
        an ``add_hparams`` sub-run into its run), ``session`` (the run holding it), one
        per hyperparameter (None where a session lacks it), one per metric (its latest
        value; NaN where missing). ``runs`` (patterns as in :meth:`scalars_frame`)
        matches either name.

        Example::

            table = lg.hparams_frame()
            table.sort_values("hparam/accuracy", ascending=False).head()
        """
        return self._frame("hparams", runs, None, backend)

    def runs_frame(self, metrics: Sequence[str] = (), *, backend: Backend = "pandas") -> Any:
        """The runs table: one row per run with hyperparameters, environment and metrics.

        Columns (:func:`trainboard.data.runs_table.frame_columns`): ``run``,
        ``display_name``, one per hyperparameter, ``env.<key>`` per captured-environment
        key, and ``<tag>.last``/``.min``/``.max``/``.last_step`` per tag of ``metrics``
        (min and max over finite values only). ``add_hparams`` sub-runs are folded into
        the runs they describe, as on the board's Runs tab.

        Example::

            runs = lg.runs_frame(metrics=["loss"])
            runs.sort_values("loss.min").head()
        """
        from trainboard.data.runs_table import frame_columns, runs_table

        if backend not in ("pandas", "polars"):
            raise ValueError(f"backend must be 'pandas' or 'polars', got {backend!r}")
        if isinstance(metrics, str):
            metrics = [metrics]
        columns = frame_columns(runs_table(self.provider, metrics))
        return _polars(columns) if backend == "polars" else _pandas(columns)

    def grouped_frame(
        self,
        tag: str,
        *,
        by: str,
        stat: Literal["mean", "median", "rank0"] = "mean",
        band: Literal["minmax", "std", "p10_90"] = "minmax",
        smoothing: float = 0.0,
        width: int | None = None,
        backend: Backend = "pandas",
        runs: Sequence[str] | None = None,
    ) -> Any:
        """Runs holding scalar ``tag`` grouped, one line and band per group: a long frame.

        Columns: ``group``, ``step``, ``value`` (the group's mean or median), ``low`` and
        ``high`` (the band), ``members`` (how many members have a finite value at that
        step). ``by`` is ``"hparam:<name>"``, ``"regex:<pattern>"``, ``"tag:<note tag>"``
        or ``"rank"`` (each run written by several processes is a group of its ranks;
        ``stat="rank0"`` then takes rank 0's value as the line); how steps are aligned,
        NaN counted and smoothing applied (per member, first): :mod:`trainboard.data.groups`.
        Every step by default; ``width`` downsamples per pixel as the board does.
        ``runs`` groups only those runs (default: every run holding ``tag``).

        Example::

            frame = lg.grouped_frame("loss", by="hparam:lr", band="std")
            ranks = lg.grouped_frame("loss", by="rank", stat="rank0", band="std")
        """
        from trainboard.data.groups import grouped_scalars

        if backend not in ("pandas", "polars"):
            raise ValueError(f"backend must be 'pandas' or 'polars', got {backend!r}")
        groups, _ = grouped_scalars(
            self.provider,
            tag,
            by,
            stat=stat,
            band=band,
            width=width,
            smoothing=smoothing,
            runs=runs,
        )
        columns: dict[str, Any] = {
            "group": np.array([g.name for g in groups for _ in range(len(g))], dtype=object),
            "step": np.concatenate([g.steps for g in groups] or [np.empty(0, np.int64)]),
        }
        for name in ("value", "low", "high"):
            columns[name] = np.concatenate([getattr(g, name) for g in groups] or [np.empty(0)])
        columns["members"] = np.concatenate([g.count for g in groups] or [np.empty(0, np.int64)])
        return _polars(columns) if backend == "polars" else _pandas(columns)

    def _frame(
        self,
        kind: str,
        runs: str | Sequence[str] | None,
        tags: str | Sequence[str] | None,
        backend: Backend,
    ) -> Any:
        from trainboard.data.export import table_columns

        if backend not in ("pandas", "polars"):
            raise ValueError(f"backend must be 'pandas' or 'polars', got {backend!r}")
        columns = _with_rank(table_columns(self.provider, kind, _patterns(runs), _patterns(tags)))
        if backend == "polars":
            return _polars(columns)
        frame = _pandas(columns)
        if "rank" in columns:
            frame["rank"] = frame["rank"].astype("Int64")
        return frame

    def _tensors(self, run: str, tag: str, plugin: str) -> TensorSeries:
        self._check_plugin(run, tag, plugin)
        return self.provider.read_tensors(run, tag)

    def _blobs(self, run: str, tag: str, plugin: str) -> BlobSequenceSeries:
        self._check_plugin(run, tag, plugin)
        return self.provider.read_blob_sequences(run, tag)

    def _check_plugin(self, run: str, tag: str, plugin: str) -> None:
        infos = [i for i in self.provider.tags(run) if i.tag == tag]
        if not infos:
            raise NotFoundError(f"run {run!r} has no tag {tag!r}")
        if infos[0].plugin_name != plugin:
            raise ValueError(
                f"tag {tag!r} of run {run!r} holds {infos[0].plugin_name or 'untyped'!r} data, "
                f"not {plugin!r}"
            )


def _with_rank(columns: dict[str, Any]) -> dict[str, Any]:
    """``columns`` with a ``rank`` column after ``run`` when a row's run is a rank directory."""
    names = columns.get("run")
    if names is None:
        return columns
    distinct = {name: rank_of(name) for name in set(names.tolist())}
    if not any(distinct.values()):
        return columns
    ranks = np.array([None] * len(names), dtype=object)
    for i, name in enumerate(names.tolist()):
        found = distinct[name]
        if found is not None:
            ranks[i] = found[1]
    result: dict[str, Any] = {}
    for name, values in columns.items():
        result[name] = values
        if name == "run":
            result["rank"] = ranks
    return result


def _patterns(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _pandas(columns: dict[str, Any]) -> Any:
    try:
        import pandas
    except ImportError as error:
        raise MissingDependencyError(
            "a pandas frame needs pandas: pip install 'trainboard[pandas]'"
        ) from error
    return pandas.DataFrame(columns)


def _polars(columns: dict[str, Any]) -> Any:
    try:
        import polars
    except ImportError as error:
        raise MissingDependencyError(
            "a polars frame needs polars: pip install 'trainboard[polars]'"
        ) from error
    return polars.DataFrame(
        {
            name: list(values) if isinstance(values, np.ndarray) and values.dtype == object
            else values
            for name, values in columns.items()
        },
        strict=False,
    )


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def open_logdir(
    logdir: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    check_crc: bool = True,
) -> Logdir:
    """Open a TensorBoard logdir for reading (``trainboard.open``).

    Reads every run under ``logdir`` now; :meth:`Logdir.reload` reads what was
    written since. A persistent index in the user's cache directory (or
    ``cache_dir``, or ``$TRAINBOARD_CACHE_DIR``; ``""`` or ``use_cache=False``
    turns it off) makes reopening an unchanged logdir almost free.

    Args:
        logdir: A directory of event files (any depth of runs below it), or an
            object-store URL (``s3://bucket/prefix``, ``gs://...``, ``az://...``: mirrored
            into the cache directory, see docs/object_storage.md).
        cache_dir: Where to keep the index (and a remote log dir's mirror).
        use_cache: False reads and keeps nothing in the cache.
        check_crc: Verify each record's checksum (skipping and reporting bad ones).

    Returns:
        A :class:`Logdir`.

    Example::

        import trainboard

        lg = trainboard.open("runs")
        lg.scalars("exp1", "loss").to_pandas()
    """
    from trainboard.data.remote import RemoteLogdirProvider, logdir_provider

    provider = logdir_provider(
        logdir, cache_dir=cache_dir, use_cache=use_cache, check_crc=check_crc
    )
    if not isinstance(provider, RemoteLogdirProvider) and not os.path.isdir(provider.logdir):
        raise NotFoundError(f"logdir {os.fspath(logdir)!r} is not a directory")
    try:
        provider.reload()
        sync = provider.last_sync if isinstance(provider, RemoteLogdirProvider) else None
        if sync is not None and not sync.listed:
            raise NotFoundError(f"logdir {logdir!r} holds no objects")
    except BaseException:
        provider.close()
        raise
    provider.save_index(only_if_changed=True)
    return Logdir(provider)
