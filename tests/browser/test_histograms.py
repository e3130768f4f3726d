"""The Histograms and Distributions tabs in headless Chromium, over logdirs written by
trainboard and by torch.utils.tensorboard: what is drawn is compared with what was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.board_page import open_tab, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.logdirs import wall_time
from trainboard import SummaryWriter

pytestmark = pytest.mark.browser

OURS_STEPS = 12
TORCH_STEPS = 5
LIVE_TIMEOUT_MS = 8_000
TAG = "layer/w"
BINS = 30  # the front end's grid (HISTOGRAM_BINS)
# The offset-mode plot's margins inside the canvas, in CSS pixels (chart.ts plotRect).
PLOT_LEFT, PLOT_RIGHT, PLOT_BOTTOM = 8, 48, 22


def weights(step: int) -> np.ndarray:
    return np.random.default_rng(step).normal(0.2 * step, 1.0, 3000)


def log_histograms(writer: Any, steps: range) -> None:
    """``TAG`` at ``steps`` with ``writer`` (ours or torch's), at known wall times."""
    for step in steps:
        writer.add_histogram(TAG, weights(step), step, walltime=wall_time(step))
    writer.flush()


@dataclass
class Logdir:
    board: BoardProcess
    live: SummaryWriter
    live_steps: int

    def log_live(self, count: int) -> None:
        """Appends ``count`` steps to run "live", whose writer stays open."""
        log_histograms(self.live, range(self.live_steps, self.live_steps + count))
        self.live_steps += count


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Logdir]:
    pytest.importorskip("torch.utils.tensorboard", reason="one run is written by torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    root = tmp_path_factory.mktemp("histograms")
    with SummaryWriter(str(root / "ours")) as ours:
        log_histograms(ours, range(OURS_STEPS))
    torch_writer = TorchWriter(str(root / "torch"))
    log_histograms(torch_writer, range(TORCH_STEPS))
    torch_writer.close()
    live = SummaryWriter(str(root / "live"))
    log_histograms(live, range(3))
    try:
        with running_board(root, "--reload_interval", "0.5") as board:
            yield Logdir(board, live, 3)
    finally:
        live.close()


def view(page: Page, dashboard: str) -> dict[str, Any]:
    return cast(dict[str, Any], page.evaluate("(id) => window.__trainboard.view(id)", dashboard))


def card_of(page: Page, dashboard: str, run: str) -> dict[str, Any]:
    for card in view(page, dashboard)["cards"]:
        if card["run"] == run and card["tag"] == TAG:
            return cast(dict[str, Any], card)
    raise AssertionError(f"no {dashboard} card for run {run!r}")


def card_locator(page: Page, testid: str, run: str) -> Locator:
    return page.locator(f'[data-testid="{testid}"][data-run="{run}"][data-tag="{TAG}"]')


def test_histograms_draw_one_slice_per_step(page: Page, logdir: Logdir, tmp_path: Path) -> None:
    open_tab(page, logdir.board.url, "histograms")
    assert view(page, "histograms")["mode"] == "offset"
    for run, steps in (("ours", OURS_STEPS), ("torch", TORCH_STEPS)):
        card = card_of(page, "histograms", run)
        assert card["state"] == "ready"
        assert card["slices"] == steps and card["steps"] == list(range(steps))
        expect(card_locator(page, "histogram-card", run)).to_have_attribute(
            "data-slices", str(steps)
        )
    low, high = card_of(page, "histograms", "ours")["xRange"]
    written = np.concatenate([weights(s) for s in range(OURS_STEPS)])
    assert low == pytest.approx(written.min(), rel=1e-5)
    assert high == pytest.approx(written.max(), rel=1e-5)
    page.screenshot(path=str(tmp_path / "histograms_offset.png"), full_page=True)


def test_offset_and_overlay_modes(page: Page, logdir: Logdir, tmp_path: Path) -> None:
    open_tab(page, logdir.board.url, "histograms")
    page.get_by_test_id("histogram-mode").select_option("overlay")
    wait_for(page, "(tb) => tb.view('histograms').mode === 'overlay'")
    expect(card_locator(page, "histogram-card", "ours")).to_have_attribute("data-mode", "overlay")
    wait_for(page, "() => window.location.hash.includes('hist_mode=overlay')")  # URL is debounced
    assert card_of(page, "histograms", "torch")["slices"] == TORCH_STEPS
    page.screenshot(path=str(tmp_path / "histograms_overlay.png"), full_page=True)
    page.get_by_test_id("histogram-mode").select_option("offset")
    expect(card_locator(page, "histogram-card", "ours")).to_have_attribute("data-mode", "offset")


def test_hover_shows_the_bucket_and_step(page: Page, logdir: Logdir, tmp_path: Path) -> None:
    open_tab(page, logdir.board.url, "histograms")
    card = card_of(page, "histograms", "ours")
    low, high = card["xRange"]
    canvas = card_locator(page, "histogram-card", "ours").get_by_test_id("histogram-canvas")
    box = canvas.bounding_box()
    assert box is not None
    plot_width = box["width"] - PLOT_LEFT - PLOT_RIGHT
    newest = OURS_STEPS - 1
    mean = 0.2 * newest
    # Over the newest step's ridge (in front, at the bottom), at its mean, just above its baseline.
    x = PLOT_LEFT + (mean - low) / (high - low) * plot_width
    y = box["height"] - PLOT_BOTTOM - 10
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = card_locator(page, "histogram-card", "ours").get_by_test_id("histogram-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_attribute("data-step", str(newest))
    hover = card_of(page, "histograms", "ours")["hover"]
    assert hover["step"] == newest and hover["left"] <= mean < hover["right"]
    expect(tooltip.get_by_test_id("hover-step")).to_have_text(f"Step {newest}")
    edges = np.linspace(low, high, BINS + 1)
    expected = np.histogram(weights(newest), edges)[0][hover["bin"]]
    assert abs(hover["count"] - expected) <= 0.1 * expected + 5  # resampled from 10%-wide buckets
    assert hover["left"] == pytest.approx(edges[hover["bin"]])
    page.screenshot(path=str(tmp_path / "histograms_hover.png"), full_page=True)
    page.mouse.move(box["x"] - 20, box["y"] - 20)
    expect(tooltip).to_be_hidden()


def test_distribution_median_matches_what_was_written(
    page: Page, logdir: Logdir, tmp_path: Path
) -> None:
    open_tab(page, logdir.board.url, "distributions")
    step = 7
    card = card_of(page, "distributions", "ours")
    assert card["steps"] == list(range(OURS_STEPS))
    assert card_of(page, "distributions", "torch")["steps"] == list(range(TORCH_STEPS))
    canvas = card_locator(page, "distribution-card", "ours").get_by_test_id("distribution-canvas")
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + card["pixels"][step], box["y"] + box["height"] / 2)
    tooltip = card_locator(page, "distribution-card", "ours").get_by_test_id("distribution-tooltip")
    expect(tooltip).to_have_attribute("data-step", str(step))
    median_cell = tooltip.locator('[data-testid="distribution-row"][data-bp="5000"] td')
    shown = float(median_cell.get_attribute("data-value") or "nan")
    data = weights(step)
    want = float(np.percentile(data, 50))
    assert abs(shown - want) <= 0.1 * abs(want) + 1e-3  # within one of the writer's buckets
    assert card["values"][step][0] == pytest.approx(data.min(), rel=1e-5)
    assert card["values"][step][8] == pytest.approx(data.max(), rel=1e-5)
    for bp, value in zip((668, 1587, 3085, 6915, 8413, 9332), (1, 2, 3, 5, 6, 7), strict=True):
        want = float(np.percentile(data, bp / 100))
        assert abs(card["values"][step][value] - want) <= 0.1 * abs(want) + 1e-3
    page.screenshot(path=str(tmp_path / "distributions.png"), full_page=True)
    page.get_by_test_id("distribution-xaxis").select_option("wall")
    wait_for(page, "(tb) => tb.view('distributions').xaxis === 'wall'")


def test_new_steps_appear_live(page: Page, logdir: Logdir) -> None:
    open_tab(page, logdir.board.url, "histograms")
    wait_for(page, "(tb) => tb.live === 'open'")
    before = logdir.live_steps
    expect(card_locator(page, "histogram-card", "live")).to_have_attribute(
        "data-slices", str(before)
    )
    logdir.log_live(2)
    expect(card_locator(page, "histogram-card", "live")).to_have_attribute(
        "data-slices", str(before + 2), timeout=LIVE_TIMEOUT_MS
    )
    wait_quiet(page)
    assert card_of(page, "histograms", "live")["steps"][-2:] == [before, before + 1]
    page.get_by_test_id("tab-distributions").click()
    expect(card_locator(page, "distribution-card", "live")).to_have_attribute(
        "data-steps", str(before + 2)
    )
