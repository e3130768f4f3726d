"""Models of the messages the push channel ``WS /api/live`` sends (docs/http/api.md, "Push").

No route answers with them, so the OpenAPI document lists them by name (``PushMessage``)
for the front end's generated types.
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import TypedDict

from trainboard.data.dashboard_kinds import Kind

__all__ = [
    "HelloMessage",
    "LiveEventsMessage",
    "PointsMessage",
    "PointsUpdate",
    "PushMessage",
    "RunsMessage",
    "TagsMessage",
    "WarningsMessage",
]


class HelloMessage(TypedDict):
    """Sent first, on every connection."""

    type: Literal["hello"]
    version: str


class RunsMessage(TypedDict):
    """Runs appeared, went away, or restarted (``reset``: purged and rewritten)."""

    type: Literal["runs"]
    added: list[str]
    removed: list[str]
    reset: list[str]


class PointsUpdate(TypedDict):
    """A (run, tag) that has new points."""

    run: str
    tag: str
    total_points: int
    last_step: int | None


class PointsMessage(TypedDict):
    """New points, per tag of one kind."""

    type: Literal["points"]
    kind: Kind
    updates: list[PointsUpdate]


class TagsMessage(TypedDict):
    """New tags of one kind in one run."""

    type: Literal["tags"]
    kind: Kind
    run: str
    added: list[str]


class WarningsMessage(TypedDict):
    """Load warnings changed: refetch /api/runs."""

    type: Literal["warnings"]


class LiveEventsMessage(TypedDict):
    """Live (Visdom-style) window events (see trainboard.visdom.store)."""

    type: Literal["live"]
    events: list[Any]


PushMessage = (
    HelloMessage | RunsMessage | PointsMessage | TagsMessage | WarningsMessage | LiveEventsMessage
)
