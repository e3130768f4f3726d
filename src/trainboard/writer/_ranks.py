"""Which process of a distributed job a writer belongs to, and the directory it writes.

A run written by several processes keeps each rank's event files in a directory of
its own, ``<log_dir>/rank_<N>``, so that every reader (TensorBoard's included, which
reads the files of one directory one after another as one stream) reads each rank as
a series of its own; the data layer recognises the ``rank_<N>`` directories
(``data/_subruns.py``) and shows the run once with its ranks.

:func:`resolve_rank` decides the rank, in this order:

1. an explicit ``rank=N`` (an int >= 0): that rank, whatever the world size;
   ``rank=None``: no rank directory (one process's layout, even under torchrun);
2. ``rank="auto"`` (the default): ``torch.distributed``, when torch is imported
   already and a process group is initialised with a world size above 1: its
   ``get_rank()``;
3. else the environment torchrun (and most launchers) set: ``WORLD_SIZE`` above 1
   and ``RANK`` (``LOCAL_RANK`` when ``RANK`` is missing; unique on one node only);
4. else None: a single process writes ``log_dir`` itself, unchanged.

torch is never imported here: a training script that uses it has imported it.
"""

from __future__ import annotations

import logging
import operator
import os
import sys
from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["RankArg", "rank_directory", "resolve_rank"]

log = logging.getLogger("trainboard.writer")

RankArg = int | Literal["auto"] | None


def rank_directory(rank: int) -> str:
    """The name of rank ``rank``'s directory inside its run: ``rank_<N>``."""
    return f"rank_{rank}"


def _env_int(environ: Mapping[str, str], name: str) -> int | None:
    text = environ.get(name)
    if text is None or text.strip() == "":
        return None
    try:
        return int(text)
    except ValueError:
        log.warning("trainboard: ignoring %s=%r, which is not an integer", name, text)
        return None


def _torch_rank() -> int | None:
    """``torch.distributed``'s rank when a process group of 2 or more is initialised."""
    if "torch" not in sys.modules:
        return None
    try:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            return int(dist.get_rank())
    except Exception as exc:  # a broken or partial torch install never stops logging
        log.debug("trainboard: torch.distributed's rank is unavailable: %s", exc)
    return None


def _environment_rank(environ: Mapping[str, str]) -> int | None:
    world = _env_int(environ, "WORLD_SIZE")
    if world is None or world <= 1:
        return None
    rank = _env_int(environ, "RANK")
    if rank is None:
        rank = _env_int(environ, "LOCAL_RANK")
    return rank if rank is not None and 0 <= rank < world else None


def resolve_rank(rank: Any = "auto", environ: Mapping[str, str] | None = None) -> int | None:
    """The rank whose directory a writer writes into, or None for none (module docstring).

    Raises:
        ValueError: ``rank`` is not ``"auto"``, None or an int >= 0.

    Example::

        resolve_rank("auto", {"WORLD_SIZE": "4", "RANK": "2"})  # 2
        resolve_rank("auto", {"WORLD_SIZE": "1", "RANK": "0"})  # None
    """
    if rank is None:
        return None
    if isinstance(rank, str) and rank == "auto":
        found = _torch_rank()
        if found is not None:
            return found
        return _environment_rank(os.environ if environ is None else environ)
    try:
        value = None if isinstance(rank, (bool, str)) else operator.index(rank)
    except TypeError:
        value = None
    if value is None or value < 0:
        raise ValueError(f"rank must be 'auto', None or an int >= 0, got {rank!r}")
    return value
