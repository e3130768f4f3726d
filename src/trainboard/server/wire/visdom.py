"""Models of the live (Visdom-style) board routes, ``/api/live/*`` (docs/visdom.md).

A window is Visdom's own window object, passed through as the client sent it.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

__all__ = [
    "CloseResponse",
    "EnvInfo",
    "EnvsResponse",
    "OpResult",
    "PushResponse",
    "WindowsResponse",
]


class EnvInfo(TypedDict):
    """One env: its window count and when it last changed."""

    name: str
    windows: int
    last_update: float | None


class EnvsResponse(TypedDict):
    """Every live env."""

    envs: list[EnvInfo]


class WindowsResponse(TypedDict):
    """Every window of an env, in creation order."""

    env: str
    windows: list[dict[str, Any]]


class OpResult(TypedDict):
    """One op's outcome: Visdom's ``reply``, or the ``error`` that left it undone."""

    reply: NotRequired[str]
    error: NotRequired[str]


class PushResponse(TypedDict):
    """One result per op, in order."""

    results: list[OpResult]


class CloseResponse(TypedDict):
    """The id of the window closed."""

    closed: str
