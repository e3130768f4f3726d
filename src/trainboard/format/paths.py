"""Local paths: those named by a file or a request, resolved inside a directory they may
not leave; and trainboard's folder in the user's cache directory."""

from __future__ import annotations

import os
import sys

__all__ = ["resolve_within", "user_cache_dir"]


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


def user_cache_dir() -> str:
    """trainboard's folder in the user's cache directory: ``$XDG_CACHE_HOME/trainboard``
    (``~/.cache/trainboard``) on Linux, ``~/Library/Caches/trainboard`` on macOS,
    ``%LOCALAPPDATA%\\trainboard\\Cache`` on Windows.
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "trainboard", "Cache")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/trainboard")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "trainboard")
