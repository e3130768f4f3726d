"""The mesh routes over logdirs written by trainboard, torch.utils.tensorboard and tensorboardX:
the parts of a mesh grouped by name, every step, each batch item, and the arrays as written
(and as TensorBoard's own mesh plugin serves them)."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from tests.server.support import get_json as _json
from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app, openapi_document

STEPS = (0, 1, 2)
BATCH = 2
FACES = np.array([[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]])
CONFIG = {"camera": {"cls": "PerspectiveCamera", "fov": 40}, "material": {"size": 0.2}}


def tetra(step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A batch of two tetrahedra (vertices, colors, faces) that move with the step."""
    base = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    vertices = np.stack([base + 0.1 * step, base * (2 + step) - 0.25]).astype(np.float32)
    colors = np.stack([np.full((4, 3), 10 * step), np.arange(12).reshape(4, 3) * 20 + step])
    return vertices, colors.astype(np.uint8), np.stack([FACES, FACES[::-1]])


def cloud(step: int) -> np.ndarray:
    return np.random.default_rng(step).normal(size=(1, 50, 3)).astype(np.float32)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    root = tmp_path_factory.mktemp("mesh")
    with SummaryWriter(root / "ours") as w, TorchWriter(str(root / "torch")) as tw:
        for step in STEPS:
            vertices, colors, faces = tetra(step)
            w.add_mesh("shapes/tetra", vertices, colors, faces, CONFIG, global_step=step)
            tw.add_mesh(
                "shapes/tetra",
                torch.tensor(vertices),
                torch.tensor(colors),
                torch.tensor(faces),
                CONFIG,
                global_step=step,
            )
        for step in (0, 5):
            w.add_mesh("cloud", cloud(step), global_step=step)
    with TorchWriter(str(root / "odd")) as tw:
        vertices, colors, faces = tetra(0)
        bad_faces = np.concatenate([faces, [[[0, 1, 9], [2.5, 1, 0]]] * 2], axis=1)
        tw.add_mesh("bad", torch.tensor(vertices), torch.tensor(colors[:, :3]),
                    torch.tensor(bad_faces), None, global_step=3)
        nan = vertices.copy()
        nan[0, 0, 0] = np.nan
        tw.add_mesh("nan", torch.tensor(nan), global_step=0)
        tw.add_mesh("empty", torch.zeros(0, 5, 3), global_step=0)
    with SummaryWriter(root / "scalars") as w:
        w.add_scalar("loss", 1.0, 0)
    return root


def decode(body: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The binary answer (docs/http/mesh.md): the header and each array, checked for alignment."""
    (length,) = struct.unpack_from("<I", body, 0)
    assert (4 + length) % 8 == 0
    header: dict[str, Any] = json.loads(body[4 : 4 + length])
    arrays = {}
    for name, spec in header["arrays"].items():
        assert spec["offset"] % 8 == 0 and spec["offset"] >= 4 + length
        dtype = np.dtype("<" + spec["dtype"])
        data = np.frombuffer(body, dtype, spec["length"], spec["offset"])
        arrays[name] = data.reshape(spec["shape"])
    return header, arrays


def mesh_data(client: TestClient, **params: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    response = client.get("/api/mesh/data", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/octet-stream"
    return decode(response.content)


def test_tags_group_the_parts_of_each_mesh_by_name(client: TestClient) -> None:
    runs = _json(client, "/api/mesh/tags")["runs"]
    assert set(runs) == {"ours", "torch", "odd"}
    tetra_entry = runs["ours"]["shapes/tetra"]
    assert tetra_entry == {
        "components": ["vertices", "faces", "colors"],
        "instance_tags": {
            "vertices": "shapes/tetra_VERTEX",
            "faces": "shapes/tetra_FACE",
            "colors": "shapes/tetra_COLOR",
        },
        "samples": BATCH,
        "points": len(STEPS),
        "last_step": STEPS[-1],
        "display_name": "",
        "description": "",
    }
    assert runs["torch"]["shapes/tetra"] == tetra_entry
    assert runs["ours"]["cloud"]["components"] == ["vertices"]
    assert runs["ours"]["cloud"]["samples"] == 1


def test_steps_list_each_step_with_its_batch_size(client: TestClient) -> None:
    for run in ("ours", "torch"):
        body = _json(client, "/api/mesh/steps", run=run, tag="shapes/tetra")
        assert body["steps"] == list(STEPS)
        assert body["samples"] == [BATCH] * len(STEPS)
        assert len(body["wall_times"]) == len(STEPS)
    assert _json(client, "/api/mesh/steps", run="ours", tag="cloud")["steps"] == [0, 5]


@pytest.mark.parametrize("run", ["ours", "torch"])
@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("sample", range(BATCH))
def test_each_batch_item_of_each_step_is_what_was_written(
    client: TestClient, run: str, step: int, sample: int
) -> None:
    header, arrays = mesh_data(client, run=run, tag="shapes/tetra", step=step, sample=sample)
    vertices, colors, faces = tetra(step)
    assert (header["step"], header["sample"], header["samples"]) == (step, sample, BATCH)
    assert (header["num_vertices"], header["num_faces"]) == (4, 4)
    assert header["components"] == ["vertices", "faces", "colors"]
    assert header["config"] == CONFIG and header["warnings"] == []
    assert arrays["vertices"].dtype == np.float32
    np.testing.assert_array_equal(arrays["vertices"], vertices[sample])
    assert arrays["faces"].dtype == np.int32
    np.testing.assert_array_equal(arrays["faces"], faces[sample])
    assert arrays["colors"].dtype == np.uint8
    np.testing.assert_array_equal(arrays["colors"], colors[sample])


class TensorBoardMesh:
    """TensorBoard's own mesh plugin over a logdir: what its /data route serves."""

    def __init__(self, logdir: Path) -> None:
        from tensorboard import context
        from tensorboard.backend.event_processing import data_provider
        from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
        from tensorboard.plugins import base_plugin
        from tensorboard.plugins.mesh import mesh_plugin
        from werkzeug.test import Client
        from werkzeug.wrappers import Response

        multiplexer = pem.EventMultiplexer()
        multiplexer.AddRunsFromDirectory(os.fspath(logdir))
        multiplexer.Reload()
        provider = data_provider.MultiplexerDataProvider(multiplexer, os.fspath(logdir))
        plugin = mesh_plugin.MeshPlugin(
            base_plugin.TBContext(data_provider=provider, multiplexer=multiplexer)
        )
        data_app = plugin.get_plugin_apps()["/data"]

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            context.set_in_environ(environ, context.RequestContext())
            return data_app(environ, start_response)

        self._client = Client(app, Response)

    def data(self, run: str, tag: str, step: int, sample: int, content_type: str) -> bytes:
        query = {"run": run, "tag": tag, "step": step, "sample": sample,
                 "content_type": content_type}
        response = self._client.get("/data", query_string=query)
        assert response.status_code == 200
        body: bytes = response.data
        return body


def test_the_bytes_equal_tensorboards_mesh_plugin(client: TestClient, logdir: Path) -> None:
    tensorboard = TensorBoardMesh(logdir)
    for run in ("ours", "torch"):
        for step in STEPS:
            for sample in range(BATCH):
                _, arrays = mesh_data(client, run=run, tag="shapes/tetra", step=step,
                                      sample=sample)
                for name, content_type in (("vertices", "VERTEX"), ("faces", "FACE"),
                                           ("colors", "COLOR")):
                    expected = tensorboard.data(run, "shapes/tetra", step, sample, content_type)
                    assert arrays[name].tobytes() == expected, (run, step, sample, name)


def test_the_latest_step_by_default_and_the_closest_before_a_missing_one(
    client: TestClient,
) -> None:
    header, arrays = mesh_data(client, run="ours", tag="cloud")
    assert header["step"] == 5 and header["components"] == ["vertices"]
    np.testing.assert_array_equal(arrays["vertices"], cloud(5)[0])
    assert set(arrays) == {"vertices"} and header["num_faces"] == 0
    assert mesh_data(client, run="ours", tag="cloud", step=4)[0]["step"] == 0
    assert mesh_data(client, run="ours", tag="cloud", step=-3)[0]["step"] == 0
    assert mesh_data(client, run="ours", tag="cloud", step="latest")[0]["step"] == 5


def test_a_sample_past_the_batch_gives_the_last_item(client: TestClient) -> None:
    header, arrays = mesh_data(client, run="ours", tag="shapes/tetra", step=1, sample=7)
    assert header["sample"] == BATCH - 1
    np.testing.assert_array_equal(arrays["vertices"], tetra(1)[0][BATCH - 1])


def test_json_format_holds_the_same_arrays(client: TestClient) -> None:
    body = _json(client, "/api/mesh/data", run="torch", tag="shapes/tetra", step=2, sample=1,
                 format="json")
    vertices, colors, faces = tetra(2)
    assert body["vertices"] == vertices[1].tolist()
    assert body["faces"] == faces[1].tolist()
    assert body["colors"] == colors[1].tolist()
    assert body["config"] == CONFIG and "arrays" not in body


def test_bad_faces_and_mismatched_colors_are_left_out_and_said(client: TestClient) -> None:
    header, arrays = mesh_data(client, run="odd", tag="bad")
    np.testing.assert_array_equal(arrays["faces"], FACES)
    assert "colors" not in arrays and header["components"] == ["vertices", "faces"]
    assert header["config"] == {}
    assert header["warnings"] == [
        "2 triangles with an index that is not one of the 4 vertices were left out",
        "3 colors for 4 vertices: colors left out",
    ]


def test_non_finite_vertices_are_kept_in_binary_and_null_in_json(client: TestClient) -> None:
    _, arrays = mesh_data(client, run="odd", tag="nan")
    assert np.isnan(arrays["vertices"][0, 0])
    body = _json(client, "/api/mesh/data", run="odd", tag="nan", format="json")
    assert body["vertices"][0] == [None, 0.0, 0.0]


def test_tensorboardx_meshes_are_grouped_by_name(tmp_path: Path) -> None:
    tensorboardx = pytest.importorskip("tensorboardX")
    vertices, colors, faces = tetra(1)
    with tensorboardx.SummaryWriter(str(tmp_path / "tbx")) as w:
        w.add_mesh("shape", vertices, colors=colors, faces=faces, global_step=4)
    app = create_app(LogdirProvider(tmp_path, use_cache=False), reload_interval=0)
    with TestClient(app) as c:
        entry = _json(c, "/api/mesh/tags")["runs"]["tbx"]["shape"]
        assert entry["instance_tags"] == {
            "vertices": "shape_1",
            "faces": "shape_2",
            "colors": "shape_3",
        }
        header, arrays = mesh_data(c, run="tbx", tag="shape", sample=1)
    assert header["step"] == 4
    np.testing.assert_array_equal(arrays["vertices"], vertices[1])
    np.testing.assert_array_equal(arrays["faces"], faces[1])
    np.testing.assert_array_equal(arrays["colors"], colors[1])


@pytest.mark.parametrize(
    ("path", "params", "status", "names"),
    [
        ("/api/mesh/steps", {"tag": "cloud"}, 400, "'run'"),
        ("/api/mesh/data", {"run": "ours"}, 400, "'tag'"),
        ("/api/mesh/data", {"run": "ours", "tag": "cloud", "step": "x"}, 400, "step"),
        ("/api/mesh/data", {"run": "ours", "tag": "cloud", "sample": "-1"}, 400, "sample"),
        ("/api/mesh/data", {"run": "ours", "tag": "cloud", "format": "xml"}, 400, "format"),
        ("/api/mesh/data", {"run": "nope", "tag": "cloud"}, 404, "'nope'"),
        ("/api/mesh/steps", {"run": "ours", "tag": "nope"}, 404, "'nope'"),
        ("/api/mesh/data", {"run": "scalars", "tag": "loss"}, 404, "'loss'"),
    ],
)
def test_bad_requests_name_the_parameter(
    client: TestClient, path: str, params: dict[str, str], status: int, names: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert names in response.json()["error"]["message"]


def test_mesh_tags_are_the_mesh_kind_and_the_routes_are_documented(client: TestClient) -> None:
    tags = _json(client, "/api/tags", kind="mesh")["tags"]
    assert sorted(tags["ours"]) == ["cloud_VERTEX", "shapes/tetra_COLOR", "shapes/tetra_FACE",
                                    "shapes/tetra_VERTEX"]
    assert "mesh" in _json(client, "/api/runs")["kinds"]
    paths = openapi_document()["paths"]
    assert {"/api/mesh/tags", "/api/mesh/steps", "/api/mesh/data"} <= set(paths)


def test_an_empty_batch_is_a_mesh_without_vertices(client: TestClient) -> None:
    header, arrays = mesh_data(client, run="odd", tag="empty", sample=2)
    assert (header["samples"], header["sample"], header["num_vertices"]) == (0, 0, 0)
    assert arrays["vertices"].shape == (0, 3)
