"""The embedding projector's files: ``projector_config.pbtxt`` and the TSVs it names.

``add_embedding`` writes, next to the event files of a run, a text-format
``ProjectorConfig`` listing each embedding's ``tensors.tsv`` (one row of floats per
point), optional ``metadata.tsv`` (labels; a header row when there are several
columns) and optional sprite image, at paths relative to the run's directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from trainboard.errors import NotFoundError
from trainboard.format.proto.projector_config_pb2 import EmbeddingInfo, ProjectorConfig

__all__ = ["CONFIG_NAME", "EmbeddingSet"]

CONFIG_NAME = "projector_config.pbtxt"


@dataclass(frozen=True)
class EmbeddingSet:
    """A run's projector config, and readers for the files it names."""

    directory: str
    config: ProjectorConfig

    @classmethod
    def load(cls, logdir: str, run: str) -> EmbeddingSet:
        """Parse ``<logdir>/<run>/projector_config.pbtxt``."""
        from google.protobuf import text_format

        directory = os.path.realpath(os.path.join(logdir, run))
        if os.path.commonpath([directory, os.path.realpath(logdir)]) != os.path.realpath(logdir):
            raise NotFoundError(f"run {run!r} is outside the logdir")
        path = os.path.join(directory, CONFIG_NAME)
        try:
            with open(path, encoding="utf-8") as f:
                config = text_format.Parse(f.read(), ProjectorConfig())
        except OSError as error:
            raise NotFoundError(f"run {run!r} has no {CONFIG_NAME}") from error
        return cls(directory, config)

    def _info(self, tensor_name: str) -> EmbeddingInfo:
        # tensorboardX appends to the config: the last entry of a name wins.
        for info in reversed(self.config.embeddings):
            if info.tensor_name == tensor_name:
                return info
        names = [e.tensor_name for e in self.config.embeddings]
        raise NotFoundError(f"no embedding {tensor_name!r}; the config lists {names}")

    def _path(self, relative: str) -> str:
        path = os.path.realpath(os.path.join(self.directory, relative))
        if os.path.commonpath([path, self.directory]) != self.directory:
            raise NotFoundError(f"{relative!r} points outside the run's directory")
        return path

    def tensor(self, tensor_name: str) -> np.ndarray:
        """The ``[N, D]`` float array of an embedding.

        Example::

            vectors = embeddings.tensor("default:00000")
        """
        path = self._path(self._info(tensor_name).tensor_path)
        array = np.loadtxt(path, delimiter="\t", dtype=np.float64, ndmin=2)
        array.flags.writeable = False
        return array

    def metadata(self, tensor_name: str) -> list[list[str]]:
        """The rows of an embedding's ``metadata.tsv`` (the header row first, if any).

        Example::

            labels = [row[0] for row in embeddings.metadata("default:00000")]
        """
        relative = self._info(tensor_name).metadata_path
        if not relative:
            return []
        with open(self._path(relative), encoding="utf-8") as f:
            return [line.rstrip("\n").split("\t") for line in f if line != "\n"]
