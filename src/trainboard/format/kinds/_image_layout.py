"""Pixel layout shared by images and videos: ``dataformats``, grids, and 8-bit scaling.

These are torch's rules (``torch.utils.tensorboard._utils`` and ``summary``), so the
pixels we encode equal torch's:

- ``dataformats`` names the axes with the letters N, C, H, W (T too for videos) in
  any order, any case. Two letters are a grayscale ``HW`` image, three a single
  image, four a batch tiled into one grid image (:func:`make_grid`).
- One channel becomes three (gray RGB); three are RGB, four RGBA.
- ``uint8`` values are kept; every other dtype is scaled by 255 (in float32),
  clipped to [0, 255] and truncated to ``uint8``. NaN becomes 0.
- A video batch is tiled into a power-of-two grid (:func:`tile_video`).

The ``check_*`` functions look only at shapes, so the writer runs them on the
calling thread before any pixel is touched.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "GRID_COLUMNS",
    "check_image_layout",
    "check_video_layout",
    "image_size",
    "make_grid",
    "tile_video",
    "to_hwc",
    "to_uint8",
]

GRID_COLUMNS = 8  # images per grid row, as torch's make_grid
_CHANNELS = (1, 3, 4)
_IMAGE_LETTERS = {2: "HW", 3: "CHW", 4: "NCHW"}


def _normalize(dataformats: object, letters: str, name: str) -> str:
    if not isinstance(dataformats, str):
        raise TypeError(f"{name} must be a str such as {letters!r}, got {dataformats!r}")
    upper = dataformats.upper()
    if len(upper) != len(letters) or set(upper) != set(letters):
        raise ValueError(
            f"{name}={dataformats!r} must name each of the axes {', '.join(letters)} once "
            f"(in any order, e.g. {letters!r})"
        )
    return upper


def _axes(shape: tuple[int, ...], fmt: str) -> str:
    return ", ".join(f"{letter}={size}" for letter, size in zip(fmt, shape, strict=True))


def check_image_layout(
    shape: tuple[int, ...], dataformats: object, name: str = "img_tensor"
) -> str:
    """Validate that ``dataformats`` describes an image (or batch) of ``shape``.

    Returns ``dataformats`` upper-cased. Raises ``ValueError`` naming the shape and
    the format when they do not fit, or when the channel count is not 1, 3 or 4.
    """
    if isinstance(dataformats, str) and len(dataformats) in _IMAGE_LETTERS:
        fmt = _normalize(dataformats, _IMAGE_LETTERS[len(dataformats)], "dataformats")
    else:
        fmt = _normalize(dataformats, "CHW", "dataformats")  # raises with the usual example
    if len(shape) != len(fmt):
        hint = ""
        if len(shape) == 4 and len(fmt) == 3:
            hint = "; for a batch of images use add_images or dataformats='NCHW'"
        raise ValueError(
            f"{name} has shape {tuple(shape)} ({len(shape)} dims) but dataformats="
            f"{dataformats!r} describes {len(fmt)} dims{hint}"
        )
    sizes = dict(zip(fmt, shape, strict=True))
    if sizes.get("C", 1) not in _CHANNELS:
        raise ValueError(
            f"dataformats={dataformats!r} reads {name} of shape {tuple(shape)} as "
            f"{_axes(shape, fmt)}, but C must be 1 (gray), 3 (RGB) or 4 (RGBA)"
            f"{_channels_last_hint(shape, fmt)}"
        )
    if min(shape) == 0:
        raise ValueError(f"{name} is empty: shape {tuple(shape)} ({_axes(shape, fmt)})")
    return fmt


def _channels_last_hint(shape: tuple[int, ...], fmt: str) -> str:
    """The fix for the usual mistake, channels last (an H×W×3 array) read as ``CHW``."""
    channels_last = fmt.replace("C", "") + "C"
    if fmt.endswith("C") or shape[-1] not in _CHANNELS:
        return ""
    return (
        f"; for channels last (shape {_axes(shape, channels_last)}) pass "
        f"dataformats={channels_last!r}"
    )


def check_video_layout(
    shape: tuple[int, ...], dataformats: object, name: str = "vid_tensor"
) -> str:
    """Validate that ``dataformats`` (N, T, C, H, W in any order) describes ``shape``."""
    fmt = _normalize(dataformats, "NTCHW", "dataformats")
    if len(shape) != 5:
        raise ValueError(
            f"{name} must have 5 dims ({fmt}), got shape {tuple(shape)} ({len(shape)} dims)"
        )
    sizes = dict(zip(fmt, shape, strict=True))
    if sizes["C"] not in _CHANNELS:
        raise ValueError(
            f"dataformats={dataformats!r} reads {name} of shape {tuple(shape)} as "
            f"{_axes(shape, fmt)}, but C must be 1 (gray), 3 (RGB) or 4 (RGBA)"
        )
    if min(shape) == 0:
        raise ValueError(f"{name} is empty: shape {tuple(shape)} ({_axes(shape, fmt)})")
    return fmt


def image_size(shape: tuple[int, ...], fmt: str) -> tuple[int, int]:
    """Height and width of the image :func:`to_hwc` makes of ``shape`` laid out as ``fmt``."""
    sizes = dict(zip(fmt, shape, strict=True))
    height, width = sizes["H"], sizes["W"]
    if "N" in sizes:
        ncols = min(sizes["N"], GRID_COLUMNS)
        return height * -(-sizes["N"] // ncols), width * ncols
    return height, width


def make_grid(nchw: np.ndarray, ncols: int = GRID_COLUMNS) -> np.ndarray:
    """Tile ``(N, C, H, W)`` images into one ``(C, rows*H, cols*W)`` image, row by row.

    No padding; unused cells are zero; one channel becomes three.
    """
    if nchw.shape[1] == 1:
        nchw = np.concatenate([nchw, nchw, nchw], axis=1)
    n, c, h, w = nchw.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((c, h * nrows, w * ncols), dtype=nchw.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h : (y + 1) * h, x * w : (x + 1) * w] = nchw[i]
    return canvas


def to_hwc(array: np.ndarray, fmt: str) -> np.ndarray:
    """``array`` laid out as ``fmt`` (checked by :func:`check_image_layout`) as one HWC image."""
    if len(fmt) == 4:
        nchw = array.transpose([fmt.index(c) for c in "NCHW"])
        grid: np.ndarray = make_grid(nchw).transpose(1, 2, 0)
        return grid
    if len(fmt) == 3:
        hwc: np.ndarray = array.transpose([fmt.index(c) for c in "HWC"])
        if hwc.shape[2] == 1:
            hwc = np.concatenate([hwc, hwc, hwc], axis=2)
        return hwc
    hw = array.transpose([fmt.index(c) for c in "HW"])
    return np.stack([hw, hw, hw], axis=2)


def to_uint8(array: np.ndarray) -> np.ndarray:
    """Pixels as ``uint8``: kept if already ``uint8``, else ``x * 255`` clipped (torch's rule)."""
    if array.dtype == np.uint8:
        return array
    scaled = array.astype(np.float32) * np.float32(255)
    np.clip(scaled, 0, 255, out=scaled)
    nan = np.isnan(scaled)
    if nan.any():
        scaled[nan] = 0  # a cast of NaN is undefined in C; torch gets 0 on x86
    pixels: np.ndarray = scaled.astype(np.uint8)
    return pixels


def tile_video(array: np.ndarray, fmt: str) -> np.ndarray:
    """``array`` laid out as ``fmt`` as ``(T, H', W', C)`` frames, the batch tiled as torch does.

    The batch is padded with black videos to a power of two ``2**k``, then laid out
    in ``2**(k//2)`` rows (so 16 videos make a 4x4 grid, 8 make 2x4).
    """
    video = array.transpose([fmt.index(c) for c in "NTCHW"])
    n, t, c, h, w = video.shape
    padded = 1 << (n - 1).bit_length()
    if padded != n:
        pad = np.zeros((padded - n, t, c, h, w), dtype=video.dtype)
        video = np.concatenate([video, pad], axis=0)
    rows = 1 << ((n.bit_length() - 1) // 2)
    cols = padded // rows
    grid = video.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    frames: np.ndarray = grid.reshape(t, rows * h, cols * w, c)
    return frames
