"""The smoothing slider redraws the smoothed line with TensorBoard's debiased EMA."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, open_board, series, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess
from tests.browser.logdirs import BASIC_STEPS, f32, loss_value
from tests.browser.reference import tensorboard_ema

pytestmark = pytest.mark.browser


def set_slider(page: Page, value: float) -> None:
    page.get_by_test_id("smoothing-slider").fill(str(value))
    wait_for(page, "(tb, v) => tb.state().smoothing === v", value)
    wait_quiet(page)


def test_default_smoothing_is_tensorboards_ema(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    expect(page.get_by_test_id("smoothing-value")).to_have_value("0.6")
    drawn = series(card(page, "loss/train"), "exp1")
    written = [f32(loss_value("exp1", step)) for step in range(BASIC_STEPS)]
    assert drawn["raw"] == written
    assert drawn["smoothed"] == pytest.approx(tensorboard_ema(written, 0.6), rel=1e-12)


def test_slider_changes_the_smoothed_line(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    before = series(card(page, "loss/train"), "exp2")

    set_slider(page, 0.9)
    after = series(card(page, "loss/train"), "exp2")
    assert after["raw"] == before["raw"]
    assert before["smoothed"] is not None and after["smoothed"] is not None
    assert after["smoothed"] != before["smoothed"]
    assert after["smoothed"] == pytest.approx(tensorboard_ema(after["raw"], 0.9), rel=1e-12)
    # A value worked out by hand: the second debiased point is (w * y0 + y1) / (1 + w).
    y0, y1 = after["raw"][:2]
    assert after["smoothed"][1] == pytest.approx((0.9 * y0 + y1) / 1.9, rel=1e-12)
    assert after["smoothed"][0] == y0
    expect(page.get_by_test_id("smoothing-value")).to_have_value("0.9")


def test_smoothing_zero_draws_no_smoothed_line(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    set_slider(page, 0)
    for drawn_card in page.evaluate("() => window.__trainboard.cards()"):
        for line in drawn_card["series"]:
            assert line["smoothed"] is None, (drawn_card["key"], line["run"])
    page.wait_for_function("() => location.hash.includes('smoothing=0')")
    set_slider(page, 0.5)
    smoothed = series(card(page, "acc"), "exp1")["smoothed"]
    assert smoothed is not None
    assert smoothed == pytest.approx(
        tensorboard_ema([f32(step / BASIC_STEPS) for step in range(BASIC_STEPS)], 0.5), rel=1e-12
    )
