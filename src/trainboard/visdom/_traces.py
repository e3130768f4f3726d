"""Visdom's scatter-based plots as messages: ``scatter``, ``line``, ``stem``, ``quiver``.

Each ``*_message`` takes numpy arrays and opts and returns ``(endpoint, message)``
exactly as Visdom's client would send them; bad input raises ValueError/TypeError
naming the argument and shape. numpy is imported here, so the client imports this
module only when a call needs it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainboard.visdom._layout import check_opts, opts_to_layout, scrub

__all__ = ["line_message", "nan_to_none", "quiver_message", "scatter_message",
           "stem_message"]

Message = tuple[str, dict[str, Any]]


def nan_to_none(values: list[Any]) -> list[Any]:
    """Visdom's ``nan2none`` on a (nested) list."""
    return [
        nan_to_none(v) if isinstance(v, list)
        else None if isinstance(v, float) and math.isnan(v) else v
        for v in values
    ]


def _shape(a: Any) -> str:
    return "×".join(map(str, a.shape)) or "scalar"


def _marker_colors(mc: Any, X: Any, Y: Any, K: int) -> dict[int, list[str]]:
    mc = np.asarray(mc)
    if not (mc.shape[0] == K or (mc.shape[0] == X.shape[0] and (mc.ndim == 1 or (
            mc.ndim == 2 and mc.shape[1] == 3)))):
        raise ValueError(f"opts['markercolor'] must have shape {X.shape[0]}, {X.shape[0]}×3, "
                         f"{K} or {K}×3, got {_shape(mc)}")
    if (mc < 0).any() or (mc > 255).any() or (mc != np.floor(mc)).any():
        raise ValueError("opts['markercolor'] must hold integers in [0, 255]")
    mc = mc.astype(np.uint8)
    if mc.ndim == 1:
        colors = [f"rgba(0, 0, 255, {mc[i] / 255.0})" for i in range(len(mc))]
    else:
        colors = [f"#{c[0]:02x}{c[1]:02x}{c[2]:02x}" for c in mc]
    if mc.shape[0] != X.shape[0]:
        colors = [colors[Y[i] - 1] for i in range(Y.shape[0])]
    out: dict[int, list[str]] = {}
    for k, color in enumerate(colors):
        out.setdefault(int(Y[k]), []).append(color)
    return out


def _per_label(opts: dict[str, Any], key: str, K: int) -> Any:
    value = np.asarray(opts[key])
    if value.shape[0] != K:
        raise ValueError(f"opts[{key!r}] must have one entry per line ({K}), got {_shape(value)}")
    if key == "linecolor":
        if (value < 0).any() or (value > 255).any() or (value != np.floor(value)).any():
            raise ValueError("opts['linecolor'] must hold integers in [0, 255]")
        return [f"#{int(c[0]):02x}{int(c[1]):02x}{int(c[2]):02x}" for c in value]
    return value


def _labels(X: Any, Y: Any, name: str | None) -> tuple[Any, Any, int]:
    if Y is None:
        return np.ones(X.shape[0], dtype=int), np.ones(1, dtype=int), 1
    Y = np.ravel(Y)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} points but Y has {Y.shape[0]} labels")
    if not np.equal(np.mod(Y, 1), 0).all() or Y.min() < 1:
        raise ValueError("Y must hold integer labels 1..K")
    labels = np.unique(Y.astype(int, copy=False))
    if len(labels) > 1 and name is not None:
        raise ValueError(f"name={name!r} names one trace, but Y has {len(labels)} labels")
    return Y, labels, int(Y.max())


def _scatter_opts(opts: dict[str, Any], X: Any, Y: Any, K: int) -> dict[str, Any]:
    if opts.get("textlabels") is None:
        opts["mode"] = opts.get("mode", "markers")
    else:
        opts["mode"] = opts.get("mode", "markers+text")
    opts["markersymbol"] = opts.get("markersymbol", "dot")
    opts["markersize"] = opts.get("markersize", 10)
    opts["markerborderwidth"] = opts.get("markerborderwidth", 0.5)
    if opts.get("markercolor") is not None:
        opts["markercolor"] = _marker_colors(opts["markercolor"], X, Y, K)
    for key in ("linecolor", "dash"):
        if opts.get(key) is not None:
            opts[key] = _per_label(opts, key, K)
    check_opts(opts)
    legend = opts.get("legend")
    if legend and not (isinstance(legend, (list, tuple)) and len(legend) >= K):
        raise ValueError(f"opts['legend'] must name each of the {K} labels, got {legend!r}")
    return opts


def _trace(X: Any, ind: Any, k: int, name: str, opts: dict[str, Any], text: Any) -> dict[str, Any]:
    dash, lc, mc = opts.get("dash"), opts.get("linecolor"), opts.get("markercolor")
    is3d = X.shape[1] == 3
    trace: dict[str, Any] = {
        "x": nan_to_none(X.take(0, 1)[ind].tolist()),
        "y": nan_to_none(X.take(1, 1)[ind].tolist()),
        "name": name,
        "type": "scatter3d" if is3d else ("scattergl" if opts.get("webgl") else "scatter"),
        "mode": opts.get("mode"),
        "text": text[ind].tolist() if text is not None else None,
        "textposition": "right",
        "line": {"dash": dash[k - 1] if dash is not None else None,
                 "color": lc[k - 1] if lc is not None else None},
        "marker": {"size": opts.get("markersize"), "symbol": opts.get("markersymbol"),
                   "color": mc[k] if mc is not None else None,
                   "line": {"color": "#000000", "width": opts.get("markerborderwidth")}},
    }
    if opts.get("fillarea"):
        trace["fill"] = "tonexty"
    if is3d:
        trace["z"] = X.take(2, 1)[ind].tolist()
    trace.update((opts.get("traceopts") or {"plotly": {}})["plotly"].get(name, {}))
    result: dict[str, Any] = scrub(trace)
    return result


def scatter_message(X: Any, Y: Any, win: Any, env: Any, opts: dict[str, Any] | None,
                    update: str | None, name: str | None) -> Message:
    """Visdom's ``scatter`` (``update`` already checked; not 'remove')."""
    if update is not None and name and X.ndim == 1:
        if Y is None or Y.ndim != 1 or X.shape[0] != Y.shape[0]:
            raise ValueError(f"updating trace {name!r}: X and Y must be 1-D of one length, got "
                             f"{_shape(X)} and {_shape(Y) if Y is not None else None}")
        X, Y = np.column_stack((X, Y)), None
    if X.ndim != 2 or X.shape[1] not in (2, 3):
        raise ValueError(f"X must be N×2 or N×3, got shape {_shape(X)}")
    Y, labels, K = _labels(X, Y, name)
    opts = _scatter_opts({} if opts is None else opts, X, Y, K)
    text = opts.get("textlabels")
    if text is not None:
        text = np.ravel(text)
        if len(text) != X.shape[0]:
            raise ValueError(f"opts['textlabels'] has {len(text)} entries for {X.shape[0]} points")
    data = []
    for k in labels:
        ind = np.equal(Y, k)
        if ind.any():
            trace_name = (opts["legend"][k - 1] if "legend" in opts
                          else name if len(labels) == 1 and name is not None else str(k))
            data.append(_trace(X, ind, int(k), trace_name, opts, text))
    for key in ("markercolor", "linecolor", "dash"):
        opts.pop(key, None)
    message = {"data": data, "win": win, "eid": env,
               "layout": opts_to_layout(opts, X.shape[1] == 3) if update is None else {},
               "opts": opts}
    if update:
        message["name"] = name
        message["append"] = update == "append"
        return "update", message
    return "events", message


def line_message(Y: Any, X: Any, win: Any, env: Any, opts: dict[str, Any] | None,
                 update: str | None, name: str | None) -> Message:
    """Visdom's ``line``: N or N×M values, one trace per column."""
    if Y.ndim not in (1, 2) or Y.shape[-1] == 0:
        raise ValueError(f"Y must be N or N×M with M ≥ 1, got shape {_shape(Y)}")
    if X is None:
        X = np.linspace(0, 1, Y.shape[0])
    elif X.ndim not in (1, 2):
        raise ValueError(f"X must be N or N×M, got shape {_shape(X)}")
    if Y.ndim == 2 and X.ndim == 1:
        X = np.tile(X, (Y.shape[1], 1)).transpose()
    if X.shape != Y.shape:
        raise ValueError(f"X and Y must have the same shape, got X {_shape(X)} and Y {_shape(Y)}")
    opts = {} if opts is None else opts
    opts["markers"] = opts.get("markers", False)
    opts["fillarea"] = opts.get("fillarea", False)
    opts["mode"] = "lines+markers" if opts.get("markers") else "lines"
    check_opts(opts)
    if Y.ndim == 1:
        points, labels = np.column_stack((X, Y)), None
    else:
        points = np.column_stack((X.ravel(order="F"), Y.ravel(order="F")))
        labels = np.tile(np.arange(1, Y.shape[1] + 1), (Y.shape[0], 1)).ravel(order="F")
    return scatter_message(points, labels, win, env, opts, update, name)


def stem_message(X: Any, Y: Any, win: Any, env: Any, opts: dict[str, Any] | None) -> Message:
    X = np.squeeze(X)
    if X.ndim not in (1, 2):
        raise ValueError(f"X must be N or N×M, got shape {_shape(X)}")
    if X.ndim == 1:
        X = X[:, None]
    Y = np.arange(1, X.shape[0] + 1) if Y is None else Y
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.shape[0] != X.shape[0] or Y.shape[1] not in (1, X.shape[1]):
        raise ValueError(f"Y must be N or N×M matching X {_shape(X)}, got {_shape(Y)}")
    if Y.shape[1] < X.shape[1]:
        Y = np.tile(Y, (1, X.shape[1]))
    Z = np.zeros(Y.shape)
    N = np.full(Y.shape, np.nan)
    X = np.column_stack((Z, X, N)).reshape((X.shape[0] * 3, X.shape[1]))
    Y = np.column_stack((Y, Y, N)).reshape((Y.shape[0] * 3, Y.shape[1]))
    data = np.column_stack((Y.flatten(), X.flatten()))
    labels = np.tile(np.arange(1, X.shape[1] + 1)[None, :], (X.shape[0], 1)).flatten()
    opts = {} if opts is None else opts
    opts["mode"] = "lines"
    check_opts(opts)
    return scatter_message(data, labels, win, env, opts, None, None)


def quiver_message(X: Any, Y: Any, gridX: Any, gridY: Any, win: Any, env: Any,
                   opts: dict[str, Any] | None) -> Message:
    if X.ndim != 2 or Y.shape != X.shape:
        raise ValueError(f"X and Y must be N×M of one shape, got {_shape(X)} and {_shape(Y)}")
    N, M = X.shape
    gridX = np.broadcast_to(np.arange(N)[:, None], (N, M)) if gridX is None else gridX
    gridY = np.broadcast_to(np.arange(M)[None, :], (N, M)) if gridY is None else gridY
    if gridX.shape != X.shape or gridY.shape != Y.shape:
        raise ValueError("gridX and gridY must have the shape of X and Y")
    opts = {} if opts is None else opts
    opts["mode"] = "lines"
    opts["arrowheads"] = opts.get("arrowheads", True)
    check_opts(opts)
    if opts.get("normalize", False):
        magnitude = np.sqrt(X * X + Y * Y).max()
        X, Y = X / (magnitude / opts["normalize"]), Y / (magnitude / opts["normalize"])
    nans = np.full(X.shape, np.nan).flatten()
    tipX, tipY = gridX + X, gridY + Y
    dX = np.column_stack((gridX.flatten(), tipX.flatten(), nans)).reshape(-1, 1)
    dY = np.column_stack((gridY.flatten(), tipY.flatten(), nans)).reshape(-1, 1)
    data = np.column_stack((dX.flatten(), dY.flatten()))
    if opts["arrowheads"]:
        alpha, beta = 0.33, 0.33
        Xb, Yb = (X + 1e-5) * beta, (Y + 1e-5) * beta
        lX, rX = -alpha * (X + Yb) + tipX, -alpha * (X - Yb) + tipX
        lY, rY = -alpha * (Y - Xb) + tipY, -alpha * (Y + Xb) + tipY
        hX = np.column_stack((lX.flatten(), tipX.flatten(), rX.flatten(), nans)).reshape(-1, 1)
        hY = np.column_stack((lY.flatten(), tipY.flatten(), rY.flatten(), nans)).reshape(-1, 1)
        data = np.concatenate((data, np.column_stack((hX.flatten(), hY.flatten()))), axis=0)
    return scatter_message(data, None, win, env, opts, None, None)
