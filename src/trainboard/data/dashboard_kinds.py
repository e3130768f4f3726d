"""The board's dashboard kinds, listed once, and which kind shows a tag.

``Kind`` is the single list: the server's routes, the OpenAPI document and (through
the TypeScript generated from that document) the front end all take it from here.
Its order is the order of the board's tabs. Each kind names the plugins whose tags it
shows, taken from the kind modules in :mod:`trainboard.format.kinds`.
"""

from __future__ import annotations

from typing import Literal, get_args

from typing_extensions import TypeAliasType

from trainboard.data.provider import DataClass, TagInfo
from trainboard.format.kinds import (
    audio,
    custom_scalars,
    graph,
    histogram,
    hparams,
    image,
    mesh,
    pr_curve,
    scalar,
    text,
)

__all__ = ["KINDS", "PLUGINS", "Kind", "kind_of"]

# A named alias, so that the OpenAPI document holds the list once (``Kind``) and refers to it.
Kind = TypeAliasType(
    "Kind",
    Literal[
        "scalars",
        "images",
        "audio",
        "histograms",
        "text",
        "pr_curves",
        "graphs",
        "projector",
        "hparams",
        "custom_scalars",
        "mesh",
    ],
)
KINDS: tuple[Kind, ...] = get_args(Kind.__value__)

# Plugin names per kind. Graphs also show TensorFlow's run metadata (with and without a
# graph); the projector reads files next to the events, not tags, so it has none.
PLUGINS: dict[Kind, tuple[str, ...]] = {
    "scalars": (scalar.PLUGIN_NAME,),
    "images": (image.PLUGIN_NAME,),
    "audio": (audio.PLUGIN_NAME,),
    "histograms": (histogram.PLUGIN_NAME,),
    "text": (text.PLUGIN_NAME,),
    "pr_curves": (pr_curve.PLUGIN_NAME,),
    "graphs": (
        graph.PLUGIN_NAME,
        graph.RUN_METADATA_PLUGIN_NAME,
        "graph_run_metadata",
        "graph_run_metadata_graph",
    ),
    "projector": (),
    "hparams": (hparams.PLUGIN_NAME,),
    "custom_scalars": (custom_scalars.PLUGIN_NAME,),
    "mesh": (mesh.PLUGIN_NAME,),
}
_KIND_OF_PLUGIN = {plugin: kind for kind, plugins in PLUGINS.items() for plugin in plugins}


def kind_of(info: TagInfo) -> Kind | None:
    """The dashboard kind a tag belongs to, or None when no dashboard shows it."""
    if info.data_class is DataClass.SCALAR:
        return "scalars"
    return _KIND_OF_PLUGIN.get(info.plugin_name)
