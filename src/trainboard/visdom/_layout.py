"""Visdom's opts -> Plotly layout, and its opts checks (as errors, not asserts)."""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["append_message", "check_opts", "line_defaults", "opts_to_layout", "scrub"]

_AXIS_FIELDS = ("type", "label", "tickmin", "tickmax", "tickvals", "ticklabels", "tick",
                "tickfont")


def scrub(value: Any) -> Any:
    """Visdom's ``_scrub_dict``: drop None values from (nested) dicts."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if v is not None}
    return value


def _axis(prefix: str, opts: dict[str, Any], is3d: bool) -> dict[str, Any] | None:
    if not any(opts.get(prefix + name) for name in _AXIS_FIELDS):
        return None
    low, high = opts.get(prefix + "tickmin"), opts.get(prefix + "tickmax")
    has_ticks = (low and high) is not None
    axis = {
        "type": opts.get(prefix + "type"),
        "title": opts.get(prefix + "label"),
        "range": [low, high] if has_ticks else None,
        "tickvals": opts.get(prefix + "tickvals"),
        "ticktext": opts.get(prefix + "ticklabels"),
        "tickfont": opts.get(prefix + "tickfont"),
    }
    step = opts.get(prefix + "tickstep")
    if is3d:
        axis["nticks"] = (high - low) / step if has_ticks and step is not None else None  # type: ignore[operator]
    else:
        axis["dtick"] = step
        axis["showticklabels"] = opts.get(prefix + "tick")
    return axis


def opts_to_layout(opts: dict[str, Any], is3d: bool = False) -> dict[str, Any]:
    """Visdom's ``_opts2layout``: title, margins, axes, ``layoutopts['plotly']``."""
    layout: dict[str, Any] = {
        "showlegend": opts.get("showlegend", "legend" in opts),
        "title": opts.get("title"),
        "margin": {
            "l": opts.get("marginleft", 0 if is3d else 60),
            "r": opts.get("marginright", 60),
            "t": opts.get("margintop", 20 if is3d else 60),
            "b": opts.get("marginbottom", 0 if is3d else 60),
        },
    }
    if is3d:
        layout["scene"] = {f"{a}axis": _axis(a, opts, True) for a in "xyz"}
    else:
        layout["xaxis"] = _axis("x", opts, False)
        layout["yaxis"] = _axis("y", opts, False)
    if opts.get("stacked"):
        layout["barmode"] = "stack"
    layout_opts = opts.get("layoutopts")
    if isinstance(layout_opts, dict) and "plotly" in layout_opts:
        layout.update(layout_opts["plotly"])
    result: dict[str, Any] = scrub(layout)
    return result


def _positive(opts: dict[str, Any], key: str, *, zero_ok: bool = False) -> None:
    value = opts.get(key)
    if value and not (isinstance(value, (int, float)) and (value >= 0 if zero_ok else value > 0)):
        raise ValueError(f"opts[{key!r}] must be a {'non-negative' if zero_ok else 'positive'} "
                         f"number, got {value!r}")


def check_opts(opts: dict[str, Any]) -> dict[str, Any]:
    """Visdom's ``_title2str`` + ``_assert_opts``, raising ValueError/TypeError."""
    if not isinstance(opts, dict):
        raise TypeError(f"opts must be a dict, got {type(opts).__name__}")
    if "title" in opts and opts["title"] is None:
        del opts["title"]
    if isinstance(opts.get("title"), numbers.Number) and not isinstance(opts["title"], bool):
        opts["title"] = str(opts["title"])
    for key in ("color", "colormap", "mode", "markersymbol", "title"):
        if opts.get(key) and not isinstance(opts[key], str):
            raise TypeError(f"opts[{key!r}] must be a string, got {opts[key]!r}")
    for key in ("columnnames", "rownames"):
        if opts.get(key) and not isinstance(opts[key], list):
            raise TypeError(f"opts[{key!r}] must be a list, got {opts[key]!r}")
    _positive(opts, "markersize")
    _positive(opts, "markerborderwidth", zero_ok=True)
    _positive(opts, "fps")
    quality = opts.get("jpgquality")
    if quality and not (isinstance(quality, (int, float)) and 0 < quality <= 100):
        raise ValueError(f"opts['jpgquality'] must be a number in (0, 100], got {quality!r}")
    opacity = opts.get("opacity")
    if opacity and not (isinstance(opacity, (int, float)) and 0 <= opacity <= 1):
        raise ValueError(f"opts['opacity'] must be a number in [0, 1], got {opacity!r}")
    return opts


def line_defaults(opts: dict[str, Any] | None) -> dict[str, Any]:
    """The opts ``line`` sends for one series: Visdom's line and scatter defaults."""
    opts = {} if opts is None else dict(opts)
    opts["markers"] = opts.get("markers", False)
    opts["fillarea"] = opts.get("fillarea", False)
    opts["mode"] = "lines+markers" if opts["markers"] else "lines"
    opts["markersymbol"] = opts.get("markersymbol", "dot")
    opts["markersize"] = opts.get("markersize", 10)
    opts["markerborderwidth"] = opts.get("markerborderwidth", 0.5)
    return opts


def append_message(env: Any, win: Any, name: str | None, xs: list[Any], ys: list[Any],
                   opts: dict[str, Any] | None) -> dict[str, Any]:
    """The ``/update`` message ``line(Y, X, win, update='append', name)`` sends for one
    series, plus ``create_layout`` (the layout, should the append create the window)."""
    opts = line_defaults(opts)
    legend = opts.get("legend")
    trace_name = legend[0] if legend else name if name is not None else "1"
    trace: dict[str, Any] = {
        "x": xs, "y": ys, "name": trace_name,
        "type": "scattergl" if opts.get("webgl") else "scatter", "mode": opts["mode"],
        "textposition": "right", "line": {},
        "marker": {"size": opts["markersize"], "symbol": opts["markersymbol"],
                   "line": {"color": "#000000", "width": opts["markerborderwidth"]}},
    }
    if opts.get("fillarea"):
        trace["fill"] = "tonexty"
    trace.update((opts.get("traceopts") or {"plotly": {}})["plotly"].get(trace_name, {}))
    return {"data": [trace], "win": win, "eid": env, "layout": {}, "opts": opts, "name": name,
            "append": True, "create_layout": opts_to_layout(opts)}
