"""Append-only numpy columns whose snapshots never change under a reader.

A :class:`Column` grows by reallocating into a larger array, and only ever writes
past the length a snapshot saw, so a snapshot (a read-only view of the first ``n``
items) stays valid and unchanged while a reload appends. Removing items (a purge)
builds a new array instead of editing the old one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Column"]

_EMPTY: dict[Any, np.ndarray] = {}


def _empty(dtype: Any) -> np.ndarray:
    """A shared read-only empty array of ``dtype`` (a new column allocates on first extend)."""
    empty = _EMPTY.get(dtype)
    if empty is None:
        empty = _EMPTY[dtype] = np.empty(0, dtype=dtype)
        empty.flags.writeable = False
    return empty


class Column:
    """A growable 1-D array of one dtype."""

    __slots__ = ("_data", "_n")

    def __init__(self, dtype: Any, data: np.ndarray | None = None) -> None:
        self._data: np.ndarray = _empty(dtype) if data is None else data
        self._n = len(self._data)

    def __len__(self) -> int:
        return self._n

    @property
    def dtype(self) -> np.dtype[Any]:
        return self._data.dtype

    def extend(self, values: Any) -> None:
        """Append ``values`` (an array or a scalar)."""
        if not self._n:  # the first values: one exact-size copy, nothing to grow yet
            first = np.array(values, dtype=self._data.dtype).reshape(-1)
            if len(first):
                self._data, self._n = first, len(first)
            return
        values = np.asarray(values, dtype=self._data.dtype).reshape(-1)
        k = len(values)
        if not k:
            return
        need = self._n + k
        if need > len(self._data) or not self._data.flags.writeable:
            grown = np.empty(max(need, self._n + self._n // 2, 16), dtype=self._data.dtype)
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n : need] = values
        self._n = need

    def adopt(self, data: np.ndarray) -> None:
        """Hold ``data`` (the same items, e.g. mapped from the index) instead of a copy."""
        assert len(data) == self._n and data.dtype == self._data.dtype
        self._data = data

    def view(self) -> np.ndarray:
        """A read-only view of the current items."""
        out: np.ndarray = self._data[: self._n].view()
        out.flags.writeable = False
        return out

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the items where ``mask`` is true (into a new array)."""
        self._data = self._data[: self._n][mask]
        self._n = len(self._data)

    def trim(self) -> None:
        """Release unused capacity once growth is unlikely (after a cold load)."""
        if len(self._data) > self._n + self._n // 8 + 16:
            self._data = self._data[: self._n].copy()
