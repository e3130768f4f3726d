"""Every JSON answer of the real server matches its schema in the OpenAPI document.

The logdir holds every kind, written by our SummaryWriter (and a hand-made TensorFlow
graph through our FileWriter); each JSON route is called on it and its body validated,
with jsonschema, against the ``responses.200`` schema the document names for that route.
The schemas come from the wire models (trainboard.server.wire), whose objects are closed,
so a field the server sends but the models do not declare fails here too. The binary
answers' headers are checked against their named schemas the same way.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.format.proto.graph_pb2 import (
    AllocatorMemoryUsed,
    DeviceStepStats,
    GraphDef,
    NodeDef,
    NodeExecStats,
    RunMetadata,
    StepStats,
)
from trainboard.server.app import create_app, openapi_document
from trainboard.writer import FileWriter

jsonschema = pytest.importorskip("jsonschema")

DOCUMENT = openapi_document()


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("every_kind")
    rng = np.random.default_rng(0)
    with SummaryWriter(root / "exp") as w:
        for step in range(5):
            w.add_scalar("loss", [1.0, 0.5, math.nan, math.inf, 0.1][step], step)
            w.add_histogram("weights", rng.normal(size=100), step)
            w.add_image("image", np.full((3, 8, 8), step / 5.0), step)
            w.add_audio("audio", np.sin(np.linspace(0, 20, 800)), step, sample_rate=8000)
            w.add_text("notes", f"**step {step}**", step)
            w.add_pr_curve("pr", rng.integers(0, 2, 50), rng.random(50), step)
            w.add_mesh(
                "mesh",
                np.array([[[0.0, 0, 0], [1, 0, 0], [0, 1, 0]]]),
                colors=np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]]),
                faces=np.array([[[0, 1, 2]]]),
                global_step=step,
            )
        w.add_scalars("acc", {"train": 0.5, "val": 0.4}, 0)
        w.add_video("video", np.zeros((1, 2, 3, 8, 8)), 0)
        w.add_custom_scalars(
            {
                "losses": {
                    "all": ["Multiline", ["loss"]],
                    "band": ["Margin", ["loss", "loss", "loss"]],
                    "bad": ["Multiline", ["("]],
                }
            }
        )
        w.add_embedding(rng.normal(size=(6, 3)), metadata=list("abcdef"), tag="points")
        w.add_hparams({"lr": 0.1, "opt": "adam", "wd": math.nan}, {"hparam/loss": 0.2})
    graph = GraphDef(
        node=[
            NodeDef(name="x", op="Placeholder"),
            NodeDef(name="w", op="Const"),
            NodeDef(name="layer/matmul", op="MatMul", input=["x", "w"]),
        ]
    )
    node_stats = NodeExecStats(
        node_name="layer/matmul",
        all_end_rel_micros=42,
        memory=[AllocatorMemoryUsed(total_bytes=96)],
    )
    stats = StepStats(dev_stats=[DeviceStepStats(device="/cpu:0", node_stats=[node_stats])])
    fw = FileWriter(root / "tf")
    fw.add_graph((graph, RunMetadata(step_stats=stats)))  # run metadata as the tag "step1"
    fw.close()
    return root


@pytest.fixture(scope="module")
def client(logdir: Path) -> Iterator[TestClient]:
    app = create_app(LogdirProvider(logdir, use_cache=False), logdir=str(logdir), reload_interval=0)
    with TestClient(app) as c:
        yield c
    store = getattr(app.state, "live_store", None)
    if store is not None:
        store.close()


def _validator(schema: dict[str, Any]) -> Any:
    """A validator of ``schema`` that resolves the document's ``#/components/...`` refs."""
    root = {**schema, "components": DOCUMENT["components"]}
    return jsonschema.Draft202012Validator(root)


def _schema_of(path: str, method: str = "get") -> dict[str, Any]:
    content = DOCUMENT["paths"][path][method]["responses"]["200"]["content"]
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


def _check(body: Any, schema: dict[str, Any], what: str) -> None:
    errors = sorted(_validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{what}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def _named(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _header(body: bytes) -> Any:
    (length,) = struct.unpack_from("<I", body)
    return json.loads(body[4 : 4 + length])


EXP_TAG = {"run": "exp", "tag": "weights"}
POINT = {"run": "exp", "step": 4}
# Every JSON route with the query that reaches its data (several for the routes whose
# answers have optional parts).
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("/api/environment", {}),
    ("/api/progress", {}),
    ("/api/runs", {}),
    *[("/api/tags", {"kind": kind}) for kind in ("scalars", "images", "graphs", "mesh")],
    ("/api/scalars", {"tag": "loss", "runs": "exp", "width": 100}),
    (
        "/api/scalars",
        {"tag": "loss", "runs": "exp", "smoothing": 0.6, "xaxis": "relative", "xmin": 0, "xmax": 1},
    ),
    ("/api/scalars/data", {"run": "exp", "tag": "loss", "format": "json"}),
    ("/api/scalars/groups", {"tag": "loss", "by": "hparam:lr", "width": 100}),
    (
        "/api/scalars/groups",
        {"tag": "loss", "by": "regex:(e)xp", "stat": "median", "band": "p10_90", "smoothing": 0.5},
    ),
    ("/api/histograms", {**EXP_TAG, "bins": 10}),
    ("/api/distributions", EXP_TAG),
    ("/api/images/tags", {}),
    ("/api/images/tags", {"media": "video"}),
    ("/api/images/steps", {"run": "exp", "tag": "image"}),
    ("/api/images/info", {**POINT, "tag": "image"}),
    ("/api/images/info", {"run": "exp", "tag": "video", "step": 0}),
    ("/api/audio/steps", {"run": "exp", "tag": "audio"}),
    ("/api/audio/info", {**POINT, "tag": "audio"}),
    ("/api/text/steps", {"run": "exp", "tag": "notes/text_summary"}),
    ("/api/text", {"run": "exp", "tag": "notes/text_summary"}),
    ("/api/pr_curves/steps", {"tag": "pr", "runs": "exp"}),
    ("/api/pr_curves", {"tag": "pr", "runs": "exp"}),
    ("/api/hparams", {}),
    ("/api/custom_scalars", {}),
    ("/api/graphs/info", {}),
    ("/api/graphs/graph", {"run": "tf"}),
    ("/api/graphs/graph", {"run": "tf", "all_nodes": "true"}),
    ("/api/graphs/node", {"run": "tf", "name": "layer/matmul"}),
    ("/api/graphs/graph", {"run": "tf", "tag": "step1"}),
    ("/api/graphs/node", {"run": "tf", "tag": "step1", "name": "layer/matmul"}),
    ("/api/mesh/tags", {}),
    ("/api/mesh/steps", {"run": "exp", "tag": "mesh"}),
    ("/api/mesh/data", {"run": "exp", "tag": "mesh", "format": "json"}),
    ("/api/projector/embeddings", {}),
    ("/api/projector/metadata", {"run": "exp", "name": "points:00000"}),
    ("/api/projector/neighbors", {"run": "exp", "name": "points:00000", "index": 0, "k": 2}),
    (
        "/api/projector/projection",
        {"run": "exp", "name": "points:00000", "method": "pca", "wait": 5},
    ),
    ("/api/live/envs", {}),
    ("/api/runs/notes", {}),
    ("/api/runs/table", {"metrics": "loss,hparam/loss,absent"}),
]


@pytest.mark.parametrize(("path", "params"), CALLS, ids=[f"{p} {q}" for p, q in CALLS])
def test_json_answers_match_their_schema(
    client: TestClient, path: str, params: dict[str, Any]
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    _check(response.json(), _schema_of(path), path)


def test_every_json_route_is_called() -> None:
    json_routes = {
        path
        for path, operations in DOCUMENT["paths"].items()
        for operation in operations.values()
        if "application/json" in operation["responses"].get("200", {}).get("content", {})
        and path.startswith("/api/")
    }
    posted = {"/api/live/push", "/api/live/close", "/api/live/windows"}  # see the test below
    assert json_routes - posted == {path for path, _ in CALLS}


def test_live_routes_match_their_schemas(client: TestClient) -> None:
    line = {"data": [{"x": [0, 1], "y": [1.0, 2.0], "type": "scatter"}], "win": "w", "eid": "e"}
    ops = [["env", {"eid": "e"}], ["events", line], "junk"]
    pushed = client.post("/api/live/push", json={"ops": ops})
    _check(pushed.json(), _schema_of("/api/live/push", "post"), "/api/live/push")
    windows = client.get("/api/live/windows", params={"env": "e"})
    _check(windows.json(), _schema_of("/api/live/windows"), "/api/live/windows")
    closed = client.post("/api/live/close", params={"env": "e", "win": "w"})
    _check(closed.json(), _schema_of("/api/live/close", "post"), "/api/live/close")


@pytest.mark.parametrize(
    ("path", "params", "header"),
    [
        ("/api/scalars", {"tag": "loss", "runs": "exp", "smoothing": 0.5}, "ScalarsHeader"),
        ("/api/histograms", EXP_TAG, "HistogramsHeader"),
        ("/api/mesh/data", {"run": "exp", "tag": "mesh"}, "MeshDataHeader"),
    ],
)
def test_binary_headers_match_their_schema(
    client: TestClient, path: str, params: dict[str, Any], header: str
) -> None:
    fmt = {} if path == "/api/mesh/data" else {"format": "binary"}
    response = client.get(path, params={**params, **fmt})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/octet-stream"
    assert (
        "application/octet-stream" in DOCUMENT["paths"][path]["get"]["responses"]["200"]["content"]
    )
    _check(_header(response.content), _named(header), header)


def test_projection_header_matches_its_schema(client: TestClient) -> None:
    job = client.get(
        "/api/projector/projection",
        params={"run": "exp", "name": "points:00000", "method": "pca", "wait": 5},
    ).json()
    assert job["state"] == "done", job
    response = client.get("/api/projector/coordinates", params={"key": job["key"]})
    assert response.status_code == 200, response.text
    _check(_header(response.content), _named("ProjectionHeader"), "ProjectionHeader")


def test_push_messages_match_their_schema(client: TestClient, logdir: Path) -> None:
    with client.websocket_connect("/api/live") as socket:
        hello = json.loads(socket.receive_text())
    _check(hello, _named("PushMessage"), "hello")
    from trainboard.server.logdir_push import messages_for

    provider = LogdirProvider(logdir, use_cache=False)
    messages = messages_for(provider, provider.reload())  # the first load: everything is new
    assert {"runs", "points", "tags"} <= {m["type"] for m in messages}
    for message in messages:
        _check(message, _named("PushMessage"), message["type"])


def test_a_field_the_models_do_not_declare_fails(client: TestClient) -> None:
    body = client.get("/api/scalars", params={"tag": "loss", "runs": "exp"}).json()
    assert body["series"][0]["first_wall_time"] is not None
    body["series"][0]["first_time"] = 0.0
    del body["series"][0]["first_wall_time"]
    errors = list(_validator(_schema_of("/api/scalars")).iter_errors(body))
    assert {e.validator for e in errors} == {"additionalProperties", "required"}


def test_every_operation_says_what_it_answers() -> None:
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            if "303" in answers:  # a redirect (a Visdom env page): says where, carries nothing
                assert "description" in answers["303"], (path, method)
                continue
            ok = answers.get("200", answers.get("101"))
            assert ok is not None and ("content" in ok or "101" in answers), (path, method)


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/scalars", {"tag": "loss"}, 400),
        ("/api/scalars", {"tag": "loss", "runs": "nope"}, 404),
        ("/api/text", {"run": "exp", "tag": "nope"}, 404),
    ],
)
def test_errors_match_their_schema(
    client: TestClient, path: str, params: dict[str, Any], status: int
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    schema = DOCUMENT["paths"][path]["get"]["responses"][str(status)]["content"]
    _check(response.json(), schema["application/json"]["schema"], f"{path} {status}")
