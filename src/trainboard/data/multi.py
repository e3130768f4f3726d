"""Several named logdirs as one provider (``trainboard --logdir_spec a:path1,b:path2``).

Run ``r`` of logdir ``name`` is called ``name/r`` (``name`` for the logdir's own
root run), as TensorBoard names them; blob keys are prefixed with the logdir's
name so reads go back to the provider they came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, BinaryIO

from trainboard.data.notes import RunNote
from trainboard.data.provider import (
    BlobSequencePoint,
    BlobSequenceSeries,
    BlobSequenceSteps,
    DataClass,
    DataProvider,
    LoadProgress,
    LoadWarning,
    ReloadReport,
    Run,
    ScalarSeries,
    ScalarView,
    TagInfo,
    TensorSeries,
    XAxis,
)
from trainboard.errors import NotFoundError

__all__ = ["MultiProvider"]


def _join(name: str, run: str) -> str:
    return name if run == "." else f"{name}/{run}"


class MultiProvider(DataProvider):
    """The union of several providers, each under a name.

    Example::

        provider = MultiProvider({"a": LogdirProvider("runs/a"), "b": LogdirProvider("runs/b")})
    """

    def __init__(self, providers: Mapping[str, DataProvider]) -> None:
        for name in providers:
            if not name or "/" in name or ":" in name:
                raise ValueError(f"logdir name {name!r} must be non-empty without '/' or ':'")
        super().__init__()
        self._providers = dict(providers)

    def _split(self, run: str) -> tuple[DataProvider, str]:
        name, _, rest = run.partition("/")
        provider = self._providers.get(name)
        if provider is None:
            raise NotFoundError(f"no run {run!r}: {name!r} is not one of {sorted(self._providers)}")
        return provider, rest or "."

    def reload(self) -> ReloadReport:
        reports = {name: p.reload() for name, p in self._providers.items()}

        def runs(field: str) -> tuple[str, ...]:
            return tuple(_join(n, r) for n, rep in reports.items() for r in getattr(rep, field))

        def keyed(field: str) -> dict[tuple[str, str], int]:
            return {
                (_join(n, run), tag): count
                for n, rep in reports.items()
                for (run, tag), count in getattr(rep, field).items()
            }

        return ReloadReport(
            new_runs=runs("new_runs"),
            removed_runs=runs("removed_runs"),
            reset_runs=runs("reset_runs"),
            new_tags=tuple(
                (_join(n, run), tag) for n, rep in reports.items() for run, tag in rep.new_tags
            ),
            new_points=keyed("new_points"),
            purged=keyed("purged"),
            new_warnings=tuple(
                self._warning(n, w) for n, rep in reports.items() for w in rep.new_warnings
            ),
        )

    @staticmethod
    def _warning(name: str, warning: LoadWarning) -> LoadWarning:
        return dataclasses.replace(warning, run=_join(name, warning.run))

    def runs(self) -> list[Run]:
        result = []
        for name, provider in self._providers.items():
            for run in provider.runs():
                parent = None if run.parent is None else _join(name, run.parent)
                result.append(dataclasses.replace(run, name=_join(name, run.name), parent=parent))
        return sorted(result, key=lambda r: r.name)

    def tags(
        self,
        run: str | None = None,
        *,
        data_class: DataClass | None = None,
        plugin_name: str | None = None,
    ) -> list[TagInfo]:
        if run is not None:
            provider, inner = self._split(run)
            infos = provider.tags(inner, data_class=data_class, plugin_name=plugin_name)
            return [dataclasses.replace(i, run=run) for i in infos]
        return [
            dataclasses.replace(i, run=_join(name, i.run))
            for name, p in self._providers.items()
            for i in p.tags(data_class=data_class, plugin_name=plugin_name)
        ]

    def read_scalars(self, run: str, tag: str) -> ScalarSeries:
        provider, inner = self._split(run)
        return dataclasses.replace(provider.read_scalars(inner, tag), run=run)

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
        provider, inner = self._split(run)
        view = provider.read_scalar_view(
            inner,
            tag,
            width=width,
            x_axis=x_axis,
            x_range=x_range,
            smoothing=smoothing,
            time_weighted=time_weighted,
        )
        return dataclasses.replace(view, run=run)

    def read_tensors(self, run: str, tag: str) -> TensorSeries:
        provider, inner = self._split(run)
        return dataclasses.replace(provider.read_tensors(inner, tag), run=run)

    def read_blob_sequences(self, run: str, tag: str) -> BlobSequenceSeries:
        provider, inner = self._split(run)
        name = run.partition("/")[0]
        series = provider.read_blob_sequences(inner, tag)
        refs = tuple(
            tuple(dataclasses.replace(r, key=f"{name}:{r.key}") for r in point)
            for point in series.refs
        )
        return dataclasses.replace(series, run=run, refs=refs)

    def read_blob_steps(self, run: str, tag: str) -> BlobSequenceSteps:
        provider, inner = self._split(run)
        return dataclasses.replace(provider.read_blob_steps(inner, tag), run=run)

    def read_blob_point(
        self, run: str, tag: str, step: int, index: int | None = None
    ) -> BlobSequencePoint:
        provider, inner = self._split(run)
        name = run.partition("/")[0]
        point = provider.read_blob_point(inner, tag, step, index)
        refs = tuple(dataclasses.replace(r, key=f"{name}:{r.key}") for r in point.refs)
        return dataclasses.replace(point, run=run, refs=refs)

    def read_blob(self, key: str) -> bytes:
        name, _, inner = key.partition(":")
        provider = self._providers.get(name)
        if provider is None or not inner:
            raise NotFoundError(f"blob key {key!r} names no logdir of {sorted(self._providers)}")
        return provider.read_blob(inner)

    def projector_runs(self) -> list[str]:
        return sorted(
            _join(name, run) for name, p in self._providers.items() for run in p.projector_runs()
        )

    def open_run_file(self, run: str, path: str) -> BinaryIO:
        provider, inner = self._split(run)
        return provider.open_run_file(inner, path)

    def run_file_version(self, run: str, path: str) -> str:
        provider, inner = self._split(run)
        return provider.run_file_version(inner, path)

    @property
    def cache_dir(self) -> str | None:
        """The first cache directory of the logdirs' providers (None when none has one)."""
        return next((p.cache_dir for p in self._providers.values() if p.cache_dir), None)

    def run_notes(self) -> dict[str, RunNote]:
        """Every logdir's notes, under the board's run names (``<name>/<run>``)."""
        return {
            _join(name, run): note
            for name, p in self._providers.items()
            for run, note in p.run_notes().items()
        }

    def update_run_notes(
        self, run: str, changes: Mapping[str, Any], *, revision: int | None = None
    ) -> RunNote:
        provider, inner = self._split(run)
        return provider.update_run_notes(inner, changes, revision=revision)

    def delete_run_notes(self, run: str, *, revision: int | None = None) -> None:
        provider, inner = self._split(run)
        provider.delete_run_notes(inner, revision=revision)

    def warnings(self) -> list[LoadWarning]:
        return [self._warning(n, w) for n, p in self._providers.items() for w in p.warnings()]

    def load_progress(self) -> LoadProgress:
        """The logdirs' progress together (loaded once every one is)."""
        return LoadProgress.combine([p.load_progress() for p in self._providers.values()])

    def close(self) -> None:
        for provider in self._providers.values():
            provider.close()

    def __repr__(self) -> str:
        return f"MultiProvider({sorted(self._providers)!r})"

    def __getstate__(self) -> Any:  # providers hold locks and files
        raise TypeError("MultiProvider cannot be pickled")
