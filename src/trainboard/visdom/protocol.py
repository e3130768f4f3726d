"""The live wire protocol: Visdom's messages, the windows they build, and how updates apply.

This module is the one place the message shapes are defined. Clients (ours and the
``visdom`` package) send Visdom's JSON messages; the server keeps one *window dict* per
window, exactly as Visdom's server does::

    /events   {"eid", "win", "data": [traces or one {"type", "content"}], "layout", "opts"}
              -> build_window(msg): {"command": "window", "id", "title", "inflate",
                 "width", "height", "contentID", "type", "content", "i", ...}
    /update   {"eid", "win", "data", "name"?, "append"?, "delete"?, "updateDir"?,
               "layout"?, "opts"?, "create_layout"? (trainboard)}
              -> apply_update(window, msg) -> Change

``type`` is ``plot`` (``content = {"data": [plotly traces], "layout": {...}}``), ``image``,
``image_history``, ``text``, ``properties``, ``network`` or ``embeddings``. Updates follow
Visdom's server: traces are matched by ``name`` (a missing name injects a new trace), else
the i-th new trace updates the i-th trace; ``append`` concatenates ``x``/``y`` (and
``marker.color``), otherwise they are replaced; new data whose ``x`` is all NaN is ignored;
``delete`` removes the named trace (or every trace). ``create_layout`` is trainboard's one
addition: the layout to use when an ``append`` creates the window (Visdom's client makes an
extra ``win_exists`` round trip for that instead).

Unlike Visdom's server, a message is checked completely before anything changes, and a
bad one raises :class:`ProtocolError` naming the field and what was expected, so the env
keeps its earlier data.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "APPEND_TYPES",
    "HEATMAP_DIRECTIONS",
    "MAX_JSON_DEPTH",
    "WINDOW_TYPES",
    "Change",
    "ProtocolError",
    "apply_update",
    "build_window",
    "check_window",
    "dumps",
    "escape_env",
    "loads",
    "new_content_id",
    "new_window_id",
    "window_env",
]

APPEND_TYPES = ("scatter", "scattergl", "custom", "heatmap")
HEATMAP_DIRECTIONS = ("replace", "appendRow", "appendColumn", "prependRow", "prependColumn")
_SINGLE_CONTENT = ("image", "text", "properties")
WINDOW_TYPES = ("plot", "image", "image_history", "text", "properties", "network", "embeddings")
MAX_JSON_DEPTH = 64  # nesting a message may have (Plotly traces need a handful of levels)
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_XY_TYPES = ("scatter", "scattergl", "scatter3d", "bar")
# Window keys an update's opts may not overwrite (Visdom copies every opt onto the window).
_PROTECTED = frozenset({"command", "id", "type", "content", "contentID", "i"})


class ProtocolError(ValueError):
    """A message that does not follow the protocol; nothing was changed."""


@dataclass
class Change:
    """What an operation did to one window, for the push channel.

    ``kind`` is ``"append"`` (``appended`` holds ``(trace index, {"x": [...], "y": [...]})``
    pairs: the page extends those traces), ``"window"`` (the whole window changed: send it)
    or ``"none"`` (a masked update: nothing to send).
    """

    kind: str
    appended: list[tuple[int, dict[str, list[Any]]]] = field(default_factory=list)


def loads(body: bytes | str, *, max_depth: int | None = None) -> Any:
    """Parse a JSON body; NaN and ±Infinity (Python's json writes them) become null.

    A body nested deeper than ``max_depth`` (default :data:`MAX_JSON_DEPTH`) is refused
    before it is parsed, so no message can exhaust the parser's or a reader's recursion.
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    limit = MAX_JSON_DEPTH if max_depth is None else max_depth
    depth = json_depth(raw)
    if depth > limit:
        raise ProtocolError(f"the body nests {depth} levels deep; at most {limit} are accepted")
    try:
        return json.loads(raw, parse_constant=lambda _: None)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        text = raw[:60].decode("utf-8", "replace")
        raise ProtocolError(f"the body is not JSON ({exc}); it starts {text!r}") from None


def json_depth(raw: bytes) -> int:
    """How deeply ``[``/``{`` nest in JSON text (outside strings), counted at C speed."""
    import numpy as np

    if b"[" not in raw and b"{" not in raw:
        return 0
    stripped = np.frombuffer(_JSON_STRING.sub(b'""', raw), dtype=np.uint8)
    steps = (
        (stripped == ord("[")).astype(np.int32) + (stripped == ord("{"))
        - (stripped == ord("]")) - (stripped == ord("}"))
    )
    return int(np.cumsum(steps).max(initial=0))


def dumps(value: Any) -> str:
    """Strict JSON (no NaN tokens: browsers reject them), compact."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def escape_env(eid: Any) -> str:
    """Visdom's env naming: None is ``main``, ``/`` becomes ``_``."""
    if eid is None:
        return "main"
    if not isinstance(eid, str) or not eid or "\n" in eid or "\x00" in eid:
        raise ProtocolError(f"env must be a non-empty one-line string, got {eid!r}")
    return eid.replace("/", "_")


def window_env(msg: dict[str, Any]) -> str:
    """The env a message is for (``eid``; Visdom's ``win_hash`` says ``env``)."""
    return escape_env(msg.get("eid", msg.get("env")))


def new_window_id() -> str:
    return f"window_{uuid.uuid4()}"


def new_content_id() -> str:
    return str(uuid.uuid4())


def _require_dict(msg: Any, what: str) -> dict[str, Any]:
    if not isinstance(msg, dict):
        raise ProtocolError(f"{what} must be a JSON object, got {type(msg).__name__}")
    return msg


def _check_traces(data: Any) -> list[dict[str, Any]]:
    """Plotly traces: a list of objects whose x/y (scatter-like) have equal lengths."""
    if not isinstance(data, list):
        raise ProtocolError(f"data must be a list of traces, got {type(data).__name__}")
    for n, trace in enumerate(data):
        if not isinstance(trace, dict):
            raise ProtocolError(f"data[{n}] must be a trace object, got {trace!r:.60}")
        kind = trace.get("type", "scatter")
        if not isinstance(kind, str):
            raise ProtocolError(f"data[{n}].type must be a Plotly trace type, got {kind!r:.40}")
        for key in ("marker", "line"):
            if trace.get(key) is not None and not isinstance(trace[key], dict):
                raise ProtocolError(
                    f"data[{n}].{key} must be an object, got {trace[key]!r:.40}"
                )
        if kind == "heatmap":
            z = trace.get("z")
            if z is not None and (
                not isinstance(z, list) or not all(isinstance(row, list) for row in z)
            ):
                raise ProtocolError(f"data[{n}].z of a heatmap must be a list of rows")
            for axis in ("x", "y"):
                if trace.get(axis) is not None and not isinstance(trace[axis], list):
                    raise ProtocolError(
                        f"data[{n}].{axis} (heatmap labels) must be a list, "
                        f"got {trace[axis]!r:.40}"
                    )
        if kind in _XY_TYPES:
            x, y = trace.get("x"), trace.get("y")
            if isinstance(x, list) and isinstance(y, list) and len(x) != len(y):
                raise ProtocolError(
                    f"data[{n}] (trace {trace.get('name')!r}) has {len(x)} x values but "
                    f"{len(y)} y values; expected the same number"
                )
            z = trace.get("z")
            if trace.get("type") == "scatter3d" and isinstance(z, list) and isinstance(x, list) \
                    and len(z) != len(x):
                raise ProtocolError(f"data[{n}] has {len(x)} x values but {len(z)} z values")
    return data


def build_window(msg: dict[str, Any], index: int) -> dict[str, Any]:
    """The window dict Visdom's server builds for an ``/events`` message (``win`` set)."""
    msg = _require_dict(msg, "the message")
    data = msg.get("data")
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise ProtocolError("data must be a non-empty list of traces or one content object")
    opts = msg.get("opts") or {}
    if not isinstance(opts, dict):
        raise ProtocolError(f"opts must be an object, got {opts!r:.60}")
    win = msg.get("win")
    p: dict[str, Any] = {
        "command": "window",
        "id": str(win) if win is not None else new_window_id(),
        "title": opts.get("title", ""),
        "inflate": opts.get("inflate", True),
        "width": opts.get("width"),
        "height": opts.get("height"),
        "contentID": new_content_id(),
    }
    ptype = data[0].get("type")
    if "content" in data[0] and ptype not in WINDOW_TYPES:
        raise ProtocolError(
            f"data[0].type must be one of {', '.join(WINDOW_TYPES[1:])} for a content "
            f"window, got {ptype!r:.40}"
        )
    if ptype == "image_history":
        p.update(
            content=[data[0].get("content")],
            selected=0,
            type=ptype,
            show_slider=opts.get("show_slider", True),
        )
    elif ptype in _SINGLE_CONTENT:
        if ptype == "text" and not isinstance(data[0].get("content"), str):
            raise ProtocolError("a text window's data[0].content must be a string")
        p.update(content=data[0].get("content"), type=ptype)
    elif ptype == "network":
        p.update(
            content=data[0].get("content"),
            type=ptype,
            directed=opts.get("directed", False),
            showEdgeLabels=opts.get("showEdgeLabels", "hover"),
            showVertexLabels=opts.get("showVertexLabels", "hover"),
        )
    elif ptype == "embeddings":
        given = data[0].get("content") or {}
        if not isinstance(given, dict):
            raise ProtocolError(
                f"an embeddings window's data[0].content must be an object, got "
                f"{type(given).__name__}"
            )
        content = dict(given)
        content["has_previous"] = False
        p.update(content=content, type=ptype, old_content=[])
    else:
        layout = msg.get("layout") or {}
        if not isinstance(layout, dict):
            raise ProtocolError(f"layout must be an object, got {layout!r:.60}")
        p.update(content={"data": _check_traces(data), "layout": layout}, type="plot")
    p["i"] = index
    return check_window(p, "the window")


_CONTENT_TYPES: dict[str, tuple[type, ...]] = {
    "plot": (dict,),
    "text": (str,),
    "image": (dict, str),
    "image_history": (list,),
    "properties": (list, dict),
    "network": (dict,),
    "embeddings": (dict,),
}


def check_window(window: Any, where: str) -> dict[str, Any]:
    """``window`` if it is a window dict every reader can use; else :class:`ProtocolError`.

    Applied to every window the store keeps: built from ``/events``, given whole by
    ``/win_data``, or read back from an env log's snapshot.
    """
    w = _require_dict(window, where)
    if not isinstance(w.get("id"), str) or not w["id"]:
        raise ProtocolError(f"{where}.id must be a non-empty string, got {w.get('id')!r:.40}")
    kind = w.get("type")
    if kind not in WINDOW_TYPES:
        raise ProtocolError(f"{where}.type must be one of {', '.join(WINDOW_TYPES)}, "
                            f"got {kind!r:.40}")
    index = w.get("i", 0)
    if isinstance(index, bool) or not isinstance(index, int):
        raise ProtocolError(f"{where}.i must be an integer, got {index!r:.40}")
    content = w.get("content")
    if content is not None and not isinstance(content, _CONTENT_TYPES[kind]):
        raise ProtocolError(f"{where}.content of a {kind} window has the wrong shape "
                            f"({type(content).__name__})")
    if kind == "plot":
        if not isinstance(content, dict) or not isinstance(content.get("layout", {}), dict):
            raise ProtocolError(f"{where}.content of a plot must be {{data: [...], layout: {{}}}}")
        _check_traces(content.get("data"))
    return w


def _check_update(p: dict[str, Any], msg: dict[str, Any]) -> None:
    """Every check of :func:`apply_update`, before anything changes."""
    opts, layout = msg.get("opts") or {}, msg.get("layout") or {}
    if not isinstance(opts, dict) or not isinstance(layout, dict):
        raise ProtocolError("opts and layout must be objects")
    data, name = msg.get("data"), msg.get("name")
    if p["type"] in ("text", "image_history"):
        if not isinstance(data, list) or not data or not isinstance(data[0], dict):
            raise ProtocolError(f"an update of a {p['type']} window needs data: [{{...}}]")
        if p["type"] == "text" and not isinstance(data[0].get("content"), str):
            raise ProtocolError("a text update's data[0].content must be a string")
        return
    if p["type"] != "plot" or (name is None and data is None):
        return
    _check_traces(data)
    if name is not None and not msg.get("delete") and (
        not isinstance(data, list) or len(data) != 1
    ):
        raise ProtocolError(f"an update naming trace {name!r} must carry exactly one trace")
    if data and data[0].get("type") == "heatmap":
        _check_heatmap(p, msg)


def apply_update(p: dict[str, Any], msg: dict[str, Any]) -> Change:
    """Apply an ``/update`` message to window ``p`` in place (Visdom's ``UpdateHandler``)."""
    _check_update(p, msg)
    p["contentID"] = new_content_id()
    if p["type"] == "text":
        p["content"] += "<br>" + msg["data"][0]["content"]
        return Change("window")
    if p["type"] == "image_history":
        entry = msg["data"][0]
        if entry.get("type") == "image_history":
            p["content"].append(entry.get("content"))
            p["selected"] = len(p["content"]) - 1
        return Change("window")
    if p["type"] != "plot":
        return Change("window")
    _update_window_options(p, msg)
    data, name = msg.get("data"), msg.get("name")
    if name is None and data is None:
        return Change("window")
    traces: list[dict[str, Any]] = p["content"]["data"]
    idxs = list(range(len(traces)))
    if name is not None:
        idxs = [i for i in idxs if traces[i].get("name") == name]
    if msg.get("delete"):
        for i in reversed(idxs):
            del traces[i]
        return Change("window")
    assert data is not None  # checked: name or data is set, and name alone means delete
    if data and data[0].get("type") == "heatmap":
        return _update_heatmap(traces, idxs, data[0], msg)
    if not idxs:  # a new name: inject the trace
        trace = dict(data[0])
        trace["name"] = name
        traces.append(trace)
        return Change("window")
    return _update_traces(traces, idxs, data, bool(msg.get("append")))


def _update_window_options(p: dict[str, Any], msg: dict[str, Any]) -> None:
    """Visdom's ``update_window``: layout keys into the layout, opts onto the window."""
    for key, value in (msg.get("layout") or {}).items():
        if value is not None:
            p["content"]["layout"][key] = value
    opts = msg.get("opts") or {}
    for key, value in opts.items():
        if value is not None and key not in _PROTECTED:
            p[key] = value
    legend = opts.get("legend")
    if isinstance(legend, list):
        for trace, label in zip(p["content"]["data"], legend, strict=False):
            trace["name"] = label


def _masked(values: Any) -> bool:
    return isinstance(values, list) and all(
        v is None or (isinstance(v, float) and math.isnan(v)) for v in values
    )


def _update_traces(
    traces: list[dict[str, Any]], idxs: list[int], data: list[dict[str, Any]], append: bool
) -> Change:
    change = Change("append" if append else "window")
    changed = False
    for idx, new in zip(idxs, data, strict=False):
        if _masked(new.get("x")):
            continue
        changed = True
        trace = traces[idx]
        added: dict[str, list[Any]] = {}
        for axis in ("x", "y", "z"):
            if axis not in new or (axis == "z" and axis not in trace):
                continue
            values = new[axis] if isinstance(new[axis], list) else [new[axis]]
            if append and isinstance(trace.get(axis), list):
                trace[axis].extend(values)  # in place: Visdom's copy makes appends O(n)
            else:
                trace[axis] = values
            added[axis] = values
        color = (new.get("marker") or {}).get("color")
        if isinstance(color, list):
            marker = trace.setdefault("marker", {})
            old = marker.get("color")
            marker["color"] = old + color if append and isinstance(old, list) else color
            change.kind = "window"  # the page redraws: colors are per point
        change.appended.append((idx, added))
    if not changed:
        return Change("none")
    return change


def _check_heatmap(p: dict[str, Any], msg: dict[str, Any]) -> None:
    new, direction = msg["data"][0], msg.get("updateDir", "replace")
    if direction not in HEATMAP_DIRECTIONS:
        raise ProtocolError(
            f"unknown heatmap update {direction!r}; expected one of {HEATMAP_DIRECTIONS}"
        )
    dz = new.get("z")
    if not isinstance(dz, list) or not all(isinstance(row, list) for row in dz):
        raise ProtocolError("a heatmap update needs z: a list of rows")
    heatmaps = [t for t in p["content"]["data"] if t.get("type") == "heatmap"]
    if direction == "replace" or not heatmaps:
        return
    plot = heatmaps[-1]
    old_z = plot.get("z") or [[]]
    if direction in ("appendRow", "prependRow"):
        axis = "y"
        if dz and len(old_z[0]) != len(dz[0]):
            raise ProtocolError(
                f"{direction}: the heatmap has {len(old_z[0])} columns, the new rows {len(dz[0])}"
            )
    else:
        axis = "x"
        if len(old_z) != len(dz):
            raise ProtocolError(
                f"{direction}: the heatmap has {len(old_z)} rows, the new columns {len(dz)}"
            )
    if (plot.get(axis) is None) != (new.get(axis) is None):
        raise ProtocolError(f"{direction}: give {axis} labels on both the plot and the update")


def _update_heatmap(
    traces: list[dict[str, Any]], idxs: list[int], new: dict[str, Any], msg: dict[str, Any]
) -> Change:
    heatmaps = [i for i in idxs if traces[i].get("type") == "heatmap"]
    if not heatmaps:
        traces.append(new)
        return Change("window")
    plot = traces[heatmaps[-1]]
    direction, dz = msg.get("updateDir", "replace"), new["z"]
    if direction == "replace":
        plot.update(new)
        return Change("window")
    old_z = plot.get("z") or []
    if direction == "appendRow":
        plot["z"] = old_z + dz
    elif direction == "prependRow":
        plot["z"] = dz + old_z
    elif direction == "appendColumn":
        plot["z"] = [row + extra for row, extra in zip(old_z, dz, strict=True)]
    else:
        plot["z"] = [extra + row for row, extra in zip(old_z, dz, strict=True)]
    axis = "y" if direction.endswith("Row") else "x"
    names = new.get(axis)
    if names is not None:
        plot[axis] = names + plot[axis] if direction.startswith("prepend") else plot[axis] + names
    for key, value in new.items():
        if key not in ("x", "y", "z") and value is not None:
            plot[key] = value
    return Change("window")
