"""The Custom scalars route over layouts written by trainboard and by torch.utils.tensorboard.

The merged layout and the (run, tag) lines of each regex chart are checked against
TensorBoard's own custom-scalars plugin over the same logdir.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.format.kinds import custom_scalars as kind
from trainboard.format.proto.layout_pb2 import Category, Chart, Layout, MultilineChartContent
from trainboard.format.proto.summary_pb2 import Summary
from trainboard.server.app import create_app, openapi_document
from trainboard.server.routes.custom_scalars import custom_scalars_impl, merge_layouts
from trainboard.writer.file_writer import FileWriter

OURS_LAYOUT = {
    "Training": {
        "losses": ["Multiline", [r"loss/.*"]],
        "accuracy band": ["Margin", ["acc", "acc_low", "acc_high"]],
    },
}
TORCH_LAYOUT = {
    "Training": {
        "losses": ["Multiline", [r"loss/.*"]],  # the same chart: merged once
        "train only": ["Multiline", ["loss/train$", "nomatch"]],
    },
    "Broken": {"bad regex": ["Multiline", ["(", "acc"]]},
}


def _closed_layout_run(run_dir: Path) -> None:
    """A layout with a closed category (torch's writer never sets ``closed``)."""
    layout = Layout(
        category=[
            Category(
                title="Hidden",
                closed=True,
                chart=[Chart(title="acc", multiline=MultilineChartContent(tag=["acc"]))],
            )
        ]
    )
    writer = FileWriter(str(run_dir))
    writer.add_summary(Summary(value=[kind.layout_value(layout)]))
    writer.close()


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    root = tmp_path_factory.mktemp("custom_scalars")
    with SummaryWriter(root / "ours") as w:
        w.add_custom_scalars(OURS_LAYOUT)
        for step in range(5):
            w.add_scalar("loss/train", 1.0 / (step + 1), step)
            w.add_scalar("loss/val", 2.0 / (step + 1), step)
            w.add_scalar("acc", 0.5 + step / 10, step)
            w.add_scalar("acc_low", 0.4 + step / 10, step)
            w.add_scalar("acc_high", 0.6 + step / 10, step)
    torch_writer = torch_tb.SummaryWriter(str(root / "torch"))
    torch_writer.add_custom_scalars(TORCH_LAYOUT)
    for step in range(5):
        torch_writer.add_scalar("loss/train", 3.0 - step, step)
        torch_writer.add_scalar("acc", 0.1 * step, step)
    torch_writer.close()
    _closed_layout_run(root / "zz_closed")
    return root


@pytest.fixture(scope="module")
def answer(logdir: Path) -> Iterator[dict[str, Any]]:
    provider = LogdirProvider(logdir, use_cache=False)
    app = create_app(provider, logdir=str(logdir), reload_interval=0)
    with TestClient(app) as client:
        app.state.hub.provider.reload()
        response = client.get("/api/custom_scalars")
        assert response.status_code == 200
        yield response.json()


def _tensorboard_plugin(logdir: Path) -> Any:
    from tensorboard.backend.event_processing import data_provider as dp
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.custom_scalar.custom_scalars_plugin import CustomScalarsPlugin
    from tensorboard.plugins.scalar.scalars_plugin import ScalarsPlugin

    mux = pem.EventMultiplexer()
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    instances: dict[str, Any] = {}
    tb_context = base_plugin.TBContext(
        logdir=str(logdir),
        multiplexer=mux,
        data_provider=dp.MultiplexerDataProvider(mux, str(logdir)),
        plugin_name_to_instance=instances,
    )
    instances["scalars"] = ScalarsPlugin(tb_context)
    return CustomScalarsPlugin(tb_context)


def _chart(answer: dict[str, Any], category: str, title: str) -> dict[str, Any]:
    found = next(c for c in answer["categories"] if c["title"] == category)
    chart: dict[str, Any] = next(c for c in found["charts"] if c["title"] == title)
    return chart


def test_layouts_of_every_run_are_merged_as_tensorboard_merges_them(
    answer: dict[str, Any], logdir: Path
) -> None:
    from tensorboard import context

    expected = json.loads(_tensorboard_plugin(logdir).layout_impl(context.RequestContext(), ""))
    assert answer["layout_runs"] == ["ours", "torch", "zz_closed"]
    ours = [
        {
            "title": c["title"],
            "closed": c["closed"],
            "charts": [chart["title"] for chart in c["charts"]],
        }
        for c in answer["categories"]
    ]
    tb = [
        {
            "title": c["title"],
            "closed": c.get("closed", False),
            "charts": [chart["title"] for chart in c["chart"]],
        }
        for c in expected["category"]
    ]
    assert ours == tb
    assert ours[0]["charts"] == ["losses", "accuracy band", "train only"]
    assert ours[-1] == {"title": "Hidden", "closed": True, "charts": ["acc"]}


def test_multiline_lines_are_the_runs_tags_tensorboard_matches(
    answer: dict[str, Any], logdir: Path
) -> None:
    from tensorboard import context

    plugin = _tensorboard_plugin(logdir)
    for title, regexes in (("losses", [r"loss/.*"]), ("train only", ["loss/train$", "nomatch"])):
        expected = set()
        for run in ("ours", "torch", "zz_closed"):
            for regex in regexes:
                found = plugin.scalars_impl(context.RequestContext(), run, regex, "")
                expected |= {(run, tag) for tag in found["tag_to_events"]}
        lines = _chart(answer, "Training", title)["lines"]
        assert {(line["run"], line["tag"]) for line in lines} == expected
    assert _chart(answer, "Training", "losses")["lines"] == [
        {"run": "ours", "tag": "loss/train"},
        {"run": "ours", "tag": "loss/val"},
        {"run": "torch", "tag": "loss/train"},
    ]


def test_a_margin_chart_names_its_three_tags_and_runs(answer: dict[str, Any]) -> None:
    chart = _chart(answer, "Training", "accuracy band")
    assert chart["kind"] == "margin"
    assert chart["series"] == [
        {
            "value": "acc",
            "lower": "acc_low",
            "upper": "acc_high",
            "runs": ["ours", "torch"],
            "band_runs": ["ours"],
        }
    ]


def test_an_invalid_regex_is_reported_and_the_rest_still_match(answer: dict[str, Any]) -> None:
    chart = _chart(answer, "Broken", "bad regex")
    assert len(chart["errors"]) == 1 and "'('" in chart["errors"][0]
    assert {line["run"] for line in chart["lines"]} == {"ours", "torch"}


def test_merge_keeps_the_first_closed_and_drops_equal_charts() -> None:
    chart = Chart(title="c", multiline=MultilineChartContent(tag=["a"]))
    first = Layout(category=[Category(title="A", closed=True, chart=[chart])])
    second = Layout(category=[Category(title="A", closed=False, chart=[chart, chart])])
    merged = merge_layouts([first, second])
    assert len(merged.category) == 1
    assert merged.category[0].closed
    assert len(merged.category[0].chart) == 1


def test_no_layout_means_no_categories(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "plain") as w:
        w.add_scalar("loss", 1.0, 0)
    provider = LogdirProvider(tmp_path, use_cache=False)
    provider.reload()
    assert custom_scalars_impl(provider) == {"layout_runs": [], "categories": []}


def test_route_is_in_the_openapi_document() -> None:
    assert "/api/custom_scalars" in openapi_document()["paths"]
