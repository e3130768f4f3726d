"""The embedding projector's files: ``projector_config.pbtxt`` and the TSVs it names.

``add_embedding`` writes, next to the event files of a run, a text-format
``ProjectorConfig`` listing each embedding's ``tensors.tsv`` (one row of floats per
point), optional ``metadata.tsv`` (labels; a header row when there are several
columns) and optional sprite image, at paths relative to the run's directory. The
config is parsed by :mod:`trainboard.format.kinds.projector`; every file is read
through the provider, which refuses paths that leave the run's directory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from trainboard.data.provider import DataProvider
from trainboard.errors import NotFoundError
from trainboard.format.kinds import projector
from trainboard.format.proto.projector_config_pb2 import EmbeddingInfo, ProjectorConfig

__all__ = ["CONFIG_NAME", "EmbeddingSet"]

CONFIG_NAME = projector.CONFIG_FILENAME


@dataclass(frozen=True)
class EmbeddingSet:
    """A run's projector config, and readers for the files it names."""

    provider: DataProvider
    run: str
    config: ProjectorConfig

    @classmethod
    def load(cls, provider: DataProvider, run: str) -> EmbeddingSet:
        """Parse ``run``'s ``projector_config.pbtxt`` (``run`` may be ``"."``, the root)."""
        try:
            with provider.open_run_file(run, CONFIG_NAME) as f:
                text = f.read().decode("utf-8")
        except OSError as error:
            raise NotFoundError(f"run {run!r} has no {CONFIG_NAME}") from error
        return cls(provider, run, projector.parse_config(text))

    def _info(self, tensor_name: str) -> EmbeddingInfo:
        for info in projector.latest_embeddings(self.config):
            if info.tensor_name == tensor_name:
                return info
        names = [e.tensor_name for e in self.config.embeddings]
        raise NotFoundError(f"no embedding {tensor_name!r}; the config lists {names}")

    def _read(self, relative: str) -> bytes:
        try:
            with self.provider.open_run_file(self.run, relative) as f:
                return f.read()
        except ValueError as error:
            raise NotFoundError(f"{relative!r} points outside the run's directory") from error

    def tensor(self, tensor_name: str) -> np.ndarray:
        """The ``[N, D]`` float array of an embedding.

        Example::

            vectors = embeddings.tensor("default:00000")
        """
        data = self._read(self._info(tensor_name).tensor_path)
        array = np.loadtxt(io.BytesIO(data), delimiter="\t", dtype=np.float64, ndmin=2)
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
        text = io.TextIOWrapper(io.BytesIO(self._read(relative)), encoding="utf-8")
        return [line.rstrip("\n").split("\t") for line in text if line != "\n"]
