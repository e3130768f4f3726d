"""Errors that reach the browser: each carries its HTTP status and becomes a JSON body.

PublicError(http_code)
└── BadRequestError   400  a malformed or missing query parameter

An unknown run, tag, window or blob is the package's one
:class:`trainboard.errors.NotFoundError`, raised by the data layer and the routes alike;
:func:`not_found_handler` answers it with a 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from trainboard.errors import NotFoundError

__all__ = [
    "BadRequestError",
    "PublicError",
    "error_response",
    "not_found_handler",
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


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


async def public_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PublicError)
    return error_response(exc.http_code, exc.message)


async def not_found_handler(request: Request, exc: Exception) -> JSONResponse:
    """An unknown run, tag, window or blob: 404 with the error's own message."""
    assert isinstance(exc, NotFoundError)
    return error_response(404, str(exc))
