"""Images and videos: tag listings (each image tag is an image or a video tag), a tag's
steps, and one image (or GIF) of one step, read on demand. docs/http/images.md.

``add_video`` writes animated GIFs as image summaries, so a tag of the ``images`` plugin
is a *video* tag when the first image of its first step is a GIF with more than one frame
(sniffed from the bytes once, remembered by the provider), else an *image* tag. The Images
dashboard shows image tags and the Video dashboard video tags.
"""

from __future__ import annotations

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trainboard.data.provider import BlobSequenceSteps, DataClass, DataProvider
from trainboard.format.kinds.image import PLUGIN_NAME, RESERVED_BLOBS, recorded_size
from trainboard.server.params import choice, required
from trainboard.server.routes import _media
from trainboard.server.routes._blob_points import (
    BlobPoint,
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
from trainboard.server.routes._util import call_impl, provider_of, query_param
from trainboard.server.wire import binary_response, json_response
from trainboard.server.wire.media import (
    ImageInfo,
    ImageSteps,
    ImageTagInfo,
    ImageTagsResponse,
    Media,
)

__all__ = [
    "OPENAPI",
    "ROUTES",
    "image_impl",
    "info_impl",
    "media_of",
    "steps_impl",
    "tags_impl",
]

MEDIA: tuple[Media, ...] = get_args(Media)


def media_of(provider: DataProvider, steps: BlobSequenceSteps) -> Media:
    """``"video"`` when the tag's first image is an animated GIF, else ``"image"``.

    The answer is remembered by the provider while that image is unchanged.
    """
    if not len(steps) or int(steps.lengths[0]) <= RESERVED_BLOBS:
        return "image"
    first = provider.read_blob_point(steps.run, steps.tag, int(steps.steps[0]), 0)
    ref = first.refs[RESERVED_BLOBS]
    animated = provider.blob_fact(ref, "animated_gif", _media.is_animated_gif)
    return "video" if animated else "image"


def tags_impl(provider: DataProvider, media: Media | None = None) -> ImageTagsResponse:
    """Every image tag per run with its media; only those of ``media`` when given."""
    tags: dict[str, dict[str, ImageTagInfo]] = {}
    infos = provider.tags(data_class=DataClass.BLOB_SEQUENCE, plugin_name=PLUGIN_NAME)
    for info in infos:
        kind = media_of(provider, provider.read_blob_steps(info.run, info.tag))
        if media is not None and kind != media:
            continue
        tags.setdefault(info.run, {})[info.tag] = {
            "points": info.num_points,
            "last_step": info.last_step,
            "display_name": info.display_name,
            "description": info.description,
            "media": kind,
        }
    return {"media": media, "tags": tags}


def steps_impl(provider: DataProvider, run: str, tag: str) -> ImageSteps:
    """Every step of an image tag (no image data): steps, wall times, images per step."""
    steps = read_steps(provider, run, tag, PLUGIN_NAME)
    return {**steps_listing(steps, 1, RESERVED_BLOBS), "media": media_of(provider, steps)}


def _point(provider: DataProvider, query: PointQuery) -> BlobPoint:
    return read_point(provider, PLUGIN_NAME, query, 1, RESERVED_BLOBS)


def image_impl(provider: DataProvider, query: PointQuery) -> tuple[bytes, str, str]:
    """One image's bytes, MIME type (sniffed) and entity tag."""
    point = _point(provider, query)
    data = provider.read_blob(point.ref.key)
    return data, _media.sniff_image(data), etag_of(point.ref)


def _recorded_size(provider: DataProvider, point: BlobPoint) -> tuple[int, int] | None:
    """The point's recorded ``[width, height]`` blobs (TensorBoard's layout), if numbers."""
    return recorded_size([provider.read_blob(ref.key) for ref in point.refs[:RESERVED_BLOBS]])


def info_impl(provider: DataProvider, query: PointQuery) -> ImageInfo:
    """What one image is: size, MIME type, bytes; a GIF's frames and loop duration too."""
    point = _point(provider, query)
    data = provider.read_blob(point.ref.key)
    content_type = _media.sniff_image(data)
    size = _media.image_size(data) or _recorded_size(provider, point)
    frames, duration_ms = 1, None
    if content_type == "image/gif":
        try:
            gif = _media.gif_info(data)
        except ValueError:
            pass
        else:
            frames, duration_ms = gif.frames, gif.duration_ms
    return {
        "run": query.run,
        "tag": query.tag,
        "step": point.step,
        "index": point.index,
        "wall_time": point.wall_time,
        "sample": query.sample,
        "samples": point.samples,
        "width": size[0] if size else None,
        "height": size[1] if size else None,
        "content_type": content_type,
        "bytes": len(data),
        "frames": frames,
        "duration_ms": duration_ms,
    }


async def tags_route(request: Request) -> JSONResponse:
    media = request.query_params.get("media")
    if media is not None:
        media = choice(request.query_params, "media", MEDIA)
    body = await call_impl(tags_impl, await provider_of(request), media)
    return JSONResponse(body)


async def steps_route(request: Request) -> JSONResponse:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    return JSONResponse(await call_impl(steps_impl, await provider_of(request), run, tag))


async def image_route(request: Request) -> Response:
    point = parse_point_query(request.query_params)
    data, media_type, etag = await call_impl(image_impl, await provider_of(request), point)
    return blob_response(request, data, media_type, etag)


async def info_route(request: Request) -> JSONResponse:
    point = parse_point_query(request.query_params)
    return JSONResponse(await call_impl(info_impl, await provider_of(request), point))


ROUTES = [
    Route("/api/images/tags", tags_route),
    Route("/api/images/steps", steps_route),
    Route("/api/images/image", image_route),
    Route("/api/images/info", info_route),
]

_RUN_TAG = run_tag_params("image")
_POINT = point_params("image", "image")

OPENAPI: dict[str, Any] = {
    "/api/images/tags": {
        "get": {
            "summary": "Image tags per run, each an image or a video (animated GIF) tag.",
            "parameters": [
                query_param(
                    "media",
                    "image or video: only those tags.",
                    schema={"type": "string", "enum": list(MEDIA)},
                ),
            ],
            "responses": json_response(ImageTagsResponse),
        }
    },
    "/api/images/steps": {
        "get": {
            "summary": "Every step of an image tag: steps, wall times, images per step.",
            "parameters": _RUN_TAG,
            "responses": json_response(ImageSteps),
        }
    },
    "/api/images/image": {
        "get": {
            "summary": "One image (PNG, GIF, JPEG...) of one step, with its sniffed type.",
            "parameters": _POINT,
            "responses": binary_response("The image, its type sniffed.", "image/*"),
        }
    },
    "/api/images/info": {
        "get": {
            "summary": "One image's size, type and length; a GIF's frames and duration.",
            "parameters": _POINT,
            "responses": json_response(ImageInfo),
        }
    },
}
