"""The HTTP API's wire contract: one typed model per JSON response.

Each module here holds the ``TypedDict`` models of one route group; the routes annotate
their answers with them, and their ``OPENAPI`` entries name them through
:func:`json_response`. :func:`~trainboard.server.wire.schema.resolve_models` turns the
named models into the OpenAPI document's ``components/schemas`` (with pydantic, imported
only when the document is built), and ``scripts/generate_wire_types.py`` turns that document
into the front end's TypeScript (``frontend/src/api/wire.gen.ts``). The models are
the single source: the document, the TypeScript and the tests all follow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trainboard.server.wire.errors import ErrorBody

__all__ = ["ERRORS", "Model", "binary_response", "json_response", "text_response"]


@dataclass(frozen=True)
class Model:
    """A model (or a ``Literal`` alias) in an OpenAPI entry, replaced by a schema reference
    when the document is built (see :func:`~trainboard.server.wire.schema.resolve_models`)."""

    model: Any


_ERROR = {"application/json": {"schema": Model(ErrorBody)}}
ERRORS = {
    "400": {"description": "A malformed or missing query parameter.", "content": _ERROR},
    "404": {"description": "An unknown run or tag.", "content": _ERROR},
}


_BYTES = {"type": "string", "format": "binary"}


def json_response(
    model: Any, description: str = "OK", *, binary: str | None = None
) -> dict[str, Any]:
    """An operation's ``responses``: ``model`` as JSON (or, asked for, a ``binary`` body of
    that media type), and the usual 400 and 404."""
    content: dict[str, Any] = {"application/json": {"schema": Model(model)}}
    if binary is not None:
        content[binary] = {"schema": _BYTES}
    return {"200": {"description": description, "content": content}, **ERRORS}


def binary_response(description: str, *media_types: str) -> dict[str, Any]:
    """An operation's ``responses`` for a body of one of ``media_types``."""
    content = {media_type: {"schema": _BYTES} for media_type in media_types}
    return {"200": {"description": description, "content": content}, **ERRORS}


def text_response(description: str) -> dict[str, Any]:
    """An operation's ``responses`` for a ``text/plain`` body."""
    content = {"text/plain": {"schema": {"type": "string"}}}
    return {"200": {"description": description, "content": content}, **ERRORS}
