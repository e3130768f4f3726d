"""The audio routes (docs/http/audio.md) over logdirs by trainboard and torch, checked
against TensorBoard's audio plugin."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.server.media_logdirs import AUDIO_RATE, AUDIO_SECONDS, write_ours, write_torch
from tests.server.tensorboard_media import TensorBoardMedia
from trainboard.server.app import openapi_document

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audio")
    write_ours(root)
    write_torch(root)
    return root


def _params(run: str, step: int, **more: Any) -> dict[str, Any]:
    return {"run": run, "tag": "tone", "step": step, **more}


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_steps_and_clips_equal_tensorboards(client: TestClient, logdir: Path, run: str) -> None:
    expected = TensorBoardMedia(logdir).audio(run, "tone")
    listing = client.get("/api/audio/steps", params={"run": run, "tag": "tone"}).json()
    assert listing == {
        "run": run,
        "tag": "tone",
        "steps": [p.step for p in expected],
        "wall_times": [p.wall_time for p in expected],
        "samples": [1] * len(expected),
    }
    for index, point in enumerate(expected):
        response = client.get("/api/audio/clip", params=_params(run, point.step, index=index))
        assert response.status_code == 200
        assert response.headers["content-type"] == "audio/wav"
        assert response.headers["accept-ranges"] == "bytes"
        assert response.content == point.data


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_info_reads_rate_and_length_from_the_wav_header(client: TestClient, run: str) -> None:
    info = client.get("/api/audio/info", params=_params(run, 2)).json()
    frames = round(AUDIO_SECONDS * AUDIO_RATE)
    clip = client.get("/api/audio/clip", params=_params(run, 2)).content
    with wave.open(io.BytesIO(clip)) as wav:
        assert (wav.getframerate(), wav.getnframes()) == (AUDIO_RATE, frames)
    assert info == {
        "run": run,
        "tag": "tone",
        "step": 2,
        "index": 2,
        "wall_time": 1_700_000_002.0,
        "sample": 0,
        "samples": 1,
        "content_type": "audio/wav",
        "bytes": len(clip),
        "sample_rate": AUDIO_RATE,
        "channels": 1,
        "bits_per_sample": 16,
        "frames": frames,
        "duration": AUDIO_SECONDS,
    }


def test_byte_ranges_let_players_seek(client: TestClient) -> None:
    whole = client.get("/api/audio/clip", params=_params("ours", 0)).content
    cases = {
        "bytes=0-99": (0, 100),
        "bytes=100-": (100, len(whole)),
        "bytes=-10": (len(whole) - 10, len(whole)),
        f"bytes=5-{len(whole) + 50}": (5, len(whole)),
    }
    for header, (start, end) in cases.items():
        part = client.get("/api/audio/clip", params=_params("ours", 0), headers={"Range": header})
        assert part.status_code == 206, header
        assert part.content == whole[start:end]
        assert part.headers["content-range"] == f"bytes {start}-{end - 1}/{len(whole)}"
    outside = client.get(
        "/api/audio/clip", params=_params("ours", 0), headers={"Range": f"bytes={len(whole)}-"}
    )
    assert outside.status_code == 416
    assert outside.headers["content-range"] == f"bytes */{len(whole)}"
    several = client.get(
        "/api/audio/clip", params=_params("ours", 0), headers={"Range": "bytes=0-1,5-6"}
    )
    assert several.status_code == 200 and several.content == whole


@pytest.mark.parametrize(
    ("path", "params", "status", "needle"),
    [
        ("/api/audio/steps", {"run": "ours"}, 400, "'tag'"),
        ("/api/audio/steps", {"run": "ours", "tag": "solid"}, 404, "no audio tag 'solid'"),
        ("/api/audio/clip", {"run": "ghost", "tag": "tone", "step": 0}, 404, "'ghost'"),
        ("/api/audio/clip", {"run": "ours", "tag": "tone", "step": 9}, 404, "no step 9"),
        (
            "/api/audio/info",
            {"run": "ours", "tag": "tone", "step": 0, "sample": 1},
            404,
            "sample=1",
        ),
        ("/api/audio/info", {"run": "ours", "tag": "tone", "step": "1.5"}, 400, "step='1.5'"),
    ],
)
def test_bad_requests_name_what_is_wrong(
    client: TestClient, path: str, params: dict[str, Any], status: int, needle: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert needle in response.json()["error"]["message"]


def test_routes_are_in_the_openapi_document() -> None:
    paths = openapi_document()["paths"]
    assert {"/api/audio/steps", "/api/audio/clip", "/api/audio/info"} <= set(paths)
