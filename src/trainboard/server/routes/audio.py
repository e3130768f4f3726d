"""Audio: a tag's steps, one clip's format (sample rate, length) from its WAV header, and
the clip itself (with byte ranges, so players can seek), read on demand.
docs/http/audio.md.

Tags come from the core ``GET /api/tags?kind=audio``. The data layer gives each point's
clips as its blobs (TensorBoard's ``[k, 2]`` ``(clip, label)`` tensor without labels).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trainboard.data.provider import DataProvider
from trainboard.format.kinds.audio import PLUGIN_NAME, RESERVED_BLOBS
from trainboard.server.params import required
from trainboard.server.routes import _media
from trainboard.server.routes._blob_points import (
    PointQuery,
    blob_response,
    etag_of,
    parse_point_query,
    point_params,
    read_point,
    read_steps,
    run_tag_params,
    steps_listing,
)
from trainboard.server.routes._util import call_impl, provider_of
from trainboard.server.wire import binary_response, json_response
from trainboard.server.wire.media import AudioInfo, StepsListing

__all__ = ["OPENAPI", "ROUTES", "clip_impl", "info_impl", "steps_impl"]


def steps_impl(provider: DataProvider, run: str, tag: str) -> StepsListing:
    """Every step of an audio tag (no audio data): steps, wall times, clips per step."""
    return steps_listing(read_steps(provider, run, tag, PLUGIN_NAME), 1, RESERVED_BLOBS)


def clip_impl(provider: DataProvider, query: PointQuery) -> tuple[bytes, str, str]:
    """One clip's bytes, MIME type (sniffed) and entity tag."""
    point = read_point(provider, PLUGIN_NAME, query, 1, RESERVED_BLOBS)
    data = provider.read_blob(point.ref.key)
    return data, _media.sniff_audio(data), etag_of(point.ref)


def info_impl(provider: DataProvider, query: PointQuery) -> AudioInfo:
    """One clip's format: sample rate, channels, frames and duration (null unless WAV)."""
    point = read_point(provider, PLUGIN_NAME, query, 1, RESERVED_BLOBS)
    data = provider.read_blob(point.ref.key)
    content_type = _media.sniff_audio(data)
    wav: _media.WavInfo | None = None
    if content_type == "audio/wav":
        try:
            wav = _media.wav_info(data)
        except ValueError:
            wav = None
    return {
        "run": query.run,
        "tag": query.tag,
        "step": point.step,
        "index": point.index,
        "wall_time": point.wall_time,
        "sample": query.sample,
        "samples": point.samples,
        "content_type": content_type,
        "bytes": len(data),
        "sample_rate": wav.sample_rate if wav else None,
        "channels": wav.channels if wav else None,
        "bits_per_sample": wav.bits_per_sample if wav else None,
        "frames": wav.frames if wav else None,
        "duration": wav.duration if wav else None,
    }


async def steps_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    return JSONResponse(await call_impl(steps_impl, await provider_of(request), run, tag))


async def clip_route(request: Request) -> Response:
    point = parse_point_query(request.query_params)
    data, media_type, etag = await call_impl(clip_impl, await provider_of(request), point)
    return blob_response(request, data, media_type, etag, ranges=True)


async def info_route(request: Request) -> JSONResponse:
    point = parse_point_query(request.query_params)
    return JSONResponse(await call_impl(info_impl, await provider_of(request), point))


ROUTES = [
    Route("/api/audio/steps", steps_route),
    Route("/api/audio/clip", clip_route),
    Route("/api/audio/info", info_route),
]

_RUN_TAG = run_tag_params("audio")
_POINT = point_params("audio", "clip")

OPENAPI: dict[str, Any] = {
    "/api/audio/steps": {
        "get": {
            "summary": "Every step of an audio tag: steps, wall times, clips per step.",
            "parameters": _RUN_TAG,
            "responses": json_response(StepsListing),
        }
    },
    "/api/audio/clip": {
        "get": {
            "summary": "One clip (WAV) of one step; single byte ranges are answered (206).",
            "parameters": _POINT,
            "responses": binary_response("The clip, its type sniffed.", "audio/*"),
        }
    },
    "/api/audio/info": {
        "get": {
            "summary": "One clip's sample rate, channels, frames and duration (WAV header).",
            "parameters": _POINT,
            "responses": json_response(AudioInfo),
        }
    },
}
