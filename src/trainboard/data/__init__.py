"""The data layer: read any TensorBoard logdir losslessly, fast and incrementally.

* :func:`open_logdir` (exported as ``trainboard.open``): the Python read API.
* :class:`DataProvider`: the interface the server and every dashboard read
  through, with :class:`LogdirProvider` as its implementation over a logdir.

Importing this package is light; numpy and protobuf load on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from trainboard.data.provider import BlobRef as BlobRef
from trainboard.data.provider import BlobSequencePoint as BlobSequencePoint
from trainboard.data.provider import BlobSequenceSeries as BlobSequenceSeries
from trainboard.data.provider import BlobSequenceSteps as BlobSequenceSteps
from trainboard.data.provider import DataClass as DataClass
from trainboard.data.provider import DataProvider as DataProvider
from trainboard.data.provider import LoadWarning as LoadWarning
from trainboard.data.provider import ReloadReport as ReloadReport
from trainboard.data.provider import Run as Run
from trainboard.data.provider import ScalarSeries as ScalarSeries
from trainboard.data.provider import ScalarView as ScalarView
from trainboard.data.provider import TagInfo as TagInfo
from trainboard.data.provider import TensorSeries as TensorSeries

if TYPE_CHECKING:
    from trainboard.data.api import Logdir as Logdir
    from trainboard.data.logdir import LogdirProvider as LogdirProvider

__all__ = [
    "BlobRef",
    "BlobSequencePoint",
    "BlobSequenceSeries",
    "BlobSequenceSteps",
    "DataClass",
    "DataProvider",
    "LoadWarning",
    "Logdir",
    "LogdirProvider",
    "ReloadReport",
    "Run",
    "ScalarSeries",
    "ScalarView",
    "TagInfo",
    "TensorSeries",
    "open_logdir",
]


def open_logdir(
    logdir: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    check_crc: bool = True,
) -> Logdir:
    """Open a TensorBoard logdir for reading; see :func:`trainboard.data.api.open_logdir`.

    Example::

        lg = open_logdir("runs")
        print(lg.runs, lg.scalars(lg.runs[0], "loss").values)
    """
    from trainboard.data.api import open_logdir as _open

    return _open(logdir, cache_dir=cache_dir, use_cache=use_cache, check_crc=check_crc)


def __getattr__(name: str) -> Any:
    if name == "Logdir":
        from trainboard.data.api import Logdir

        return Logdir
    if name == "LogdirProvider":
        from trainboard.data.logdir import LogdirProvider

        return LogdirProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
