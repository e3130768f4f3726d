"""add_graph, add_onnx_graph."""

from __future__ import annotations

from trainboard.writer._base import WriterBase

__all__ = ["GraphMethods"]


class GraphMethods(WriterBase):
    """add_graph, add_onnx_graph; mixed into :class:`~trainboard.SummaryWriter`."""
