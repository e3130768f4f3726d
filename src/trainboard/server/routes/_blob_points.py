"""What the image and audio routes share: a blob tag's steps, one point's blob, and
answering with bytes (ETag revalidation, single byte ranges for seeking in audio).

A point is named by its ``step`` and, as a hint, its ``index`` in the series: the index
is used when it still holds that step (steps may repeat when a run restarted without a
purge), else the last point with that step is, so a page holding an older listing still
gets the step it shows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from trainboard.data.provider import BlobRef, BlobSequenceSteps, DataClass, DataProvider, TagInfo
from trainboard.errors import NotFoundError
from trainboard.server.params import integer, required
from trainboard.server.routes._util import query_param
from trainboard.server.wire.media import StepsListing

__all__ = [
    "BlobPoint",
    "PointQuery",
    "blob_response",
    "blob_tag",
    "parse_point_query",
    "point_params",
    "read_point",
    "read_steps",
    "run_tag_params",
    "steps_listing",
]

_INT64 = 2**63 - 1
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def blob_tag(provider: DataProvider, run: str, tag: str, plugin: str) -> TagInfo:
    """The tag's info; a 404 naming run and tag when the run lacks a ``plugin`` blob tag."""
    for info in provider.tags(run, data_class=DataClass.BLOB_SEQUENCE, plugin_name=plugin):
        if info.tag == tag:
            return info
    raise NotFoundError(f"run {run!r} has no {plugin} tag {tag!r}")


def read_steps(provider: DataProvider, run: str, tag: str, plugin: str) -> BlobSequenceSteps:
    """The steps of a ``plugin`` blob tag (the provider's step index, no refs); 404 if none."""
    blob_tag(provider, run, tag, plugin)
    return provider.read_blob_steps(run, tag)


def steps_listing(series: BlobSequenceSteps, per_point: int, reserved: int) -> StepsListing:
    """Columns of every point: step, wall time and how many samples it holds.

    ``reserved`` leading blobs of a point are not samples (an image point starts with its
    width and height); ``per_point`` blobs make one sample.
    """
    lengths = [max(0, n - reserved) // per_point for n in series.lengths.tolist()]
    return {
        "run": series.run,
        "tag": series.tag,
        "steps": series.steps.tolist(),
        "wall_times": series.wall_times.tolist(),
        "samples": lengths,
    }


@dataclass(frozen=True, slots=True)
class PointQuery:
    """``run``, ``tag``, ``step``, optional ``index`` hint, ``sample`` of a blob request."""

    run: str
    tag: str
    step: int
    index: int | None
    sample: int


def parse_point_query(query: QueryParams) -> PointQuery:
    """The point a request names; 400s name the bad parameter."""
    run, tag = required(query, "run"), required(query, "tag")
    step = integer(query, "step", low=-_INT64 - 1, high=_INT64)
    index = integer(query, "index", -1, low=0) if "index" in query else None
    sample = integer(query, "sample", 0, low=0)
    return PointQuery(run, tag, step, index, sample)


@dataclass(frozen=True, slots=True)
class BlobPoint:
    """One point of a blob series: where it is in the series and the ref of one sample."""

    index: int
    step: int
    wall_time: float
    samples: int
    ref: BlobRef
    refs: tuple[BlobRef, ...]


def read_point(
    provider: DataProvider, plugin: str, point: PointQuery, per_point: int, reserved: int
) -> BlobPoint:
    """The blob ref of ``point.sample`` at ``point.step``; 404 for what is not there."""
    blob_tag(provider, point.run, point.tag, plugin)
    found = provider.read_blob_point(point.run, point.tag, point.step, point.index)
    refs = found.refs
    samples = max(0, len(refs) - reserved) // per_point
    if point.sample >= samples:
        raise NotFoundError(
            f"step {point.step} of run {point.run!r} tag {point.tag!r} has {samples} "
            f"sample(s); sample={point.sample} is out of range"
        )
    ref = refs[reserved + point.sample * per_point]
    return BlobPoint(found.index, point.step, found.wall_time, samples, ref, refs)


def etag_of(ref: BlobRef) -> str:
    """An entity tag for a blob: its key (file, offset, element) and wall time.

    The wall time tells apart a rewritten file that put another blob at the same offset.
    """
    digest = hashlib.sha1(f"{ref.key}|{ref.wall_time!r}".encode()).hexdigest()[:20]
    return f'"{digest}"'


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(start, end exclusive)`` of a single ``bytes=`` range, None to send it all.

    Raises ``ValueError`` for a range that does not fit the body (a 416).
    """
    match = _RANGE.match(header.strip())
    if match is None:  # several ranges or another unit: the whole body is a valid answer
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        start, end = max(0, size - int(last)), size
    else:
        start = int(first)
        end = min(size, int(last) + 1) if last else size
    if start >= size or start >= end:
        raise ValueError(f"range {header!r} is outside {size} bytes")
    return start, end


def blob_response(
    request: Request, data: bytes, media_type: str, etag: str, *, ranges: bool = False
) -> Response:
    """The bytes, revalidated by ETag (``Cache-Control: no-cache``: the browser asks again
    and gets a 304 while unchanged); ``ranges``: answer a single ``Range`` with a 206."""
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if ranges:
        headers["Accept-Ranges"] = "bytes"
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    header = request.headers.get("range") if ranges else None
    if header:
        try:
            span = _byte_range(header, len(data))
        except ValueError:
            headers["Content-Range"] = f"bytes */{len(data)}"
            return Response(status_code=416, headers=headers)
        if span is not None:
            start, end = span
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
            return Response(
                data[start:end], status_code=206, media_type=media_type, headers=headers
            )
    return Response(data, media_type=media_type, headers=headers)


def run_tag_params(what: str) -> list[dict[str, Any]]:
    """The OpenAPI parameters naming one blob tag (``what``: e.g. "image", "audio")."""
    return [
        query_param("run", "The run.", required=True),
        query_param("tag", f"The {what} tag.", required=True),
    ]


def point_params(what: str, item: str) -> list[dict[str, Any]]:
    """The OpenAPI parameters of :func:`parse_point_query` (``item``: one blob, e.g. "clip")."""
    return [
        *run_tag_params(what),
        query_param("step", "The step.", required=True, schema={"type": "integer"}),
        query_param(
            "index", "The step's position in the listing (a hint).", schema={"type": "integer"}
        ),
        query_param("sample", f"Which {item} of the step (default 0).", schema={"type": "integer"}),
    ]
