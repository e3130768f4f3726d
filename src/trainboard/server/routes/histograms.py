"""Histograms and Distributions: every step of one (run, tag) histogram per request.

Histograms (``GET /api/histograms``) come resampled onto one x grid shared by all of a
card's steps (``bins`` equal bins between the smallest left and largest right edge of
any step), so a card of hundreds of steps is one small answer: the front end draws the
ridgeline and overlay modes from it. Distributions (``GET /api/distributions``) are each
step compressed to TensorBoard's nine basis points. See docs/http/histograms.md.
"""

from __future__ import annotations

import json
import struct
from typing import Any, cast

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trainboard.data.provider import DataProvider, TensorSeries
from trainboard.errors import NotFoundError
from trainboard.format.kinds.histogram import PLUGIN_NAME, decode_array
from trainboard.server.params import choice, integer, required
from trainboard.server.routes._util import call_impl, finite_or_none, provider_of, query_param
from trainboard.server.wire import json_response
from trainboard.server.wire.histograms import DistributionsResponse, HistogramsResponse

__all__ = [
    "BASIS_POINTS",
    "OPENAPI",
    "ROUTES",
    "compress_buckets",
    "distributions_impl",
    "encode_binary",
    "histograms_impl",
    "rebin_buckets",
    "sample_indices",
]

# TensorBoard's distribution compression points, in basis points (1/100 of a percent): the
# normal CDF at -inf, -1.5, -1, -0.5, 0, 0.5, 1, 1.5 and +inf standard deviations.
BASIS_POINTS = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)
DEFAULT_BINS = 30
MAX_BINS = 500
DEFAULT_MAX_STEPS = 1000
MAX_STEPS = 10_000


def sample_indices(n: int, limit: int) -> np.ndarray:
    """At most ``limit`` indices of ``range(n)``, evenly spread, keeping the first and last."""
    if n <= limit:
        return np.arange(n)
    if limit == 1:
        return np.array([n - 1])
    indices: np.ndarray = np.unique(np.round(np.linspace(0, n - 1, limit)).astype(np.int64))
    return indices


def _clean(buckets: np.ndarray) -> np.ndarray:
    """``[k, 3]`` rows as float64, without rows holding NaN or no (positive) count."""
    table = decode_array(buckets)
    keep = ~np.isnan(table).any(axis=1) & (table[:, 2] > 0)
    cleaned: np.ndarray = table[keep]
    return cleaned


def _x_range(tables: list[np.ndarray]) -> tuple[float, float] | None:
    """The smallest finite left and largest finite right edge over all steps."""
    edges = [t[:, :2].reshape(-1) for t in tables if len(t)]
    if not edges:
        return None
    every = np.concatenate(edges)
    finite = every[np.isfinite(every)]
    if finite.size == 0:
        return None
    low, high = float(finite.min()), float(finite.max())
    if low == high:  # one value in every step: TensorBoard's window around it
        low, high = low / 1.1 - 1.0, high * 1.1 + 1.0
    return low, high


def _rebin_one(table: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """One step's buckets spread onto ``edges``: a bucket's count goes to the bins it
    overlaps, in proportion to the overlap (values are taken as uniform in a bucket).
    Edges beyond the grid are clipped to it; a zero-width bucket goes to the bin holding it.
    """
    bins = len(edges) - 1
    out = np.zeros(bins, dtype=np.float64)
    if not len(table):
        return out
    left = np.clip(table[:, 0], edges[0], edges[-1])
    right = np.clip(table[:, 1], edges[0], edges[-1])
    counts = table[:, 2]
    width = right - left
    wide = width > 0
    if wide.any():
        lo, hi, w = left[wide, None], right[wide, None], width[wide, None]
        overlap = np.minimum(hi, edges[None, 1:]) - np.maximum(lo, edges[None, :-1])
        out += ((counts[wide, None] / w) * np.clip(overlap, 0.0, None)).sum(axis=0)
    if (~wide).any():
        where = np.searchsorted(edges, left[~wide], side="right") - 1
        np.add.at(out, np.clip(where, 0, bins - 1), counts[~wide])
    return out


def rebin_buckets(
    tables: list[np.ndarray], bins: int
) -> tuple[tuple[float, float] | None, np.ndarray]:
    """Every step's ``[k, 3]`` (left, right, count) buckets on one grid of ``bins`` bins.

    Returns the grid's ``(x_min, x_max)`` (None when every step is empty) and an
    ``[steps, bins]`` float64 array of counts; each row's sum is its step's total count.
    """
    cleaned = [_clean(t) for t in tables]
    x_range = _x_range(cleaned)
    counts = np.zeros((len(tables), bins), dtype=np.float64)
    if x_range is None:
        return None, counts
    edges = np.linspace(x_range[0], x_range[1], bins + 1)
    for i, table in enumerate(cleaned):
        counts[i] = _rebin_one(table, edges)
    return x_range, counts


def compress_buckets(buckets: np.ndarray) -> list[float]:
    """The value at each of :data:`BASIS_POINTS` of one step's ``[k, 3]`` buckets.

    TensorBoard's distribution compressor (``compressor.compress_histogram``): the
    cumulative count, scaled to 10000, is interpolated linearly inside the bucket where
    it crosses each basis point, between the bucket's left edge (the histogram's minimum
    for the first non-empty bucket) and its right edge clipped to the maximum; basis
    points past the last bucket take the maximum. An empty histogram gives nine zeros.
    """
    table = decode_array(buckets)
    if not len(table):
        return [0.0] * len(BASIS_POINTS)
    lowest, highest = float(table[0, 0]), float(table[-1, 1])
    counts, rights = table[:, 2], table[:, 1]
    total = counts.sum() or 1.0
    weights = np.cumsum(counts * BASIS_POINTS[-1] / total)
    values = []
    for bp in BASIS_POINTS:
        i = int(np.searchsorted(weights, bp, side="right"))
        # Buckets adding no weight cannot hold the crossing; skip them as TensorBoard does.
        while i < len(weights) and i > 0 and weights[i] == weights[i - 1]:
            i += 1
        if i >= len(weights):
            break
        before = float(weights[i - 1]) if i > 0 else 0.0
        left = lowest if i == 0 or before == 0.0 else max(float(rights[i - 1]), lowest)
        right = min(float(rights[i]), highest)
        values.append(left + (bp - before) * (right - left) / (float(weights[i]) - before))
    values += [highest] * (len(BASIS_POINTS) - len(values))
    return values


def _histogram_series(provider: DataProvider, run: str, tag: str) -> TensorSeries:
    infos = provider.tags(run, plugin_name=PLUGIN_NAME)
    if not any(info.tag == tag for info in infos):
        raise NotFoundError(f"run {run!r} has no histogram tag {tag!r}")
    return provider.read_tensors(run, tag)


def histograms_impl(
    provider: DataProvider, run: str, tag: str, *, bins: int, max_steps: int
) -> dict[str, Any]:
    """One histogram card: every step (at most ``max_steps``) on a common grid of ``bins``."""
    series = _histogram_series(provider, run, tag)
    chosen = sample_indices(len(series), max_steps)
    x_range, counts = rebin_buckets([series.values[i] for i in chosen], bins)
    return {
        "run": run,
        "tag": tag,
        "total_steps": len(series),
        "bins": bins,
        "x_min": None if x_range is None else x_range[0],
        "x_max": None if x_range is None else x_range[1],
        "steps": series.steps[chosen],
        "wall_times": series.wall_times[chosen],
        "counts": counts,
    }


def distributions_impl(
    provider: DataProvider, run: str, tag: str, *, max_steps: int
) -> DistributionsResponse:
    """One distribution card: the nine basis-point values of every step (at most ``max_steps``)."""
    series = _histogram_series(provider, run, tag)
    chosen = sample_indices(len(series), max_steps)
    return {
        "run": run,
        "tag": tag,
        "total_steps": len(series),
        "basis_points": list(BASIS_POINTS),
        "steps": series.steps[chosen].tolist(),
        "wall_times": series.wall_times[chosen].tolist(),
        "values": [finite_or_none(np.asarray(compress_buckets(series.values[i]))) for i in chosen],
    }


def _histograms_json(card: dict[str, Any]) -> HistogramsResponse:
    return cast(
        HistogramsResponse,
        {
            **card,
            "steps": card["steps"].tolist(),
            "wall_times": card["wall_times"].tolist(),
            "counts": card["counts"].tolist(),
        },
    )


_BINARY_ARRAYS = (("steps", "f8"), ("wall_times", "f8"), ("counts", "f4"))


def encode_binary(card: dict[str, Any]) -> bytes:
    """The binary answer: ``uint32`` header length, a JSON header naming each array's
    offset (from the start of the body), length and dtype, padding to 8 bytes, then the
    little-endian arrays (``counts`` row-major, ``steps x bins``), each 8-byte aligned.
    """
    blobs = [np.ascontiguousarray(card[k], dtype="<" + d).tobytes() for k, d in _BINARY_ARRAYS]
    relative, position = [], 0
    for blob in blobs:
        relative.append(position)
        position += len(blob) + (-len(blob)) % 8
    header_fields = {k: v for k, v in card.items() if k not in dict(_BINARY_ARRAYS)}
    base = 8
    while True:  # offsets count from the body's start, so they depend on the header's size
        arrays = {
            key: {"offset": base + rel, "length": int(np.size(card[key])), "dtype": dtype}
            for (key, dtype), rel in zip(_BINARY_ARRAYS, relative, strict=True)
        }
        header = json.dumps({**header_fields, **arrays}).encode()
        needed = 4 + len(header) + (-(4 + len(header))) % 8
        if needed <= base:
            break
        base = needed
    padding = b" " * (base - 4 - len(header))
    body = b"".join(blob + b"\0" * ((-len(blob)) % 8) for blob in blobs)
    return struct.pack("<I", len(header) + len(padding)) + header + padding + body


async def histograms_route(request: Request) -> Response:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    bins = integer(query, "bins", DEFAULT_BINS, low=1, high=MAX_BINS)
    max_steps = integer(query, "max_steps", DEFAULT_MAX_STEPS, low=1, high=MAX_STEPS)
    fmt = choice(query, "format", ("json", "binary"), "json")
    card = await call_impl(
        histograms_impl, await provider_of(request), run, tag, bins=bins, max_steps=max_steps
    )
    if fmt == "binary":
        return Response(encode_binary(card), media_type="application/octet-stream")
    return JSONResponse(_histograms_json(card))


async def distributions_route(request: Request) -> Response:
    query = request.query_params
    run, tag = required(query, "run"), required(query, "tag")
    max_steps = integer(query, "max_steps", DEFAULT_MAX_STEPS, low=1, high=MAX_STEPS)
    card = await call_impl(
        distributions_impl, await provider_of(request), run, tag, max_steps=max_steps
    )
    return JSONResponse(card)


ROUTES = [
    Route("/api/histograms", histograms_route),
    Route("/api/distributions", distributions_route),
]

_RUN_TAG = [
    query_param("run", "The run.", required=True),
    query_param("tag", "The histogram tag.", required=True),
]
_MAX_STEPS = query_param(
    "max_steps",
    f"At most this many steps, evenly spread, first and last kept (1-{MAX_STEPS}, "
    f"default {DEFAULT_MAX_STEPS}).",
    schema={"type": "integer"},
)

OPENAPI: dict[str, Any] = {
    "/api/histograms": {
        "get": {
            "summary": "Every step of one histogram, resampled onto one x grid of equal bins.",
            "parameters": [
                *_RUN_TAG,
                query_param(
                    "bins",
                    f"Bins of the common grid (1-{MAX_BINS}, default {DEFAULT_BINS}).",
                    schema={"type": "integer"},
                ),
                _MAX_STEPS,
                query_param(
                    "format",
                    "json or binary.",
                    schema={"type": "string", "enum": ["json", "binary"]},
                ),
            ],
            "responses": json_response(
                HistogramsResponse,
                "JSON; format=binary: a HistogramsHeader, then the arrays (see encode_binary).",
                binary="application/octet-stream",
            ),
        }
    },
    "/api/distributions": {
        "get": {
            "summary": "Every step of one histogram compressed to TensorBoard's nine basis "
            "points (percentile values).",
            "parameters": [*_RUN_TAG, _MAX_STEPS],
            "responses": json_response(DistributionsResponse),
        }
    },
}
