"""The projector routes over embeddings written by our writer, torch's, and by hand.

PCA is checked against numpy's SVD of the centred data, neighbours against brute
force, t-SNE through its background job and cache, and configs whose paths leave
their directory are refused.
"""

from __future__ import annotations

import json
import os
import struct
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.projector import ProjectorState
from trainboard.server.app import create_app

N = 60


def _clusters(seed: int = 0) -> tuple[np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    labels = [i % 3 for i in range(N)]
    centres = rng.normal(size=(3, 8)) * 5
    return (centres[labels] + rng.normal(size=(N, 8))).astype(np.float32), labels


def _write_evil(directory: Path) -> None:
    """A run whose config has one good embedding and four whose paths leave the directory."""
    with SummaryWriter(directory) as w:  # a run is a directory with event files (as for TB)
        w.add_scalar("x", 0.0, 0)
    (directory / "good.tsv").write_text("1\t2\n3\t4\n5\t7\n")
    (directory.parent / "secret.tsv").write_text("0\t0\n")
    os.symlink(directory.parent / "secret.tsv", directory / "link.tsv")
    (directory / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "good:00000" tensor_path: "good.tsv" }\n'
        'embeddings { tensor_name: "dotdot:00000" tensor_path: "../secret.tsv" }\n'
        'embeddings { tensor_name: "absolute:00000" tensor_path: "/etc/hostname" }\n'
        'embeddings { tensor_name: "symlink:00000" tensor_path: "link.tsv" }\n'
        'embeddings { tensor_name: "meta:00000" tensor_path: "good.tsv" '
        'metadata_path: "../secret.tsv" }\n'
    )


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("projector")
    mat, labels = _clusters()
    images = np.linspace(0, 1, N * 16, dtype=np.float32).reshape(N, 1, 4, 4)
    with SummaryWriter(root / "ours") as w:
        w.add_scalar("loss", 1.0, 0)
        rows = [[f"c{label}", str(i * 0.5)] for i, label in enumerate(labels)]
        w.add_embedding(mat, rows, images, global_step=0, metadata_header=["class", "value"])
        w.add_embedding(mat[:, :4] * 2, global_step=5, tag="half")
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TorchWriter(str(root / "torch")) as tw:
            tw.add_embedding(
                torch.from_numpy(mat), [str(x) for x in labels], torch.from_numpy(images)
            )
    _write_evil(root / "evil")
    (root / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "root" tensor_path: "ours/00000/default/tensors.tsv" }\n'
    )
    return root


@pytest.fixture(scope="module")
def client(logdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    cache = tmp_path_factory.mktemp("cache")
    provider = LogdirProvider(logdir, cache_dir=cache)
    app = create_app(provider, logdir=str(logdir), reload_interval=0)
    with TestClient(app) as c:
        app.state.hub.provider.reload()
        yield c
    app.state.projector.close()


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def _coordinates(client: TestClient, key: str) -> tuple[dict[str, Any], np.ndarray]:
    response = client.get("/api/projector/coordinates", params={"key": key})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    body = response.content
    (length,) = struct.unpack_from("<I", body)
    assert (4 + length) % 8 == 0
    header = json.loads(body[4 : 4 + length])
    values = np.frombuffer(body, "<f4", offset=4 + length)
    return header, values.reshape(header["num_points"], header["components"])


def _project(client: TestClient, run: str, name: str, method: str, **params: Any) -> dict[str, Any]:
    query = {"run": run, "name": name, "method": method, "wait": 5, **params}
    deadline = time.monotonic() + 120
    while True:
        response = client.get("/api/projector/projection", params=query)
        assert response.status_code == 200, response.text
        status: dict[str, Any] = response.json()
        if status["state"] in ("done", "error") or time.monotonic() > deadline:
            return status


def test_runs_with_a_config_have_the_projector_kind(client: TestClient) -> None:
    runs = {r["name"]: r for r in client.get("/api/runs").json()["runs"]}
    assert "projector" in runs["ours"]["kinds"] and "scalars" in runs["ours"]["kinds"]
    assert "projector" in runs["torch"]["kinds"]
    assert runs["."]["kinds"] == ["projector"]  # a config at the root, no event files there
    assert "projector" in client.get("/api/runs").json()["kinds"]


def test_embeddings_list_tags_steps_shapes_labels_and_sprites(client: TestClient) -> None:
    body = client.get("/api/projector/embeddings").json()
    runs = {r["run"]: r for r in body["runs"]}
    assert set(runs) == {".", "evil", "ours", "torch"}
    ours = {e["name"]: e for e in runs["ours"]["embeddings"]}
    assert ours["default:00000"] == {
        "name": "default:00000",
        "tag": "default",
        "step": 0,
        "num_points": N,
        "dimensions": 8,
        "metadata": True,
        "sprite": {"width": 4, "height": 4},
        "error": None,
    }
    assert ours["half:00005"]["dimensions"] == 4 and ours["half:00005"]["sprite"] is None
    assert ours["half:00005"]["step"] == 5 and not ours["half:00005"]["metadata"]
    (torch_entry,) = runs["torch"]["embeddings"]
    assert torch_entry["num_points"] == N and torch_entry["sprite"] == {"width": 4, "height": 4}
    assert runs["."]["embeddings"][0]["step"] is None
    assert body["methods"]["pca"]["available"]
    assert {p["name"] for p in body["methods"]["tsne"]["params"]} >= {"perplexity", "dims"}


def test_metadata_with_a_header_and_torchs_single_column(client: TestClient) -> None:
    ours = client.get("/api/projector/metadata", params={"run": "ours", "name": "default:00000"})
    columns = ours.json()["columns"]
    assert [c["name"] for c in columns] == ["class", "value"]
    assert columns[0]["values"][:4] == ["c0", "c1", "c2", "c0"]
    assert columns[1]["values"][3] == "1.5"
    torch_md = client.get(
        "/api/projector/metadata", params={"run": "torch", "name": "default:00000"}
    )
    assert torch_md.json()["columns"] == [
        {"name": "label", "values": [str(i % 3) for i in range(N)]}
    ]
    half = client.get("/api/projector/metadata", params={"run": "ours", "name": "half:00005"})
    assert half.json()["columns"] == [] and half.json()["num_points"] == N


def test_sprite_is_served_as_png(client: TestClient) -> None:
    response = client.get("/api/projector/sprite", params={"run": "torch", "name": "default:00000"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    missing = client.get("/api/projector/sprite", params={"run": "ours", "name": "half:00005"})
    assert "no sprite" in _error(missing, 404)


def test_pca_explained_variance_equals_numpys(client: TestClient, logdir: Path) -> None:
    status = _project(client, "ours", "default:00000", "pca")
    assert status["state"] == "done", status
    header, coords = _coordinates(client, status["key"])
    mat = np.loadtxt(logdir / "ours/00000/default/tensors.tsv", delimiter="\t")
    centred = mat - mat.mean(0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    expected = s**2 / np.sum(s**2)
    assert header["method"] == "pca" and coords.shape == (N, 8)
    np.testing.assert_allclose(header["explained_variance_ratio"], expected, rtol=1e-5, atol=1e-9)
    assert header["total_variance"] == pytest.approx(np.sum(s**2) / (N - 1), rel=1e-6)
    reference = centred @ vt.T
    for c in range(3):  # equal up to each component's sign
        sign = np.sign(reference[:, c] @ coords[:, c])
        np.testing.assert_allclose(coords[:, c], sign * reference[:, c], rtol=1e-4, atol=1e-4)


def test_tsne_job_reports_progress_completes_and_is_cached(
    client: TestClient, logdir: Path
) -> None:
    params = {"perplexity": 10, "iterations": 250, "seed": 1}
    first = client.get(
        "/api/projector/projection",
        params={"run": "torch", "name": "default:00000", "method": "tsne", **params},
    ).json()
    assert first["state"] in ("queued", "running", "done") and first["params"]["dims"] == 2
    status = _project(client, "torch", "default:00000", "tsne", **params)
    assert status["state"] == "done", status
    assert status["progress"] == 1.0 and status["key"] == first["key"]
    header, coords = _coordinates(client, status["key"])
    assert header["method"] == "tsne" and header["explained_variance_ratio"] is None
    assert coords.shape == (N, 2) and np.isfinite(coords).all()
    # t-SNE keeps the three clusters apart: every point's nearest neighbour shares its label.
    labels = np.array([i % 3 for i in range(N)])
    distances = np.linalg.norm(coords[:, None] - coords[None], axis=2) + np.eye(N) * 1e9
    assert (labels[distances.argmin(1)] == labels).mean() > 0.9
    again = client.get(
        "/api/projector/projection",
        params={"run": "torch", "name": "default:00000", "method": "tsne", **params},
    ).json()
    assert again["state"] == "done" and again["key"] == status["key"]
    # A fresh server over the same cache directory finds it on disk.
    state = client.app.state.projector  # type: ignore[attr-defined]
    fresh = ProjectorState(state.provider, os.path.dirname(state.store.cache_dir))
    try:
        from trainboard.projector.embeddings import read_embeddings

        (embedding,) = read_embeddings(state.provider, "torch")
        job = fresh.jobs.request(embedding, "tsne", status["params"])
        assert job.state == "done" and job.key == status["key"]
        cached = fresh.jobs.result(job.key)
        assert cached is not None
        np.testing.assert_array_equal(cached.coordinates, coords)
    finally:
        fresh.close()


@pytest.mark.skipif(
    os.environ.get("TRAINBOARD_UMAP_TEST") != "1",
    reason="UMAP compiles its kernels on first use (~30 s or more): TRAINBOARD_UMAP_TEST=1 runs it",
)
def test_umap_job_completes(client: TestClient) -> None:
    pytest.importorskip("umap")
    status = _project(client, "ours", "default:00000", "umap", neighbors=5, dims=3)
    assert status["state"] == "done", status
    _, coords = _coordinates(client, status["key"])
    assert coords.shape == (N, 3) and np.isfinite(coords).all()


def test_paths_escaping_the_config_directory_are_refused(client: TestClient) -> None:
    runs = {r["run"]: r for r in client.get("/api/projector/embeddings").json()["runs"]}
    evil = {e["name"]: e for e in runs["evil"]["embeddings"]}
    assert evil["good:00000"]["error"] is None and evil["good:00000"]["num_points"] == 3
    for name in ("dotdot:00000", "absolute:00000", "symlink:00000", "meta:00000"):
        assert "outside the config's directory" in evil[name]["error"], name
        assert evil[name]["num_points"] is None
        for path in ("metadata", "sprite", "neighbors"):
            query = {"run": "evil", "name": name, "index": 0}
            message = _error(client.get(f"/api/projector/{path}", params=query), 404)
            assert "refused" in message and "outside" in message
        query = {"run": "evil", "name": name, "method": "pca"}
        assert "refused" in _error(client.get("/api/projector/projection", params=query), 404)
    assert _project(client, "evil", "good:00000", "pca")["state"] == "done"
    # Run names are checked too: only runs with a config inside the logdir.
    query = {"run": "../evil", "name": "good:00000"}
    assert "no projector config" in _error(client.get("/api/projector/metadata", params=query), 404)


def test_neighbors_match_brute_force(client: TestClient, logdir: Path) -> None:
    mat = np.loadtxt(logdir / "ours/00000/default/tensors.tsv", delimiter="\t")
    for distance in ("cosine", "euclidean"):
        query: dict[str, str | int] = {
            "run": "ours",
            "name": "default:00000",
            "index": 7,
            "k": 5,
            "distance": distance,
        }
        body = client.get("/api/projector/neighbors", params=query).json()
        if distance == "cosine":
            unit = mat / np.linalg.norm(mat, axis=1, keepdims=True)
            expected = 1 - unit @ unit[7]
        else:
            expected = np.linalg.norm(mat - mat[7], axis=1)
        expected[7] = np.inf
        order = np.argsort(expected, kind="stable")[:5]
        assert [n["index"] for n in body["neighbors"]] == order.tolist()
        np.testing.assert_allclose(
            [n["distance"] for n in body["neighbors"]], expected[order], rtol=1e-4, atol=1e-5
        )


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"method": "kmeans"}, "method='kmeans' is not one of"),
        ({"method": "tsne", "perplexity": "1000"}, "perplexity=1000.0 is out of range"),
        ({"method": "umap", "metric": "manhattan"}, "metric='manhattan' is not one of"),
        ({"method": "tsne", "dims": "4"}, "dims=4 is out of range"),
        ({"method": "pca", "wait": "60"}, "wait=60.0 is out of range"),
    ],
)
def test_bad_projection_parameters_are_400s_naming_them(
    client: TestClient, query: dict[str, str], needle: str
) -> None:
    full = {"run": "ours", "name": "default:00000", **query}
    assert needle in _error(client.get("/api/projector/projection", params=full), 400)


def test_unknown_things_are_404s_and_bad_indices_400s(client: TestClient) -> None:
    q = {"run": "ours", "name": "nope:00000"}
    assert "no embedding 'nope:00000'" in _error(
        client.get("/api/projector/metadata", params=q), 404
    )
    q = {"run": "ours", "name": "default:00000", "index": str(N)}
    assert f"index={N} is out of range" in _error(
        client.get("/api/projector/neighbors", params=q), 400
    )
    assert "missing query parameter 'index'" in _error(
        client.get("/api/projector/neighbors", params={"run": "ours", "name": "default:00000"}), 400
    )
    assert "no finished projection" in _error(
        client.get("/api/projector/coordinates", params={"key": "pca-0"}), 404
    )


def test_runs_of_a_logdir_spec_are_found(logdir: Path) -> None:
    from trainboard.data.multi import MultiProvider
    from trainboard.projector.embeddings import find_embedding
    from trainboard.server.routes.core import runs_impl
    from trainboard.server.routes.projector import embeddings_impl

    inner = LogdirProvider(logdir, use_cache=False)
    inner.reload()
    provider = MultiProvider({"a": inner})
    state = ProjectorState(provider, None)
    try:
        runs = {r["run"]: r for r in embeddings_impl(provider, state)["runs"]}
        assert {"a/ours", "a/torch", "a/evil"} <= set(runs)
        assert runs["a/ours"]["embeddings"][0]["num_points"] == N
        assert find_embedding(provider, "a/torch", "default:00000").tensor_path is not None
        kinds = {r["name"]: r["kinds"] for r in runs_impl(provider)["runs"]}
        assert "projector" in kinds["a/ours"]
    finally:
        state.close()
