"""trainboard: fast, lossless training dashboards for PyTorch.

``from trainboard import SummaryWriter`` is a drop-in for
``torch.utils.tensorboard.SummaryWriter`` and ``tensorboardX.SummaryWriter``;
``trainboard.open(logdir)`` reads any TensorBoard logdir back, every point of it.
Importing trainboard loads neither torch, numpy, PIL nor protobuf; they are
imported when first needed. ``from trainboard import Visdom`` (Visdom's client, for the
board's Live tab) loads ``trainboard.visdom`` on first use. ``%load_ext trainboard``
adds the ``%trainboard`` magic (``trainboard.notebook``).
"""

import typing as _typing

from trainboard._version import __version__ as __version__
from trainboard.data import open_logdir as open
from trainboard.errors import (
    CorruptRecordError as CorruptRecordError,
)
from trainboard.errors import (
    MissingDependencyError as MissingDependencyError,
)
from trainboard.errors import NotFoundError as NotFoundError
from trainboard.errors import (
    RecordError as RecordError,
)
from trainboard.errors import (
    TrainboardError as TrainboardError,
)
from trainboard.errors import (
    WriterError as WriterError,
)
from trainboard.writer import FileWriter as FileWriter
from trainboard.writer import SummaryWriter as SummaryWriter

if _typing.TYPE_CHECKING:
    from trainboard.visdom import Visdom as Visdom


__all__ = [
    "CorruptRecordError",
    "FileWriter",
    "MissingDependencyError",
    "NotFoundError",
    "RecordError",
    "SummaryWriter",
    "TrainboardError",
    "Visdom",
    "WriterError",
    "__version__",
    "load_ipython_extension",
    "open",
]


def load_ipython_extension(ipython: _typing.Any) -> None:
    """``%load_ext trainboard`` in IPython or Jupyter: adds the ``%trainboard`` line magic
    (``%trainboard --logdir runs`` shows a board inline; see :mod:`trainboard.notebook`)."""
    from trainboard.notebook import load_ipython_extension as load

    load(ipython)


def __getattr__(name: str) -> _typing.Any:
    if name == "Visdom":  # lazily: the live client pulls in http.client
        from trainboard.visdom import Visdom

        return Visdom
    raise AttributeError(f"module 'trainboard' has no attribute {name!r}")
