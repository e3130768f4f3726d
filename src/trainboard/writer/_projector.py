"""add_embedding."""

from __future__ import annotations

from trainboard.writer._base import WriterBase

__all__ = ["ProjectorMethods"]


class ProjectorMethods(WriterBase):
    """add_embedding; mixed into :class:`~trainboard.SummaryWriter`."""
