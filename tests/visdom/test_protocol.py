"""Window building and update semantics follow Visdom's server; bad messages change nothing."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from trainboard.visdom.protocol import (
    ProtocolError,
    apply_update,
    build_window,
    dumps,
    escape_env,
    loads,
)


def _trace(name: str, x: list[Any], y: list[Any]) -> dict[str, Any]:
    return {"x": x, "y": y, "name": name, "type": "scatter", "mode": "lines"}


def _plot(*traces: dict[str, Any]) -> dict[str, Any]:
    msg = {"data": list(traces), "win": "w", "layout": {"title": "t"}, "opts": {"title": "t"}}
    return build_window(msg, 0)


def _xy(window: dict[str, Any]) -> list[tuple[str, list[Any], list[Any]]]:
    return [(t["name"], t["x"], t["y"]) for t in window["content"]["data"]]


def test_build_window_is_visdoms_window_dict() -> None:
    window = _plot(_trace("1", [0, 1], [2, 3]))
    assert window["command"] == "window" and window["id"] == "w" and window["type"] == "plot"
    assert window["title"] == "t" and window["inflate"] is True and window["i"] == 0
    assert window["content"]["layout"] == {"title": "t"}
    assert {"width", "height", "contentID"} <= set(window)


@pytest.mark.parametrize("kind", ["image", "text", "properties"])
def test_content_windows_keep_their_content(kind: str) -> None:
    content: Any = "<b>hi</b>" if kind == "text" else {"src": "data:image/png;base64,"}
    window = build_window({"data": [{"content": content, "type": kind}], "win": "c"}, 3)
    assert window["type"] == kind and window["content"] == content and window["i"] == 3


def test_append_by_name_touches_only_that_trace_and_injects_new_names() -> None:
    window = _plot(_trace("train", [0], [1.0]), _trace("val", [0], [2.0]))
    change = apply_update(window, {"data": [_trace("val", [1], [3.0])], "name": "val",
                                   "append": True})
    assert change.kind == "append" and change.appended == [(1, {"x": [1], "y": [3.0]})]
    apply_update(window, {"data": [_trace("test", [5], [9.0])], "name": "test", "append": True})
    assert _xy(window) == [("train", [0], [1.0]), ("val", [0, 1], [2.0, 3.0]),
                           ("test", [5], [9.0])]


def test_append_without_name_goes_to_the_traces_in_order() -> None:
    window = _plot(_trace("1", [0], [1]), _trace("2", [0], [2]))
    apply_update(window, {"data": [_trace("1", [1], [3]), _trace("2", [1], [4])],
                          "append": True})
    assert _xy(window) == [("1", [0, 1], [1, 3]), ("2", [0, 1], [2, 4])]


def test_replace_remove_and_the_nan_mask() -> None:
    window = _plot(_trace("a", [0, 1], [1, 2]), _trace("b", [0], [5]))
    assert apply_update(window, {"data": [_trace("a", [7], [8])], "name": "a"}).kind == "window"
    assert _xy(window)[0] == ("a", [7], [8])
    masked = apply_update(window, {"data": [_trace("a", [None], [1])], "name": "a",
                                   "append": True})
    assert masked.kind == "none" and _xy(window)[0] == ("a", [7], [8])
    apply_update(window, {"data": [], "name": "b", "delete": True})
    assert [t[0] for t in _xy(window)] == ["a"]


def test_text_append_joins_with_br_and_image_history_accumulates() -> None:
    text = build_window({"data": [{"content": "a", "type": "text"}], "win": "t"}, 0)
    apply_update(text, {"data": [{"content": "b", "type": "text"}]})
    assert text["content"] == "a<br>b"
    images = build_window({"data": [{"content": {"src": "1"}, "type": "image_history"}],
                           "win": "i"}, 0)
    apply_update(images, {"data": [{"content": {"src": "2"}, "type": "image_history"}]})
    assert images["content"] == [{"src": "1"}, {"src": "2"}] and images["selected"] == 1


def test_heatmap_rows_and_columns() -> None:
    hm = {"z": [[1, 2], [3, 4]], "x": None, "y": None, "type": "heatmap"}
    window = build_window({"data": [hm], "win": "h", "layout": {}}, 0)
    row = {"z": [[5, 6]], "x": None, "y": None, "type": "heatmap"}
    apply_update(window, {"data": [row], "updateDir": "appendRow", "append": True})
    col = {"z": [[0], [0], [0]], "x": None, "y": None, "type": "heatmap"}
    apply_update(window, {"data": [col], "updateDir": "prependColumn", "append": True})
    assert window["content"]["data"][0]["z"] == [[0, 1, 2], [0, 3, 4], [0, 5, 6]]


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"data": [_trace("a", [1, 2], [3])], "name": "a", "append": True}, "2 x values but 1 y"),
        ({"data": [_trace("a", [1], [3]), _trace("b", [1], [3])], "name": "a"}, "exactly one"),
        ({"data": "nope", "append": True}, "list of traces"),
        ({"data": [{"z": [[1]], "type": "heatmap"}], "updateDir": "sideways"}, "sideways"),
        ({"data": [_trace("a", [1], [1])], "opts": "bold"}, "opts and layout"),
    ],
)
def test_bad_updates_raise_and_change_nothing(update: dict[str, Any], message: str) -> None:
    window = _plot(_trace("a", [0], [1]))
    before = copy.deepcopy(window)
    with pytest.raises(ProtocolError, match=message):
        apply_update(window, update)
    assert window == before


def test_a_heatmap_row_of_the_wrong_width_changes_nothing() -> None:
    window = build_window({"data": [{"z": [[1, 2]], "x": None, "y": None,
                                     "type": "heatmap"}], "win": "h"}, 0)
    before = copy.deepcopy(window)
    with pytest.raises(ProtocolError, match="2 columns, the new rows 3"):
        apply_update(window, {"data": [{"z": [[1, 2, 3]], "x": None, "y": None,
                                        "type": "heatmap"}], "updateDir": "appendRow"})
    assert window == before


def test_bad_windows_are_refused() -> None:
    with pytest.raises(ProtocolError, match="3 x values but 2 y values"):
        build_window({"data": [_trace("a", [1, 2, 3], [1, 2])], "win": "w"}, 0)
    with pytest.raises(ProtocolError, match="non-empty list"):
        build_window({"data": [], "win": "w"}, 0)
    with pytest.raises(ProtocolError, match="content must be a string"):
        build_window({"data": [{"content": 5, "type": "text"}], "win": "w"}, 0)


def test_json_helpers_map_nan_to_null_and_reject_non_json() -> None:
    assert loads(b'{"y": [NaN, Infinity, -Infinity, 1.5]}') == {"y": [None, None, None, 1.5]}
    with pytest.raises(ProtocolError, match=r"not JSON.*'oops"):
        loads(b"oops")
    with pytest.raises(ValueError):
        dumps({"y": math.nan})
    assert escape_env(None) == "main" and escape_env("a/b") == "a_b"
    with pytest.raises(ProtocolError, match="env"):
        escape_env("two\nlines")
