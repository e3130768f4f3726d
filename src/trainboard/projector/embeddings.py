"""The projector's files, read through the provider: which embeddings a run has, and their data.

``add_embedding`` (ours, torch's, tensorboardX's) writes files, not events: a
``projector_config.pbtxt`` in a run's directory (or the logdir root) naming, per
embedding, a ``tensors.tsv``, an optional ``metadata.tsv`` and an optional sprite,
at paths relative to the config's directory. The config is parsed by
:mod:`trainboard.format.kinds.projector`; every file is read with
:meth:`~trainboard.data.provider.DataProvider.open_run_file`, so a path that leaves
the config's directory is refused (that embedding reports an error; the others load).

Tensors are parsed once per file version
(:meth:`~trainboard.data.provider.DataProvider.run_file_version`) and kept in memory
(least recently used first out, bounded in bytes) and, with a cache directory, as
``.npy`` files there.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from trainboard.errors import NotFoundError
from trainboard.format.kinds import projector

if TYPE_CHECKING:
    import numpy as np

    from trainboard.data.provider import DataProvider
    from trainboard.format.proto.projector_config_pb2 import EmbeddingInfo

__all__ = [
    "Embedding",
    "Metadata",
    "TensorStore",
    "find_embedding",
    "parse_metadata",
    "parse_tensor_tsv",
    "read_embeddings",
    "read_metadata",
    "read_sprite",
]

SINGLE_COLUMN = "label"  # the name of a header-less metadata file's one column


@dataclass(frozen=True, slots=True)
class Embedding:
    """One entry of a run's projector config, with its paths checked.

    Attributes:
        run: The run (``"."`` for the logdir root).
        name: The config's ``tensor_name`` (``"<tag>:<step zfill 5>"`` from add_embedding).
        tag: ``name`` without its ``:<step>`` suffix.
        step: The step of that suffix, or None when ``name`` has none.
        tensor_path, metadata_path, sprite_path: As the config names them (relative
            to the run's directory), or None when absent or refused (see ``error``).
        tensor_shape: The config's ``tensor_shape`` (often empty).
        sprite_size: One thumbnail's ``(width, height)``, or None.
        error: Why the embedding cannot be shown (a refused path, no tensor), or None.
    """

    run: str
    name: str
    tag: str
    step: int | None
    tensor_path: str | None
    tensor_shape: tuple[int, ...]
    metadata_path: str | None
    sprite_path: str | None
    sprite_size: tuple[int, int] | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Metadata:
    """An embedding's labels, one list per column, each with one value per point."""

    columns: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]
    warning: str | None


# ------------------------------------------------------------------ the config


def _checked(
    provider: DataProvider, run: str, path: str, what: str
) -> tuple[str | None, str | None]:
    """``(path, None)`` when the provider would open ``path``, else ``(None, why)``."""
    if not path:
        return None, None
    try:
        provider.run_file_version(run, path)
    except ValueError as exc:
        return None, f"{what} refused: {path!r} is outside the config's directory ({exc})"
    except OSError:
        pass  # a missing file is reported when it is read
    return path, None


def _embedding(provider: DataProvider, run: str, info: EmbeddingInfo) -> Embedding:
    tag, step = projector.parse_tensor_name(info.tensor_name)
    tensor_path, tensor_error = _checked(provider, run, info.tensor_path, "tensor_path")
    metadata_path, metadata_error = _checked(provider, run, info.metadata_path, "metadata_path")
    sprite_path, sprite_error = _checked(provider, run, info.sprite.image_path, "sprite image_path")
    dims = list(info.sprite.single_image_dim)
    sprite_size = (dims[0], dims[1]) if sprite_path and len(dims) == 2 and min(dims) > 0 else None
    error = tensor_error or metadata_error or sprite_error
    if error is None and not info.tensor_path:
        error = "no tensor_path: tensors stored in a model checkpoint are not supported"
    return Embedding(
        run=run,
        name=info.tensor_name,
        tag=tag,
        step=step,
        tensor_path=tensor_path,
        tensor_shape=tuple(info.tensor_shape),
        metadata_path=metadata_path,
        sprite_path=sprite_path if sprite_size else None,
        sprite_size=sprite_size,
        error=error,
    )


def read_embeddings(provider: DataProvider, run: str) -> list[Embedding]:
    """The embeddings of ``run``'s config, one per name (the last entry wins), in config order.

    Raises:
        NotFoundError: if there is no config.
        ValueError: if it does not parse.
    """
    from google.protobuf import text_format

    try:
        with provider.open_run_file(run, projector.CONFIG_FILENAME) as f:
            text = f.read().decode("utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise NotFoundError(f"run {run!r} has no {projector.CONFIG_FILENAME}") from exc
    try:
        config = projector.parse_config(text)
    except text_format.ParseError as exc:
        raise ValueError(
            f"{projector.CONFIG_FILENAME} of run {run!r} does not parse: {exc}"
        ) from exc
    return [_embedding(provider, run, info) for info in projector.latest_embeddings(config)]


def find_embedding(provider: DataProvider, run: str, name: str) -> Embedding:
    """The embedding ``name`` of ``run``; NotFoundError when either is unknown or refused."""
    if run not in provider.projector_runs():
        raise NotFoundError(f"run {run!r} has no projector config")
    try:
        embeddings = read_embeddings(provider, run)
    except ValueError as exc:
        raise NotFoundError(str(exc)) from None
    for embedding in embeddings:
        if embedding.name == name:
            if embedding.error is not None:
                raise NotFoundError(f"embedding {name!r} of run {run!r}: {embedding.error}")
            return embedding
    names = [e.name for e in embeddings]
    raise NotFoundError(f"run {run!r} has no embedding {name!r}; it has {names}")


# ------------------------------------------------------------------ tensors


def parse_tensor_tsv(data: bytes, where: str) -> np.ndarray:
    """A ``tensors.tsv`` as a float32 ``[N, D]`` array (empty lines are skipped).

    Raises:
        ValueError: on a row of another width or a value that is not a number,
            naming the line.
    """
    import io

    import numpy as np

    if not data.strip():
        raise ValueError(f"{where} holds no rows")
    try:
        # numpy's C reader: ~1.2 s for 10,000 x 784 (150 MB of torch's 17-digit values).
        array: np.ndarray = np.loadtxt(
            io.BytesIO(data), delimiter="\t", dtype=np.float32, ndmin=2, comments=None
        )
    except ValueError as exc:
        raise _bad_tsv(data, where, exc) from None
    return array


def _bad_tsv(data: bytes, where: str, cause: ValueError) -> ValueError:
    """The error naming the first line of another width, or the first cell that is no number."""
    lines = data.replace(b"\r", b"").split(b"\n")
    rows = [i for i, line in enumerate(lines) if line.strip()]
    width = lines[rows[0]].count(b"\t") + 1
    for i in rows:
        found = lines[i].count(b"\t") + 1
        if found != width:
            return ValueError(
                f"{where} line {i + 1} has {found} values, but line {rows[0] + 1} has "
                f"{width}: every row needs the same number of values"
            )
    for i in rows:
        for cell in lines[i].split(b"\t"):
            try:
                float(cell)
            except ValueError:
                text = cell.decode("utf-8", "replace")
                return ValueError(f"{where} line {i + 1} holds {text!r}, which is not a number")
    return ValueError(f"{where} could not be read as tab-separated numbers: {cause}")


def _read_tensor_file(provider: DataProvider, embedding: Embedding) -> np.ndarray:
    import numpy as np

    path = embedding.tensor_path
    if path is None:
        raise NotFoundError(embedding.error or f"embedding {embedding.name!r} has no tensor")
    where = f"tensor_path {os.path.basename(path)!r} of embedding {embedding.name!r}"
    try:
        with provider.open_run_file(embedding.run, path) as f:
            data = f.read()
    except OSError as exc:
        raise NotFoundError(f"{where} cannot be read: {exc.strerror}") from exc
    if path.endswith(".bytes") and len(embedding.tensor_shape) == 2:
        count, width = embedding.tensor_shape
        if len(data) != 4 * count * width:
            raise ValueError(f"{where} holds {len(data)} bytes, not {count}x{width} float32")
        return np.frombuffer(data, dtype="<f4").reshape(count, width).astype(np.float32)
    return parse_tensor_tsv(data, where)


def _count_tsv(handle: BinaryIO) -> tuple[int, int]:
    """Rows and width of a TSV without parsing it: its lines, and the first one's tabs + 1.

    Blank lines inside the file are counted too (only trailing ones are not): an
    estimate for listings; the parsed array is exact.
    """
    rows = width = 0
    last = b""
    while chunk := handle.read(1 << 20):
        if width == 0 and chunk.strip():
            width = chunk.lstrip(b"\r\n").split(b"\n", 1)[0].count(b"\t") + 1
        rows += chunk.count(b"\n")
        last = (last + chunk)[-4096:]
    stripped = last.rstrip(b"\r\n")
    rows += (1 if stripped else 0) - last[len(stripped) :].count(b"\n")
    return max(rows, 0), width


class TensorStore:
    """Parsed tensors of ``provider``'s embeddings by file version: in memory (LRU,
    ``max_bytes``) and in ``cache_dir``."""

    def __init__(
        self, provider: DataProvider, cache_dir: str | None, max_bytes: int = 1 << 30
    ) -> None:
        self.provider = provider
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self._arrays: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._shapes: dict[str, tuple[int, int]] = {}

    def version(self, embedding: Embedding) -> str:
        """The version of the embedding's tensor file (it changes when the file does)."""
        if embedding.tensor_path is None:
            raise NotFoundError(embedding.error or f"embedding {embedding.name!r} has no tensor")
        try:
            return self.provider.run_file_version(embedding.run, embedding.tensor_path)
        except OSError as exc:
            raise NotFoundError(
                f"the tensors of embedding {embedding.name!r} cannot be read: {exc.strerror}"
            ) from exc

    def load(self, embedding: Embedding) -> tuple[np.ndarray, str]:
        """The embedding's read-only float32 ``[N, D]`` array and its file version."""
        key = self.version(embedding)
        with self._lock:
            lock = self._loading.setdefault(key, threading.Lock())
        with lock:  # one parse per file version, however many requests ask at once
            with self._lock:
                if key in self._arrays:
                    self._arrays.move_to_end(key)
                    return self._arrays[key], key
            array = self._from_disk(key)
            if array is None:
                array = _read_tensor_file(self.provider, embedding)
                self._to_disk(key, array)
            array.flags.writeable = False
            self._remember(key, array)
        return array, key

    def shape(self, embedding: Embedding) -> tuple[int, int]:
        """``(points, dimensions)``: from the config, a parsed array, or a count of the file."""
        if len(embedding.tensor_shape) == 2:
            return embedding.tensor_shape[0], embedding.tensor_shape[1]
        key = self.version(embedding)
        assert embedding.tensor_path is not None  # version() checked it
        with self._lock:
            if key in self._arrays:
                rows, width = self._arrays[key].shape
                return int(rows), int(width)
            if key in self._shapes:
                return self._shapes[key]
        try:
            with self.provider.open_run_file(embedding.run, embedding.tensor_path) as f:
                found = _count_tsv(f)
        except OSError as exc:
            raise NotFoundError(
                f"the tensors of embedding {embedding.name!r} cannot be read: {exc.strerror}"
            ) from exc
        with self._lock:
            self._shapes[key] = found
        return found

    def _remember(self, key: str, array: np.ndarray) -> None:
        with self._lock:
            self._arrays[key] = array
            total = sum(a.nbytes for a in self._arrays.values())
            while total > self.max_bytes and len(self._arrays) > 1:
                _, dropped = self._arrays.popitem(last=False)
                total -= dropped.nbytes
            self._loading.pop(key, None)

    def _path(self, key: str) -> str | None:
        return None if self.cache_dir is None else os.path.join(self.cache_dir, f"tensor-{key}.npy")

    def _from_disk(self, key: str) -> np.ndarray | None:
        import numpy as np

        path = self._path(key)
        if path is None or not os.path.isfile(path):
            return None
        try:
            array: np.ndarray = np.load(path, allow_pickle=False)
        except (OSError, ValueError):  # a damaged cache file: parse the source again
            return None
        return array if array.ndim == 2 and array.dtype == np.float32 else None

    def _to_disk(self, key: str, array: np.ndarray) -> None:
        from trainboard.projector.projections import save_array

        path = self._path(key)
        if path is not None:
            save_array(path, array)


# ------------------------------------------------------------------ labels and sprites


def parse_metadata(data: bytes, where: str, count: int) -> Metadata:
    """``metadata.tsv`` as TensorBoard reads it, fitted to ``count`` points.

    The first line is a header exactly when it holds a tab; a single column is
    called ``"label"``. Short rows are padded with ``""``. When the file has more or
    fewer rows than there are points, the labels are cut or padded and ``warning``
    says so (TensorBoard refuses such a file); ``where`` names the file in it.
    """
    text = data.decode("utf-8", errors="replace")
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines and "\t" in lines[0]
    columns = lines[0].split("\t") if header else [SINGLE_COLUMN]
    rows = lines[1:] if header else lines
    warning = None
    if len(rows) != count:
        warning = (
            f"{where} has {len(rows)} rows of labels for {count} points; "
            f"{'the extra rows are ignored' if len(rows) > count else 'the rest are blank'}"
        )
    rows = (rows + [""] * count)[:count]
    cells = [row.split("\t") for row in rows]
    values = tuple(
        tuple(row[j] if j < len(row) else "" for row in cells) for j in range(len(columns))
    )
    return Metadata(tuple(columns), values, warning)


def read_metadata(provider: DataProvider, embedding: Embedding, count: int) -> Metadata | None:
    """The embedding's labels fitted to ``count`` points (:func:`parse_metadata`), or None
    when it has none.

    Raises:
        OSError: if the file cannot be read.
    """
    if embedding.metadata_path is None:
        return None
    with provider.open_run_file(embedding.run, embedding.metadata_path) as f:
        data = f.read()
    return parse_metadata(data, os.path.basename(embedding.metadata_path), count)


def read_sprite(provider: DataProvider, embedding: Embedding) -> bytes:
    """The bytes of the embedding's sprite image; NotFoundError when it has none."""
    missing = f"embedding {embedding.name!r} of run {embedding.run!r} has no sprite image"
    if embedding.sprite_path is None:
        raise NotFoundError(missing)
    try:
        with provider.open_run_file(embedding.run, embedding.sprite_path) as f:
            return f.read()
    except OSError as exc:
        raise NotFoundError(missing) from exc
