"""The embedding projector: ``add_embedding``'s files and ``projector_config.pbtxt``.

Embeddings are files, not events (torch's layout)::

    <log_dir>/projector_config.pbtxt         text-format ProjectorConfig, one entry per embedding
    <log_dir>/<step zfill 5>/<escaped tag>/
        tensors.tsv                          one row per point, values tab-separated
        metadata.tsv                         one label per line, or a header row + rows
        sprite.png                           the points' images in a grid, RGB

Each entry names its embedding ``"<tag>:<step zfill 5>"`` and points at its
files relative to the config's directory. TensorBoard's projector reads
``metadata.tsv`` as having a header exactly when its first line holds a tab, so
single-column metadata never gets a header. The sprite holds ``ceil(sqrt(N))``
images per row, left to right and top to bottom, and is padded at the bottom to
at least a square; the projector rejects sprites over 8192 px.

This module builds the files' contents (no I/O) and reads configs back.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from trainboard.format.paths import resolve_within
from trainboard.format.proto.projector_config_pb2 import (
    EmbeddingInfo,
    ProjectorConfig,
    SpriteMetadata,
)

__all__ = [
    "CONFIG_FILENAME",
    "MAX_SPRITE_SIZE",
    "METADATA_FILENAME",
    "PLUGIN_NAME",
    "SPRITE_FILENAME",
    "TENSORS_FILENAME",
    "VERSION",
    "config_text",
    "embedding_info",
    "embedding_subdir",
    "escape_tag",
    "iter_tensor_tsv",
    "latest_embeddings",
    "merge_config",
    "metadata_lines",
    "metadata_tsv",
    "parse_config",
    "parse_tensor_name",
    "read_config",
    "resolve_asset_path",
    "sprite_array",
    "sprite_layout",
    "sprite_png",
    "tensor_name",
]

PLUGIN_NAME = "projector"
VERSION = 0
CONFIG_FILENAME = "projector_config.pbtxt"
TENSORS_FILENAME = "tensors.tsv"
METADATA_FILENAME = "metadata.tsv"
SPRITE_FILENAME = "sprite.png"
MAX_SPRITE_SIZE = 8192  # px; the projector's MAX_SPRITE_IMAGE_SIZE_PX
_TSV_ROWS = 512  # rows formatted per chunk of tensors.tsv
_FORBIDDEN = ("\t", "\n", "\r")  # would split a metadata cell or line
_TENSOR_NAME = re.compile(r"^(.*):(-?\d+)$")  # "<tag>:<step zfill 5>"


def escape_tag(tag: str) -> str:
    """``tag`` as one directory name: ``%``, ``/`` and ``\\`` become ``%25``, ``%2f``, ``%5c``."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def embedding_subdir(tag: str, step: int) -> str:
    """The directory of an embedding's files, relative to the log directory (``/``-separated).

    The empty tag's files lie in the step's directory itself, as torch puts them.
    """
    step_dir = str(step).zfill(5)
    return f"{step_dir}/{escape_tag(tag)}" if tag else step_dir


def tensor_name(tag: str, step: int) -> str:
    """The name the projector lists an embedding under: ``"<tag>:<step zfill 5>"``."""
    return f"{tag}:{str(step).zfill(5)}"


def parse_tensor_name(name: str) -> tuple[str, int | None]:
    """``(tag, step)`` of a name made by :func:`tensor_name`; ``(name, None)`` for any other."""
    match = _TENSOR_NAME.match(name)
    return (match.group(1), int(match.group(2))) if match else (name, None)


def embedding_info(
    tag: str, step: int, *, has_metadata: bool, image_size: tuple[int, int] | None
) -> EmbeddingInfo:
    """The config entry of one embedding; ``image_size`` is a label image's ``(width, height)``."""
    subdir = embedding_subdir(tag, step)
    info = EmbeddingInfo(tensor_name=tensor_name(tag, step), tensor_path=f"{subdir}/tensors.tsv")
    if has_metadata:
        info.metadata_path = f"{subdir}/{METADATA_FILENAME}"
    if image_size is not None:
        info.sprite.CopyFrom(
            SpriteMetadata(image_path=f"{subdir}/{SPRITE_FILENAME}", single_image_dim=image_size)
        )
    return info


# ------------------------------------------------------------------ tensors.tsv


def iter_tensor_tsv(mat: np.ndarray) -> Iterator[bytes]:
    """``tensors.tsv`` of a 2-D numeric array, in chunks.

    Each value is written as ``str()`` of the Python number it converts to (so a
    float32 0.1 is ``0.10000000149011612``), exactly as torch writes it.
    """
    for start in range(0, mat.shape[0], _TSV_ROWS):
        rows = mat[start : start + _TSV_ROWS].tolist()
        yield "".join(["\t".join(map(str, row)) + "\n" for row in rows]).encode("utf-8")


# ------------------------------------------------------------------ metadata.tsv


def _cell(value: Any, where: str) -> str:
    text = str(value)
    if any(c in text for c in _FORBIDDEN):
        raise ValueError(
            f"{where} is {text!r}: metadata cannot hold tabs or line breaks (they would "
            "split the TSV file)"
        )
    return text


def _as_list(values: Any, name: str) -> list[Any]:
    if hasattr(values, "tolist") and not isinstance(values, (str, bytes)):
        values = values.tolist()  # numpy arrays and tensors: labels as Python values
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(
            f"{name} must be a list (or array) with one entry per point, got "
            f"{type(values).__name__} {values!r}"
        )
    return list(values)


def metadata_lines(metadata: Any, metadata_header: Any, count: int) -> list[str]:
    """The lines of ``metadata.tsv``, validated against ``count`` points.

    Without ``metadata_header`` (or with a one-column header) each label is
    ``str(label)`` on its own line. With a header of two or more columns, the
    header comes first and each point's row must have one value per column.

    Raises:
        ValueError: on a wrong number of labels or columns, or a tab or line break
            inside a value.
        TypeError: if ``metadata`` or a row is not a list.
    """
    labels = _as_list(metadata, "metadata")
    if len(labels) != count:
        raise ValueError(
            f"metadata has {len(labels)} labels but mat has {count} rows; give one label per row"
        )
    header = [] if metadata_header is None else _as_list(metadata_header, "metadata_header")
    if len(header) <= 1:
        if header:  # one column: a header line would be read as a label (no tab in it)
            labels = [_single(row, i) for i, row in enumerate(labels)]
        return [_cell(label, f"metadata[{i}]") for i, label in enumerate(labels)]
    lines = ["\t".join(_cell(h, f"metadata_header[{i}]") for i, h in enumerate(header))]
    for i, row in enumerate(labels):
        cells = _as_list(row, f"metadata[{i}]") if not isinstance(row, (str, bytes)) else None
        if cells is None or len(cells) != len(header):
            raise ValueError(
                f"metadata[{i}] is {row!r}: with metadata_header of {len(header)} columns "
                f"{header!r}, each row must be a list of {len(header)} values"
            )
        lines.append("\t".join(_cell(c, f"metadata[{i}][{j}]") for j, c in enumerate(cells)))
    return lines


def _single(row: Any, index: int) -> Any:
    if isinstance(row, (list, tuple)):
        if len(row) != 1:
            raise ValueError(
                f"metadata[{index}] is {row!r}: with a one-column metadata_header each "
                "row must hold one value"
            )
        return row[0]
    return row


def metadata_tsv(lines: Sequence[str]) -> bytes:
    """``metadata.tsv`` from :func:`metadata_lines`: the lines, each ended by a newline."""
    return ("\n".join(lines) + "\n").encode("utf-8")


# ------------------------------------------------------------------ sprite.png


def sprite_layout(count: int, height: int, width: int) -> tuple[int, int]:
    """``(columns, sprite_height)`` for ``count`` images: ``ceil(sqrt(count))`` per row.

    The sprite is ``columns * width`` wide and padded at the bottom to at least a
    square. Raises ``ValueError`` when a side exceeds :data:`MAX_SPRITE_SIZE`.
    """
    columns = math.isqrt(count - 1) + 1 if count > 0 else 1
    rows = -(-count // columns)
    sprite_width = columns * width
    sprite_height = max(rows * height, sprite_width)
    if max(sprite_width, sprite_height) > MAX_SPRITE_SIZE:
        raise ValueError(
            f"label_img of {count} images of {height}x{width} px makes a "
            f"{sprite_width}x{sprite_height} px sprite; the projector shows sprites up to "
            f"{MAX_SPRITE_SIZE} px a side: use smaller images or fewer points"
        )
    return columns, sprite_height


def _to_uint8(images: np.ndarray) -> np.ndarray:
    """Pixels in 0..255: uint8 as it is, anything else as 0..1 scaled (truncated, as torch does)."""
    if images.dtype == np.uint8:
        return images
    scaled = np.clip(images.astype(np.float64) * 255.0, 0.0, 255.0)
    scaled[np.isnan(scaled)] = 0.0
    return scaled.astype(np.uint8)


def sprite_array(images: np.ndarray) -> np.ndarray:
    """Arrange ``(N, C, H, W)`` images (C = 1 or 3) into the sprite: ``(h, w, 3)`` uint8."""
    count, channels, height, width = images.shape
    columns, sprite_height = sprite_layout(count, height, width)
    rows = -(-count // columns)
    pixels = _to_uint8(images)
    if channels == 1:
        pixels = np.repeat(pixels, 3, axis=1)
    grid = np.zeros((rows * columns, 3, height, width), dtype=np.uint8)
    grid[:count] = pixels
    grid = grid.reshape(rows, columns, 3, height, width).transpose(0, 3, 1, 4, 2)
    sprite = np.zeros((sprite_height, columns * width, 3), dtype=np.uint8)
    sprite[: rows * height] = grid.reshape(rows * height, columns * width, 3)
    return sprite


def sprite_png(images: np.ndarray) -> bytes:
    """``sprite.png``: :func:`sprite_array` encoded as an RGB PNG."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(sprite_array(images), "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


# ------------------------------------------------------------------ projector_config.pbtxt


def config_text(config: ProjectorConfig) -> str:
    """``projector_config.pbtxt``'s content: ``config`` in protobuf text format."""
    from google.protobuf import text_format

    return text_format.MessageToString(config)


def parse_config(text: str) -> ProjectorConfig:
    """Parse ``projector_config.pbtxt`` text (ours, torch's or tensorboardX's appended blocks)."""
    from google.protobuf import text_format

    return text_format.Parse(text, ProjectorConfig())


def latest_embeddings(config: ProjectorConfig) -> list[EmbeddingInfo]:
    """The config's entries, one per ``tensor_name``, in config order.

    tensorboardX appends to the config, so a name may appear more than once: the
    last entry of a name wins, at the place of the first.
    """
    latest = {info.tensor_name: info for info in config.embeddings}
    return [latest[name] for name in dict.fromkeys(info.tensor_name for info in config.embeddings)]


def merge_config(
    existing: ProjectorConfig | None, ours: Iterable[EmbeddingInfo]
) -> ProjectorConfig:
    """``existing`` with ``ours`` merged in by ``tensor_name``: ours replace theirs in place.

    Entries of ``existing`` that ``ours`` does not name are kept (torch drops them),
    and ``ours`` that are new are appended in order.
    """
    mine = {info.tensor_name: info for info in ours}
    names = set(mine)
    config = ProjectorConfig()
    if existing is not None:
        config.CopyFrom(existing)
        del config.embeddings[:]
        for info in existing.embeddings:
            if info.tensor_name not in names:
                config.embeddings.append(info)
            elif info.tensor_name in mine:  # the first entry of that name becomes ours
                config.embeddings.append(mine.pop(info.tensor_name))
    config.embeddings.extend(mine.values())
    return config


def resolve_asset_path(path: str, config_dir: str) -> str:
    """The real path of an asset a config names, which must lie inside the config's directory.

    Relative paths are taken from ``config_dir``; symlinks are resolved first.

    Raises:
        ValueError: if the path resolves outside ``config_dir``.
    """
    root, found, inside = resolve_within(os.path.expanduser(path), config_dir)
    if not inside:
        raise ValueError(
            f"projector asset path {path!r} resolves to {found!r}, outside the config's "
            f"directory {root!r}"
        )
    return found


def read_config(path: str | os.PathLike[str]) -> ProjectorConfig:
    """Read a ``projector_config.pbtxt``, with every asset path made absolute and checked.

    Raises:
        ValueError: if an asset path escapes the config's directory, or the file
            does not parse.
        OSError: if the file cannot be read.
    """
    from google.protobuf import text_format

    path = os.fspath(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        config = parse_config(text)
    except text_format.ParseError as exc:
        raise ValueError(f"{path!r} is not a valid projector config: {exc}") from exc
    config_dir = os.path.dirname(os.path.abspath(path))
    for info in config.embeddings:
        for field in ("tensor_path", "metadata_path", "bookmarks_path"):
            if getattr(info, field):
                setattr(info, field, resolve_asset_path(getattr(info, field), config_dir))
        if info.sprite.image_path:
            info.sprite.image_path = resolve_asset_path(info.sprite.image_path, config_dir)
    return config
