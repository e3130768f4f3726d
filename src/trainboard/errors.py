"""The exceptions trainboard raises.

Every exception is a subclass of :class:`TrainboardError`, and where it also fits
a built-in category it subclasses that too, so ``except ValueError`` keeps working
for code written against ``torch.utils.tensorboard``::

    TrainboardError
    ├── RecordError(ValueError)            bytes on disk are not a valid TFRecord
    │   └── CorruptRecordError             a record's CRC32C does not match
    ├── NotFoundError(KeyError)            a run, tag or blob the data layer does not have
    ├── WriterError(RuntimeError)          the background writer failed (disk full, a value
    │                                      that could not be encoded); raised on the next call
    └── MissingDependencyError(ImportError) an optional package (torch, matplotlib, onnx, ...)
                                           is needed for the call that was made

Bad arguments raise plain ``TypeError`` / ``ValueError`` naming the argument, the bad
value and what was expected, as the standard library does.
"""

from __future__ import annotations

__all__ = [
    "CorruptRecordError",
    "MissingDependencyError",
    "NotFoundError",
    "RecordError",
    "TrainboardError",
    "WriterError",
]


class TrainboardError(Exception):
    """Base class of every exception raised by trainboard."""


class RecordError(TrainboardError, ValueError):
    """Bytes that should hold TFRecord-framed events do not."""


class CorruptRecordError(RecordError):
    """A record's length or payload does not match its masked CRC32C."""

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class NotFoundError(TrainboardError, KeyError):
    """A run, tag or blob that the data layer does not have."""

    def __str__(self) -> str:  # KeyError's repr()-quoting garbles messages
        return str(self.args[0]) if self.args else ""


class WriterError(TrainboardError, RuntimeError):
    """The background writer failed; raised on the next call into the writer."""


class MissingDependencyError(TrainboardError, ImportError):
    """An optional dependency needed for this call is not installed."""
