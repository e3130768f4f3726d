"""Paths named by a file or a request, resolved inside a directory they may not leave."""

from __future__ import annotations

import os

__all__ = ["resolve_within"]


def resolve_within(path: str, directory: str) -> tuple[str, str, bool]:
    """``(real directory, real path, whether it is inside)`` of ``path`` taken relative to
    ``directory``; symlinks are resolved first, so ``..``, an absolute path elsewhere or a
    link pointing out are all outside.
    """
    root = os.path.realpath(directory)
    found = os.path.realpath(os.path.join(root, path))
    try:
        inside = os.path.commonpath([root, found]) == root
    except ValueError:  # another drive, on Windows only
        inside = False
    return root, found, inside
