"""add_text, add_pr_curve(_raw), add_custom_scalars*, add_mesh, add_hparams."""

from __future__ import annotations

from trainboard.writer._base import WriterBase

__all__ = ["PluginMethods"]


class PluginMethods(WriterBase):
    """add_text, add_pr_curve(_raw), add_custom_scalars*, add_mesh, add_hparams; mixed into :class:`~trainboard.SummaryWriter`."""
