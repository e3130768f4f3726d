"""The embedding projector below the server: embeddings, their tensors, and projections.

* :mod:`~trainboard.projector.embeddings`: the embeddings a run's
  ``projector_config.pbtxt`` names, read through the data provider; their tensors
  parsed once per file version; labels and sprites.
* :mod:`~trainboard.projector.projections`: PCA, t-SNE and UMAP, nearest
  neighbours, and the cache of finished projections.
* :mod:`~trainboard.projector.jobs`: projections as background jobs, t-SNE and UMAP
  in one worker process (:mod:`~trainboard.projector._worker`).

:class:`ProjectorState` ties them together for one provider; the server keeps one
and answers HTTP with it (``trainboard.server.routes.projector``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainboard.data.provider import DataProvider

__all__ = ["ProjectorState"]


class ProjectorState:
    """What the projector keeps for one provider: parsed tensors, results and running jobs.

    ``cache_dir``: where to keep them on disk (under ``projector/``), or None.

    Example::

        state = ProjectorState(provider, provider.cache_dir)
        embedding = find_embedding(provider, "exp1", "default:00000")
        job = state.jobs.request(embedding, "pca", {})
    """

    def __init__(self, provider: DataProvider, cache_dir: str | None) -> None:
        from trainboard.projector.embeddings import TensorStore
        from trainboard.projector.jobs import ProjectionJobs
        from trainboard.projector.projections import ResultCache

        directory = None if cache_dir is None else os.path.join(cache_dir, "projector")
        self.provider = provider
        self.store = TensorStore(provider, directory)
        self.jobs = ProjectionJobs(self.store, ResultCache(directory))

    def close(self) -> None:
        """Stop the worker process."""
        self.jobs.close()
