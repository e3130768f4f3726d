"""The images routes (docs/http/images.md) over logdirs by trainboard, torch and a
TensorFlow-style multi-image writer, checked against TensorBoard's images plugin."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from starlette.testclient import TestClient

from tests.server.media_logdirs import (
    VIDEO_COLORS,
    VIDEO_FPS,
    image_color,
    write_multi_sample,
    write_ours,
    write_torch,
)
from tests.server.tensorboard_media import TensorBoardMedia
from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app, openapi_document

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("media")
    write_ours(root)
    write_torch(root)
    write_multi_sample(root)
    with SummaryWriter(root / "ours") as w:
        w.add_scalar("loss", 1.0, 0)
    return root


@pytest.fixture(scope="module")
def tensorboard(logdir: Path) -> TensorBoardMedia:
    return TensorBoardMedia(logdir)


def _json(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _error(client: TestClient, path: str, status: int, **params: Any) -> str:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def _pixel(data: bytes, x: int = 3, y: int = 3) -> tuple[int, ...]:
    with Image.open(io.BytesIO(data)) as image:
        pixel = image.convert("RGB").getpixel((x, y))
    assert isinstance(pixel, tuple)
    return pixel


def test_tags_tell_images_from_videos(client: TestClient) -> None:
    body = _json(client, "/api/images/tags")
    media = {
        (run, tag): info["media"]
        for run, tags in body["tags"].items()
        for tag, info in tags.items()
    }
    assert media == {
        ("ours", "solid"): "image",
        ("ours", "boxes"): "image",
        ("ours", "batch"): "image",
        ("ours", "clip"): "video",
        ("torch", "solid"): "image",
        ("multi", "samples"): "image",
    }
    assert body["tags"]["ours"]["solid"]["points"] == 5
    assert body["tags"]["ours"]["solid"]["last_step"] == 4
    videos = _json(client, "/api/images/tags", media="video")
    assert videos == {"media": "video", "tags": {"ours": {"clip": videos["tags"]["ours"]["clip"]}}}
    images = _json(client, "/api/images/tags", media="image")["tags"]
    assert "clip" not in images["ours"] and set(images) == {"ours", "torch", "multi"}
    assert "media" in _error(client, "/api/images/tags", 400, media="gif")


@pytest.mark.parametrize(("run", "tag"), [("ours", "solid"), ("torch", "solid")])
def test_steps_and_images_equal_tensorboards(
    client: TestClient, tensorboard: TensorBoardMedia, run: str, tag: str
) -> None:
    listing = _json(client, "/api/images/steps", run=run, tag=tag)
    expected = tensorboard.images(run, tag)
    assert listing["steps"] == [p.step for p in expected]
    assert listing["wall_times"] == [p.wall_time for p in expected]
    assert listing["samples"] == [1] * len(expected)
    assert listing["media"] == "image"
    for index, point in enumerate(expected):
        response = client.get(
            "/api/images/image", params={"run": run, "tag": tag, "step": point.step, "index": index}
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.content == point.data
        assert _pixel(response.content) == image_color(point.step)


def test_every_sample_of_a_multi_image_step(
    client: TestClient, tensorboard: TensorBoardMedia
) -> None:
    listing = _json(client, "/api/images/steps", run="multi", tag="samples")
    assert listing["samples"] == [3, 3]
    for sample in range(3):
        for point in tensorboard.images("multi", "samples", sample):
            params: dict[str, Any] = {
                "run": "multi",
                "tag": "samples",
                "step": point.step,
                "sample": sample,
            }
            data = client.get("/api/images/image", params=params).content
            assert data == point.data
            assert _pixel(data) == image_color(10 * point.step + sample)
    message = _error(client, "/api/images/image", 404, run="multi", tag="samples", step=1, sample=3)
    assert "3 sample(s)" in message and "sample=3" in message
    info = _json(client, "/api/images/info", run="multi", tag="samples", step=1, sample=2)
    assert (info["width"], info["height"], info["samples"]) == (10, 8, 3)


def test_a_stale_index_still_finds_the_step(client: TestClient) -> None:
    params: dict[str, Any] = {"run": "ours", "tag": "solid", "step": 3}
    for index in (3, 0, 99):
        data = client.get("/api/images/image", params={**params, "index": index}).content
        assert _pixel(data) == image_color(3)
    assert "no step 7" in _error(client, "/api/images/image", 404, run="ours", tag="solid", step=7)


def test_unchanged_images_revalidate_with_304(client: TestClient) -> None:
    params: dict[str, Any] = {"run": "ours", "tag": "solid", "step": 2}
    first = client.get("/api/images/image", params=params)
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(
        "/api/images/image", params=params, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/images/image", params={**params, "step": 3})
    assert other.headers["etag"] != first.headers["etag"]


def test_boxes_are_in_the_image(client: TestClient) -> None:
    data = client.get(
        "/api/images/image", params={"run": "ours", "tag": "boxes", "step": 0}
    ).content
    with Image.open(io.BytesIO(data)) as image:
        pixels = np.asarray(image.convert("RGB"))
    assert tuple(pixels[12, 4]) == (255, 0, 0)  # the box's left edge (x=4) is red
    assert tuple(pixels[30, 40]) == (255, 255, 255)  # outside the box
    label_band = pixels[10:21, 5:18].astype(int)  # the red band above the box's bottom edge
    assert ((label_band == [255, 0, 0]).all(axis=-1)).sum() > 40
    assert (label_band.sum(axis=-1) < 200).sum() > 20  # the label's dark text on it


def test_video_info_counts_frames(client: TestClient) -> None:
    info = _json(client, "/api/images/info", run="ours", tag="clip", step=1)
    assert info["content_type"] == "image/gif"
    assert info["frames"] == len(VIDEO_COLORS)
    assert info["duration_ms"] == len(VIDEO_COLORS) * 1000 // VIDEO_FPS
    assert (info["width"], info["height"], info["step"], info["index"]) == (20, 16, 1, 1)
    steps = _json(client, "/api/images/steps", run="ours", tag="clip")
    assert steps["media"] == "video" and steps["steps"] == [0, 1]
    gif = client.get("/api/images/image", params={"run": "ours", "tag": "clip", "step": 0})
    assert gif.headers["content-type"] == "image/gif"
    still = _json(client, "/api/images/info", run="ours", tag="solid", step=0)
    assert (still["content_type"], still["frames"], still["duration_ms"]) == ("image/png", 1, None)
    png = client.get("/api/images/image", params={"run": "ours", "tag": "solid", "step": 0})
    assert (still["width"], still["height"], still["bytes"]) == (32, 24, len(png.content))


@pytest.mark.parametrize(
    ("path", "params", "status", "needle"),
    [
        ("/api/images/steps", {"tag": "solid"}, 400, "'run'"),
        ("/api/images/steps", {"run": "ours"}, 400, "'tag'"),
        ("/api/images/steps", {"run": "nope", "tag": "solid"}, 404, "'nope'"),
        ("/api/images/steps", {"run": "ours", "tag": "loss"}, 404, "no images tag 'loss'"),
        ("/api/images/steps", {"run": "ours", "tag": "tone"}, 404, "no images tag 'tone'"),
        ("/api/images/image", {"run": "ours", "tag": "solid"}, 400, "'step'"),
        ("/api/images/image", {"run": "ours", "tag": "solid", "step": "x"}, 400, "step='x'"),
        (
            "/api/images/image",
            {"run": "ours", "tag": "solid", "step": 0, "sample": -1},
            400,
            "sample=-1",
        ),
        (
            "/api/images/info",
            {"run": "ours", "tag": "solid", "step": 0, "index": "a"},
            400,
            "index='a'",
        ),
    ],
)
def test_bad_requests_name_what_is_wrong(
    client: TestClient, path: str, params: dict[str, Any], status: int, needle: str
) -> None:
    assert needle in _error(client, path, status, **params)


def test_routes_are_in_the_openapi_document() -> None:
    paths = openapi_document()["paths"]
    for path in ("tags", "steps", "image", "info"):
        assert f"/api/images/{path}" in paths


def test_new_steps_appear_after_a_reload(tmp_path: Path) -> None:
    write_ours(tmp_path, steps=2)
    provider = LogdirProvider(tmp_path, use_cache=False)
    app = create_app(provider, logdir=str(tmp_path), reload_interval=0)
    with TestClient(app) as c:
        assert _json(c, "/api/images/steps", run="ours", tag="solid")["steps"] == [0, 1]
        with SummaryWriter(tmp_path / "ours") as w:
            w.add_image("solid", np.zeros((3, 4, 4)), 2)
        provider.reload()
        assert _json(c, "/api/images/steps", run="ours", tag="solid")["steps"] == [0, 1, 2]
        assert "tone" not in _json(c, "/api/images/tags")["tags"]["ours"]
