"""Visdom's plotting methods (all but ``line``'s fast path), as a mixin of ``Visdom``.

Each method checks its arguments on the calling thread (TypeError/ValueError naming the
argument), builds Visdom's message, and queues it; images, audio and video are encoded
on the sender thread. numpy is imported when one of these is first called.
"""

from __future__ import annotations

from typing import Any

from trainboard.visdom._layout import check_opts, opts_to_layout
from trainboard.writer._convert import to_numpy

__all__ = ["LINE_UPDATES", "PlotMethods"]

LINE_UPDATES = (None, "append", "replace", "remove", "insert", "new")


def _array(value: Any, name: str) -> Any:
    return None if value is None else to_numpy(value, name)


def _opts(opts: dict[str, Any] | None) -> dict[str, Any]:
    return {} if opts is None else check_opts(dict(opts))


def _check_update(update: Any, win: Any, name: Any, opts: Any) -> None:
    if update not in LINE_UPDATES:
        raise ValueError(f"update={update!r} is not an update mode; expected one of "
                         f"{LINE_UPDATES}")
    if update is not None and win is None:
        raise ValueError(f"update={update!r} needs win: the window to update")
    if update == "remove" and (name is None or opts is not None):
        raise ValueError("update='remove' needs name (the trace to delete) and no opts")


class PlotMethods:
    """The plotting methods; ``Visdom`` provides the transport."""

    env: str

    def _submit(self, endpoint: str, msg: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _submit_lazy(self, endpoint: str, win: Any, env: Any, build: Any) -> Any:
        raise NotImplementedError

    def _creating_update(self, endpoint: str, msg: dict[str, Any], is3d: bool = False) -> Any:
        """Queue a message; an ``append`` update also carries the layout to create with."""
        if endpoint == "update" and msg.get("append"):
            msg["create_layout"] = opts_to_layout(msg.get("opts") or {}, is3d)
        return self._submit(endpoint, msg)

    def _remove(self, win: Any, env: Any, name: Any) -> Any:
        return self._submit("update", {"data": [], "name": name, "delete": True, "win": win,
                                       "eid": env})

    def _plot_line(self, Y: Any, X: Any, win: Any, env: Any, opts: Any, update: Any,
                   name: Any) -> Any:
        from trainboard.visdom._traces import line_message

        _check_update(update, win, name, opts)
        if update == "remove":
            return self._remove(win, env, name)
        if update is not None and X is None:
            raise ValueError(f"update={update!r} needs X: the x values of the new points")
        endpoint, msg = line_message(_array(Y, "Y"), _array(X, "X"), win, env,
                                     _opts(opts) if opts is not None else None, update, name)
        return self._creating_update(endpoint, msg)

    def scatter(self, X: Any, Y: Any = None, win: str | None = None, env: str | None = None,
                opts: dict[str, Any] | None = None, update: str | None = None,
                name: str | None = None) -> Any:
        """A 2-D or 3-D scatter plot of ``X`` (N×2 or N×3), colored by labels ``Y`` (1..K).

        Example::

            viz.scatter(np.random.rand(100, 2), np.random.randint(1, 3, 100), win="pts")
        """
        from trainboard.visdom._traces import scatter_message

        _check_update(update, win, name, opts)
        if update == "remove":
            return self._remove(win, env, name)
        X = _array(X, "X")
        endpoint, msg = scatter_message(X, _array(Y, "Y"), win, env,
                                        _opts(opts) if opts is not None else None, update, name)
        return self._creating_update(endpoint, msg, X.ndim == 2 and X.shape[1] == 3)

    def stem(self, X: Any, Y: Any = None, win: str | None = None, env: str | None = None,
             opts: dict[str, Any] | None = None) -> Any:
        """A stem plot of ``X`` (N or N×M) at ``Y`` (default 1..N).

        Example::

            viz.stem(np.sin(np.linspace(0, 6, 20)), win="stem")
        """
        from trainboard.visdom._traces import stem_message

        return self._submit(*stem_message(_array(X, "X"), _array(Y, "Y"), win, env,
                                          _opts(opts)))

    def quiver(self, X: Any, Y: Any, gridX: Any = None, gridY: Any = None,
               win: str | None = None, env: str | None = None,
               opts: dict[str, Any] | None = None) -> Any:
        """Arrows of components ``X``, ``Y`` (N×M) on a grid.

        Example::

            viz.quiver(np.cos(g), np.sin(g), win="field")
        """
        from trainboard.visdom._traces import quiver_message

        return self._submit(*quiver_message(_array(X, "X"), _array(Y, "Y"), _array(gridX, "gridX"),
                                            _array(gridY, "gridY"), win, env, _opts(opts)))

    def heatmap(self, X: Any, win: str | None = None, env: str | None = None,
                update: str | None = None, opts: dict[str, Any] | None = None) -> Any:
        """A heatmap of ``X`` (N×M); ``update``: appendRow, appendColumn, prependRow,
        prependColumn, replace or remove.

        Example::

            viz.heatmap(np.outer(np.arange(5), np.arange(8)), win="hm")
        """
        from trainboard.visdom._plots import heatmap_message

        X = _array(X, "X") if update != "remove" else None
        return self._creating_update(*heatmap_message(X, win, env, update, _opts(opts)))

    def bar(self, X: Any, Y: Any = None, win: str | None = None, env: str | None = None,
            opts: dict[str, Any] | None = None) -> Any:
        """A bar plot of ``X`` (N, or N×M grouped/stacked) at ``Y``.

        Example::

            viz.bar([3, 1, 2], opts={"rownames": ["a", "b", "c"]}, win="bars")
        """
        from trainboard.visdom._plots import bar_message

        return self._submit(*bar_message(_array(X, "X"), _array(Y, "Y"), win, env, _opts(opts)))

    def histogram(self, X: Any, win: str | None = None, env: str | None = None,
                  opts: dict[str, Any] | None = None) -> Any:
        """A histogram of ``X`` (N values; ``opts['numbins']``, default min(30, N)).

        Example::

            viz.histogram(np.random.randn(1000), opts={"numbins": 20}, win="hist")
        """
        from trainboard.visdom._plots import histogram_message

        return self._submit(*histogram_message(_array(X, "X"), win, env, _opts(opts)))

    def boxplot(self, X: Any, win: str | None = None, env: str | None = None,
                opts: dict[str, Any] | None = None) -> Any:
        """Box plots of the columns of ``X``.

        Example::

            viz.boxplot(np.random.randn(100, 2), opts={"legend": ["a", "b"]}, win="box")
        """
        from trainboard.visdom._plots import boxplot_message

        return self._submit(*boxplot_message(_array(X, "X"), win, env, _opts(opts)))

    def surf(self, X: Any, win: str | None = None, env: str | None = None,
             opts: dict[str, Any] | None = None) -> Any:
        """A 3-D surface of ``X`` (N×M).

        Example::

            viz.surf(np.outer(np.sin(t), np.cos(t)), win="surf")
        """
        from trainboard.visdom._plots import surface_message

        return self._submit(*surface_message(_array(X, "X"), "surface", win, env, _opts(opts)))

    def contour(self, X: Any, win: str | None = None, env: str | None = None,
                opts: dict[str, Any] | None = None) -> Any:
        """A contour plot of ``X`` (N×M).

        Example::

            viz.contour(np.outer(np.sin(t), np.cos(t)), win="contour")
        """
        from trainboard.visdom._plots import surface_message

        return self._submit(*surface_message(_array(X, "X"), "contour", win, env, _opts(opts)))

    def pie(self, X: Any, win: str | None = None, env: str | None = None,
            opts: dict[str, Any] | None = None) -> Any:
        """A pie chart of ``X`` (N non-negative values; ``opts['legend']`` names them).

        Example::

            viz.pie([19, 26, 55], opts={"legend": ["a", "b", "c"]}, win="pie")
        """
        from trainboard.visdom._plots import pie_message

        return self._submit(*pie_message(_array(X, "X"), win, env, _opts(opts)))

    def mesh(self, X: Any, Y: Any = None, win: str | None = None, env: str | None = None,
             opts: dict[str, Any] | None = None) -> Any:
        """A mesh of vertices ``X`` (N×2 or N×3) and polygons ``Y`` (M×2 or M×3).

        Example::

            viz.mesh(vertices, faces, opts={"opacity": 0.5}, win="mesh")
        """
        from trainboard.visdom._plots import mesh_message

        return self._submit(*mesh_message(_array(X, "X"), _array(Y, "Y"), win, env, _opts(opts)))

    def update_window_opts(self, win: str, opts: dict[str, Any], env: str | None = None) -> Any:
        """Change an existing window's layout and opts (title, axes...).

        Example::

            viz.update_window_opts("loss", {"title": "loss (log)", "ytype": "log"})
        """
        opts = _opts(opts)
        return self._submit("update", {"win": win, "eid": env, "layout": opts_to_layout(opts),
                                       "opts": opts})
