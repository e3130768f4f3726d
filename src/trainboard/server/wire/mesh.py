"""Models of the mesh routes (the data answer is binary by default; docs/http/mesh.md)."""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

__all__ = [
    "MeshArrayRef",
    "MeshDataHeader",
    "MeshDataResponse",
    "MeshInfo",
    "MeshStepsResponse",
    "MeshTagsResponse",
]


class MeshInfo(TypedDict):
    """One mesh of one run: its parts, their tags, batch size and point count."""

    components: list[str]
    instance_tags: dict[str, str]
    samples: int
    points: int
    last_step: int | None
    display_name: str
    description: str


class MeshTagsResponse(TypedDict):
    """run -> mesh name -> info."""

    runs: dict[str, dict[str, MeshInfo]]


class MeshStepsResponse(TypedDict):
    """The steps of a mesh (each once, ascending), wall times and batch sizes."""

    run: str
    tag: str
    steps: list[int]
    wall_times: list[float]
    samples: list[int]


class _MeshStep(TypedDict):
    run: str
    tag: str
    step: int
    wall_time: float
    sample: int
    samples: int
    config: dict[str, Any]
    num_vertices: int
    num_faces: int
    components: list[str]
    warnings: list[str]


class MeshDataResponse(_MeshStep):
    """One batch item of one step (format=json): each part as rows of three."""

    vertices: list[list[float | None]]
    faces: NotRequired[list[list[int]]]
    colors: NotRequired[list[list[int]]]


class MeshArrayRef(TypedDict):
    """Where one part lies in the binary body (``dtype``: f4, i4 or u1)."""

    offset: int
    length: int
    dtype: str
    shape: list[int]


class MeshDataHeader(_MeshStep):
    """The JSON header of the binary mesh answer: each part's place in the body."""

    arrays: dict[str, MeshArrayRef]
