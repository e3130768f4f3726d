"""The helper other dashboards' browser tests use: open a tab and wait until it is quiet."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.board_page import open_tab
from tests.browser.board_process import BoardProcess


def test_open_tab_shows_a_placeholder_tab(page: Page, basic_board: BoardProcess) -> None:
    open_tab(page, basic_board.url, "histograms")
    expect(page.get_by_test_id("tab-histograms")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("empty-state")).to_have_attribute("data-dashboard", "histograms")
    assert page.evaluate("() => window.__trainboard.pending") == 0
    # Dashboards are created when first shown: Scalars was never shown.
    assert page.evaluate("() => window.__trainboard.dashboards()") == []


def test_open_tab_waits_for_a_dashboards_cards(page: Page, basic_board: BoardProcess) -> None:
    open_tab(page, basic_board.url, "scalars", "smoothing=0")
    assert page.evaluate("() => window.__trainboard.dashboards()") == ["scalars"]
    assert page.locator('[data-dashboard-view="scalars"]').count() == 1
    cards = page.evaluate("() => window.__trainboard.view('scalars')")
    on_screen = [c for c in cards if c["visible"]]
    assert on_screen and all(c["state"] == "ready" and c["series"] for c in on_screen)
    assert page.evaluate("() => window.__trainboard.state().smoothing") == 0
