"""A PyTorch Lightning logger that writes through trainboard (no tensorboard needed).

Lightning's ``TensorBoardLogger`` refuses to start unless ``tensorboard`` or
``tensorboardX`` is installed. :class:`TrainboardLogger` takes its place, with its
arguments and directory layout (``save_dir/name/version_N``, the next free N unless
``version`` is given), and writes the same event files through
:class:`trainboard.SummaryWriter`::

    import lightning as L
    from trainboard.lightning import TrainboardLogger

    trainer = L.Trainer(logger=TrainboardLogger("runs", name="mnist"))
    trainer.fit(model)          # then: trainboard --logdir runs

Needs ``lightning`` (``pip install 'trainboard[lightning]'``); importing this module
without it raises :class:`trainboard.MissingDependencyError`.
"""

from __future__ import annotations

import os
from argparse import Namespace
from collections.abc import Mapping
from typing import Any

from trainboard._hparams_session import RunSession, flat_hparams
from trainboard.errors import MissingDependencyError

try:
    from lightning.fabric.loggers.logger import rank_zero_experiment
    from lightning.pytorch.core.saving import save_hparams_to_yaml
    from lightning.pytorch.loggers.logger import Logger
    from lightning.pytorch.utilities import move_data_to_device, rank_zero_only, rank_zero_warn
except ImportError as error:  # pragma: no cover - depends on the environment
    raise MissingDependencyError(
        "trainboard.lightning needs PyTorch Lightning: pip install 'trainboard[lightning]' "
        f"(or pip install lightning); importing it failed: {error}"
    ) from error

from trainboard.writer import SummaryWriter

__all__ = ["TrainboardLogger"]

# Lightning's status names -> the HParams session's.
_STATUS = {"success": "STATUS_SUCCESS", "failed": "STATUS_FAILURE"}


class TrainboardLogger(Logger):
    """Logs to ``save_dir/name/version_N`` (``[/sub_dir]``) with a trainboard ``SummaryWriter``.

    The arguments are those of Lightning's ``TensorBoardLogger``:

    Args:
        save_dir: Directory the runs of all experiments go under.
        name: Experiment name, a directory under ``save_dir`` (None or "": none).
        version: Run version: an int names ``version_<int>``, a str is the directory's
            name; None takes the next free ``version_N``.
        log_graph: Log the model's graph (``log_graph``, from ``model.example_input_array``).
        default_hp_metric: With hyperparameters but no metrics, log ``hp_metric`` = -1,
            as Lightning does (a placeholder to log into).
        prefix: Put before every metric name, joined with ``-``.
        sub_dir: A directory below the version's, for the event files.
        **kwargs: More arguments of :class:`trainboard.SummaryWriter` (``max_queue``,
            ``flush_secs``, ``filename_suffix``, ...).

    ``experiment`` is the :class:`trainboard.SummaryWriter`, for any other ``add_*``::

        self.logger.experiment.add_image("samples", grid, self.global_step)

    Hyperparameters (``log_hyperparams``, called by the Trainer with the module's
    ``save_hyperparameters()``) are written into the run itself and shown in the HParams
    dashboard; when training ends, every metric logged in the run is declared to it, so
    the dashboard has a column for each (Lightning declares only the metrics given to
    ``log_hyperparams``). They are also saved to ``hparams.yaml`` in the run's directory.
    """

    LOGGER_JOIN_CHAR = "-"
    NAME_HPARAMS_FILE = "hparams.yaml"

    def __init__(
        self,
        save_dir: str | os.PathLike[str],
        name: str | None = "lightning_logs",
        version: int | str | None = None,
        log_graph: bool = False,
        default_hp_metric: bool = True,
        prefix: str = "",
        sub_dir: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self._save_dir = os.fspath(save_dir)
        self._name = name or ""
        self._version = version
        self._sub_dir = None if sub_dir is None else os.fspath(sub_dir)
        self._log_graph = log_graph
        self._default_hp_metric = default_hp_metric
        self._prefix = prefix
        self._kwargs = kwargs
        self._experiment: SummaryWriter | None = None
        self._session = RunSession()
        self.hparams: dict[str, Any] = {}

    # ------------------------------------------------------------------ layout

    @property
    def name(self) -> str:
        """The experiment's name (its directory under ``save_dir``)."""
        return self._name

    @property
    def version(self) -> int | str:
        """The run's version: the next free ``version_N`` number unless one was given."""
        if self._version is None:
            self._version = self._next_version()
        return self._version

    @property
    def save_dir(self) -> str:
        """The directory every experiment's runs go under."""
        return self._save_dir

    @property
    def root_dir(self) -> str:
        """``save_dir/name``: the experiment's directory, holding one directory per version."""
        return os.path.join(self._save_dir, self._name)

    @property
    def log_dir(self) -> str:
        """The run's directory, ``save_dir/name/version_N`` (``/sub_dir``): its event files."""
        version = self.version if isinstance(self.version, str) else f"version_{self.version}"
        path = os.path.join(self.root_dir, version)
        if self._sub_dir is not None:
            path = os.path.join(path, self._sub_dir)
        return os.path.expanduser(os.path.expandvars(path))

    @property
    def sub_dir(self) -> str | None:
        return self._sub_dir

    def _next_version(self) -> int:
        try:
            names = os.listdir(self.root_dir)
        except OSError:
            return 0
        found = [
            int(n[len("version_"):])
            for n in names
            if n.startswith("version_") and n[len("version_"):].isdigit()
            and os.path.isdir(os.path.join(self.root_dir, n))
        ]
        return max(found) + 1 if found else 0

    # ------------------------------------------------------------------ logging

    @property
    @rank_zero_experiment
    def experiment(self) -> SummaryWriter:
        """The run's :class:`trainboard.SummaryWriter` (created on first use)."""
        if self._experiment is None:
            # Lightning logs from rank 0 only: one run, not a rank_0 folder of it.
            kwargs = {"rank": None, **self._kwargs}
            self._experiment = SummaryWriter(log_dir=self.log_dir, **kwargs)
        return self._experiment

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        """Each metric as a scalar (a dict of numbers: ``add_scalars``) at ``step``."""
        writer = self.experiment
        for key, value in metrics.items():
            tag = f"{self._prefix}{self.LOGGER_JOIN_CHAR}{key}" if self._prefix else key
            if isinstance(value, Mapping):
                writer.add_scalars(tag, {k: _number(v) for k, v in value.items()}, step)
                continue
            writer.add_scalar(tag, _number(value), step)
            self._session.metrics([tag])

    @rank_zero_only
    def log_hyperparams(
        self,
        params: Mapping[str, Any] | Namespace,
        metrics: Mapping[str, Any] | float | None = None,
        step: int | None = None,
    ) -> None:
        """Record hyperparameters, in the HParams dashboard and ``hparams.yaml``.

        ``metrics`` (a dict, or one number for ``hp_metric``) are logged as scalars at
        ``step``; without them ``hp_metric`` = -1 is, unless ``default_hp_metric=False``.
        """
        if isinstance(params, Namespace):
            params = vars(params)
        self.hparams.update(params)
        if metrics is None:
            metrics = {"hp_metric": -1} if self._default_hp_metric else {}
        elif not isinstance(metrics, Mapping):
            metrics = {"hp_metric": metrics}
        if metrics:
            self.log_metrics(metrics, step)
        self._session.start(self.experiment, flat_hparams(params))

    @rank_zero_only
    def log_graph(self, model: Any, input_array: Any = None) -> None:
        """The model's graph, traced with ``input_array`` (default: the model's
        ``example_input_array``); only with ``log_graph=True``, as in Lightning."""
        if not self._log_graph:
            return
        example = getattr(model, "example_input_array", None) if input_array is None \
            else input_array
        if example is None:
            rank_zero_warn(
                "TrainboardLogger(log_graph=True) logs no graph: set the model's "
                "example_input_array, or call log_graph(model, input_array)."
            )
            return
        device = getattr(model, "device", None)
        if device is not None:
            example = move_data_to_device(example, device)
        self.experiment.add_graph(model, example)

    @rank_zero_only
    def save(self) -> None:
        """Flush the event files and write ``hparams.yaml`` (once) into the run's directory."""
        super().save()
        if self._experiment is not None:
            self._experiment.flush()
        path = os.path.join(self.log_dir, self.NAME_HPARAMS_FILE)
        if os.path.isdir(self.log_dir) and not os.path.isfile(path):
            save_hparams_to_yaml(path, self.hparams)

    @rank_zero_only
    def finalize(self, status: str) -> None:
        """At the end of fit/validate/test: declare the run's metrics to HParams with the
        session's end (the first time), and close the writer (the next call reopens it)."""
        if self._experiment is not None:
            self._session.end(self._experiment, _STATUS.get(status, "STATUS_UNKNOWN"))
            self._experiment.flush()
            self._experiment.close()
        if status == "success":
            self.save()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_experiment"] = None  # a writer does not travel to other processes
        return state


def _number(value: Any) -> Any:
    """A tensor's number (its ``item()``); anything else as is, for ``add_scalar`` to check."""
    item = getattr(value, "item", None)
    return item() if callable(item) and hasattr(value, "numel") else value
