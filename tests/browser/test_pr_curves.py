"""The PR curves dashboard draws what trainboard and torch.utils.tensorboard wrote: one chart
per tag with a line per run, a step slider per run, and the thresholds under the cursor."""

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
from trainboard.format.kinds.pr_curve import compute_curve

pytestmark = pytest.mark.browser

STEPS = (0, 1, 2)
THRESHOLDS = 11
LIVE_TIMEOUT_MS = 8_000
COUNTS = ("truePositives", "falsePositives", "trueNegatives", "falseNegatives")


def labels_and_predictions(step: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(step)
    labels = rng.random(300) < 0.5
    predictions = np.clip(labels * (0.25 + 0.1 * step) + rng.random(300) * 0.7, 0.0, 1.0)
    return labels, predictions


def written(step: int) -> dict[str, list[float]]:
    """The curve of ``step`` as stored (float32) and as shown (the tail where TP + FP = 0 cut)."""
    labels, predictions = labels_and_predictions(step)
    data = compute_curve(labels, predictions, THRESHOLDS).astype(np.float32).astype(np.float64)
    end = int(np.nonzero(data[0] + data[1] > 0)[0][-1]) + 1
    curve = {name: data[row, :end].tolist() for row, name in enumerate(COUNTS)}
    curve["precision"], curve["recall"] = data[4, :end].tolist(), data[5, :end].tolist()
    curve["thresholds"] = np.linspace(0.0, 1.0, THRESHOLDS)[:end].tolist()
    return curve


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BoardProcess, Any]]:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    logdir = tmp_path_factory.mktemp("pr")
    with torch_tb.SummaryWriter(str(logdir / "torch")) as tw:
        for step in STEPS:
            tw.add_pr_curve("pr/cat", *labels_and_predictions(step), step, THRESHOLDS)
    live = SummaryWriter(logdir / "ours")
    for step in STEPS:
        live.add_pr_curve("pr/cat", *labels_and_predictions(step), step, THRESHOLDS)
        live.add_pr_curve("pr/dog", *labels_and_predictions(step + 5), step, THRESHOLDS)
    for step in (0, 1):
        live.add_pr_curve("growing", *labels_and_predictions(step), step, THRESHOLDS)
    live.flush()
    try:
        with running_board(logdir, "--reload_interval", "0.5") as running:
            yield running, live
    finally:
        live.close()


def pr_card(page: Page, tag: str) -> Locator:
    return page.locator(f'[data-testid="pr-card"][data-tag={json.dumps(tag)}]')


def card_debug(page: Page, tag: str) -> dict[str, Any]:
    view = page.evaluate("() => window.__trainboard.view('pr_curves')")
    (found,) = [c for c in view["cards"] if c["tag"] == tag]
    return dict(found)


def run_debug(card: dict[str, Any], run: str) -> dict[str, Any]:
    (found,) = [r for r in card["runs"] if r["run"] == run]
    return dict(found)


def show(page: Page, tag: str) -> Locator:
    card = pr_card(page, tag)
    card.scroll_into_view_if_needed()
    expect(card).to_have_attribute("data-state", "ready")
    wait_quiet(page)
    return card


def test_one_chart_per_tag_with_a_line_and_a_slider_per_run(
    page: Page, board: tuple[BoardProcess, Any]
) -> None:
    open_tab(page, board[0].url, "pr_curves")
    tags = page.get_by_test_id("pr-card").evaluate_all("els => els.map((e) => e.dataset.tag)")
    assert tags == ["growing", "pr/cat", "pr/dog"]
    card = show(page, "pr/cat")
    expect(card).to_have_attribute("data-runs", "2")
    rows = card.get_by_test_id("pr-run-row")
    assert rows.evaluate_all("els => els.map((e) => e.dataset.run)") == ["ours", "torch"]
    expect(card.locator(".u-over")).to_have_count(1)
    debug = card_debug(page, "pr/cat")
    colors = {r["run"]: r["color"] for r in debug["runs"]}
    assert colors["ours"] != colors["torch"]
    swatch = rows.first.locator(".tb-swatch").evaluate("e => e.style.background")
    assert swatch  # the run's colour, as on the runs panel


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_the_curve_drawn_is_the_curve_written(
    page: Page, board: tuple[BoardProcess, Any], run: str
) -> None:
    open_tab(page, board[0].url, "pr_curves")
    show(page, "pr/cat")
    drawn = run_debug(card_debug(page, "pr/cat"), run)
    assert drawn["step"] == STEPS[-1] and drawn["steps"] == list(STEPS)
    expected = written(STEPS[-1])
    for field, values in expected.items():
        assert drawn["curve"][field] == values, field


def _point_position(
    card: Locator, debug: dict[str, Any], recall: float, precision: float
) -> tuple[float, float]:
    box = card.locator(".u-over").bounding_box()
    assert box is not None
    (x0, x1), (y0, y1) = debug["scales"]["x"], debug["scales"]["y"]
    x = box["x"] + (recall - x0) / (x1 - x0) * box["width"]
    y = box["y"] + (y1 - precision) / (y1 - y0) * box["height"]
    return x, y


def _isolated_point(curve: dict[str, list[float]]) -> int:
    """The index of a point at least 0.08 away from every other point (in axis units)."""
    xs, ys = np.array(curve["recall"]), np.array(curve["precision"])
    for i in range(len(xs)):
        distances = np.hypot(xs - xs[i], ys - ys[i])
        distances[i] = np.inf
        if distances.min() > 0.08:
            return i
    raise AssertionError(f"no isolated point on {curve}")


def test_the_tooltip_shows_the_threshold_under_the_cursor(
    page: Page, board: tuple[BoardProcess, Any], tmp_path: Path
) -> None:
    open_tab(page, board[0].url, "pr_curves")
    card = show(page, "pr/cat")
    debug = card_debug(page, "pr/cat")
    curve = run_debug(debug, "ours")["curve"]
    k = _isolated_point(curve)
    x, y = _point_position(card, debug, curve["recall"][k], curve["precision"][k])
    page.mouse.move(x + 3, y - 2)  # near, not exactly on, the point
    tooltip = card.get_by_test_id("pr-tooltip")
    expect(tooltip).to_be_visible()
    for run in ("ours", "torch"):  # the same data: the same threshold for both
        row = tooltip.locator(f'[data-testid="pr-tooltip-row"][data-run="{run}"]')
        expect(row).to_have_attribute("data-threshold", repr(curve["thresholds"][k]))
        expect(row).to_have_attribute("data-precision", repr(curve["precision"][k]))
        expect(row).to_have_attribute("data-recall", repr(curve["recall"][k]))
        expect(row).to_have_attribute("data-step", str(STEPS[-1]))
    shown = card_debug(page, "pr/cat")["tooltip"]
    assert {r["run"] for r in shown} == {"ours", "torch"}
    counts = [shown[0][f] for f in COUNTS]
    assert counts == [curve[f][k] for f in COUNTS]
    cells = tooltip.locator('[data-run="ours"] td').all_inner_texts()
    assert cells[-4:] == [str(int(c)) for c in counts]
    page.screenshot(path=str(tmp_path / "tooltip.png"))
    page.mouse.move(5, 5)
    expect(tooltip).to_be_hidden()


def test_each_runs_slider_picks_its_step(page: Page, board: tuple[BoardProcess, Any]) -> None:
    open_tab(page, board[0].url, "pr_curves")
    card = show(page, "pr/cat")
    ours = card.locator('[data-testid="pr-run-row"][data-run="ours"]')
    torch = card.locator('[data-testid="pr-run-row"][data-run="torch"]')
    ours.get_by_test_id("step-slider").focus()
    page.keyboard.press("Home")
    expect(ours).to_have_attribute("data-step", "0")
    expect(torch).to_have_attribute("data-step", str(STEPS[-1]))
    wait_quiet(page)
    debug = card_debug(page, "pr/cat")
    assert run_debug(debug, "ours")["curve"]["precision"] == written(0)["precision"]
    assert run_debug(debug, "torch")["curve"]["precision"] == written(STEPS[-1])["precision"]
    page.keyboard.press("ArrowRight")
    expect(ours).to_have_attribute("data-step", "1")
    expect(ours.get_by_test_id("step-value")).to_have_text("step 1")


def test_new_steps_move_a_slider_only_when_it_is_at_the_latest(
    page: Page, board: tuple[BoardProcess, Any]
) -> None:
    running, writer = board
    open_tab(page, running.url, "pr_curves")
    wait_for(page, "(tb) => tb.live === 'open'")
    card = show(page, "growing")
    row = card.locator('[data-testid="pr-run-row"][data-run="ours"]')
    expect(row).to_have_attribute("data-step", "1")
    writer.add_pr_curve("growing", *labels_and_predictions(2), 2, THRESHOLDS)
    writer.flush()
    expect(row).to_have_attribute("data-step", "2", timeout=LIVE_TIMEOUT_MS)  # followed
    row.get_by_test_id("step-slider").focus()
    page.keyboard.press("Home")
    expect(row).to_have_attribute("data-step", "0")
    writer.add_pr_curve("growing", *labels_and_predictions(3), 3, THRESHOLDS)
    writer.flush()
    wait_for(
        page,
        "(tb) => tb.view('pr_curves').cards.find((c) => c.tag === 'growing')"
        ".runs[0].steps.length === 4",
        timeout=LIVE_TIMEOUT_MS,
    )
    wait_quiet(page)
    expect(row).to_have_attribute("data-step", "0")  # stayed put
    expect(row.get_by_test_id("step-slider")).to_have_attribute("data-step", "0")
