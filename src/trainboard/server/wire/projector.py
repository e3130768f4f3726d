"""Models of the projector routes (docs/http/projector.md)."""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import NotRequired, TypedDict

__all__ = [
    "EmbeddingInfo",
    "EmbeddingsResponse",
    "MetadataColumn",
    "MetadataResponse",
    "MethodInfo",
    "Neighbor",
    "NeighborsResponse",
    "ParamInfo",
    "ParamKind",
    "ProjectionHeader",
    "ProjectionJob",
    "ProjectorRun",
    "SpriteSize",
]


class SpriteSize(TypedDict):
    """One thumbnail's size in the sprite image, in pixels."""

    width: int
    height: int


class EmbeddingInfo(TypedDict):
    """One embedding of a run's projector config (``error`` when it cannot be shown)."""

    name: str
    tag: str
    step: int | None
    num_points: int | None
    dimensions: int | None
    metadata: bool
    sprite: SpriteSize | None
    error: str | None


class ProjectorRun(TypedDict):
    """A run with a projector config (``error`` when the config cannot be read)."""

    run: str
    embeddings: list[EmbeddingInfo]
    error: str | None


ParamKind = Literal["int", "float", "choice"]


class ParamInfo(TypedDict):
    """One parameter of a projection method: a range, or choices."""

    name: str
    kind: ParamKind
    default: float | str | None
    low: NotRequired[float | None]
    high: NotRequired[float | None]
    options: NotRequired[list[str]]


class MethodInfo(TypedDict):
    """A projection method: whether it runs here (``reason``: what to install) and its
    parameters."""

    available: bool
    reason: str | None
    params: list[ParamInfo]


class EmbeddingsResponse(TypedDict):
    """Every run with a projector config, and the methods on offer (by name)."""

    runs: list[ProjectorRun]
    methods: dict[str, MethodInfo]


class MetadataColumn(TypedDict):
    """One metadata column: one label per point."""

    name: str
    values: list[str]


class MetadataResponse(TypedDict):
    """An embedding's labels."""

    run: str
    name: str
    num_points: int
    columns: list[MetadataColumn]
    warning: str | None


class Neighbor(TypedDict):
    """A point and its distance (null when infinite)."""

    index: int
    distance: float | None


class NeighborsResponse(TypedDict):
    """The nearest points to ``index``, nearest first."""

    run: str
    name: str
    index: int
    distance: str
    neighbors: list[Neighbor]


class ProjectionJob(TypedDict):
    """The status of the job computing a projection."""

    key: str
    method: str
    params: dict[str, Any]
    state: Literal["queued", "running", "done", "error"]
    progress: float
    stage: str
    error: str | None
    elapsed_s: float


class ProjectionHeader(TypedDict):
    """The JSON header of the binary coordinates answer (float32 ``[N, C]`` follows)."""

    key: str
    method: str
    params: dict[str, Any]
    num_points: int
    components: int
    explained_variance_ratio: list[float] | None
    total_variance: float | None
    elapsed_s: float
