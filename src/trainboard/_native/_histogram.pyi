"""Type stub of the optional C kernel (see _histogram.c)."""

from typing_extensions import Buffer

def count(
    values: Buffer, start: int, stop: int, cells: Buffer, thresholds: Buffer, counts: Buffer, /
) -> tuple[float, float, float, float]: ...
