"""The chart workbench, driven as a user would: the settings pane (kept in localStorage, the URL
still winning), dark mode, run colours (picked, and grouped by a regex), the tooltip's options,
the zoom kept in the URL, keyboard shortcuts and their help, and the cards' loading and error
states. Every new state is saved as a screenshot under the test's tmp_path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.board_page import (
    card,
    card_locator,
    drag_zoom,
    open_board,
    open_tab,
    show_card,
    wait_for,
    wait_quiet,
)
from tests.browser.board_process import BoardProcess, running_board

pytestmark = pytest.mark.browser

# Four runs at distinct levels, so a tooltip row's order is known; two learning rates for the
# colour groups.
LEVELS = {"lr_0.1_seed_1": 1.0, "lr_0.1_seed_2": 2.0, "lr_0.01_seed_1": 3.0, "lr_0.01_seed_2": 4.0}
STEPS = 100
IMAGE_STEPS = (0, 10, 20, 30, 40)
WALL0 = 1_700_000_000.0


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    from trainboard import SummaryWriter

    root = tmp_path_factory.mktemp("workbench")
    for run, level in LEVELS.items():
        with SummaryWriter(str(root / run)) as writer:
            for step in range(STEPS):
                writer.add_scalar("loss", level + 0.001 * step, step, walltime=WALL0 + step)
            if run == "lr_0.1_seed_1":
                for step in IMAGE_STEPS:
                    pixels = np.full((8, 8, 3), step * 5, dtype=np.uint8)
                    writer.add_image("sample", pixels, step, walltime=WALL0 + step,
                                     dataformats="HWC")
    with running_board(root) as running:
        yield running


def shot(page: Page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def state(page: Page) -> dict[str, Any]:
    return dict(page.evaluate("() => window.__trainboard.state()"))


def open_settings(page: Page) -> None:
    if page.get_by_test_id("settings-pane").is_hidden():
        page.get_by_test_id("settings-button").click()
    expect(page.get_by_test_id("settings-pane")).to_be_visible()


def set_number(page: Page, test_id: str, value: str) -> None:
    field = page.get_by_test_id(test_id)
    field.fill(value)
    field.press("Enter")
    field.blur()


def hover_plot(page: Page, tag: str, fx: float = 0.5, fy: float = 0.5) -> None:
    box = card_locator(page, tag).locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def tooltip_runs(page: Page) -> list[str]:
    rows = page.get_by_test_id("chart-tooltip").get_by_test_id("tooltip-row")
    return [str(rows.nth(i).get_attribute("data-run")) for i in range(rows.count())]


def test_settings_pane_sets_defaults_kept_after_reload(page: Page, board: BoardProcess,
                                                       tmp_path: Path) -> None:
    open_board(page, board.url)
    assert state(page)["smoothing"] == 0.6
    open_settings(page)
    set_number(page, "settings-smoothing", "0.9")
    page.get_by_test_id("settings-xaxis").select_option("relative")
    page.get_by_test_id("settings-outliers").uncheck()
    page.get_by_test_id("settings-card-width").fill("900")
    wait_for(page, "(tb) => tb.state().smoothing === 0.9 && tb.state().xaxis === 'relative'")
    wait_quiet(page)
    shot(page, tmp_path, "settings-pane")
    assert state(page)["ignoreOutliers"] is False
    assert "smoothing" not in page.evaluate("() => location.hash")
    # The scalar settings bar shows the new defaults; a card fills the wider column.
    expect(page.get_by_test_id("smoothing-value")).to_have_value("0.9")
    expect(page.get_by_test_id("xaxis-select")).to_have_value("relative")
    assert card_locator(page, "loss").bounding_box()["width"] >= 900  # type: ignore[index]
    stored = json.loads(page.evaluate("() => localStorage.getItem('trainboard.settings')"))
    assert stored["smoothing"] == 0.9 and stored["cardWidth"] == 900

    page.reload()
    wait_quiet(page)
    assert state(page)["smoothing"] == 0.9
    assert state(page)["xaxis"] == "relative"
    assert state(page)["ignoreOutliers"] is False
    assert card(page, "loss")["series"][0]["smoothed"] is not None

    # A link that sets a value wins over the pane's default, and the pane says so.
    page.goto(board.url + "#scalars?smoothing=0.3")
    wait_quiet(page)
    assert state(page)["smoothing"] == 0.3
    open_settings(page)
    expect(page.get_by_test_id("settings-url-note")).to_contain_text("smoothing")
    shot(page, tmp_path, "settings-url-wins")
    page.get_by_test_id("settings-reset").click()
    wait_for(page, "(tb) => tb.state().xaxis === 'step'")
    assert state(page)["smoothing"] == 0.3


def test_dark_mode_toggle_overrides_the_system(page: Page, board: BoardProcess,
                                               tmp_path: Path) -> None:
    page.emulate_media(color_scheme="light")
    open_board(page, board.url)
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "light")
    open_settings(page)
    page.get_by_test_id("settings-theme").select_option("dark")
    expect(html).to_have_attribute("data-theme", "dark")
    wait_quiet(page)
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(30, 31, 34)", background
    shot(page, tmp_path, "dark-mode")
    page.reload()
    wait_quiet(page)
    expect(html).to_have_attribute("data-theme", "dark")
    open_settings(page)
    page.get_by_test_id("settings-theme").select_option("system")
    expect(html).to_have_attribute("data-theme", "light")
    page.emulate_media(color_scheme="dark")
    expect(html).to_have_attribute("data-theme", "dark")
    page.get_by_test_id("settings-theme").select_option("light")
    expect(html).to_have_attribute("data-theme", "light")


def test_run_colours_are_picked_grouped_and_kept(page: Page, board: BoardProcess,
                                                 tmp_path: Path) -> None:
    open_board(page, board.url)

    def colours() -> dict[str, str]:
        return {s["run"]: s["color"] for s in card(page, "loss")["series"]}

    before = colours()
    assert len(set(before.values())) == 4
    page.locator('[data-testid="run-color"][data-run="lr_0.1_seed_2"]').fill("#ff00ff")
    wait_for(page, "(tb) => tb.card('loss').series.some((s) => s.color === '#ff00ff')")
    assert colours()["lr_0.1_seed_2"] == "#ff00ff"
    row = page.locator('[data-testid="run-row"][data-run="lr_0.1_seed_2"]')
    swatch = row.get_by_test_id("run-swatch")
    expect(swatch).to_have_css("background-color", "rgb(255, 0, 255)")
    expect(swatch).to_have_attribute("data-picked", "1")
    shot(page, tmp_path, "run-colour-picked")

    page.get_by_test_id("color-group-regex").fill("lr_([0-9.]+)_")
    wait_for(page, "(tb) => { const c = Object.fromEntries("
                   "tb.card('loss').series.map((s) => [s.run, s.color]));"
                   " return c['lr_0.01_seed_1'] === c['lr_0.01_seed_2']; }")
    grouped = colours()
    assert grouped["lr_0.01_seed_1"] == grouped["lr_0.01_seed_2"]
    assert grouped["lr_0.1_seed_1"] != grouped["lr_0.01_seed_1"]
    assert grouped["lr_0.1_seed_2"] == "#ff00ff"  # a picked colour wins over its group's
    shot(page, tmp_path, "run-colours-grouped")

    page.get_by_test_id("color-group-regex").fill("(")
    expect(page.get_by_test_id("color-group-error")).not_to_be_empty()
    page.get_by_test_id("color-group-regex").fill("lr_([0-9.]+)_")

    page.reload()
    wait_quiet(page)
    assert colours() == grouped
    expect(page.get_by_test_id("color-group-regex")).to_have_value("lr_([0-9.]+)_")
    open_settings(page)
    page.get_by_test_id("settings-reset-colors").click()
    wait_for(page, "(tb) => !tb.card('loss').series.some((s) => s.color === '#ff00ff')")
    assert colours() == before


def test_tooltip_sorts_limits_and_shows_relative_time(page: Page, board: BoardProcess,
                                                      tmp_path: Path) -> None:
    open_board(page, board.url, "#scalars?xaxis=wall")
    show_card(page, "loss")
    hover_plot(page, "loss")
    tooltip = page.get_by_test_id("chart-tooltip")
    expect(tooltip).to_be_visible()
    assert "Relative" not in (tooltip.locator("thead").text_content() or "")

    open_settings(page)
    page.get_by_test_id("settings-tooltip-sort").select_option("value")
    set_number(page, "settings-tooltip-limit", "2")
    page.get_by_test_id("settings-tooltip-relative").check()
    page.get_by_test_id("settings-close").click()
    hover_plot(page, "loss", 0.55)
    expect(tooltip).to_have_attribute("data-sort", "value")
    assert tooltip_runs(page) == ["lr_0.01_seed_2", "lr_0.01_seed_1"]
    expect(tooltip.get_by_test_id("tooltip-more")).to_have_text("+2 more")
    header = tooltip.locator("thead").text_content() or ""
    assert "Relative" in header and "Time" in header
    shot(page, tmp_path, "tooltip-by-value")

    open_settings(page)
    page.get_by_test_id("settings-tooltip-sort").select_option("name")
    set_number(page, "settings-tooltip-limit", "0")
    page.get_by_test_id("settings-close").click()
    hover_plot(page, "loss", 0.5)
    assert tooltip_runs(page) == sorted(LEVELS)

    # Nearest: the pointer at the height of level 2 puts that run first.
    open_settings(page)
    page.get_by_test_id("settings-tooltip-sort").select_option("nearest")
    page.get_by_test_id("settings-close").click()
    ymin, ymax = card(page, "loss")["scales"]["y"]  # type: ignore[index]
    hover_plot(page, "loss", 0.5, 1 - (2.05 - ymin) / (ymax - ymin))
    assert tooltip_runs(page)[0] == "lr_0.1_seed_2"
    shot(page, tmp_path, "tooltip-nearest")


def test_zoom_is_kept_in_the_url(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_board(page, board.url)
    show_card(page, "loss")
    drag_zoom(page, "loss", 0.25, 0.6)
    wait_for(page, "(tb) => tb.card('loss').zoom !== null")
    wait_quiet(page)
    zoom = card(page, "loss")["zoom"]
    assert zoom is not None
    page.wait_for_function("() => decodeURIComponent(location.hash).includes('zoom:loss=step:')")
    link = page.url
    assert "zoom:loss=step:" in unquote(link)

    # A shared link: a new page opens on the same range.
    other = page.context.new_page()
    other.goto(link)
    wait_quiet(other)
    restored = show_card(other, "loss")
    assert restored["zoom"] == zoom
    assert restored["scales"] is not None
    assert restored["scales"]["x"] == pytest.approx(zoom)
    expect(card_locator(other, "loss")).to_have_attribute("data-zoomed", "1")
    other.screenshot(path=str(tmp_path / "zoom-restored.png"), full_page=True)
    # Double-click resets, and the URL forgets the range.
    card_locator(other, "loss").locator(".u-over").dblclick()
    other.wait_for_function("() => !decodeURIComponent(location.hash).includes('zoom:')")
    other.close()


def test_keyboard_shortcuts_and_help(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_board(page, board.url)
    page.keyboard.press("?")
    overlay = page.get_by_test_id("help-overlay")
    expect(overlay).to_be_visible()
    ids = [str(el.get_attribute("data-id")) for el in overlay.get_by_test_id("help-shortcut").all()]
    for wanted in ("help", "runs.filter", "settings", "card.previous-step", "card.next-step",
                   "card.pin", "scalars.toggle-smoothing"):
        assert wanted in ids, ids
    shot(page, tmp_path, "keyboard-help")
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()

    page.keyboard.press("s")
    wait_for(page, "(tb) => tb.state().smoothing === 0")
    page.keyboard.press("s")
    wait_for(page, "(tb) => tb.state().smoothing === 0.6")
    page.keyboard.press("/")
    expect(page.get_by_test_id("run-filter")).to_be_focused()
    page.keyboard.type("seed_1")  # typed into the filter, not taken as shortcuts
    wait_for(page, "(tb) => tb.state().runFilter === 'seed_1'")
    assert state(page)["smoothing"] == 0.6
    page.get_by_test_id("run-filter").blur()

    # Previous / next step of the image card under the pointer.
    open_tab(page, board.url, "images")
    image_card = page.locator('[data-testid="image-card"]').first
    slider = image_card.get_by_test_id("step-slider")
    expect(slider).to_have_attribute("data-step", "40")
    image_card.hover()
    page.keyboard.press("[")
    expect(slider).to_have_attribute("data-step", "30")
    page.keyboard.press("[")
    expect(slider).to_have_attribute("data-step", "20")
    page.keyboard.press("]")
    expect(slider).to_have_attribute("data-step", "30")
    wait_quiet(page)
    shot(page, tmp_path, "keyboard-image-step")

    # "p" pins the card under the pointer (the pinned cards' command), and unpins it.
    pin = image_card.get_by_test_id("card-pin").first
    expect(pin).to_have_attribute("aria-pressed", "false")
    image_card.hover()
    page.keyboard.press("p")
    expect(pin).to_have_attribute("aria-pressed", "true")
    image_card.hover()
    page.keyboard.press("p")
    expect(pin).to_have_attribute("aria-pressed", "false")


def test_cards_say_they_are_loading_and_what_failed(page: Page, board: BoardProcess,
                                                    tmp_path: Path) -> None:
    # Requests for scalars are held, then answered with an error, then let through.
    mode = {"now": "hold"}
    held: list[Route] = []
    failing = {"error": {"code": "internal", "message": "the disk is on fire"}}

    def fail(route: Route) -> None:
        route.fulfill(status=500, content_type="application/json", body=json.dumps(failing))

    def handle(route: Route) -> None:
        if mode["now"] == "hold":
            held.append(route)
        elif mode["now"] == "fail":
            fail(route)
        else:
            route.continue_()

    page.route(re.compile(r"/api/scalars\?"), handle)
    page.goto(board.url)
    loss = card_locator(page, "loss")
    expect(loss).to_have_attribute("data-state", "loading")
    expect(loss.get_by_test_id("card-status")).to_have_text("Loading…")
    shot(page, tmp_path, "card-loading")

    mode["now"] = "fail"
    for route in held:
        fail(route)
    expect(loss).to_have_attribute("data-state", "error")
    status = loss.get_by_test_id("card-status")
    expect(status).to_have_text("Could not load loss: the disk is on fire")
    retry = loss.get_by_test_id("card-retry")
    expect(retry).to_be_visible()
    shot(page, tmp_path, "card-error")

    mode["now"] = "pass"
    retry.click()
    expect(loss).to_have_attribute("data-state", "ready")
    expect(loss.get_by_test_id("card-status")).to_have_text("")
    expect(retry).to_have_count(0)
