"""Recognizing the sub-runs that ``add_scalars`` and ``add_hparams`` create.

* torch's ``add_scalars(main_tag, {key: v})`` writes tag ``main_tag`` into the run
  ``<run>/<main_tag with "/" -> "_">_<key>`` (trainboard does the same);
* tensorboardX's writes it into ``<run>/<main_tag>/<key>``;
* ``add_hparams`` writes ``_hparams_/session_start_info`` into ``<run>/<name>``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import Literal

__all__ = ["HPARAMS_START_TAG", "infer_sub_run"]

HPARAMS_START_TAG = "_hparams_/session_start_info"

SubRun = tuple[str | None, str | None, Literal["scalars", "hparams"] | None]


def infer_sub_run(name: str, tags: Sequence[str]) -> SubRun:
    """``(parent, main_tag, kind)`` of run ``name`` holding ``tags``, or all None."""
    if name == ".":
        return None, None, None
    parent = posixpath.dirname(name) or "."
    if HPARAMS_START_TAG in tags:
        return parent, None, "hparams"
    if len(tags) != 1:
        return None, None, None
    (tag,) = tags
    base = posixpath.basename(name)
    prefix = tag.replace("/", "_") + "_"
    if base.startswith(prefix) and len(base) > len(prefix):
        return parent, tag, "scalars"
    if parent == tag or parent.endswith("/" + tag):
        grandparent = parent[: len(parent) - len(tag)].rstrip("/") or "."
        return grandparent, tag, "scalars"
    return None, None, None
