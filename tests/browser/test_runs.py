"""The runs panel chooses which runs are drawn; the view state lives in the URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, card_locator, open_board, show_card, wait_quiet
from tests.browser.board_process import BoardProcess
from tests.browser.logdirs import BASIC_STEPS

pytestmark = pytest.mark.browser


def toggle(page: Page, run: str) -> None:
    page.locator(f'[data-testid="run-toggle"][data-run="{run}"]').click()


def runs_drawn(page: Page, tag: str, parent: str | None = None) -> list[str]:
    wait_quiet(page)
    return [s["run"] for s in card(page, tag, parent)["series"]]


def wait_for_hash(page: Page, *parts: str) -> None:
    """Waits until the URL fragment holds every one of ``parts`` (it is written debounced)."""
    page.wait_for_function("(parts) => parts.every((p) => location.hash.includes(p))", arg=parts)


def test_toggling_a_run_removes_its_line(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    loss = card_locator(page, "loss/train")
    expect(loss).to_have_attribute("data-points", str(3 * BASIC_STEPS))

    toggle(page, "exp2")
    expect(page.locator('[data-testid="run-toggle"][data-run="exp2"]')).not_to_be_checked()
    expect(loss).to_have_attribute("data-points", str(2 * BASIC_STEPS))
    expect(loss).to_have_attribute("data-runs", "2")
    assert runs_drawn(page, "loss/train") == ["exp1", "torch"]
    assert runs_drawn(page, "acc") == ["exp1"]
    assert page.evaluate("() => window.__trainboard.state().hiddenRuns") == ["exp2"]

    toggle(page, "exp2")
    expect(loss).to_have_attribute("data-points", str(3 * BASIC_STEPS))
    assert runs_drawn(page, "loss/train") == ["exp1", "exp2", "torch"]


def test_a_parent_toggle_switches_its_add_scalars_sub_runs(
    page: Page, basic_board: BoardProcess
) -> None:
    open_board(page, basic_board.url)
    show_card(page, "metrics", "torch")
    page.locator('[data-testid="run-toggle"][data-run="torch/metrics_b"]').click()
    assert runs_drawn(page, "metrics", "torch") == ["torch/metrics_a"]
    toggle(page, "torch")  # the parent row was partly on: switching it off hides all three
    expect(card_locator(page, "metrics", "torch")).to_have_count(0)
    assert runs_drawn(page, "loss/train") == ["exp1", "exp2"]


def test_none_and_all_switch_every_run(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)

    page.get_by_test_id("runs-none").click()
    expect(page.get_by_test_id("scalar-card")).to_have_count(0)
    expect(page.get_by_test_id("scalars-empty")).to_contain_text("No runs selected")
    for checkbox in page.get_by_test_id("run-toggle").all():
        expect(checkbox).not_to_be_checked()

    page.get_by_test_id("runs-all").click()
    expect(page.get_by_test_id("scalar-card")).to_have_count(5)
    expect(card_locator(page, "loss/train")).to_have_attribute("data-runs", "3")
    for checkbox in page.get_by_test_id("run-toggle").all():
        expect(checkbox).to_be_checked()


def test_run_filter_hides_rows_and_lines_and_all_none_act_on_matches(
    page: Page, basic_board: BoardProcess
) -> None:
    open_board(page, basic_board.url)
    page.get_by_test_id("run-filter").fill("^EXP")  # case-insensitive
    expect(page.locator('[data-testid="run-row"][data-run="torch"]')).to_be_hidden()
    expect(page.locator('[data-testid="run-row"][data-run="exp1"]')).to_be_visible()
    expect(card_locator(page, "metrics", "torch")).to_have_count(0)
    assert runs_drawn(page, "loss/train") == ["exp1", "exp2"]

    page.get_by_test_id("runs-none").click()  # only the runs that match
    expect(page.get_by_test_id("scalar-card")).to_have_count(0)
    page.get_by_test_id("run-filter").fill("")
    expect(page.locator('[data-testid="run-row"][data-run="torch"]')).to_be_visible()
    expect(card_locator(page, "loss/train")).to_have_attribute("data-runs", "1")
    assert runs_drawn(page, "loss/train") == ["torch"]
    assert page.evaluate("() => window.__trainboard.state().hiddenRuns") == [
        "exp1", "exp1/metrics_a", "exp1/metrics_b", "exp2",
    ]


def test_runs_smoothing_and_tab_survive_a_reload(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    toggle(page, "exp1")
    page.get_by_test_id("run-filter").fill("exp")
    page.get_by_test_id("smoothing-value").fill("0.85")
    page.get_by_test_id("smoothing-value").press("Enter")
    wait_for_hash(page, "smoothing=0.85", "off=exp1", "runs=exp")

    page.reload()
    wait_quiet(page)
    state = page.evaluate("() => window.__trainboard.state()")
    assert (state["smoothing"], state["runFilter"], state["tab"]) == (0.85, "exp", "scalars")
    assert state["hiddenRuns"] == ["exp1", "exp1/metrics_a", "exp1/metrics_b"]  # with its sub-runs
    expect(page.get_by_test_id("smoothing-slider")).to_have_value("0.85")
    expect(page.get_by_test_id("run-filter")).to_have_value("exp")
    expect(page.locator('[data-testid="run-toggle"][data-run="exp1"]')).not_to_be_checked()
    assert runs_drawn(page, "loss/train") == ["exp2"]

    page.get_by_test_id("tab-text").click()
    wait_for_hash(page, "#text")
    page.reload()
    expect(page.get_by_test_id("tab-text")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("empty-state")).to_have_attribute("data-dashboard", "text")
    page.go_back()  # the tab change was a history entry; settings came along unchanged
    expect(page.get_by_test_id("tab-scalars")).to_have_attribute("aria-selected", "true")
    wait_quiet(page)
    assert page.evaluate("() => window.__trainboard.state().smoothing") == 0.85
    assert runs_drawn(page, "loss/train") == ["exp2"]
