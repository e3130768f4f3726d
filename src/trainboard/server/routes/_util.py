"""What every route module shares: the provider from the app, errors, JSON."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from trainboard.data.provider import DataProvider

__all__ = ["call_impl", "finite_or_none", "provider_of", "query_param"]

T = TypeVar("T")


FIRST_LOAD_WAIT = 10.0  # seconds a request waits for the server's first read of the logdir


async def provider_of(request: Request) -> DataProvider:
    """The app's provider, once its first load finished (or after ``FIRST_LOAD_WAIT`` s).

    A page opened while the server starts then sees the logdir, not an empty
    board; a huge logdir still answers (partially) after the wait, and the push
    channel announces the rest.
    """
    hub = request.app.state.hub
    if not hub.loaded.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(hub.loaded.wait(), FIRST_LOAD_WAIT)
    provider: DataProvider = request.app.state.provider
    return provider


async def call_impl(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking ``*_impl`` in the thread pool (a NotFoundError it raises becomes a 404)."""
    return await run_in_threadpool(fn, *args, **kwargs)


def finite_or_none(values: Any) -> list[float | None]:
    """A float array as a JSON list, non-finite values as null."""
    return [v if math.isfinite(v) else None for v in values.tolist()]


def query_param(
    name: str, description: str, *, required: bool = False, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An OpenAPI query-parameter object."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }
