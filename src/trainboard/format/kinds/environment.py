"""The captured environment of a run: one record a ``SummaryWriter`` writes at start.

One event at step 0 holds two values:

* ``environment/text_summary``: a text value (``format.kinds.text``) holding a Markdown
  table of the environment, so TensorBoard's text dashboard shows it, and so does ours
  (as the text tag ``environment``);
* ``_trainboard_/environment``: the same facts as a JSON object in a ``DT_STRING`` scalar
  tensor, with plugin ``trainboard_environment`` (metadata content ``{"version": 1}``),
  which TensorBoard ignores and the data layer reads back (:func:`decode`).

The event goes into an event file of its own in the run's directory, named
``.<main event file name>.environment``: TensorBoard reads it (its name contains
``tfevents``; it sorts before the main file, so it is read first), while tools that list
``*tfevents*`` with a shell-style glob, which skips dot files, still see one event file per
run. The keys are documented in docs/data.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from trainboard.format.proto.plugin_data_pb2 import TextPluginData
from trainboard.format.proto.summary_pb2 import DataClass, Summary, SummaryMetadata
from trainboard.format.proto.tensor_pb2 import DT_STRING, TensorProto, TensorShapeProto

__all__ = [
    "DATA_TAG",
    "FILE_SUFFIX",
    "LABELS",
    "PLUGIN_NAME",
    "TEXT_TAG",
    "VERSION",
    "decode",
    "encode",
    "markdown",
]

PLUGIN_NAME = "trainboard_environment"
VERSION = 1
TEXT_TAG = "environment"  # written as environment/text_summary, as add_text writes it
DATA_TAG = "_trainboard_/environment"
FILE_SUFFIX = ".environment"  # the file is "." + <main event file name> + FILE_SUFFIX

# The keys, in the order the Markdown table lists them, with their labels.
LABELS: dict[str, str] = {
    "command": "command",
    "cwd": "working directory",
    "git_commit": "git commit",
    "git_dirty": "git dirty",
    "host": "host",
    "pid": "process id",
    "platform": "platform",
    "python": "Python",
    "torch": "torch",
    "cuda": "CUDA",
    "gpus": "GPUs",
    "trainboard": "trainboard",
    "started": "started (UTC)",
}


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        text_value = "yes" if value else "no"
    elif isinstance(value, list):
        text_value = ", ".join(str(v) for v in value)
    else:
        text_value = str(value)
    # A table cell is one line; a pipe would end it and backquotes would open code.
    text_value = " ".join(text_value.split()).replace("|", "\\|")
    return f"`{text_value}`" if text_value and "`" not in text_value else text_value


def _shown(key: str, value: Any) -> Any:
    """``started`` as an ISO date and time (UTC) for people; the JSON keeps Unix time."""
    if key == "started" and isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        except (OverflowError, OSError, ValueError):
            return value
    return value


def markdown(environment: Mapping[str, Any]) -> str:
    """The environment as a two-column Markdown table (known keys first, in order)."""
    keys = [k for k in LABELS if k in environment]
    keys += sorted(k for k in environment if k not in LABELS)
    rows = [f"| {LABELS.get(k, k)} | {_cell(_shown(k, environment[k]))} |" for k in keys]
    return "\n".join(["| | |", "|---|---|", *rows])


def encode(environment: Mapping[str, Any]) -> list[Summary.Value]:
    """The two values of the environment record (see the module docstring)."""
    data = json.dumps(dict(environment), sort_keys=True, ensure_ascii=False)
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(
            plugin_name=PLUGIN_NAME, content=json.dumps({"version": VERSION}).encode("utf-8")
        ),
        data_class=DataClass.DATA_CLASS_TENSOR,
    )
    tensor = TensorProto(dtype=DT_STRING, string_val=[data.encode("utf-8")])
    # The text value as format.kinds.text.text_value builds it, built here because that
    # module imports numpy, which the writer does not load for this record.
    text_metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(
            plugin_name="text", content=TextPluginData(version=0).SerializeToString()
        )
    )
    text_tensor = TensorProto(
        dtype=DT_STRING,
        string_val=[markdown(environment).encode("utf-8")],
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]),
    )
    return [
        Summary.Value(tag=TEXT_TAG + "/text_summary", metadata=text_metadata, tensor=text_tensor),
        Summary.Value(tag=DATA_TAG, metadata=metadata, tensor=tensor),
    ]


def decode(array: Any) -> dict[str, Any]:
    """The environment from the data value's tensor (as the data layer holds it)."""
    item = array.reshape(-1)[0] if hasattr(array, "reshape") else array
    if isinstance(item, bytes):
        item = item.decode("utf-8", errors="replace")
    value = json.loads(str(item))
    if not isinstance(value, dict):
        raise ValueError(f"an environment record must hold a JSON object, got {type(value)}")
    return value
