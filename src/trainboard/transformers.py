"""A Hugging Face ``transformers`` callback that logs through trainboard.

:class:`TrainboardCallback` logs what ``TensorBoardCallback`` logs, through
:class:`trainboard.SummaryWriter`, for the whole life of the ``Trainer``::

    from transformers import Trainer
    from trainboard.transformers import TrainboardCallback

    trainer = Trainer(model, args, train_dataset=..., eval_dataset=...,
                      callbacks=[TrainboardCallback()])
    trainer.train()
    trainer.evaluate()        # logged to the same run

``TensorBoardCallback(tb_writer=...)`` closes the writer it was given when training ends,
and a later ``evaluate()`` then opens a new ``torch.utils.tensorboard``/``tensorboardX``
writer of its own, in another directory. This callback keeps its writer (flushed, not
closed) until :meth:`TrainboardCallback.close` or the end of the process.

Logged, as ``TensorBoardCallback`` does: every number ``Trainer.log`` reports as a scalar
(``train/loss``, ``train/learning_rate``, ``eval/loss``, ...: ``eval_``/``test_`` prefixes
become ``eval/``/``test/``, anything else gets ``train/``), strings as text; the
``TrainingArguments`` (text ``args``) and the model's config (text ``model_config``) when
training begins. The ``TrainingArguments`` are also the run's hyperparameters in the HParams
dashboard, with every metric logged in the run declared when training ends.

Needs ``transformers`` (``pip install 'trainboard[transformers]'``); importing this module
without it raises :class:`trainboard.MissingDependencyError`. Leave ``report_to`` without
``"tensorboard"`` (its default is ``"none"``), or both callbacks log.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import socket
from typing import Any

from trainboard._hparams_session import RunSession, flat_hparams
from trainboard.errors import MissingDependencyError

try:
    from transformers import TrainerCallback
except ImportError as error:  # pragma: no cover - depends on the environment
    raise MissingDependencyError(
        "trainboard.transformers needs Hugging Face transformers: "
        "pip install 'trainboard[transformers]' (or pip install transformers); "
        f"importing it failed: {error}"
    ) from error

from trainboard.writer import SummaryWriter

__all__ = ["TrainboardCallback"]

_log = logging.getLogger(__name__)


def _tag(key: str) -> str:
    """``Trainer.log``'s key as TensorBoardCallback names it: ``eval_loss`` -> ``eval/loss``."""
    for prefix in ("eval", "test"):
        if key.startswith(prefix + "_"):
            return f"{prefix}/{key[len(prefix) + 1:]}"
    return f"train/{key}"


def _json_text(text: str) -> str:
    """JSON as a Markdown code block, so the Text dashboard shows it indented."""
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), indent=2, sort_keys=True)
    return f"```json\n{text}\n```"


class TrainboardCallback(TrainerCallback):
    """Logs a ``Trainer``'s metrics, arguments and model config to one trainboard run.

    Args:
        log_dir: The run's directory. Default: ``$TENSORBOARD_LOGGING_DIR`` if set, else
            ``<output_dir>/runs/<date>_<host>`` as ``TensorBoardCallback`` picks it.
        writer: A :class:`trainboard.SummaryWriter` to log into instead (``log_dir`` is
            then its own); the callback never closes a writer it was given.

    Only the main process (``state.is_world_process_zero``) logs.
    """

    def __init__(
        self, log_dir: str | os.PathLike[str] | None = None, *,
        writer: SummaryWriter | None = None,
    ) -> None:
        if writer is not None and log_dir is not None:
            raise TypeError("give log_dir or writer, not both")
        self._log_dir = None if log_dir is None else os.fspath(log_dir)
        self._writer = writer
        self._own_writer = writer is None
        self._session = RunSession()
        self._described = False  # args, config and hyperparameters written

    @property
    def writer(self) -> SummaryWriter | None:
        """The run's writer (None until the Trainer first logs, or after :meth:`close`)."""
        return self._writer

    def _writer_for(self, args: Any) -> SummaryWriter:
        if self._writer is None:
            if self._log_dir is None:
                env = os.environ.get("TENSORBOARD_LOGGING_DIR")
                stamp = datetime.datetime.now().strftime("%b%d_%H-%M-%S")
                default = os.path.join(args.output_dir, "runs", f"{stamp}_{socket.gethostname()}")
                self._log_dir = os.path.expanduser(env) if env else default
            # The Trainer calls its callbacks on the main process only: one run, no rank folder.
            self._writer = SummaryWriter(log_dir=self._log_dir, rank=None)
            self._own_writer = True
        return self._writer

    def _describe(self, args: Any, model: Any) -> None:
        """The arguments and model config as text, the arguments as hyperparameters."""
        if self._described:
            return
        self._described = True
        writer = self._writer_for(args)
        writer.add_text("args", _json_text(args.to_json_string()))
        config = getattr(model, "config", None)
        if config is not None and hasattr(config, "to_json_string"):
            writer.add_text("model_config", _json_text(config.to_json_string()))
        self._session.start(writer, flat_hparams(args.to_sanitized_dict()))

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero:
            self._describe(args, kwargs.get("model"))

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if not state.is_world_process_zero or not logs:
            return
        writer = self._writer_for(args)
        for key, value in logs.items():
            tag = _tag(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                writer.add_scalar(tag, value, state.global_step)
                self._session.metrics([tag])
            elif isinstance(value, str):
                writer.add_text(tag, value, state.global_step)
            else:
                _log.warning("trainboard: not logging %s=%r (a %s, not a number or a string)",
                             key, value, type(value).__name__)

    def on_evaluate(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero and self._writer is not None:
            self._writer.flush()

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        """Declare the run's metrics to HParams with the session's end; flush, keep open."""
        if not state.is_world_process_zero or self._writer is None:
            return
        self._session.end(self._writer, "STATUS_SUCCESS")
        self._writer.flush()

    def close(self) -> None:
        """Close the writer if the callback opened it (a later log opens a new event file)."""
        if self._writer is not None and self._own_writer:
            self._writer.close()
