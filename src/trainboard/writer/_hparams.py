"""``add_hparams``: one hparams session per call, in a sub-run, as torch writes it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from trainboard.writer._base import WriterBase
from trainboard.writer._convert import check_tag, is_torch_tensor, scalar_of

__all__ = ["HParamsMethods"]


def _hparam_value(name: str, value: Any) -> Any:
    """A hyperparameter value as torch stores it: float, str, or None (skipped).

    As in torch, ``int``/``float`` are checked before ``bool``, so Python bools are
    written as the numbers 1.0 and 0.0. One-element tensors and numpy numbers
    become floats.
    """
    import numpy as np

    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (np.number, np.bool_)) and not isinstance(value, np.complexfloating):
        return float(value)
    if is_torch_tensor(value):
        if value.numel() != 1 or value.is_complex():
            raise ValueError(
                f"hparam_dict[{name!r}] must be a single real number, got a tensor of shape "
                f"{tuple(value.shape)} and dtype {value.dtype}"
            )
        return float(value.detach().reshape(()).item())
    raise ValueError(
        f"hparam_dict[{name!r}] must be an int, float, str, bool, None or one-element tensor, "
        f"got {type(value).__name__} {value!r}"
    )


def _check_domains(hparam_dict: dict[str, Any], domains: Any) -> dict[str, list[Any]]:
    """torch's checks: each key is a hyperparameter, each domain a list of its value's type."""
    if domains is None:
        return {}
    if isinstance(domains, str):
        raise TypeError(
            f"hparam_domain_discrete must be a dict {{name: [values]}}, got the str {domains!r}; "
            f"tensorboardX's third argument was the run name: pass run_name={domains!r}"
        )
    if not isinstance(domains, dict):
        raise TypeError(
            f"hparam_domain_discrete must be a dict {{name: [values]}}, got "
            f"{type(domains).__name__} {domains!r}"
        )
    for key, values in domains.items():
        if key not in hparam_dict:
            raise TypeError(
                f"hparam_domain_discrete[{key!r}]: {key!r} is not a key of hparam_dict "
                f"({sorted(map(str, hparam_dict))})"
            )
        kind = type(hparam_dict[key])
        if not isinstance(values, list) or not all(isinstance(v, kind) for v in values):
            raise TypeError(
                f"hparam_domain_discrete[{key!r}] must be a list of {kind.__name__} values "
                f"(the type of hparam_dict[{key!r}]), got {values!r}"
            )
    return domains


def _metric_builder(tag: str, value: Any) -> Callable[[], list[Any]]:
    """Builds the metric's scalar on the worker (reading a device tensor there)."""
    from trainboard.format.kinds.scalar import scalar_value

    return lambda: [scalar_value(tag, float(value))]


def _run_name(run_name: Any, name: Any) -> str:
    if name is not None and run_name is not None and name != run_name:
        raise TypeError(f"give the run name once: run_name={run_name!r} and name={name!r} differ")
    run = run_name if run_name is not None else name
    if run is not None and not isinstance(run, str):
        raise TypeError(f"run_name must be a str, got {type(run).__name__} {run!r}")
    return run or str(time.time())


class HParamsMethods(WriterBase):
    """``add_hparams``; mixed into :class:`~trainboard.SummaryWriter`."""

    def add_hparams(
        self,
        hparam_dict: dict[str, Any],
        metric_dict: dict[str, Any],
        hparam_domain_discrete: dict[str, list[Any]] | None = None,
        run_name: str | None = None,
        global_step: Any = None,
        *,
        name: str | None = None,
    ) -> None:
        """Record one session's hyperparameters and final metrics for the HParams dashboard.

        As in torch, each call writes a new run ``<log_dir>/<run_name>`` (named by
        the current time when omitted) holding the experiment declaration, the
        session's values and its end (``STATUS_SUCCESS``), then every metric as a
        scalar of that run, which is where the dashboard reads it.

        Args:
            hparam_dict: ``{name: value}``; values are ints, floats, strings, bools
                (stored as 1.0/0.0, as torch does), one-element tensors, or None
                (left out).
            metric_dict: ``{tag: number}``; use tags that are not also ``add_scalar``
                tags of the main run, or the dashboard may show those instead.
            hparam_domain_discrete: ``{name: [every value it can take]}``, each a
                list of values of that hyperparameter's type.
            run_name: Name of the sub-run; tensorboardX's keyword ``name`` works too.
            global_step: Step of the summaries and metrics; numbered when omitted.

        Example::

            for lr in (0.1, 0.01):
                final_loss = train(lr)
                writer.add_hparams({"lr": lr, "optimizer": "sgd"}, {"hparam/loss": final_loss})
        """
        from trainboard.format.kinds.hparams import HParam

        if type(hparam_dict) is not dict:
            raise TypeError(
                f"hparam_dict must be a dict {{name: value}}, got "
                f"{type(hparam_dict).__name__} {hparam_dict!r}"
            )
        if type(metric_dict) is not dict:
            raise TypeError(
                f"metric_dict must be a dict {{tag: number}}, got "
                f"{type(metric_dict).__name__} {metric_dict!r}"
            )
        domains = _check_domains(hparam_dict, hparam_domain_discrete)
        hparams = []
        for key, raw in hparam_dict.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"hparam_dict keys must be strings, got {type(key).__name__} {key!r}"
                )
            value = _hparam_value(key, raw)
            if value is None:
                continue
            domain = domains.get(key) if not is_torch_tensor(raw) else None
            if domain is not None and isinstance(value, float):
                domain = [float(d) for d in domain]
            hparams.append(HParam(key, value, domain))
        metrics = {
            check_tag(key, "metric_dict key"): scalar_of(v, f"metric_dict[{key!r}]")
            for key, v in metric_dict.items()
        }
        self._write_session(_run_name(run_name, name), hparams, metrics, global_step)

    def _write_session(
        self, run: str, hparams: list[Any], metrics: dict[str, Any], global_step: Any
    ) -> None:
        from trainboard.format.kinds import hparams as kind

        if not self._write_to_disk:
            return
        path = os.path.join(self._get_file_writer().get_logdir(), run)
        existing = self.all_writers.get(path)
        was_open = existing is not None and existing._file is not None
        now = time.time()
        tags = list(metrics)
        summaries = (
            (kind.EXPERIMENT_TAG, lambda: [kind.experiment_value(hparams, tags)]),
            (kind.SESSION_START_INFO_TAG, lambda: [kind.session_start_value(hparams)]),
            (kind.SESSION_END_INFO_TAG, lambda: [kind.session_end_value()]),
        )
        for tag, build in summaries:
            self._submit_values(tag, build, global_step, now, run=run)
        for tag, value in metrics.items():
            self._submit_values(tag, _metric_builder(tag, value), global_step, now, run=run)
        if not was_open:
            self._close_run(path)

    def _close_run(self, path: str) -> None:
        """Close the sub-run's event file once what is queued for it is written.

        torch closes the session's writer at the end of ``add_hparams``; without
        this, a sweep of thousands of calls would hold thousands of open files.
        A later call for the same run opens a new event file.
        """
        from trainboard.writer._worker import OP_CLOSE

        writer = self.all_writers[path]
        worker, file = self._worker, writer._file
        writer._file = None
        if worker is not None and file is not None:
            worker.pending.append((OP_CLOSE, file, threading.Event()))
