"""The Custom scalars dashboard over layouts written by trainboard and torch.utils.tensorboard:
the merged layout's categories (a closed one collapsed) and charts, a regex multiline chart
with a line per matching (run, tag), a margin chart filling its band, and the Scalars
settings (x axis) driving the charts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.board_page import open_tab, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from trainboard import SummaryWriter
from trainboard.format.kinds import custom_scalars as kind
from trainboard.format.proto.summary_pb2 import Summary
from trainboard.writer.file_writer import FileWriter

pytestmark = pytest.mark.browser

STEPS = 20
WALL0 = 1_700_000_000.0
OURS_LAYOUT = {
    "Losses": {"all losses": ["Multiline", [r"loss/.*"]], "train": ["Multiline", ["loss/train$"]]},
    "Accuracy": {"acc band": ["Margin", ["acc", "acc_low", "acc_high"]]},
}
TORCH_LAYOUT = {"Torch": {"torch loss": ["Multiline", ["loss/train"]]}}


def acc(run: str, step: int) -> float:
    return (0.5 if run == "ours" else 0.3) + step / 50


def write_logdir(root: Path) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    with SummaryWriter(root / "ours") as w:
        w.add_custom_scalars(OURS_LAYOUT)
        for s in range(STEPS):
            wall = WALL0 + s
            w.add_scalar("loss/train", 1 / (s + 1), s, walltime=wall)
            w.add_scalar("loss/val", 1.2 / (s + 1), s, walltime=wall)
            w.add_scalar("acc", acc("ours", s), s, walltime=wall)
            w.add_scalar("acc_low", acc("ours", s) - 0.05, s, walltime=wall)
            w.add_scalar("acc_high", acc("ours", s) + 0.05, s, walltime=wall)
    writer = torch_tb.SummaryWriter(str(root / "torch"))
    writer.add_custom_scalars(TORCH_LAYOUT)
    for s in range(STEPS):
        wall = WALL0 + s
        writer.add_scalar("loss/train", 2 / (s + 1), s, walltime=wall)
        writer.add_scalar("acc", acc("torch", s), s, walltime=wall)
        writer.add_scalar("acc_low", acc("torch", s) - 0.1, s, walltime=wall)
        writer.add_scalar("acc_high", acc("torch", s) + 0.1, s, walltime=wall)
    writer.close()
    # A closed category (neither writer sets `closed`): a layout proto of our own.
    layout = kind.layout_proto({"Closed": {"val only": ["Multiline", ["loss/val"]]}})
    layout.category[0].closed = True
    extra = FileWriter(str(root / "zz_layout"))
    extra.add_summary(Summary(value=[kind.layout_value(layout)]))
    extra.close()


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    logdir = tmp_path_factory.mktemp("custom_scalars")
    write_logdir(logdir)
    with running_board(logdir) as running:
        yield running


def chart_card(page: Page, title: str) -> Locator:
    return page.locator(f'[data-testid="custom-scalar-card"][data-chart={json.dumps(title)}]')


def chart_debug(page: Page, title: str) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        """(title) => window.__trainboard.view('custom_scalars').categories
             .flatMap((c) => c.charts).find((c) => c.title === title) ?? null""",
        title,
    )
    assert found is not None, f"no chart {title!r}"
    return found


def test_the_merged_layouts_categories_and_charts(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "custom_scalars")
    groups = page.get_by_test_id("tag-group").evaluate_all(
        "els => els.map((e) => [e.dataset.group, e.dataset.collapsed])"
    )
    assert groups == [["Losses", "0"], ["Accuracy", "0"], ["Torch", "0"], ["Closed", "1"]]
    titles = page.get_by_test_id("custom-scalar-card").evaluate_all(
        "els => els.map((e) => [e.dataset.category, e.dataset.chart, e.dataset.kind])"
    )
    assert titles == [
        ["Losses", "all losses", "multiline"], ["Losses", "train", "multiline"],
        ["Accuracy", "acc band", "margin"], ["Torch", "torch loss", "multiline"],
        ["Closed", "val only", "multiline"],
    ]  # fmt: skip
    debug = page.evaluate("() => window.__trainboard.view('custom_scalars')")
    assert debug["layout_runs"] == ["ours", "torch", "zz_layout"]
    page.screenshot(path=str(tmp_path / "custom_scalars.png"), full_page=True)


def test_a_regex_chart_draws_a_line_per_matching_run_and_tag(
    page: Page, board: BoardProcess
) -> None:
    open_tab(page, board.url, "custom_scalars")
    expect(chart_card(page, "all losses")).to_have_attribute("data-lines", "3")
    lines = chart_debug(page, "all losses")["lines"]
    assert [(line["run"], line["tag"], line["points"]) for line in lines] == [
        ("ours", "loss/train", STEPS), ("ours", "loss/val", STEPS), ("torch", "loss/train", STEPS),
    ]  # fmt: skip
    assert len({line["color"] for line in lines}) == 3
    train = chart_debug(page, "train")["lines"]  # "loss/train$": one line per run
    assert [(line["run"], line["label"]) for line in train] == [
        ("ours", "ours"), ("torch", "torch")
    ]  # fmt: skip
    torch_chart = chart_debug(page, "torch loss")  # torch's layout matches our run's tag too
    assert [line["run"] for line in torch_chart["lines"]] == ["ours", "torch"]


def test_a_margin_chart_fills_the_band_between_lower_and_upper(
    page: Page, board: BoardProcess
) -> None:
    open_tab(page, board.url, "custom_scalars")
    band_card = chart_card(page, "acc band")
    band_card.scroll_into_view_if_needed()
    expect(band_card).to_have_attribute("data-bands", "2")
    bands = chart_debug(page, "acc band")["bands"]
    assert [(b["run"], b["value_points"], b["lower_points"], b["upper_points"]) for b in bands] == [
        ("ours", STEPS, STEPS, STEPS), ("torch", STEPS, STEPS, STEPS),
    ]  # fmt: skip
    assert [b["filled_vertices"] for b in bands] == [2 * STEPS, 2 * STEPS]
    scales = chart_debug(page, "acc band")["scales"]
    low = min(float(np.float32(acc("torch", 0) - 0.1)), 0.0)
    assert scales["y"][0] <= low and scales["y"][1] >= acc("ours", STEPS - 1) + 0.05


def test_a_closed_category_loads_when_opened(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "custom_scalars")
    closed = chart_card(page, "val only")
    expect(closed).to_have_attribute("data-state", "idle")
    group = page.locator('[data-testid="tag-group"][data-group="Closed"]')
    group.get_by_test_id("group-toggle").click()
    closed.scroll_into_view_if_needed()
    expect(closed).to_have_attribute("data-state", "ready")
    expect(closed).to_have_attribute("data-lines", "1")


def test_the_scalar_settings_drive_the_charts(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "custom_scalars")
    expect(page.get_by_test_id("scalars-controls")).to_be_visible()
    page.get_by_test_id("xaxis-select").select_option("wall")
    wait_for(page, """(tb) => { const c = tb.view('custom_scalars').categories[0].charts[0];
                                return c.scales && c.scales.x[0] > 1e9; }""")
    wait_quiet(page)
    x = chart_debug(page, "all losses")["scales"]["x"]
    assert x[0] == pytest.approx(WALL0) and x[1] == pytest.approx(WALL0 + STEPS - 1)
