"""Errors that reach the browser: each carries its HTTP status and becomes a JSON body.

PublicError(http_code)
├── BadRequestError   400  a malformed or missing query parameter
└── NotFoundError     404  an unknown run, tag or route
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

__all__ = [
    "BadRequestError",
    "NotFoundError",
    "PublicError",
    "error_response",
    "public_error_handler",
]


class PublicError(Exception):
    """An error whose message is safe and useful to show to the client."""

    http_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(PublicError):
    http_code = 400


class NotFoundError(PublicError):
    http_code = 404


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


async def public_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PublicError)
    return error_response(exc.http_code, exc.message)
