"""``add_embedding``: the embedding projector's files, written by the background worker."""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trainboard._storage import is_remote
from trainboard.writer._base import WriterBase
from trainboard.writer._convert import check_tag, to_numpy

if TYPE_CHECKING:
    import numpy as np

    from trainboard.format.proto.projector_config_pb2 import EmbeddingInfo

__all__ = ["ProjectorMethods"]


class ProjectorMethods(WriterBase):
    """add_embedding; mixed into :class:`~trainboard.SummaryWriter`."""

    _projector_embeddings: dict[str, EmbeddingInfo]
    _projector_subdirs: set[str]

    def add_embedding(
        self,
        mat: Any,
        metadata: Any = None,
        label_img: Any = None,
        global_step: Any = None,
        tag: str = "default",
        metadata_header: Any = None,
    ) -> None:
        """Log points for TensorBoard's embedding projector (PCA, t-SNE, UMAP views).

        Writes torch's layout: ``<log_dir>/<step:05d>/<tag>/tensors.tsv`` (plus
        ``metadata.tsv`` and ``sprite.png`` when given) and an entry in
        ``<log_dir>/projector_config.pbtxt``. Entries other writers put in that file
        are kept (torch drops them). The arrays are copied now and the files written
        in the background; ``flush()`` waits for them.

        Args:
            mat: ``(N, D)`` array or tensor: one row per point.
            metadata: ``N`` labels, one per point (``str()`` of each is written). With
                ``metadata_header``, ``N`` rows of one value per header column.
            label_img: ``(N, C, H, W)`` images, C = 1 or 3, floats in [0, 1] (or
                uint8 in 0..255), shown in place of the points.
            global_step: Step; default 0. Each (step, tag) gets its own directory.
            tag: Name of the embedding.
            metadata_header: Column names for multi-column ``metadata``.

        Raises:
            ValueError / TypeError: on a bad shape, a wrong number of labels or
                images, or a sprite too large for the projector (over 8192 px).

        Example::

            features = torch.randn(100, 16)
            labels = [f"class {i % 10}" for i in range(100)]
            writer.add_embedding(features, metadata=labels, global_step=3)
        """
        from trainboard.format.kinds import projector

        check_tag(tag)
        step = self._step(global_step)
        step = 0 if step is None else step
        array = _matrix(mat)
        count = array.shape[0]
        lines = None
        if metadata is not None:
            lines = projector.metadata_lines(metadata, metadata_header, count)
        images = None if label_img is None else _label_images(label_img, count)
        subdir = projector.embedding_subdir(tag, step)
        root = self._embedding_root()
        save_path = os.path.join(root, *subdir.split("/"))
        self._check_embedding_dir(save_path, subdir)
        info = projector.embedding_info(
            tag,
            step,
            has_metadata=lines is not None,
            image_size=None if images is None else (images.shape[3], images.shape[2]),
        )
        if not hasattr(self, "_projector_embeddings"):
            self._projector_embeddings = {}
        self._projector_embeddings[info.tensor_name] = info
        ours = list(self._projector_embeddings.values())
        self._submit_call(
            lambda: _write_embedding(root, save_path, array, lines, images, ours),
            f"add_embedding for tag {tag!r}",
            nbytes=array.nbytes + (0 if images is None else images.nbytes),
        )

    def _embedding_root(self) -> str:
        """The folder embeddings are written to: the log dir, or for a log dir in object
        storage its folder in the spill directory, which the store uploads on every sync."""
        if not is_remote(self.log_dir):
            return self.log_dir
        self._get_file_writer()  # starts the worker and its store
        store = None if self._worker is None else self._worker.store
        return self.log_dir if store is None else store.local_dir(self.log_dir)

    def _check_embedding_dir(self, save_path: str, subdir: str) -> None:
        if not hasattr(self, "_projector_subdirs"):
            self._projector_subdirs = set()
        for path in (os.path.dirname(save_path), save_path):
            if os.path.exists(path) and not os.path.isdir(path):
                raise NotADirectoryError(
                    f"add_embedding writes into {save_path!r}, but {path!r} exists and is not "
                    "a directory"
                )
        if subdir in self._projector_subdirs or os.path.isdir(save_path):
            warnings.warn(
                f"add_embedding: {save_path!r} already holds an embedding, which is "
                "overwritten; give each call its own global_step or tag",
                stacklevel=3,
            )
        self._projector_subdirs.add(subdir)


def _matrix(mat: Any) -> np.ndarray:
    array = to_numpy(mat, "mat")
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"mat must be 2-D (N points, D features) with N, D >= 1, got shape {array.shape}"
        )
    if array.dtype.kind not in "biuf":
        raise TypeError(f"mat must hold real numbers, got dtype {array.dtype}")
    copy: np.ndarray = array.copy()
    return copy


def _label_images(label_img: Any, count: int) -> np.ndarray:
    from trainboard.format.kinds.projector import sprite_layout

    images = to_numpy(label_img, "label_img")
    if images.ndim != 4 or images.shape[1] not in (1, 3) or 0 in images.shape[2:]:
        raise ValueError(
            f"label_img must be (N, C, H, W) with C = 1 or 3, got shape {images.shape}"
        )
    if images.shape[0] != count:
        raise ValueError(
            f"label_img has {images.shape[0]} images but mat has {count} rows; give one "
            "image per row"
        )
    if images.dtype.kind not in "biuf":
        raise TypeError(f"label_img must hold real numbers, got dtype {images.dtype}")
    sprite_layout(count, images.shape[2], images.shape[3])
    copy: np.ndarray = images.copy()
    return copy


def _write_embedding(
    log_dir: str,
    save_path: str,
    array: np.ndarray,
    lines: list[str] | None,
    images: np.ndarray | None,
    ours: list[EmbeddingInfo],
) -> None:
    """On the worker: the embedding's files first, then the config that points at them."""
    from trainboard.format.kinds import projector

    os.makedirs(save_path, exist_ok=True)
    tensors = projector.iter_tensor_tsv(array)
    _write_atomic(os.path.join(save_path, projector.TENSORS_FILENAME), tensors)
    if lines is not None:
        _write_atomic(
            os.path.join(save_path, projector.METADATA_FILENAME), [projector.metadata_tsv(lines)]
        )
    if images is not None:
        _write_atomic(
            os.path.join(save_path, projector.SPRITE_FILENAME), [projector.sprite_png(images)]
        )
    config_path = os.path.join(log_dir, projector.CONFIG_FILENAME)
    existing = None
    try:
        with open(config_path, encoding="utf-8") as f:
            existing = projector.parse_config(f.read())
    except FileNotFoundError:
        pass
    except Exception:  # an unreadable config is replaced, as torch always replaces it
        existing = None
    text = projector.config_text(projector.merge_config(existing, ours))
    _write_atomic(config_path, [text.encode("utf-8")])


def _write_atomic(path: str, chunks: Iterable[bytes]) -> None:
    """Write ``path`` through a temporary file, so readers see the old or the new file whole."""
    directory = os.path.dirname(path)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
