"""add_histogram, add_histogram_raw."""

from __future__ import annotations

from trainboard.writer._base import WriterBase

__all__ = ["HistogramMethods"]


class HistogramMethods(WriterBase):
    """add_histogram, add_histogram_raw; mixed into :class:`~trainboard.SummaryWriter`."""
