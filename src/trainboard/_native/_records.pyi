"""Types of the compiled data-layer kernel (``_records.c``)."""

from typing import Any

ROW_SIZE: int

def scan(
    buffer: Any, start: int, end: int, base: int, check_crc: bool, rows: Any, /
) -> tuple[int, int, tuple[bytes, ...], int]: ...
def ema(values: Any, out: Any, weight: float, /) -> None: ...
def ema_weighted(x: Any, values: Any, out: Any, weight: float, scale: float, /) -> None: ...
