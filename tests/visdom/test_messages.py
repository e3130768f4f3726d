"""Our client sends the messages Visdom's client sends, for the same calls.

Both clients are built with ``send=False``, so each call returns ``(message, endpoint)``
without a server; the messages are compared as JSON. Skipped without the visdom package.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from trainboard.visdom import Visdom

visdom = pytest.importorskip("visdom")

RNG = np.random.default_rng(0)
POINTS = RNG.random((20, 2))
GRID = RNG.random((4, 5))
LINES = RNG.random((6, 3))
POINTS3 = RNG.random((8, 3))
BARS = RNG.random((3, 2))
NORMAL = RNG.standard_normal(200)
BOXES = RNG.random((30, 2))
VERTICES = RNG.random((4, 3))
PIXELS = RNG.random((3, 8, 6))
GRAY = RNG.integers(0, 255, (5, 7)).astype(np.uint8)
BATCH = RNG.random((5, 3, 4, 4))

CALLS: dict[str, Callable[[Any], Any]] = {
    "line": lambda v: v.line(np.arange(5.0) ** 2, np.arange(5), win="w",
                             opts={"title": "loss", "xlabel": "step", "markers": True}),
    "line_2d_legend": lambda v: v.line(LINES, np.arange(6), win="w",
                                       opts={"legend": ["a", "b", "c"], "ytype": "log"}),
    "line_append_named": lambda v: v.line(np.array([0.5]), np.array([7]), win="w",
                                          update="append", name="val"),
    "line_replace": lambda v: v.line(np.array([1.0, 2.0]), np.array([0, 1]), win="w",
                                     update="replace", name="train"),
    "line_remove": lambda v: v.line(None, win="w", update="remove", name="train"),
    "scatter_labels": lambda v: v.scatter(POINTS, np.arange(20) % 3 + 1, win="w",
                                          opts={"legend": ["x", "y", "z"], "markersize": 5}),
    "scatter_3d": lambda v: v.scatter(POINTS3, win="w",
                                      opts={"markercolor": np.full((8, 3), 200)}),
    "stem": lambda v: v.stem(np.sin(np.linspace(0, 3, 10)), win="w"),
    "heatmap": lambda v: v.heatmap(GRID, win="w", opts={"columnnames": list("abcde")}),
    "heatmap_append": lambda v: v.heatmap(GRID[:1], win="w", update="appendRow"),
    "bar_stacked": lambda v: v.bar(BARS, win="w",
                                   opts={"stacked": True, "legend": ["p", "q"]}),
    "histogram": lambda v: v.histogram(NORMAL, win="w",
                                       opts={"numbins": 12}),
    "boxplot": lambda v: v.boxplot(BOXES, win="w"),
    "surf": lambda v: v.surf(GRID, win="w"),
    "contour": lambda v: v.contour(GRID, win="w", opts={"colormap": "Hot"}),
    "quiver": lambda v: v.quiver(GRID, GRID * 0.5, win="w"),
    "pie": lambda v: v.pie(np.array([1.0, 2.0, 3.0]), win="w", opts={"legend": ["a", "b", "c"]}),
    "mesh": lambda v: v.mesh(VERTICES, np.array([[0, 1, 2], [1, 2, 3]]), win="w",
                             opts={"opacity": 0.5}),
    "image": lambda v: v.image(PIXELS, win="w", opts={"caption": "c"}),
    "image_gray_uint8": lambda v: v.image(GRAY,
                                          win="w"),
    "images": lambda v: v.images(BATCH, nrow=2, win="w"),
    "text": lambda v: v.text("<b>hi</b>", win="w", opts={"title": "log"}),
    "properties": lambda v: v.properties([{"type": "number", "name": "lr", "value": "1"}],
                                         win="w"),
    "svg": lambda v: v.svg('<svg height="9" width="9"><circle r="4"/></svg>', win="w"),
    "update_window_opts": lambda v: v.update_window_opts("w", {"title": "new", "xtype": "log"}),
}


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[Any, Visdom]]:
    theirs = visdom.Visdom(send=False, use_incoming_socket=False, env="e")
    ours = Visdom(send=False, env="e")
    yield theirs, ours
    ours.close_connection(timeout=1)


def _normalized(result: Any) -> tuple[Any, str]:
    message, endpoint = result
    message = json.loads(json.dumps(message))
    message.pop("create_layout", None)  # trainboard's addition (see protocol.py)
    return message, endpoint


@pytest.mark.parametrize("call", sorted(CALLS))
def test_message_equals_visdoms(clients: tuple[Any, Visdom], call: str) -> None:
    theirs, ours = clients
    assert _normalized(CALLS[call](ours)) == _normalized(CALLS[call](theirs))


def test_the_append_fast_path_sends_the_general_paths_message() -> None:
    ours = Visdom(send=False, env="e")
    general = _normalized(ours.line(np.array([0.5]), np.array([7]), win="w", update="append",
                                    opts={"title": "t"}))
    from trainboard.visdom._layout import append_message

    fast = append_message("e", "w", None, [7], [0.5], {"title": "t"})
    assert fast.pop("create_layout") == {"showlegend": False, "title": "t",
                                         "margin": {"l": 60, "r": 60, "t": 60, "b": 60}}
    assert (fast, "update") == general
    ours.close_connection(timeout=1)
