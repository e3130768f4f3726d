"""The HParams session of a run, written into that run (for the framework integrations).

``SummaryWriter.add_hparams`` writes every call as a new sub-run, as torch does. A
framework's logger describes instead the run it logs into, as Lightning's
``TensorBoardLogger`` does: the session's start (the hyperparameters) goes into the run's
own event file, so the HParams dashboard reads the run's metrics from the run itself.

:class:`RunSession` writes the start when the hyperparameters are first given, and the
experiment declaration with the session's end once training ends. The declaration lists
every scalar tag logged through the session (not only the metrics named up front), so the
HParams dashboard shows a column for each of the run's metrics. A reader takes each hparams
tag's first value, so each part is written once.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from trainboard.format.kinds import hparams as kind

__all__ = ["RunSession", "flat_hparams"]


def _flatten(params: Mapping[Any, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{name}/", out)
        elif hasattr(value, "__dict__") and type(value).__name__ == "Namespace":
            _flatten(vars(value), f"{name}/", out)
        else:
            out[name] = value


def _hparam_value(value: Any) -> kind.HParamValue | None:
    """A value the HParams dashboard can hold: bools stay bools, numbers become floats,
    one-element tensors and numpy numbers their number, callables their name, anything
    else its ``str``; None is left out."""
    if value is None:
        return None
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Real):
        return float(value)
    if type(value).__name__ == "bool_":  # numpy's bool
        return bool(value)
    numel = getattr(value, "numel", None)  # a torch tensor
    if callable(numel) and numel() == 1 and not getattr(value, "is_complex", lambda: True)():
        item = value.item()
        return item if isinstance(item, bool) else float(item)
    if callable(value) and hasattr(value, "__name__"):
        return str(value.__name__)
    return str(value)


def flat_hparams(params: Mapping[Any, Any]) -> dict[str, kind.HParamValue]:
    """``params`` flattened (nested mappings and Namespaces as ``outer/inner``) into values
    the HParams dashboard holds; None values are left out."""
    flat: dict[str, Any] = {}
    _flatten(params, "", flat)
    values = {name: _hparam_value(value) for name, value in flat.items()}
    return {name: value for name, value in values.items() if value is not None}


def _summary(value: Any) -> Any:
    from trainboard.format.proto.summary_pb2 import Summary

    return Summary(value=[value])


class RunSession:
    """The hparams session of one run; ``writer`` is the run's ``SummaryWriter``."""

    def __init__(self) -> None:
        self.hparams: dict[str, kind.HParamValue] = {}
        self._metrics: dict[str, None] = {}  # every scalar tag logged, in first-seen order
        self._started = False
        self._ended = False

    @property
    def started(self) -> bool:
        return self._started

    def start(self, writer: Any, hparams: Mapping[str, kind.HParamValue]) -> None:
        """Write the session's start with ``hparams`` (only the first call writes; later
        calls add names the end's declaration lists)."""
        for name, value in hparams.items():
            self.hparams.setdefault(name, value)
        if self._started:
            return
        self._started = True
        values = [kind.HParam(name, value) for name, value in self.hparams.items()]
        writer._get_file_writer().add_summary(_summary(kind.session_start_value(values)))

    def metrics(self, tags: Iterable[str]) -> None:
        """Note scalar tags logged in the run: the declaration lists them as metrics."""
        for tag in tags:
            self._metrics.setdefault(tag, None)

    def end(self, writer: Any, status: str = "STATUS_SUCCESS") -> None:
        """Write the experiment declaration (hyperparameters and every metric noted) and the
        session's end with ``status`` (a ``Status`` name), once, if the session started."""
        if not self._started or self._ended:
            return
        self._ended = True
        values = [kind.HParam(name, value) for name, value in self.hparams.items()]
        file_writer = writer._get_file_writer()
        file_writer.add_summary(_summary(kind.experiment_value(values, list(self._metrics))))
        file_writer.add_summary(_summary(kind.session_end_value(status)))
