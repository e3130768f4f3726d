from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from tests.conftest import Golden
from trainboard.format.kinds import pr_curve
from trainboard.format.proto.summary_pb2 import Summary

torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")


def _torch(function: str, *args: Any) -> Summary:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's int32 cast of NaN predictions warns
        return Summary.FromString(getattr(torch_summary, function)(*args).SerializeToString())


def _ours(
    tag: str, labels: Any, predictions: Any, num_thresholds: int, weights: Any = None
) -> Summary:
    count = min(num_thresholds, pr_curve.MAX_THRESHOLDS)
    data = pr_curve.compute_curve(labels, predictions, count, weights)
    return Summary(value=[pr_curve.curve_value(tag, data, count)])


def _inputs(n: int, dtype: Any, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, n), rng.random(n).astype(dtype)


def test_small_curve_known_answer() -> None:
    labels = np.array([1, 0, 1, 1])
    predictions = np.array([0.9, 0.2, 0.6, 0.4])
    data = pr_curve.compute_curve(labels, predictions, 5)
    np.testing.assert_array_equal(
        data,
        [
            [3, 3, 2, 1, 0],
            [1, 0, 0, 0, 0],
            [0, 1, 1, 1, 1],
            [0, 0, 1, 2, 3],
            [0.75, 1, 1, 1, 0],
            [1, 1, 2 / 3, 1 / 3, 0],
        ],
    )


@pytest.mark.parametrize("num_thresholds", [127, 2, 1, 10, 200])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_value_equals_torch_pr_curve(num_thresholds: int, dtype: Any) -> None:
    labels, predictions = _inputs(500, dtype)
    ours = _ours("pr", labels, predictions, num_thresholds)
    assert ours == _torch("pr_curve", "pr", labels, predictions, num_thresholds)
    assert [d.size for d in ours.value[0].tensor.tensor_shape.dim] == [6, min(num_thresholds, 127)]


def test_weights_and_bool_labels_equal_torch() -> None:
    labels, predictions = _inputs(300, np.float64, seed=1)
    weights = np.random.default_rng(2).random(300)
    bool_labels = labels.astype(bool)
    assert _ours("w", bool_labels, predictions, 31, weights) == _torch(
        "pr_curve", "w", bool_labels, predictions, 31, weights
    )
    assert _ours("w", labels, predictions, 31, 2.5) == _torch(
        "pr_curve", "w", labels, predictions, 31, 2.5
    )


def test_out_of_range_and_nan_predictions_count_nowhere_as_in_torch() -> None:
    labels, predictions = _inputs(200, np.float32, seed=3)
    predictions[:8] = [np.nan, np.inf, -np.inf, -0.01, 1.0, 1.004, 1.5, 1e30]
    ours = _ours("x", labels, predictions, 127)  # no warning (pytest turns them into errors)
    assert ours == _torch("pr_curve", "x", labels, predictions, 127)


def test_nan_labels_give_nan_counts_without_raising() -> None:
    data = pr_curve.compute_curve(np.array([np.nan, 1.0]), np.array([0.5, 0.5]), 3)
    assert np.isnan(data[0, 0]) and np.isnan(data[4, 0])


def test_empty_inputs_give_a_zero_curve() -> None:
    data = pr_curve.compute_curve(np.zeros(0), np.zeros(0), 4)
    np.testing.assert_array_equal(data, np.zeros((6, 4)))


def test_raw_value_equals_torch_pr_curve_raw() -> None:
    rng = np.random.default_rng(4)
    rows = [rng.integers(0, 50, 9).astype(np.float64) for _ in range(4)] + [rng.random(9)] * 2
    data = np.stack(rows)
    expected = _torch("pr_curve_raw", "raw", *rows, 9)
    assert Summary(value=[pr_curve.curve_value("raw", data, 9)]) == expected
    capped = _torch("pr_curve_raw", "raw", *rows, 500)
    assert Summary(value=[pr_curve.curve_value("raw", data, 500)]) == capped
    content = capped.value[0].metadata.plugin_data.content
    assert pr_curve.parse_plugin_data(content).num_thresholds == 127


def test_value_matches_golden(golden: Golden) -> None:
    labels = np.array([1, 0, 1, 1, 0, 1])
    predictions = np.array([0.9, 0.2, 0.6, 0.4, 0.7, 0.1])
    golden.check("pr_curve_value", _ours("pr/val", labels, predictions, 4).value[0])


def test_decode_returns_named_rows_and_thresholds() -> None:
    labels, predictions = _inputs(100, np.float64, seed=5)
    data = pr_curve.compute_curve(labels, predictions, 11)
    curve = pr_curve.decode(pr_curve.curve_value("t", data, 11))
    assert list(curve) == [*pr_curve.FIELDS, "thresholds"]
    for row, field in enumerate(pr_curve.FIELDS):
        np.testing.assert_array_equal(curve[field], data[row].astype(np.float32))
    np.testing.assert_allclose(curve["thresholds"], np.arange(11) / 10)


def test_decode_rejects_other_shapes() -> None:
    value = pr_curve.curve_value("t", np.zeros((6, 3)), 3)
    value.tensor.tensor_shape.dim[0].size = 3
    value.tensor.tensor_shape.dim[1].size = 6
    with pytest.raises(ValueError, match=r"'t'.*\[6, T\].*\[3, 6\]"):
        pr_curve.decode(value)


def test_tensorboard_metadata_parser_reads_ours() -> None:
    from tensorboard.plugins.pr_curve import metadata

    value = pr_curve.curve_value("t", np.zeros((6, 33)), 33)
    parsed = metadata.parse_plugin_metadata(value.metadata.plugin_data.content)
    assert (parsed.version, parsed.num_thresholds) == (0, 33)
    assert value.metadata.plugin_data.plugin_name == metadata.PLUGIN_NAME
