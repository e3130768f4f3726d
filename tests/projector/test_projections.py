"""PCA against numpy's SVD, and nearest neighbours on awkward vectors."""

from __future__ import annotations

import numpy as np

from trainboard.projector.projections import nearest, pca


def test_pca_with_fewer_points_than_dimensions_equals_numpys() -> None:
    x = np.random.default_rng(3).normal(size=(6, 40))
    coords, ratio, _ = pca(x)
    centred = x - x.mean(0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    np.testing.assert_allclose(ratio, (s**2 / np.sum(s**2))[:6], atol=1e-9)
    np.testing.assert_allclose(np.abs(coords[:, :5]), np.abs(centred @ vt[:5].T), atol=1e-4)


def test_nearest_handles_zero_vectors_and_non_finite_rows() -> None:
    x = np.array([[1, 0], [0, 0], [2, 0.1], [np.nan, 1]], dtype=np.float32)
    indices, distances = nearest(x, 0, 3, "cosine")
    assert indices.tolist() == [2, 1, 3] and distances[1] == 1.0 and distances[2] == np.inf
    assert nearest(x[:1], 0, 5, "euclidean")[0].size == 0
