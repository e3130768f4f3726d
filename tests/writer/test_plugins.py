from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import Golden
from tests.support import read_events, summary_values, tb_accumulator
from tests.writer.plugin_support import tb_plugins
from trainboard import SummaryWriter
from trainboard.format.kinds import pr_curve

LABELS = np.array([1, 0, 1, 1, 0, 1, 0, 0])
PREDICTIONS = np.array([0.9, 0.2, 0.6, 0.4, 0.7, 0.1, 0.3, 0.05])


# ------------------------------------------------------------------ add_text


def test_add_text_is_read_by_the_text_plugin(tmp_path: Path) -> None:
    from tensorboard.plugins.text import text_plugin

    with SummaryWriter(tmp_path, capture_environment=False) as w:
        w.add_text("notes", "hello **world**", 3)
        w.add_text("notes", "second ✓", 7, walltime=1234.5)
    tb = tb_plugins(tmp_path)
    plugin = tb.plugin(text_plugin.TextPlugin)
    assert plugin.index_impl(tb.request, "") == {".": ["notes/text_summary"]}
    shown = plugin.text_impl(tb.request, ".", "notes/text_summary", "", True)
    assert [(s["step"], s["wall_time"]) for s in shown][1] == (7, 1234.5)
    assert "<p>hello <strong>world</strong></p>" in shown[0]["text"]
    assert "second ✓" in shown[1]["text"]


def test_add_text_numbers_steps_per_tag_when_omitted(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for string in ["a", "b", "c"]:
            w.add_text("t", string)
    acc = tb_accumulator(tmp_path)
    assert [(e.step, e.tensor_proto.string_val[0]) for e in acc.Tensors("t/text_summary")] == [
        (0, b"a"),
        (1, b"b"),
        (2, b"c"),
    ]


# ------------------------------------------------------------------ PR curves


def test_add_pr_curve_is_read_by_the_pr_curves_plugin(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from tensorboard.plugins.pr_curve import pr_curves_plugin

    predictions = torch.tensor(PREDICTIONS, requires_grad=True)
    with SummaryWriter(tmp_path) as w:
        w.add_pr_curve("pr", torch.tensor(LABELS), predictions, 0, num_thresholds=5)
        w.add_pr_curve("pr", LABELS.tolist(), PREDICTIONS.tolist(), 1, num_thresholds=5)
        predictions.data.fill_(0.0)  # the values logged were copied at the call
    tb = tb_plugins(tmp_path)
    plugin = tb.plugin(pr_curves_plugin.PrCurvesPlugin)
    assert plugin.tags_impl(tb.request, "") == {".": {"pr": {"displayName": "", "description": ""}}}
    entries = plugin.pr_curves_impl(tb.request, "", ["."], "pr")["."]
    expected = pr_curve.compute_curve(LABELS, PREDICTIONS, 5)
    assert [e["step"] for e in entries] == [0, 1]
    for entry in entries:
        n = len(entry["thresholds"])  # the plugin drops the tail where TP + FP = 0
        assert n == 4
        assert entry["true_positives"] == expected[0, :n].astype(int).tolist()
        assert entry["false_positives"] == expected[1, :n].astype(int).tolist()
        np.testing.assert_allclose(entry["precision"], expected[4, :n], rtol=1e-6)
        np.testing.assert_allclose(entry["recall"], expected[5, :n], rtol=1e-6)


def test_add_pr_curve_writes_what_torch_writes(tmp_path: Path) -> None:
    torch_writer = pytest.importorskip("torch.utils.tensorboard")
    weights = np.linspace(0.5, 2, LABELS.size)
    with SummaryWriter(tmp_path / "ours") as w:
        w.add_pr_curve("pr", LABELS, PREDICTIONS.astype(np.float32), 2, 200, weights)
    with torch_writer.SummaryWriter(str(tmp_path / "torch")) as tw:
        tw.add_pr_curve("pr", LABELS, PREDICTIONS.astype(np.float32), 2, 200, weights)
    assert summary_values(tmp_path / "ours") == summary_values(tmp_path / "torch")
    (_, value), = summary_values(tmp_path / "ours")
    assert pr_curve.parse_plugin_data(value.metadata.plugin_data.content).num_thresholds == 127


def test_add_pr_curve_raw_is_read_by_the_pr_curves_plugin(tmp_path: Path) -> None:
    from tensorboard.plugins.pr_curve import pr_curves_plugin

    data = pr_curve.compute_curve(LABELS, PREDICTIONS, 6)
    with SummaryWriter(tmp_path) as w:
        w.add_pr_curve_raw("raw", *[row.tolist() for row in data], 4, num_thresholds=6)
    tb = tb_plugins(tmp_path)
    (entry,) = tb.plugin(pr_curves_plugin.PrCurvesPlugin).pr_curves_impl(
        tb.request, "", ["."], "raw"
    )["."]
    assert entry["step"] == 4
    n = len(entry["thresholds"])
    assert entry["true_negatives"] == data[2, :n].astype(int).tolist()
    np.testing.assert_allclose(entry["thresholds"], np.linspace(0, 1, 6)[:n])


# ------------------------------------------------------------------ custom scalars


def test_custom_scalars_layout_is_read_by_the_plugin(tmp_path: Path) -> None:
    from tensorboard.plugins.custom_scalar import custom_scalars_plugin

    layout = {"losses": {"all": ["Multiline", ["loss/.*"]]}}
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("loss/train", 1.0, 0)
        w.add_custom_scalars(layout)
    with SummaryWriter(tmp_path / "other") as w:
        w.add_custom_scalars_marginchart(["e/mean", "e/low", "e/high"], "errors", "band")
        w.add_custom_scalars_multilinechart(["acc/.*"], "losses", "acc")  # latest one wins
    tb = tb_plugins(tmp_path)
    plugin = tb.plugin(custom_scalars_plugin.CustomScalarsPlugin)
    merged = json.loads(plugin.layout_impl(tb.request, ""))
    assert merged["category"] == [
        {"title": "losses", "chart": [
            {"title": "all", "multiline": {"tag": ["loss/.*"]}},
            {"title": "acc", "multiline": {"tag": ["acc/.*"]}},
        ], "closed": False},
    ]


def test_custom_scalars_write_what_torch_writes(tmp_path: Path) -> None:
    torch_writer = pytest.importorskip("torch.utils.tensorboard")
    layout = {"a": {"m": ["Multiline", ["x", "y"]], "g": ["Margin", ["v", "l", "u"]]}}
    with SummaryWriter(tmp_path / "ours") as w:
        w.add_custom_scalars(layout)
        w.add_custom_scalars_marginchart(["v", "l", "u"])
        w.add_custom_scalars_multilinechart(["x"], category="c", title="t")
    with torch_writer.SummaryWriter(str(tmp_path / "torch")) as tw:
        tw.add_custom_scalars(layout)
        tw.add_custom_scalars_marginchart(["v", "l", "u"])
        tw.add_custom_scalars_multilinechart(["x"], category="c", title="t")
    assert summary_values(tmp_path / "ours") == summary_values(tmp_path / "torch")


# ------------------------------------------------------------------ meshes


def _mesh_inputs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    vertices = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]], dtype=np.float32)
    colors = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [9, 9, 9]]], dtype=np.uint8)
    faces = np.array([[[0, 1, 2], [0, 2, 3]]], dtype=np.int32)
    return vertices, colors, faces


def test_add_mesh_is_read_by_the_mesh_plugin(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from tensorboard.plugins.mesh import mesh_plugin

    vertices, colors, faces = _mesh_inputs()
    config = {"camera": {"fov": 60}}
    with SummaryWriter(tmp_path) as w:
        w.add_mesh("m", torch.tensor(vertices), torch.tensor(colors), faces, config, 5)
    tb = tb_plugins(tmp_path)
    plugin = tb.plugin(mesh_plugin.MeshPlugin)
    assert tb.get(plugin, "/tags").get_json() == {".": {"m": {"samples": 1}}}
    meta = tb.get(plugin, "/meshes", "run=.&tag=m").get_json()
    assert [(m["content_type"], m["components"], m["step"]) for m in meta] == [
        (1, 14, 5), (2, 14, 5), (3, 14, 5)
    ]
    assert json.loads(meta[0]["config"]) == config and meta[1]["data_shape"] == [1, 2, 3]
    for content_type, dtype, expected in [
        ("VERTEX", np.float32, vertices), ("FACE", np.int32, faces), ("COLOR", np.uint8, colors)
    ]:
        data = tb.get(plugin, "/data", f"run=.&tag=m&content_type={content_type}&step=5")
        np.testing.assert_array_equal(np.frombuffer(data.get_data(), dtype), expected.reshape(-1))


def test_add_mesh_writes_what_torch_writes(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    torch_writer = pytest.importorskip("torch.utils.tensorboard")
    vertices, colors, faces = _mesh_inputs()
    args: list[Any] = [torch.tensor(vertices), torch.tensor(colors), torch.tensor(faces), {"a": 1}]
    with SummaryWriter(tmp_path / "ours") as w:
        w.add_mesh("m", *args, global_step=2)
        w.add_mesh("points", vertices, global_step=2)
    with torch_writer.SummaryWriter(str(tmp_path / "torch")) as tw:
        tw.add_mesh("m", *args, global_step=2)
        tw.add_mesh("points", torch.tensor(vertices), global_step=2)
    assert summary_values(tmp_path / "ours") == summary_values(tmp_path / "torch")


def test_plugin_values_match_golden(tmp_path: Path, golden: Golden) -> None:
    vertices, colors, faces = _mesh_inputs()
    with SummaryWriter(tmp_path) as w:
        w.add_text("t", "text", 1, walltime=10.0)
        w.add_pr_curve("pr", LABELS, PREDICTIONS, 1, num_thresholds=3, walltime=10.0)
        w.add_custom_scalars_multilinechart(["a", "b"])
        w.add_mesh("m", vertices, colors, faces, None, 1, walltime=10.0)
    events = [e for e in read_events(tmp_path) if e.HasField("summary")]
    for event in events:
        if event.summary.value[0].tag == "custom_scalars__config__":
            event.wall_time = 0.0
    for name, event in zip(["text", "pr_curve", "custom_scalars", "mesh"], events, strict=True):
        golden.check(f"plugins_{name}_event", event)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda w: w.add_text("t", b"bytes"), TypeError, "text_string must be a str, got bytes"),
        (lambda w: w.add_pr_curve("p", [1, 0], [0.5]), ValueError,
         r"same shape, got \(2,\) and \(1,\)"),
        (lambda w: w.add_pr_curve("p", [1, 0], ["a", "b"]), TypeError, "predictions must"),
        (lambda w: w.add_pr_curve("p", [1, 0], np.array([1j, 0])), TypeError,
         "predictions must hold real numbers, got an array of dtype complex128"),
        (lambda w: w.add_pr_curve("p", [1, 0], [0.5, 0.2], weights=[1, 2, 3]), ValueError,
         r"weights must be .*broadcastable.*\(2,\), got shape \(3,\)"),
        (lambda w: w.add_pr_curve("p", [1], [0.5], num_thresholds=0), ValueError,
         "num_thresholds must be at least 1, got 0"),
        (lambda w: w.add_pr_curve("p", [1], [0.5], num_thresholds=2.5), TypeError,
         "num_thresholds must be an int, got float 2.5"),
        (lambda w: w.add_pr_curve_raw("p", [1, 2], [1, 2], [1, 2], [1], [1, 2], [1, 2]),
         ValueError, r"one length, got lengths .*'false_negative_counts': 1"),
        (lambda w: w.add_pr_curve_raw("p", *[[[1, 2]]] * 6), ValueError,
         r"true_positive_counts must be 1-D .*\(1, 2\)"),
        (lambda w: w.add_custom_scalars({"c": {"t": ["Pie", ["a"]]}}), ValueError,
         "unknown chart kind 'Pie'"),
        (lambda w: w.add_custom_scalars_marginchart(["a", "b"]), ValueError,
         "exactly 3 tags"),
        (lambda w: w.add_mesh("m", np.zeros((4, 3))), ValueError,
         r"vertices must have shape \(B, N, 3\), got \(4, 3\)"),
        (lambda w: w.add_mesh("m", np.zeros((1, 4, 2))), ValueError, r"got \(1, 4, 2\)"),
        (lambda w: w.add_mesh("m", np.zeros((1, 4, 3)), faces=[[0, 1, 2]]), ValueError,
         r"faces must have shape \(B, F, 3\), got \(1, 3\)"),
        (lambda w: w.add_mesh("m", np.zeros((1, 4, 3)), colors=np.zeros((1, 3, 3))), ValueError,
         r"colors must have the shape of vertices \(1, 4, 3\).*got \(1, 3, 3\)"),
        (lambda w: w.add_mesh("m", np.zeros((1, 4, 3)), faces=np.zeros((2, 1, 3))), ValueError,
         r"faces must have the batch size of vertices \(1\)"),
        (lambda w: w.add_mesh("m", np.zeros((1, 4, 3)), config_dict="x"), TypeError,
         "config_dict must be a dict"),
    ],
)
def test_bad_input_raises_and_leaves_the_writer_usable(
    tmp_path: Path, call: Any, error: type[Exception], match: str
) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_text("before", "kept", 0)
        with pytest.raises(error, match=match):
            call(w)
        w.add_text("after", "kept", 0)
    tags = [v.tag for _, v in summary_values(tmp_path)]
    assert tags == ["before/text_summary", "after/text_summary"]


def test_write_to_disk_false_validates_and_writes_nothing(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "off", write_to_disk=False)
    w.add_text("t", "x")
    w.add_pr_curve("p", LABELS, PREDICTIONS)
    w.add_mesh("m", np.zeros((1, 2, 3)))
    w.add_custom_scalars_multilinechart(["a"])
    with pytest.raises(TypeError):
        w.add_text("t", 3)  # type: ignore[arg-type]
    w.close()
    assert not (tmp_path / "off").exists()
