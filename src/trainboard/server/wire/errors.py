"""Model of the error body every route answers a 4xx with (docs/http/api.md)."""

from __future__ import annotations

from typing_extensions import TypedDict

__all__ = ["ErrorBody", "ErrorDetail"]


class ErrorDetail(TypedDict):
    """The HTTP status again, and what was wrong (the bad parameter, the unknown run...)."""

    status: int
    message: str


class ErrorBody(TypedDict):
    """An error answer."""

    error: ErrorDetail
