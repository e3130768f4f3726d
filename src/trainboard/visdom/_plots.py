"""Visdom's other Plotly plots as messages: heatmap, bar, histogram, boxplot, surf,
contour, pie, mesh. Each returns ``(endpoint, message)`` as Visdom's client sends it."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainboard.visdom._layout import check_opts, opts_to_layout
from trainboard.visdom._traces import nan_to_none

__all__ = ["HEATMAP_UPDATES", "bar_message", "boxplot_message", "heatmap_message",
           "histogram_message", "mesh_message", "pie_message", "surface_message"]

Message = tuple[str, dict[str, Any]]
HEATMAP_UPDATES = (None, "replace", "remove", "appendRow", "appendColumn", "prependRow",
                   "prependColumn")


def _shape(a: Any) -> str:
    return "×".join(map(str, a.shape)) or "scalar"


def _plot(data: list[dict[str, Any]], win: Any, env: Any, opts: dict[str, Any],
          is3d: bool = False) -> Message:
    return "events", {"data": data, "win": win, "eid": env,
                      "layout": opts_to_layout(opts, is3d), "opts": opts}


def heatmap_message(X: Any, win: Any, env: Any, update: str | None,
                    opts: dict[str, Any] | None) -> Message:
    if update not in HEATMAP_UPDATES:
        raise ValueError(f"update={update!r} is not a heatmap update; expected one of "
                         f"{HEATMAP_UPDATES}")
    if update == "remove":
        if win is None:
            raise ValueError("update='remove' needs win")
        return "update", {"data": [], "delete": True, "win": win, "eid": env}
    if X.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {_shape(X)}")
    opts = {} if opts is None else opts
    opts["colormap"] = opts.get("colormap", "Viridis")
    check_opts(opts)
    for key, size, what in (("columnnames", X.shape[1], "columns"), ("rownames", X.shape[0],
                                                                       "rows")):
        if opts.get(key) is not None and len(opts[key]) != size:
            raise ValueError(f"opts[{key!r}] has {len(opts[key])} names for {size} {what}")
    data = [{"z": nan_to_none(X.tolist()), "x": opts.get("columnnames"),
             "y": opts.get("rownames"), "zmin": opts.get("xmin"), "zmax": opts.get("xmax"),
             "type": "heatmap", "colorscale": opts.get("colormap")}]
    if opts.get("nancolor") is not None:
        data.insert(0, {"z": np.zeros_like(X).tolist(), "x": data[0]["x"], "y": data[0]["y"],
                        "type": "heatmap", "showscale": False,
                        "colorscale": [[0, opts["nancolor"]], [1, opts["nancolor"]]]})
    message = {"data": data, "win": win, "eid": env,
               "layout": opts_to_layout(opts) if update is None else {}, "opts": opts}
    if update:
        message["append"] = update in HEATMAP_UPDATES[3:]
        message["updateDir"] = update
        return "update", message
    return "events", message


def bar_message(X: Any, Y: Any, win: Any, env: Any, opts: dict[str, Any] | None) -> Message:
    X = np.squeeze(X)
    if X.ndim not in (1, 2):
        raise ValueError(f"X must be N or N×M, got shape {_shape(X)}")
    if X.ndim == 1:
        if opts is not None and opts.get("legend") is not None:
            if opts.get("rownames") is not None:
                raise ValueError("give opts['rownames'] or opts['legend'] for a 1-D X, not both")
            X = X[None, :]
        else:
            X = X[:, None]
    if Y is not None:
        Y = np.squeeze(Y)
        if Y.ndim != 1 or len(Y) != len(X):
            raise ValueError(f"Y must be 1-D with {len(X)} values, got shape {_shape(Y)}")
    else:
        Y = np.arange(1, len(X) + 1)
    opts = {} if opts is None else opts
    opts["stacked"] = opts.get("stacked", False)
    check_opts(opts)
    if opts.get("rownames") is not None and len(opts["rownames"]) != X.shape[0]:
        raise ValueError(f"opts['rownames'] has {len(opts['rownames'])} names for "
                         f"{X.shape[0]} rows")
    if opts.get("legend") is not None and len(opts["legend"]) != X.shape[1]:
        raise ValueError(f"opts['legend'] has {len(opts['legend'])} names for "
                         f"{X.shape[1]} columns")
    data = []
    for k in range(X.shape[1]):
        trace = {"y": X.take(k, 1).tolist(), "x": opts.get("rownames", Y.tolist()),
                 "type": "bar"}
        if opts.get("legend"):
            trace["name"] = opts["legend"][k]
        data.append(trace)
    return _plot(data, win, env, opts)


def histogram_message(X: Any, win: Any, env: Any, opts: dict[str, Any] | None) -> Message:
    X = np.squeeze(X)
    if X.ndim != 1:
        raise ValueError(f"X must be one-dimensional, got shape {_shape(X)}")
    opts = {} if opts is None else opts
    opts["numbins"] = opts.get("numbins", min(30, len(X)))
    check_opts(opts)
    low, high = X.min(), X.max()
    bins = np.histogram(X, bins=opts["numbins"], range=(low, high))[0]
    return bar_message(bins, np.linspace(low, high, opts["numbins"]), win, env, opts)


def boxplot_message(X: Any, win: Any, env: Any, opts: dict[str, Any] | None) -> Message:
    X = np.squeeze(X)
    if X.ndim not in (1, 2):
        raise ValueError(f"X must be N or N×M, got shape {_shape(X)}")
    if X.ndim == 1:
        X = X[:, None]
    opts = check_opts({} if opts is None else opts)
    legend = opts.get("legend")
    if legend is not None and len(legend) != X.shape[1]:
        raise ValueError(f"opts['legend'] has {len(legend)} names for {X.shape[1]} columns")
    data = [{"y": X.take(k, 1).tolist(), "type": "box",
             "name": legend[k] if legend else f"column {k}"} for k in range(X.shape[1])]
    return _plot(data, win, env, opts)


def surface_message(X: Any, stype: str, win: Any, env: Any,
                    opts: dict[str, Any] | None) -> Message:
    X = np.squeeze(X)
    if X.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {_shape(X)}")
    opts = {} if opts is None else opts
    opts["xmin"] = float(opts.get("xmin", X.min()))
    opts["xmax"] = float(opts.get("xmax", X.max()))
    opts["colormap"] = opts.get("colormap", "Viridis")
    check_opts(opts)
    data = [{"z": X.tolist(), "cmin": opts["xmin"], "cmax": opts["xmax"], "type": stype,
             "colorscale": opts["colormap"]}]
    return _plot(data, win, env, opts, is3d=stype == "surface")


def pie_message(X: Any, win: Any, env: Any, opts: dict[str, Any] | None) -> Message:
    X = np.squeeze(X)
    if X.ndim != 1:
        raise ValueError(f"X must be one-dimensional, got shape {_shape(X)}")
    if not np.all(X >= 0):
        raise ValueError("X cannot contain negative values")
    opts = check_opts({} if opts is None else opts)
    return _plot([{"values": X.tolist(), "labels": opts.get("legend"), "type": "pie"}],
                 win, env, opts)


def mesh_message(X: Any, Y: Any, win: Any, env: Any, opts: dict[str, Any] | None) -> Message:
    opts = check_opts({} if opts is None else opts)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] not in (2, 3):
        raise ValueError(f"X must be N×2 or N×3 vertices, got shape {_shape(X)}")
    is3d = X.shape[1] == 3
    if Y is not None:
        Y = np.asarray(Y)
        if Y.ndim != 2 or Y.shape[1] != X.shape[1]:
            raise ValueError(f"Y must be M×{X.shape[1]} polygons, got shape {_shape(Y)}")
    data = [{"x": X[:, 0].tolist(), "y": X[:, 1].tolist(),
             "z": X[:, 2].tolist() if is3d else None,
             "i": Y[:, 0].tolist() if Y is not None else None,
             "j": Y[:, 1].tolist() if Y is not None else None,
             "k": Y[:, 2].tolist() if is3d and Y is not None else None,
             "color": opts.get("color"), "opacity": opts.get("opacity"),
             "type": "mesh3d" if is3d else "mesh"}]
    return _plot(data, win, env, opts)
