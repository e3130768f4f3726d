"""The histograms and distributions routes, checked against TensorBoard's own plugins."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.server.app import openapi_document
from trainboard.server.routes.histograms import (
    BASIS_POINTS,
    compress_buckets,
    rebin_buckets,
    sample_indices,
)
from trainboard.writer import FileWriter

STEPS = 40
TORCH_STEPS = 6


def weights(step: int) -> np.ndarray:
    return np.random.default_rng(step).normal(step * 0.1, 1.0, 2000)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tensorboard.plugins.histogram import summary_v2

    root = tmp_path_factory.mktemp("histograms")
    with SummaryWriter(root / "ours") as w:
        for step in range(STEPS):
            w.add_histogram("layer/w", weights(step), step, walltime=1000.0 + step)
        w.add_histogram("const", np.full(10, 3.0), 0)
        w.add_histogram("with_inf", np.array([1.0, 2.0, np.inf, -np.inf]), 0)
        w.add_histogram_raw("raw", 0, 4, 5, 8, 20, [1.0, 2.5, 4.0], [3, 0, 2], 0)
        w.add_histogram_raw("empty", 0, 0, 0, 0, 0, [1.0], [0], 0)
        w.add_scalar("loss", 1.0, 0)
    pytest.importorskip("torch.utils.tensorboard")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    torch_writer = TorchWriter(str(root / "torch"))
    for step in range(TORCH_STEPS):
        torch_writer.add_histogram("layer/w", weights(step), step)
    torch_writer.close()
    tf2 = FileWriter(root / "tf2")
    for step in range(3):
        tf2.add_summary(summary_v2.histogram_pb("t", weights(step), buckets=20), step)
    tf2.close()
    return root


def tensorboard_plugins(logdir: Path) -> tuple[Any, Any, Any]:
    """TensorBoard's histograms and distributions plugins over ``logdir``, and a context."""
    from tensorboard import context
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.distribution import distributions_plugin
    from tensorboard.plugins.histogram import histograms_plugin

    mux = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance={"histograms": 0})
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    tb = base_plugin.TBContext(
        data_provider=data_provider.MultiplexerDataProvider(mux, str(logdir)),
        multiplexer=mux,
        logdir=str(logdir),
        sampling_hints={"histograms": 0},
    )
    return (
        histograms_plugin.HistogramsPlugin(tb),
        distributions_plugin.DistributionsPlugin(tb),
        context.RequestContext(),
    )


def get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_histogram_card_keeps_every_step_and_its_total(client: TestClient) -> None:
    card = get(client, "/api/histograms", run="ours", tag="layer/w", bins=40)
    assert card["total_steps"] == STEPS and card["steps"] == list(range(STEPS))
    assert card["wall_times"] == [1000.0 + s for s in range(STEPS)]
    counts = np.array(card["counts"])
    assert counts.shape == (STEPS, 40)
    np.testing.assert_allclose(counts.sum(axis=1), 2000)  # resampling moves, never loses
    lows = [weights(s).min() for s in range(STEPS)]
    highs = [weights(s).max() for s in range(STEPS)]
    assert card["x_min"] == pytest.approx(min(lows), rel=1e-6)
    assert card["x_max"] == pytest.approx(max(highs), rel=1e-6)


def test_histogram_bins_follow_the_data(client: TestClient) -> None:
    card = get(client, "/api/histograms", run="ours", tag="layer/w", bins=30)
    edges = np.linspace(card["x_min"], card["x_max"], 31)
    for step in (0, STEPS - 1):
        expected, _ = np.histogram(weights(step), edges)
        got = np.array(card["counts"][step])
        # The writer's buckets are narrow (10% apart), so resampling moves little.
        assert np.abs(got - expected).sum() < 0.05 * 2000


def test_resampling_spreads_counts_by_overlap() -> None:
    buckets = np.array([[0.0, 1.0, 3.0], [1.0, 2.5, 0.0], [2.5, 4.0, 1.0]])
    x_range, counts = rebin_buckets([buckets, buckets[:1], np.zeros((0, 3))], 4)
    assert x_range == (0.0, 4.0)
    np.testing.assert_allclose(counts[0], [3.0, 0.0, 1 / 3, 2 / 3])
    np.testing.assert_allclose(counts[1], [3.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(counts[2], 0.0)
    point = np.array([[2.0, 2.0, 5.0], [4.0, 4.0, 1.0]])  # zero-width buckets: one value each
    _, counts = rebin_buckets([point], 2)
    np.testing.assert_allclose(counts[0], [5.0, 1.0])  # the grid's right edge is in its last bin
    assert rebin_buckets([np.zeros((0, 3))], 3)[0] is None


def test_constant_and_infinite_values_get_a_finite_grid(client: TestClient) -> None:
    const = get(client, "/api/histograms", run="ours", tag="const", bins=10)
    assert (const["x_min"], const["x_max"]) == (3 / 1.1 - 1, 3 * 1.1 + 1)  # as TensorBoard
    assert sum(const["counts"][0]) == pytest.approx(10)
    inf = get(client, "/api/histograms", run="ours", tag="with_inf", bins=10)
    assert math.isfinite(inf["x_min"]) and math.isfinite(inf["x_max"])
    # Infinities are outside torch's bucket edges (in no bucket), as np.histogram does.
    assert sum(inf["counts"][0]) == pytest.approx(2)
    empty = get(client, "/api/histograms", run="ours", tag="empty")
    assert empty["x_min"] is None and empty["counts"] == [[0.0] * 30]


def test_binary_answer_holds_the_json_answer(client: TestClient) -> None:
    params: dict[str, str | int] = {"run": "ours", "tag": "layer/w", "bins": 7}
    plain = get(client, "/api/histograms", **params)
    response = client.get("/api/histograms", params={**params, "format": "binary"})
    assert response.headers["content-type"] == "application/octet-stream"
    body = response.content
    (size,) = struct.unpack_from("<I", body)
    header = json.loads(body[4 : 4 + size])
    assert {k: header[k] for k in ("run", "tag", "total_steps", "bins", "x_min", "x_max")} == {
        k: plain[k] for k in ("run", "tag", "total_steps", "bins", "x_min", "x_max")
    }

    def array(key: str) -> np.ndarray:
        spec = header[key]
        assert spec["offset"] % 8 == 0
        return np.frombuffer(body, "<" + spec["dtype"], spec["length"], spec["offset"])

    assert array("steps").tolist() == plain["steps"]
    assert array("wall_times").tolist() == plain["wall_times"]
    np.testing.assert_allclose(array("counts").reshape(-1, 7), plain["counts"], rtol=1e-6)


def test_max_steps_spreads_the_steps_keeping_first_and_last(client: TestClient) -> None:
    card = get(client, "/api/histograms", run="ours", tag="layer/w", max_steps=5)
    assert card["total_steps"] == STEPS and card["steps"] == [0, 10, 20, 29, 39]
    assert len(card["counts"]) == 5
    dist = get(client, "/api/distributions", run="ours", tag="layer/w", max_steps=1)
    assert dist["steps"] == [STEPS - 1] and len(dist["values"]) == 1
    assert sample_indices(3, 10).tolist() == [0, 1, 2]


@pytest.mark.parametrize(("run", "tag"), [("ours", "layer/w"), ("torch", "layer/w"), ("tf2", "t")])
def test_distributions_equal_tensorboards(
    client: TestClient, logdir: Path, run: str, tag: str
) -> None:
    _, plugin, ctx = tensorboard_plugins(logdir)
    expected, _ = plugin.distributions_impl(ctx, tag, run, experiment="")
    card = get(client, "/api/distributions", run=run, tag=tag)
    assert card["basis_points"] == list(BASIS_POINTS)
    assert card["steps"] == [step for _, step, _ in expected]
    assert card["wall_times"] == [wall for wall, _, _ in expected]
    for values, (_, _, points) in zip(card["values"], expected, strict=True):
        assert [bp for bp, _ in points] == list(BASIS_POINTS)
        np.testing.assert_allclose(values, [v for _, v in points], rtol=1e-12)


@pytest.mark.parametrize(("run", "tag"), [("ours", "layer/w"), ("torch", "layer/w"), ("tf2", "t")])
def test_histogram_totals_equal_tensorboards(
    client: TestClient, logdir: Path, run: str, tag: str
) -> None:
    plugin, _, ctx = tensorboard_plugins(logdir)
    expected, _ = plugin.histograms_impl(ctx, tag, run, experiment="", downsample_to=1000)
    card = get(client, "/api/histograms", run=run, tag=tag)
    assert card["steps"] == [step for _, step, _ in expected]
    totals = [sum(c for _, _, c in buckets) for _, _, buckets in expected]
    np.testing.assert_allclose(np.array(card["counts"]).sum(axis=1), totals)
    lows = [buckets[0][0] for _, _, buckets in expected]
    highs = [buckets[-1][1] for _, _, buckets in expected]
    assert (card["x_min"], card["x_max"]) == pytest.approx((min(lows), max(highs)))


def test_distribution_median_matches_numpy(client: TestClient) -> None:
    card = get(client, "/api/distributions", run="ours", tag="layer/w")
    for step in (0, 17, STEPS - 1):
        data = weights(step)
        values = card["values"][step]
        assert values[0] == pytest.approx(data.min(), rel=1e-6)
        assert values[-1] == pytest.approx(data.max(), rel=1e-6)
        for bp, got in zip(BASIS_POINTS[1:-1], values[1:-1], strict=True):
            want = np.percentile(data, bp / 100)
            assert abs(got - want) <= 0.1 * abs(want) + 0.01  # within a 10%-wide bucket


def test_compression_of_edge_cases() -> None:
    assert compress_buckets(np.zeros((0, 3))) == [0.0] * 9
    single = compress_buckets(np.array([[3.0, 3.0, 10.0]]))
    assert single == [3.0] * 9
    values = compress_buckets(np.array([[0.0, 1.0, 1.0], [1.0, 2.0, 0.0], [2.0, 3.0, 1.0]]))
    # TensorBoard's interpolation: the median is where the cumulative weight first passes
    # 5000, inside the last bucket, from its left edge.
    assert values[0] == 0.0 and values[4] == 2.0 and values[-1] == 3.0


def test_distributions_send_non_finite_values_as_null(client: TestClient) -> None:
    # min/max are -inf/inf, so every interpolation is NaN or infinite, in TensorBoard too.
    card = get(client, "/api/distributions", run="ours", tag="with_inf")
    assert card["values"] == [[None] * 9]
    raw = get(client, "/api/distributions", run="ours", tag="raw")
    assert raw["values"][0][0] == 0.0 and raw["values"][0][-1] == 4.0


def test_errors_name_the_problem(client: TestClient) -> None:
    def error(path: str, status: int, **params: Any) -> str:
        response = client.get(path, params=params)
        assert response.status_code == status, response.text
        message: str = response.json()["error"]["message"]
        return message

    for path in ("/api/histograms", "/api/distributions"):
        assert "'run'" in error(path, 400, tag="layer/w")
        assert "'tag'" in error(path, 400, run="ours")
        assert "'nope'" in error(path, 404, run="nope", tag="layer/w")
        assert "'loss'" in error(path, 404, run="ours", tag="loss")  # a scalar, not a histogram
        assert "max_steps=0" in error(path, 400, run="ours", tag="layer/w", max_steps=0)
    assert "bins='x'" in error("/api/histograms", 400, run="ours", tag="layer/w", bins="x")
    assert "format='csv'" in error("/api/histograms", 400, run="ours", tag="layer/w", format="csv")


def test_tags_and_openapi_list_histograms(client: TestClient) -> None:
    tags = get(client, "/api/tags", kind="histograms")["tags"]
    assert set(tags["ours"]) == {"layer/w", "const", "with_inf", "raw", "empty"}
    assert tags["ours"]["layer/w"]["points"] == STEPS
    assert set(tags["tf2"]) == {"t"}
    paths = openapi_document()["paths"]
    assert "/api/histograms" in paths and "/api/distributions" in paths
